"""Planning stakeholders and transactions: rows that belong to an existing account, named in the
file by its external ID or its exact name, among the accounts the user may edit."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_noop

from accounts.imports.matching import (
    REJECT,
    RowResult,
    chunks,
    editable_accounts,
    fetch,
    reject_duplicate,
    settle,
)
from accounts.models import Account, Stakeholder, Transaction
from accounts.translatable import Message

# --- Stakeholders and transactions: rows that belong to an existing account ----------------------


def _resolve_accounts(rows: list[RowResult], user) -> None:
    """Put the pk of each row's account in row.data["account_id"], or reject the row. Only the
    user's editable accounts are considered, so a message never tells whose an account is."""
    external_ids = {row.data[key] for row in rows for key in ("account_external_id", "account")
                    if row.data.get(key)}  # fmt: skip
    names = {row.data["account"] for row in rows if row.data.get("account")}
    found = {
        record["pk"]: record
        for record in fetch(Account.objects, "external_id__in", external_ids, "pk", "name",
                             "external_id")
        + fetch(Account.objects, "name__in", names, "pk", "name", "external_id")
    }  # fmt: skip
    editable = editable_accounts(user, found)
    by_external_id, by_name = {}, defaultdict(list)
    for pk in editable:
        record = found[pk]
        if record["external_id"]:
            by_external_id[record["external_id"]] = pk
        by_name[record["name"]].append(pk)

    for row in rows:
        if row.action == REJECT:
            continue
        external_id, name = row.data.get("account_external_id"), row.data.get("account")
        if external_id:
            pk = by_external_id.get(external_id)
            if pk is None:
                row.reject("account_external_id", _not_found(external_id))
                continue
        elif name in by_external_id:
            pk = by_external_id[name]
        elif len(by_name.get(name, ())) == 1:
            pk = by_name[name][0]
        else:
            message = (
                Message(
                    gettext_noop(
                        "Several of your accounts are called “%(value)s”; use the account's "
                        "external ID."
                    )
                )
                % {"value": name}
                if by_name.get(name)
                else _not_found(name)
            )
            row.reject("account", message)
            continue
        row.data["account_id"] = pk
        row.data["account_name"] = found[pk]["name"]


def plan_stakeholders(rows: list[RowResult], user, fields) -> None:
    _resolve_accounts(rows, user)
    keys = {(row.data["account_id"], row.data["name"]) for row in rows if row.action != REJECT}
    existing = defaultdict(list)
    attrs = ["pk", "account_id"] + [item.attr for item in fields.values() if item.attr]
    for chunk in chunks(keys):
        stakeholders = Stakeholder.objects.filter(
            account_id__in={account for account, _name in chunk},
            name__in={name for _account, name in chunk},
        ).values(*attrs)
        for record in stakeholders:
            existing[(record["account_id"], record["name"])].append(record)

    first_line: dict[tuple, int] = {}
    for row in rows:
        if row.action == REJECT:
            continue
        key = (row.data["account_id"], row.data["name"])
        if key in first_line:
            reject_duplicate(row, "name", row.data["name"], first_line[key])
            continue
        first_line[key] = row.line_number
        if len(existing[key]) > 1:
            row.reject(
                "name",
                Message(
                    gettext_noop(
                        "This account has several stakeholders called “%(name)s”; edit them in KAM."
                    )
                )
                % {"name": row.data["name"]},
            )
            continue
        matches = existing.get(key)
        settle(row, fields, matches[0] if matches else None, {"account_id": key[0]})


def plan_transactions(rows: list[RowResult], user, fields) -> None:
    _resolve_accounts(rows, user)
    valid = [row for row in rows if row.action != REJECT]
    attrs = ["pk", "account_id"] + [item.attr for item in fields.values() if item.attr]
    by_reference, by_day = defaultdict(list), defaultdict(list)
    for lookup, keys in (
        ("reference", {(r.data["account_id"], r.data["reference"]) for r in valid
                       if r.data.get("reference")}),
        ("date", {(r.data["account_id"], r.data["date"]) for r in valid
                  if not r.data.get("reference")}),
    ):  # fmt: skip
        for chunk in chunks(keys):
            for record in Transaction.objects.filter(
                account_id__in={account for account, _value in chunk},
                **{f"{lookup}__in": {value for _account, value in chunk}},
            ).values(*attrs):
                if lookup == "reference":
                    by_reference[(record["account_id"], record["reference"])].append(record)
                else:
                    day = (record["account_id"], record["date"], record["amount"])
                    by_day[day].append(record)

    first_line: dict[tuple, int] = {}
    for row in valid:
        data = row.data
        if data.get("reference"):
            key, key_field = (data["account_id"], data["reference"]), "reference"
            matches, shown = by_reference.get(key, []), data["reference"]
        else:
            key, key_field = (data["account_id"], data["date"], data["amount"]), "date"
            matches, shown = by_day.get(key, []), f"{data['date']} · {data['amount']}"
        if key in first_line:
            reject_duplicate(row, key_field, shown, first_line[key])
            continue
        first_line[key] = row.line_number
        if len(matches) > 1:
            row.reject(
                key_field,
                Message(gettext_noop(
                    "This account has several transactions matching “%(value)s”; give each "
                    "row its order number."
                )) % {"value": shown},
            )  # fmt: skip
            continue
        match = matches[0] if matches else None
        settle(row, fields, match, {"account_id": data["account_id"]})
        if row.action != REJECT:
            _check_transaction(row, match or {})


def _check_transaction(row: RowResult, stored: dict) -> None:
    """The database's rules on a transaction, checked on the values it would end up with."""
    final = {**stored, **row.values}
    amount, margin = final.get("amount"), final.get("gross_margin")
    returned, ordered, paid = final.get("returned_amount"), final.get("date"), final.get("paid_on")
    if amount is not None and margin is not None and margin > amount:
        row.reject(
            "gross_margin",
            Message(gettext_noop("The gross margin %(margin)s is more than the amount %(amount)s."))
            % {"margin": margin, "amount": amount},
        )
    if amount is not None and returned is not None and returned > amount:
        row.reject(
            "returned_amount",
            Message(
                gettext_noop("The returned amount %(returned)s is more than the amount %(amount)s.")
            )
            % {"returned": returned, "amount": amount},
        )
    if ordered is not None and paid is not None and paid < ordered:
        row.reject(
            "paid_on",
            Message(gettext_noop("Paid on %(paid)s, before the order date %(date)s."))
            % {"paid": paid.isoformat(), "date": ordered.isoformat()},
        )


def _not_found(value: str) -> str:
    """One answer for an account that does not exist and one the user may not edit, so that a
    dry run tells nothing of others' accounts (DESIGN.md §3)."""
    return Message(gettext_noop("“%(value)s” is not found among the accounts you may edit.")) % {
        "value": value
    }
