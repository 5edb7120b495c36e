"""Earlier versions of one record, from its history (simple_history): list them, compare one with
the record as it is now, and read the values of the fields a person chooses to put back.

Putting fields back is an ordinary edit through the record's own service, with the version the
comparison page was loaded at (so it is refused if someone saved the record since, like any stale
form) and a change reason naming the version, so the History tab says "Restored from the version
of …" (RESTORE_REASON, read back by `restore_reason_text`).

Used for accounts and stakeholders here and for account plans in planning; each page lists the
fields it shows and which of them its service may write.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

RESTORE_REASON = "restored:{history_id}:{when}"


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Version:
    history_id: int
    when: datetime.datetime
    who: object
    action: str  # "+" created, "~" changed, "-" deleted
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    compare_url: str = ""


@dataclass(frozen=True)
class ComparedField:
    name: str
    label: str
    then: str
    now: str
    differs: bool
    restorable: bool


def tracked_fields(model, exclude=()) -> list:
    """The fields of `model` its history keeps and a person edits (not keys, stamps, versions,
    nor the account a record hangs off)."""
    kept = {f.name for f in model.history.model._meta.fields}
    skipped = {"id", "account", "row_version", "created_at", "updated_at", *exclude}
    return [
        f
        for f in model._meta.concrete_fields
        if f.name in kept and f.name not in skipped and not f.primary_key
    ]


def related_labels(fields, records) -> dict[tuple[type, object], str]:
    """How each related object named by `records` reads (a person's name, a tier's label): one
    query per related model, whatever the number of records."""
    wanted: dict[type, set] = {}
    for f in fields:
        if f.is_relation:
            ids = {getattr(record, f.attname) for record in records}
            wanted.setdefault(f.related_model, set()).update(i for i in ids if i is not None)
    labels: dict[tuple[type, object], str] = {}
    for model, ids in wanted.items():
        for pk, obj in model._base_manager.in_bulk(ids).items():
            labels[(model, pk)] = str(obj)
    return labels


def shown(f, value, labels) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "":
        return "—"
    if f.is_relation:
        return labels.get((f.related_model, value), "—")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    # As pages show them: amounts grouped ("3,877.00", not "3877.00"), dates in the one format.
    if isinstance(value, Decimal):
        return number_format(value, force_grouping=True)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def versions(
    history, fields, compare_url: Callable[[int], str] = lambda history_id: ""
) -> list[Version]:
    """Every version of one record (`history`: its history rows), newest first, each with the
    fields it changed and the address of its comparison with now (`compare_url(history_id)`).
    One query for the rows and one per related model."""
    records = list(history.select_related("history_user").order_by("history_date", "history_id"))
    labels = related_labels(fields, records)
    found, previous = [], None
    for record in records:
        changes = []
        for f in fields:
            new = getattr(record, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is not None and old == new:
                continue
            if previous is None and new in (None, "", False):
                continue
            changes.append(
                FieldChange(
                    label=_label(f),
                    old=shown(f, old, labels) if previous is not None else "",
                    new=shown(f, new, labels),
                )
            )
        previous = record
        if record.history_type == "~" and not changes:
            continue
        found.append(
            Version(
                history_id=record.history_id,
                when=record.history_date,
                who=record.history_user,
                action=record.history_type,
                reason=restore_reason_text(record.history_change_reason),
                changes=changes,
                compare_url=compare_url(record.history_id),
            )
        )
    found.reverse()
    return found


def version_of(model, pk, history_id):
    """The history row `history_id` of record `pk`, or None (another record's, or no such row)."""
    try:
        history_id = int(history_id)
    except (TypeError, ValueError):
        return None
    return model.history.filter(id=pk, history_id=history_id).select_related("history_user").first()


def compare(then, current: Model, fields, restorable: set[str]) -> list[ComparedField]:
    """Each field of an earlier version beside its value now; `restorable` names the fields the
    record's service may put back for this person."""
    labels = related_labels(fields, [then, current])
    rows = []
    for f in fields:
        old, new = getattr(then, f.attname), getattr(current, f.attname)
        rows.append(
            ComparedField(
                name=f.name,
                label=_label(f),
                then=shown(f, old, labels),
                now=shown(f, new, labels),
                differs=old != new,
                restorable=old != new and f.name in restorable,
            )
        )
    return rows


def check_chosen(chosen: set[str], restorable: set[str]) -> None:
    """The fields a person ticked must be ones they may put back."""
    if not chosen or not chosen <= restorable:
        raise ValidationError({"fields_to_restore": _("Choose fields that can be put back.")})


def values_of(then, fields, names) -> dict:
    """The earlier version's values of the chosen fields, as the record's service takes them (a
    related object for a foreign key; None when it no longer exists)."""
    values = {}
    for f in fields:
        if f.name not in names:
            continue
        value = getattr(then, f.attname)
        if f.is_relation and value is not None:
            value = f.related_model._base_manager.filter(pk=value).first()
        values[f.name] = value
    return values


def restore_reason(then) -> str:
    """The change reason stored with a restore (kept in no language: shown in the reader's)."""
    return RESTORE_REASON.format(history_id=then.history_id, when=then.history_date.isoformat())


def restore_reason_text(reason: str | None) -> str:
    """A stored change reason as a person reads it: restores are described in their language."""
    if not reason:
        return ""
    if not reason.startswith("restored:"):
        return reason
    _prefix, _history_id, when = reason.split(":", 2)
    moment = parse_datetime(when)
    if moment is None:
        return reason
    return _("Restored from the version of %(when)s") % {
        "when": date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    }


def _label(f) -> str:
    label = str(f.verbose_name)
    return label[:1].upper() + label[1:]
