"""The steps of an import, each recorded on its ImportJob: upload (read the file, guess the
mapping), map (the user corrects it), check (the dry run) and import (the writes).

Checking and importing run in a Celery task (accounts.tasks.run_import_step) so that a file of
50,000 rows never holds a web request; their progress goes to the cache, which the page polls,
because the job row's own changes are invisible to other connections until the import commits.

Each queuing of a step is a new `attempt` of the job, and the task carries it: a message for an
attempt that is not the job's current one (the broker delivering it again after a retry or a
cancel) does nothing. The step runs under a lease (accounts.jobs.heartbeat): a job whose worker
died is shown interrupted on its page at once and recorded so by `reap_dead_imports` (a beat job,
every minute); its owner retries it (the same step as a new attempt) or cancels it. A job's own
status changes are conditional updates (this pk, this attempt, this status), so a late worker
never overwrites what a retry, a cancel or the reaper decided.

The steps themselves, as the worker runs them: accounts.imports.worker.

The uploaded file is deleted KAM_IMPORT_FILE_RETENTION_DAYS after the job's last step
(`delete_old_import_files`, a beat job); the job and its report stay.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts import outbox
from accounts.access import can_import
from accounts.imports.dry_run import CREATE, REJECT, UPDATE
from accounts.imports.fields import fields_for, guess_mapping
from accounts.imports.reading import PREVIEW_ROWS, read_preview
from accounts.imports.upload_limits import ImportFileError
from accounts.jobs import expired_before
from accounts.models import (
    ImportJob,
    ImportStatus,
)
from accounts.models.imports import RUNNING

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 30 * 1024 * 1024
PROGRESS_SECONDS = 60 * 60
RETENTION_BATCH = 100  # jobs whose file one UPDATE deletes


# The statuses a user may (re)map and check from.
MAPPABLE = (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED)


# --- Progress, shared with the page through the cache ---------------------------------------------


def progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def report_progress(job_id: int, done: int, total: int, *, waiting: bool = False) -> None:
    """`waiting`: the import waits for another import of its kind to finish writing."""
    progress = {"done": done, "total": total} | ({"waiting": True} if waiting else {})
    cache.set(progress_key(job_id), progress, PROGRESS_SECONDS)


def read_progress(job_id: int) -> dict:
    return cache.get(progress_key(job_id)) or {"done": 0, "total": 0}


# --- Upload and mapping ---------------------------------------------------------------------------


def import_job_start(*, user, kind: str, upload) -> ImportJob:
    """Check the uploaded file and read its header and first rows (ImportFileError if it is not
    a table, or over a limit) and record the job with the columns mapped as their headers
    suggest. The rest of the file is read by the worker's dry run, which counts the rows."""
    if not can_import(user):
        raise PermissionDenied
    if upload.size > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB; split it into smaller files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    content = upload.read()
    table = read_preview(content, upload.name)
    mapping = guess_mapping(table.headers, kind)
    return ImportJob.objects.create(
        user=user,
        kind=kind,
        file_name=upload.name[-255:],
        content=content,
        language=get_language() or "en",
        headers=table.headers,
        preview=[[_as_text(cell) for cell in row] for row in table.rows[:PREVIEW_ROWS]],
        mapping={str(index): key for index, key in mapping.items() if key},
    )


def _as_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime) and not (cell.hour or cell.minute or cell.second):
        return cell.date().isoformat()
    if isinstance(cell, (date, datetime)):
        return cell.isoformat(sep=" ")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def import_job_check(*, user, job: ImportJob, mapping: dict) -> None:
    """Store the user's mapping (column index → field key, or empty) and queue the dry run."""
    _require_owner(user, job)
    _require_file(job)
    fields = fields_for(job.kind)
    chosen = {}
    for index, key in mapping.items():
        if key and key in fields and key not in chosen.values():
            chosen[str(index)] = key
    queued = _queue_step(
        job,
        Q(status__in=MAPPABLE),
        status=ImportStatus.CHECKING,
        mapping=chosen,
        error="",
        planned={},
        report=[],
    )
    if not queued:
        raise ValidationError(_("This import is running or finished; its mapping cannot change."))


def import_job_confirm(*, user, job: ImportJob, only_valid_rows: bool) -> None:
    """Queue the import of a checked job. With rows rejected, only when the user chose to
    import only the valid rows."""
    _require_owner(user, job)
    _require_file(job)
    if job.planned.get(REJECT) and not only_valid_rows:
        raise ValidationError(
            _("Some rows have problems: correct the file, or choose to import only the valid rows.")
        )
    if not (job.planned.get(CREATE) or job.planned.get(UPDATE)):
        raise ValidationError(_("There is nothing to import: no row creates or changes anything."))
    queued = _queue_step(
        job,
        Q(status=ImportStatus.CHECKED),
        status=ImportStatus.IMPORTING,
        only_valid_rows=only_valid_rows,
        error="",
    )
    if not queued:  # confirmed twice (a double click, another tab)
        raise ValidationError(_("This import has already been confirmed."))


# --- A job whose worker died, or that no worker picks up ------------------------------------------


def stuck_jobs(now: datetime | None = None) -> Q:
    """Interrupted (recorded, or a running job silent for a whole lease), or queued a whole lease
    ago and still not picked up: the jobs whose owner may retry or cancel them (as
    ImportJob.is_stuck says of one)."""
    cutoff = expired_before(now)
    running = Q(status__in=RUNNING)
    return (
        Q(status=ImportStatus.INTERRUPTED)
        | running & Q(heartbeat_at__lt=cutoff)
        | running & Q(heartbeat_at__isnull=True, queued_at__lt=cutoff)
    )


