"""Reads of imports: whose jobs a user sees, a job's per-row report as the page shows it, and the
imports that touched an account (its History tab)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts import outbox
from accounts.access import is_admin
from accounts.history import HistoryEntry
from accounts.imports.fields import fields_for
from accounts.imports.matching import CREATE, REJECT, UNCHANGED, UPDATE, report_entries
from accounts.models import Account, ImportedAccount, ImportJob, Tier
from accounts.models.imports import WAITING
from accounts.translatable import render
from accounts.versions import FieldChange

ACTION_LABELS = {
    CREATE: pgettext_lazy("import row", "Create"),
    UPDATE: pgettext_lazy("import row", "Update"),
    UNCHANGED: pgettext_lazy("import row", "Unchanged"),
    REJECT: pgettext_lazy("import row", "Rejected"),
}
ACTION_BADGES = {
    CREATE: "text-bg-success",
    UPDATE: "text-bg-primary",
    UNCHANGED: "text-bg-light border",
    REJECT: "text-bg-danger",
}
ACTION_FILTERS = {
    "": gettext_lazy("All rows"),
    REJECT: gettext_lazy("Rejected"),
    CREATE: gettext_lazy("To create"),
    UPDATE: gettext_lazy("To update"),
    UNCHANGED: gettext_lazy("Unchanged"),
}


def import_action_labels() -> dict[str, str]:
    return {action: str(label) for action, label in ACTION_LABELS.items()}


def import_jobs(user):
    """The imports a user may look at: admins every one (the audit), others their own."""
    jobs = ImportJob.objects.select_related("user").defer("content", "report", "preview")
    return jobs if is_admin(user) else jobs.filter(user=user)


def get_import_job_or_404(user, pk) -> ImportJob:
    try:
        # The file (up to 30 MB) is read only by the report's download, which loads it then.
        jobs = ImportJob.objects.select_related("user").defer("content")
        return jobs.get(pk=pk, **_scope(user))
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# What the progress poll (every second, per open page) reads of a job: its state and the row
# count, never the file or the report (megabytes at 200,000 rows).
PROGRESS_FIELDS = ("pk", "user_id", "kind", "status", "row_count", "attempt", "heartbeat_at",
                   "queued_at", "interrupted_in", "file_deleted_at")  # fmt: skip


def get_import_progress_or_404(user, pk) -> ImportJob:
    try:
        return ImportJob.objects.only(*PROGRESS_FIELDS).get(pk=pk, **_scope(user))
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _scope(user) -> dict:
    return {} if is_admin(user) else {"user": user}


@dataclass(frozen=True)
class ReportProblem:
    field: str
    message: str


@dataclass(frozen=True)
class ReportRow:
    line: int
    action: str
    label: str
    badge: str
    problems: list[ReportProblem]
    changed: list[str]
    account: str = ""
    detail: str = ""  # a transaction's order number, a stakeholder's name
    warnings: list[str] = ()


def _note_text(code: str, values: dict, tier_names: dict) -> str:
    """A stored warning, worded in the reader's language."""
    if code == "tier_rules":
        return _(
            "The tier rules give this account %(rule_tier)s (its value over the last 12 months: "
            "%(value)s), not %(tier)s: the next time the rules are applied, it moves to "
            "%(rule_tier)s."
        ) % {
            "tier": tier_names.get(values.get("tier"), "—"),
            "rule_tier": tier_names.get(values.get("rule_tier"), "—"),
            "value": number_format(
                Decimal(values.get("value") or 0), decimal_pos=2, force_grouping=True
            ),
        }
    return code


def report_page(job: ImportJob, action: str = "", page_number=None, per_page: int = 100):
    """One page of the dry run's rows (those with `action` only, when given), described for the
    page; only the rows shown are turned into ReportRows, whatever the size of the file."""
    entries = [entry for entry in report_entries(job.report) if not action or entry[1] == action]
    page = Paginator(entries, per_page).get_page(page_number)
    fields = fields_for(job.kind)

    def label(key):
        return str(fields[key].label) if key in fields else key

    noted = any(entry[5] for entry in page.object_list)
    tier_names = {tier.pk: tier.label for tier in Tier.objects.all()} if noted else {}
    page.object_list = [
        ReportRow(
            line=line,
            action=row_action,
            label=str(ACTION_LABELS[row_action]),
            badge=ACTION_BADGES[row_action],
            problems=[ReportProblem(label(key), render(message)) for key, message in errors],
            changed=[label(key) for key in changed],
            account=names.get("account", ""),
            detail=names.get("detail", ""),
            warnings=[_note_text(code, values, tier_names) for code, values in notes],
        )
        for line, row_action, errors, changed, names, notes in page.object_list
    ]
    return page


def mapping_choices(kind: str) -> list[tuple[str, str]]:
    return [("", _("— not imported —"))] + [
        (item.key, str(item.label)) for item in fields_for(kind).values()
    ]


# --- History --------------------------------------------------------------------------------------

RECORD_WORDS = {
    "accounts": (gettext_lazy("Account created"), gettext_lazy("Account updated")),
    "stakeholders": (gettext_lazy("Stakeholders created"), gettext_lazy("Stakeholders updated")),
    "transactions": (gettext_lazy("Transactions created"), gettext_lazy("Transactions updated")),
}


def import_history(account: Account) -> list[HistoryEntry]:
    """One entry per import that created or changed records of the account (one query)."""
    entries = []
    touched = ImportedAccount.objects.filter(account=account).select_related("job__user")
    for item in touched.defer("job__content", "job__report", "job__preview"):
        created_words, updated_words = RECORD_WORDS[item.job.kind]
        changes = [
            FieldChange(label=str(words), old="", new=str(count))
            for words, count in ((created_words, item.created), (updated_words, item.updated))
            if count
        ]
        entries.append(
            HistoryEntry(
                when=item.job.finished_at or item.job.created_at,
                who=item.job.user,
                subject_kind=str(_("Import")),
                subject=item.job.file_name,
                action=str(pgettext_lazy("history", "imported")),
                changes=changes,
            )
        )
    return entries


def waits_for_broker(job: ImportJob) -> bool:
    """The job's step is saved but its task waits in the outbox: the broker (Redis) could not be
    reached, and the relay sends it once it is back (accounts.outbox)."""
    return job.state == WAITING and outbox.is_waiting(
        "accounts.tasks.run_import_step", job.pk, job.attempt
    )
