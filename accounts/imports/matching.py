"""What the planners of each kind share: the per-row result, the plan, and the steps every
planner takes (looking keys up in chunks, the user's editable accounts, duplicates in the file,
deciding between create, update and unchanged)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from accounts.access import accounts_on_team, is_admin, sees_every_account, visible_accounts
from accounts.imports.fields import ACCOUNTS, Field
from accounts.translatable import Message

CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"
ACTIONS = (CREATE, UPDATE, UNCHANGED, REJECT)
CHUNK = 5000  # keys per lookup query


@dataclass
class RowResult:
    line_number: int
    action: str = CREATE
    errors: list[tuple[str, str]] = field(default_factory=list)  # in the active language
    # The same as messages (accounts.translatable), for the stored report: read in the reader's
    # language, not the language of the check.
    reasons: list[tuple[str, object]] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    pk: int | None = None
    changed: list[str] = field(default_factory=list)  # field keys an update changes
    data: dict = field(default_factory=dict, repr=False)  # parsed cells by field key
    # Warnings that do not stop the row, as (code, values) so the report is worded in the
    # reader's language: ("tier_rules", {"tier": id, "rule_tier": id, "value": "0"}).
    notes: list[tuple[str, dict]] = field(default_factory=list)

    def names(self, kind: str) -> dict[str, str]:
        """What tells a reader which record the row is: its account's name, and the order number
        of a transaction or the name of a stakeholder."""
        data = self.data
        account = data.get("account_name") or data.get("account") or ""
        if kind == ACCOUNTS:
            account = data.get("name") or ""
        names = {
            "account": account or data.get("account_external_id") or data.get("external_id"),
            "detail": "" if kind == ACCOUNTS else data.get("reference") or data.get("name"),
        }
        return {key: str(value) for key, value in names.items() if value}

    def reject(self, field_key: str, message: str) -> None:
        self.errors.append((field_key, str(message)))
        self.reasons.append((field_key, message))
        self.action = REJECT


@dataclass
class Plan:
    kind: str
    rows: list[RowResult]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(row.action == REJECT for row in self.rows)


# --- Shared steps --------------------------------------------------------------------------------


def chunks(values):
    values = sorted(values, key=str)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def fetch(queryset, lookup: str, keys, *names) -> list[dict]:
    found: list[dict] = []
    for chunk in chunks(keys):
        found.extend(queryset.filter(**{lookup: chunk}).values(*names))
    return found


def editable_accounts(user, pks) -> set[int]:
    """Which of these accounts the user may import into: admins any; others those they see and
    are on the team of (a director who also manages accounts sees all but edits only theirs)."""
    if is_admin(user):
        return set(pks)
    scope = accounts_on_team(user) if sees_every_account(user) else visible_accounts(user)
    editable: set[int] = set()
    for chunk in chunks(pks):
        editable.update(scope.filter(pk__in=chunk).values_list("pk", flat=True))
    return editable


def reject_duplicate(row: RowResult, field_key: str, value, first_line: int) -> None:
    row.reject(
        field_key,
        Message(
            gettext_noop(
                "Line %(line)s already has “%(value)s”; each record may be in the file once."
            )
        )
        % {"line": first_line, "value": value},
    )


def settle(row: RowResult, fields: dict[str, Field], existing: dict | None, extra: dict) -> None:
    """Turn a matched (or new) row into create / update / unchanged, or reject what is missing."""
    stored = {key: fields[key].attr for key in row.data if key in fields and fields[key].attr}
    row.values = {attr: row.data[key] for key, attr in stored.items()} | extra
    if existing is None:
        for key, item in fields.items():
            if item.required_new and key not in row.data:
                message = Message(gettext_noop("%(field)s is required for a new record.")) % {
                    "field": item.label
                }
                row.reject(key, message)
        return
    row.pk = existing["pk"]
    row.changed = [key for key, attr in stored.items() if existing.get(attr) != row.data[key]]
    row.action = UPDATE if row.changed else UNCHANGED


def report_entries(report: list) -> list[tuple]:
    """A stored report's rows as (line, action, reasons, changed, names, notes); reports written
    before the rows named their record and kept their warnings have no names and no notes."""
    return [
        (*entry[:4], entry[4] if len(entry) > 4 else {}, entry[5] if len(entry) > 5 else [])
        for entry in report
    ]