def import_job_retry(*, user, job: ImportJob, attempt: int) -> None:
    """Queue again the step an interrupted (or never picked up) job was in, as a new attempt.
    `attempt` is the one the owner saw: a job retried or cancelled meanwhile is left alone."""
    _require_owner(user, job)
    step = job.interrupted_step
    if not job.is_stuck or step not in RUNNING:
        raise ValidationError(_not_stuck_message())
    _require_file(job)
    extra = {} if step == ImportStatus.IMPORTING else {"planned": {}, "report": []}
    if not _queue_step(job, stuck_jobs() & Q(attempt=attempt), status=step, error="", **extra):
        raise ValidationError(_not_stuck_message())


def import_job_cancel(*, user, job: ImportJob, attempt: int) -> str:
    """Give up an interrupted (or never picked up) step: an import goes back to checked, a check
    back to the mapping, with nothing written. A late message of the step finds a new attempt
    and does nothing. Returns the job's new status."""
    _require_owner(user, job)
    if not job.is_stuck:
        raise ValidationError(_not_stuck_message())
    back = (
        ImportStatus.CHECKED
        if job.interrupted_step == ImportStatus.IMPORTING
        else ImportStatus.UPLOADED
    )
    fields = {"status": back, "attempt": F("attempt") + 1, "heartbeat_at": None,
              "queued_at": None, "interrupted_in": "", "error": ""}  # fmt: skip
    if not ImportJob.objects.filter(stuck_jobs() & Q(pk=job.pk, attempt=attempt)).update(**fields):
        raise ValidationError(_not_stuck_message())
    job.refresh_from_db(fields=list(fields))
    cache.delete(progress_key(job.pk))
    return job.status


def _not_stuck_message() -> str:
    return _(
        "This import is no longer interrupted: it was retried, cancelled or finished meanwhile."
    )


def import_jobs_reap_dead(*, now: datetime | None = None) -> int:
    """Record as interrupted every running job whose worker stopped beating a whole lease ago
    (a job no worker has picked up yet is waiting, not dead). Idempotent; a beat job runs it
    every minute. The number of jobs interrupted."""
    cutoff = expired_before(now)
    reaped = 0
    for step in RUNNING:
        reaped += ImportJob.objects.filter(status=step, heartbeat_at__lt=cutoff).update(
            status=ImportStatus.INTERRUPTED, interrupted_in=step
        )
    if reaped:
        logger.warning("%s import(s) interrupted: their worker stopped", reaped)
    return reaped


# --- Retention ------------------------------------------------------------------------------------


def import_files_delete_old(*, now: datetime | None = None) -> int:
    """Delete the uploaded file (its content and the preview of its first rows) of every job
    whose last step — imported, nothing to import, failed, interrupted or left unconfirmed —
    is older than KAM_IMPORT_FILE_RETENTION_DAYS. The job, its counts and its report stay.
    Idempotent (a beat job runs it daily); the number of files deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KAM_IMPORT_FILE_RETENTION_DAYS)
    last_step = Greatest(
        "created_at",
        *(Coalesce(name, "created_at") for name in ("checked_at", "queued_at", "finished_at")),
    )
    kept = ImportJob.objects.filter(file_deleted_at__isnull=True).exclude(status__in=RUNNING)
    old = list(
        kept.alias(last_step=last_step)
        .filter(last_step__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    deleted = 0
    for start in range(0, len(old), RETENTION_BATCH):
        # Again not running: a job checked again since the list was read keeps its file.
        deleted += kept.filter(pk__in=old[start : start + RETENTION_BATCH]).update(
            content=b"", preview=[], file_deleted_at=now
        )
    return deleted


# --- Guards and queuing ---------------------------------------------------------------------------


def _require_owner(user, job: ImportJob) -> None:
    if not can_import(user) or job.user_id != user.pk:
        raise PermissionDenied


def _require_file(job: ImportJob) -> None:
    if not job.has_file:
        raise ValidationError(
            _("The uploaded file has been deleted (KAM keeps it for %(days)s days after the "
              "import's last step). Upload it again to import it.")
            % {"days": settings.KAM_IMPORT_FILE_RETENTION_DAYS}
        )  # fmt: skip


def _queue_step(job: ImportJob, where: Q, **fields) -> bool:
    """Move the job to a running step as a new attempt, if it matches `where` (a conditional
    update: two requests at once cannot both queue it), and queue the task once that commits."""
    fields |= {"attempt": F("attempt") + 1, "heartbeat_at": None, "interrupted_in": "",
               "queued_at": timezone.now()}  # fmt: skip
    if not ImportJob.objects.filter(where & Q(pk=job.pk)).update(**fields):
        return False
    job.refresh_from_db(fields=list(fields))
    # The bar starts empty, before the task can report (outside a transaction it is sent at
    # once). The dry run has no steps to count: its bar just moves.
    if job.status == ImportStatus.IMPORTING:
        report_progress(job.pk, 0, job.planned.get(CREATE, 0) + job.planned.get(UPDATE, 0))
    else:
        cache.delete(progress_key(job.pk))
    # By name: accounts.tasks imports this module.
    outbox.enqueue("accounts.tasks.run_import_step", job.pk, job.attempt)
    return True
