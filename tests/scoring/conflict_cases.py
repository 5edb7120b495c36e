"""The scoring app's edit routes, for tests/kam/test_edit_conflicts.py (tests/conflict_checks.py
says how a case runs). Each CASES entry builds two people's edits of one record; NOT_EDITS
says why each other route of the app needs no case."""

CASES = {}

NOT_EDITS = {}
