"""The dry run of an import: what each row of the file would do — create, update, leave unchanged
or reject, and why — without writing anything.

A row is matched by a stable key so that importing the same file twice changes nothing:
accounts by external ID when the row has one (else by exact name), stakeholders by account and
name, transactions by account and order number (else account, date and amount). Every lookup is
made for the whole file at once, in chunks of `matching.CHUNK` keys, so the number of queries
does not grow with the rows of an ordinary file.

Only accounts the user may edit are matched: a manager's rows never reach another manager's
accounts, and a row whose key belongs to an account they cannot see is rejected without saying
whose it is. An empty cell leaves the stored value as it is; it never clears it.

`RowResult.values` holds what the write step stores, by model attribute (`tier_id`,
`is_listed`, `account_id`, `owner_id`…); `pk` is the matched record for updates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.access import can_import, is_admin
from accounts.imports.cells import Context, FieldError, normalise
from accounts.imports.fields import ACCOUNTS, STAKEHOLDERS, Field, fields_for
from accounts.imports.matching import (
    ACTIONS,
    CREATE,
    REJECT,
    UNCHANGED,
    UPDATE,
    Plan,
    RowResult,
    editable_accounts,
    fetch,
    reject_duplicate,
    settle,
)
from accounts.imports.reading import Table
from accounts.imports.related import plan_stakeholders, plan_transactions
from accounts.models import Account, Category, Tier
from accounts.translatable import Message

__all__ = ["ACTIONS", "CREATE", "REJECT", "UNCHANGED", "UPDATE", "Plan", "RowResult", "plan_import"]


# The tier rules live in scoring, which registers them here from its AppConfig.ready()
# (imports run scoring → planning → accounts): called with {line: account pk, or None for an
# account the import creates}, it returns {line: (tier id the rules give, value they go by)}.
_rule_tiers: list[Callable[[dict[int, int | None]], dict[int, tuple[int, object]]]] = []


def register_rule_tiers(function) -> None:
    if function not in _rule_tiers:
        _rule_tiers.append(function)


def _note_tiers_the_rules_contradict(rows: list[RowResult]) -> None:
    """A tier from the file that the tier rules would change at their next run is kept, with a
    warning on its row of the dry run."""
    tiered = [row for row in rows if row.action != REJECT and "tier" in row.data]
    if not tiered:
        return
    accounts = {row.line_number: row.pk for row in tiered}
    for rule_tiers in _rule_tiers:
        given = rule_tiers(accounts)
        for row in tiered:
            rule_tier, value = given.get(row.line_number, (None, None))
            if rule_tier is not None and rule_tier != row.data["tier"]:
                values = {"tier": row.data["tier"], "rule_tier": rule_tier, "value": str(value)}
                row.notes.append((TIER_RULES_NOTE, values))


TIER_RULES_NOTE = "tier_rules"


def plan_import(kind: str, table: Table, mapping: dict, *, user, today: date | None = None):
    """The dry run of `table` as `kind` (fields.KINDS), with `mapping` column index → field key
    (guess_mapping's or the user's). PermissionDenied for a user who may not import."""
    if not can_import(user):
        raise PermissionDenied
    today = today or timezone.localdate()
    fields = fields_for(kind)
    columns: list[tuple[int, Field]] = []
    # A mapping posted by a form may carry the column numbers as text.
    for index, key in sorted((int(index), key) for index, key in mapping.items() if key):
        if key in fields and all(key != item.key for _index, item in columns):
            columns.append((index, fields[key]))
    mapped = {item.key for _index, item in columns}
    context = _context(today, with_tiers=kind == ACCOUNTS and "tier" in mapped)
    rows = [
        _parse(line_number, cells, columns, fields, context)
        for line_number, cells in zip(table.line_numbers, table.rows, strict=True)
    ]
    planners = {ACCOUNTS: _plan_accounts, STAKEHOLDERS: plan_stakeholders}
    planners.get(kind, plan_transactions)(rows, user, fields)
    if kind == ACCOUNTS:
        _note_tiers_the_rules_contradict(rows)
    return Plan(kind=kind, rows=rows)


def _context(today: date, *, with_tiers: bool) -> Context:
    if not with_tiers:
        return Context(today=today)
    tiers: dict[str, int] = {}
    names = []
    for tier in Tier.objects.all():
        # "黄金" is as clear as the tier's full name "黄金客户".
        short = tier.name_zh_hans.removesuffix("客户")
        for word in (tier.code, tier.name, tier.name_zh_hans, short):
            if word:
                tiers.setdefault(normalise(word), tier.pk)
        names.append(tier.label)
    return Context(today=today, tiers=tiers, tier_names=tuple(names))


def _parse(line_number, cells, columns, fields, context) -> RowResult:
    row = RowResult(line_number=line_number)
    for index, item in columns:
        value = cells[index] if index < len(cells) else None
        if value is None or value == "":
            continue
        try:
            row.data[item.key] = item.parse(value, context)
        except FieldError as error:
            row.reject(item.key, error.stored)
    failed = {key for key, _message in row.errors}
    for key, item in fields.items():
        if item.required and key not in row.data and key not in failed:
            row.reject(key, Message(gettext_noop("%(field)s is required.")) % {"field": item.label})
    reference = {"account", "account_external_id"}
    if "account" in fields and not row.data.keys() & reference and not failed & reference:
        row.reject(
            "account",
            Message(gettext_noop("%(field)s is required.")) % {"field": fields["account"].label},
        )
    return row


# --- Accounts ------------------------------------------------------------------------------------

ACCOUNT_ATTRS = (
    *("pk", "owner_id", "name", "external_id", "legal_name", "industry", "region", "category"),
    *("tier_id", "employees", "annual_revenue", "is_listed", "website"),
)


def _plan_accounts(rows: list[RowResult], user, fields) -> None:
    external_ids = {row.data["external_id"] for row in rows if row.data.get("external_id")}
    names = {row.data["name"] for row in rows if row.data.get("name")}
    found = {
        record["pk"]: record
        for record in fetch(Account.objects, "external_id__in", external_ids, *ACCOUNT_ATTRS)
        + fetch(Account.objects, "name__in", names, *ACCOUNT_ATTRS)
    }
    editable = editable_accounts(user, found)
    by_external_id = {record["external_id"]: record for record in found.values()}
    by_name = defaultdict(list)
    for record in found.values():
        by_name[record["name"]].append(record)
    owner = None if is_admin(user) else user.pk

    first_line_of_key: dict[tuple, int] = {}
    first_line_of_pk: dict[int, int] = {}
    for row in rows:
        if row.action == REJECT:
            continue
        external_id, name = row.data.get("external_id"), row.data["name"]
        key_field, key = ("external_id", external_id) if external_id else ("name", name)
        if (key_field, key) in first_line_of_key:
            reject_duplicate(row, key_field, key, first_line_of_key[(key_field, key)])
            continue
        first_line_of_key[(key_field, key)] = row.line_number

        match = by_external_id.get(external_id) if external_id else None
        if match is not None and match["pk"] not in editable:
            # The one thing a file may learn of others' accounts (DESIGN.md §3): creating the
            # row would break the external ID's unique key. Whose account it is stays unsaid.
            row.reject("external_id", Message(gettext_noop("This external ID is already in use.")))
            continue
        if match is None:
            named = by_name.get(name, [])
            if external_id:  # not known yet: an account of that name without one gets it
                named = [record for record in named if not record["external_id"]]
            mine = [record for record in named if record["pk"] in editable]
            if len(mine) > 1:
                row.reject(
                    "name",
                    Message(gettext_noop(
                        "Several of your accounts are called “%(name)s”; add an external ID "
                        "column to tell them apart."
                    )) % {"name": name},
                )  # fmt: skip
                continue
            match = mine[0] if mine else None

        if match is not None:
            if match["pk"] in first_line_of_pk:
                reject_duplicate(row, key_field, key, first_line_of_pk[match["pk"]])
                continue
            first_line_of_pk[match["pk"]] = row.line_number
        settle(row, fields, match, {} if match else {"owner_id": owner})
        category = row.data.get("category", match["category"] if match else Category.NORMAL)
        has_owner = (match["owner_id"] if match else owner) is not None
        if category == Category.KEY and not has_owner:
            row.reject(
                "category",
                Message(gettext_noop(
                    "A key account must have an account manager; import it with another "
                    "category and assign one first."
                )),
            )  # fmt: skip
