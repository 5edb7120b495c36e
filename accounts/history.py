"""The History tab's read side: every recorded change to an account and what hangs off it, and the
registry through which other apps add their own records (accounts cannot import them)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import versions
from accounts.models import (
    Account,
    AccountTeamMember,
    Complaint,
    Stakeholder,
    StakeholderNeed,
    StakeholderPrivateNote,
    Tier,
)
from accounts.versions import FieldChange

User = get_user_model()


@dataclass
class HistoryEntry:
    when: datetime
    who: object
    subject_kind: str
    subject: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""  # why, when the change said (an import's file, a restore's version)
    compare_url: str = ""  # the earlier version beside the record now, to put fields back


ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
SUBJECT_KINDS = {
    "account": _("Account"),
    "team": _("Team"),
    "complaint": _("Complaint"),
    "stakeholder": _("Stakeholder"),
    "need": _("Need"),
    "private_note": _("Private note"),
}


# Other apps add their own records to the History tab (accounts cannot import them): each source
# is a function of the account returning HistoryEntry rows in one query, registered from the
# app's AppConfig.ready().
HISTORY_SOURCES: list = []


def register_history_source(source) -> None:
    if source not in HISTORY_SOURCES:
        HISTORY_SOURCES.append(source)


def _tracked_fields(model) -> list:
    return [
        f
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False)
        and not f.primary_key
        and f.name not in {"account", "stakeholder"}
    ]


def account_history(account: Account, *, include_private_notes: bool = False) -> list[HistoryEntry]:
    """Every recorded change to the account, its team, its complaints and its stakeholders with
    their needs, and what other apps register (HISTORY_SOURCES), newest first. Private-note
    changes only with include_private_notes (the account team: can_see_private_notes)."""
    stakeholder_ids = Stakeholder.history.filter(account_id=account.pk).values("id")
    sources = [
        ("account", Account, account.history.select_related("history_user")),
        (
            "team",
            AccountTeamMember,
            AccountTeamMember.history.filter(account_id=account.pk).select_related("history_user"),
        ),
        (
            "complaint",
            Complaint,
            Complaint.history.filter(account_id=account.pk).select_related("history_user"),
        ),
        (
            "stakeholder",
            Stakeholder,
            Stakeholder.history.filter(account_id=account.pk).select_related("history_user"),
        ),
        (
            "need",
            StakeholderNeed,
            StakeholderNeed.history.filter(stakeholder_id__in=stakeholder_ids).select_related(
                "history_user"
            ),
        ),
    ]
    if include_private_notes:
        notes = StakeholderPrivateNote.history.filter(stakeholder_id__in=stakeholder_ids)
        sources.append(
            ("private_note", StakeholderPrivateNote, notes.select_related("history_user"))
        )
    loaded = []
    users: dict[int, User] = {}
    labels: dict[tuple[type, object], str] = {}  # (model, pk) → how it reads, for versions.shown
    has_people = False  # no stakeholder ever: no needs or notes to look for (saves 2 queries)
    for kind, model, history in sources:
        recorded = {f.name for f in history.model._meta.fields}
        fields = [f for f in _tracked_fields(model) if f.name in recorded]
        # People and tiers named in the changes come joined to the history rows, not queried apart.
        joined = [f for f in fields if f.is_relation and f.related_model in (User, Tier)]
        if kind in {"need", "private_note"} and not has_people:
            records = []
        else:
            if joined:
                history = history.select_related(*(f.name for f in joined))
            records = list(history.order_by("history_date", "history_id"))
        has_people = has_people or (kind == "stakeholder" and bool(records))
        for record in records:
            for f in joined:
                related = getattr(record, f.name)
                if related is None:
                    continue
                if f.related_model is User:
                    users[related.pk] = related
                labels[(f.related_model, related.pk)] = str(related)
        loaded.append((kind, model, fields, records))
    people = {
        record.id: record.name
        for kind, _model, _fields, records in loaded
        if kind == "stakeholder"
        for record in records
    }
    labels.update({(Stakeholder, pk): name for pk, name in people.items()})

    entries = []
    for kind, _model, fields, records in loaded:
        previous_by_object = {}
        history_fields = [f for f in fields if f.name not in {"created_at"}]
        for record in records:
            previous = previous_by_object.get(record.id)
            changes = []
            for f in history_fields:
                new = getattr(record, f.attname)
                old = getattr(previous, f.attname) if previous is not None else None
                if previous is not None and old == new:
                    continue
                if previous is None and new in (None, "", False) and record.history_type == "+":
                    continue
                if record.history_type == "-":
                    continue
                changes.append(
                    FieldChange(
                        label=str(f.verbose_name).capitalize(),
                        old=versions.shown(f, old, labels) if previous is not None else "",
                        new=versions.shown(f, new, labels),
                    )
                )
            previous_by_object[record.id] = record
            if record.history_type == "~" and not changes:
                continue
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=record.history_user,
                    subject_kind=str(SUBJECT_KINDS[kind]),
                    subject=_subject(kind, record, users, people),
                    action=str(ACTIONS[record.history_type]),
                    changes=changes,
                    reason=versions.restore_reason_text(record.history_change_reason),
                    compare_url=_compare_url(kind, account, record),
                )
            )
    for source in HISTORY_SOURCES:
        entries.extend(source(account))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _compare_url(kind, account, record) -> str:
    """Where an earlier version of the account or of a person is compared with now and put back."""
    if record.history_type == "-":
        return ""
    if kind == "account":
        return reverse("accounts:history_version", args=[account.pk, record.history_id])
    if kind == "stakeholder":
        return reverse(
            "accounts:stakeholder_version", args=[account.pk, record.id, record.history_id]
        )
    return ""


def _subject(kind, record, users, people=None) -> str:
    if kind == "stakeholder":
        return record.name
    if kind == "need":
        return record.description
    if kind == "private_note":
        return str((people or {}).get(record.stakeholder_id, record.stakeholder_id))
    if kind == "account":
        return record.name
    if kind == "team":
        return str(users.get(record.user_id, record.user_id))
    return record.title
