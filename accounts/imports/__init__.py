"""Spreadsheet import of accounts, stakeholders and transactions (issue 8): the pure core.

reading.read_table turns an upload into a Table; fields.guess_mapping proposes which column is
which field; dry_run.plan_import is the dry run, row by row, without writing anything.
"""
