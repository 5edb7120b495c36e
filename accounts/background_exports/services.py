"""Exports too large for a web request (more rows than KAM_EXPORT_INLINE_MAX_ROWS) are written by a
Celery worker (accounts.tasks.run_export) as an ExportJob, which its owner watches and then
downloads (accounts.background_exports.views).

The job records what rebuilds its rows, not the rows: its kind and parameters (the account list's
filters, or the import whose report it is). The worker rebuilds the table through the owner's
scope as it is when the export runs, so a manager's file never holds another manager's accounts,
and writes it with the same writers as a download (accounts.exports), row by row to a temporary
file, then into the database in parts (see accounts.models.exports for why there).

Each queuing is a new `attempt`, which the task carries; the worker holds a lease
(accounts.jobs.heartbeat) while it writes, so a dead worker's job is shown interrupted within a
lease and recorded so by `reap_dead_exports` (a beat job, every minute); its owner retries it.
The job's own changes are conditional updates (this pk, this attempt, this status): a late
worker never overwrites what a retry or the reaper decided. Files are deleted
KAM_EXPORT_FILE_RETENTION_DAYS after they were written (`delete_old_export_files`, daily).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import access, exports, list_exports, outbox
from accounts.filters import AccountFilter
from accounts.jobs import expired_before, heartbeat
from accounts.models import ExportFilePart, ExportJob, ExportKind, ExportStatus
from accounts.models.exports import EXPORT_RUNNING

logger = logging.getLogger(__name__)

PART_BYTES = 1024 * 1024  # the file is stored, and sent, a megabyte at a time
LIST_KINDS = {
    kind: list_exports.EXPORTS[kind] for kind in ("accounts", "stakeholders", "transactions")
}


def inline_max_rows() -> int:
    return settings.KAM_EXPORT_INLINE_MAX_ROWS


def is_large(rows: int) -> bool:
    return rows > inline_max_rows()


# --- What the rows are ---------------------------------------------------------------------------


def list_query(query: QueryDict) -> str:
    """The account list's filters of an export request, without its format and page."""
    query = query.copy()
    for name in ("format", "page"):
        query.pop(name, None)
    return query.urlencode()


def list_table(user, kind: str, query: str) -> exports.Table:
    """One of the account list's exports, under the list's filters, of the accounts `user` may
    see now."""
    account_filter = AccountFilter(QueryDict(query), queryset=access.visible_accounts(user))
    return LIST_KINDS[kind](account_filter.qs)


class ExportGone(Exception):
    """What the export was of is no longer there for its owner (the import was deleted, or the
    owner may no longer import)."""


def table_for(job: ExportJob) -> exports.Table:
    if job.kind in LIST_KINDS:
        return list_table(job.user, job.kind, job.parameters.get("query", ""))
    # The import report: the same scope as its page (accounts.imports.views).
    from accounts.imports.files import report_table
    from accounts.imports.queries import import_jobs

    if not access.can_import(job.user):
        raise ExportGone
    import_job = import_jobs(job.user).filter(pk=job.parameters.get("import_job")).first()
    if import_job is None:
        raise ExportGone
    return report_table(import_job)


# --- Starting, retrying ---------------------------------------------------------------------------


def export_job_start(*, user, kind: str, parameters: dict, export_format: str) -> ExportJob:
    """Queue the export (once the request commits). The same export asked for again while one is
    queued or being written (a second click, a reload of the link) is that one."""
    if export_format not in exports.FORMATS or kind not in ExportKind.values:
        raise ValidationError(_("There is no such export."))
    same = ExportJob.objects.filter(
        user=user,
        kind=kind,
        parameters=parameters,
        export_format=export_format,
        status__in=EXPORT_RUNNING,
    )
    existing = same.order_by("-pk").first()
    if existing is not None and not existing.is_stuck:
        return existing
    job = ExportJob.objects.create(
        user=user,
        kind=kind,
        parameters=parameters,
        export_format=export_format,
        language=get_language() or settings.LANGUAGE_CODE,
    )
    _send(job)
    return job


def export_job_retry(*, user, job: ExportJob, attempt: int) -> None:
    """Queue again an export that was interrupted, failed or never picked up, as a new attempt.
    `attempt` is the one its owner saw: a job retried meanwhile is left alone."""
    if job.user_id != user.pk:
        raise PermissionDenied
    if not job.is_stuck:
        raise ValidationError(_not_stuck_message())
    fields = {
        "status": ExportStatus.QUEUED,
        "attempt": F("attempt") + 1,
        "heartbeat_at": None,
        "queued_at": timezone.now(),
        "started_at": None,
        "finished_at": None,
        "rows_written": 0,
        "error": "",
    }
    if not ExportJob.objects.filter(stuck_exports() & Q(pk=job.pk, attempt=attempt)).update(
        **fields
    ):
        raise ValidationError(_not_stuck_message())
    job.refresh_from_db(fields=list(fields))
    _send(job)


def _not_stuck_message() -> str:
    return _("This export is no longer stopped: it was retried or finished meanwhile.")


def _send(job: ExportJob) -> None:
    # By name: accounts.tasks imports this module.
    outbox.enqueue("accounts.tasks.run_export", job.pk, job.attempt)


def stuck_exports(now: datetime | None = None) -> Q:
    """The jobs ExportJob.is_stuck says its owner may retry."""
    cutoff = expired_before(now)
    running = Q(status=ExportStatus.RUNNING)
    return (
        Q(status__in=(ExportStatus.INTERRUPTED, ExportStatus.FAILED))
        | running & Q(heartbeat_at__lt=cutoff)
        | running & Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(status=ExportStatus.QUEUED, queued_at__lt=cutoff)
    )


# --- The worker's part ----------------------------------------------------------------------------


class Superseded(Exception):
    """The job moved on while this attempt wrote it (retried after the reaper interrupted it)."""


def export_job_run(job_id: int, attempt: int) -> str | None:
    """Write the export `job_id` if `attempt` is still its current one; its status afterwards,
    or None when there was nothing to do (another attempt's, already written, or gone)."""
    started = ExportJob.objects.filter(
        pk=job_id, attempt=attempt, status=ExportStatus.QUEUED
    ).update(status=ExportStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    if not started:
        return None
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    current = ExportJob.objects.filter(pk=job.pk, attempt=job.attempt, status=ExportStatus.RUNNING)
    with heartbeat(ExportJob, job.pk), translation.override(job.language):
        try:
            _write(job, current)
        except Superseded:
            logger.info("export %s: attempt %s was superseded", job.pk, job.attempt)
            return None
        except SoftTimeLimitExceeded:
            logger.warning("export %s stopped at its time limit", job.pk)
            _end_export_job(current, job, ExportStatus.INTERRUPTED,
                 _("It stopped at its time limit. Retry it, or narrow the filters."))  # fmt: skip
        except exports.TooManyRows:
            _end_export_job(current, job, ExportStatus.FAILED, _too_many_rows_message())
        except ExportGone:
            _end_export_job(current, job, ExportStatus.FAILED,
                 _("What this export was of is no longer there for you."))  # fmt: skip
        except Exception:
            # A bug must not leave the page polling a job that will never finish.
            logger.exception("export %s failed", job.pk)
            _end_export_job(current, job, ExportStatus.FAILED,
                 _("Something went wrong and the file was not written. Try again, or tell your "
                   "administrator if it happens again."))  # fmt: skip
    return job.status


def _write(job: ExportJob, current) -> None:
    table = table_for(job)
    total = exports.count_rows(table)
    if job.export_format == exports.XLSX and total > exports.XLSX_MAX_ROWS:
        raise exports.TooManyRows
    if not current.update(rows_total=total):
        raise Superseded

    def progress(rows: int) -> None:
        if not current.update(rows_written=rows):
            raise Superseded

    with tempfile.TemporaryFile() as output:
        written = exports.WRITERS[job.export_format](table, output, progress)
        size = output.tell()
        output.seek(0)
        with transaction.atomic():
            if not current.select_for_update().exists():
                raise Superseded
            ExportFilePart.objects.filter(job=job).delete()
            for number, data in enumerate(iter(lambda: output.read(PART_BYTES), b"")):
                ExportFilePart.objects.create(job=job, number=number, data=data)
            current.update(
                status=ExportStatus.DONE,
                rows_total=max(total, written),
                rows_written=written,
                file_name=exports.file_name(table.slug, job.export_format),
                file_size=size,
                finished_at=timezone.now(),
            )
    job.status = ExportStatus.DONE


def _end_export_job(current, job: ExportJob, status: str, message: str) -> None:
    if current.update(status=status, error=message, finished_at=timezone.now()):
        job.status, job.error = status, message


def _too_many_rows_message() -> str:
    return _(
        "That is more rows than an Excel worksheet holds (%(limit)s). Export CSV instead or "
        "narrow the filters."
    ) % {"limit": number_format(exports.XLSX_MAX_ROWS, force_grouping=True)}


def export_jobs_reap_dead(*, now: datetime | None = None) -> int:
    """Record as interrupted every export whose worker stopped beating a whole lease ago.
    Idempotent; a beat job runs it every minute. The number of jobs interrupted."""
    cutoff = expired_before(now)
    dead = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    reaped = ExportJob.objects.filter(dead, status=ExportStatus.RUNNING).update(
        status=ExportStatus.INTERRUPTED,
        error=_("The worker writing it stopped."),
        finished_at=now or timezone.now(),
    )
    if reaped:
        logger.warning("%s export(s) interrupted: their worker stopped", reaped)
    return reaped


# --- The file -------------------------------------------------------------------------------------


def file_parts(job: ExportJob) -> Iterator[bytes]:
    """The file, a part (a megabyte) at a time: one query a part, so the web process never holds
    the whole file."""
    numbers = list(
        ExportFilePart.objects.filter(job=job).order_by("number").values_list("pk", flat=True)
    )
    for pk in numbers:
        yield ExportFilePart.objects.values_list("data", flat=True).get(pk=pk)


def export_files_delete_old(*, now: datetime | None = None) -> int:
    """Delete the file of every export written more than KAM_EXPORT_FILE_RETENTION_DAYS ago (the
    job stays, listed as deleted). Idempotent (a beat job runs it daily); the number of files."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KAM_EXPORT_FILE_RETENTION_DAYS)
    old = ExportJob.objects.filter(
        status=ExportStatus.DONE, file_deleted_at__isnull=True, finished_at__lt=cutoff
    )
    deleted = 0
    for pk in list(old.values_list("pk", flat=True)):
        with transaction.atomic():
            ExportFilePart.objects.filter(job_id=pk).delete()
            deleted += old.filter(pk=pk).update(file_deleted_at=now)
    return deleted
