"""The steps of an import, each recorded on its ImportJob: upload (read the file, guess the
mapping), map (the user corrects it), check (the dry run) and import (the writes).

Checking and importing run in a Celery task (accounts.tasks.run_import_step) so that a file of
50,000 rows never holds a web request; their progress goes to the cache, which the page polls,
because the job row's own changes are invisible to other connections until the import commits.

The import re-runs the dry run on the data as it is then, and writes everything in one
transaction: all the rows, or — when the user chose it — all the valid ones, or nothing.
Accounts and stakeholders are written with their history (who, and the file as the reason);
each account touched gets an ImportedAccount row, which shows the import on its History tab.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.access import can_import
from accounts.imports.fields import ACCOUNTS, STAKEHOLDERS, TRANSACTIONS, fields_for, guess_mapping
from accounts.imports.planning import CREATE, REJECT, UPDATE, Plan, plan_import
from accounts.imports.reading import ImportFileError, read_table
from accounts.models import (
    Account,
    ImportedAccount,
    ImportJob,
    ImportStatus,
    Stakeholder,
    Transaction,
)
from accounts.signals import records_imported

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 30 * 1024 * 1024
PREVIEW_ROWS = 3
BATCH = 2000  # records per INSERT / UPDATE statement
PROGRESS_SECONDS = 60 * 60

MODELS = {ACCOUNTS: Account, STAKEHOLDERS: Stakeholder, TRANSACTIONS: Transaction}


# --- Progress, shared with the page through the cache ---------------------------------------------


def progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def report_progress(job_id: int, done: int, total: int) -> None:
    cache.set(progress_key(job_id), {"done": done, "total": total}, PROGRESS_SECONDS)


def read_progress(job_id: int) -> dict:
    return cache.get(progress_key(job_id)) or {"done": 0, "total": 0}


# --- Upload and mapping ---------------------------------------------------------------------------


def start_import(*, user, kind: str, upload) -> ImportJob:
    """Read the uploaded file (ImportFileError if it is not a table) and record the job with the
    columns mapped as their headers suggest."""
    if not can_import(user):
        raise PermissionDenied
    if upload.size > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB; split it into smaller files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    content = upload.read()
    table = read_table(content, upload.name)
    mapping = guess_mapping(table.headers, kind)
    return ImportJob.objects.create(
        user=user,
        kind=kind,
        file_name=upload.name[-255:],
        content=content,
        language=get_language() or "en",
        headers=table.headers,
        preview=[[_as_text(cell) for cell in row] for row in table.rows[:PREVIEW_ROWS]],
        row_count=len(table.rows),
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


def check_import(*, user, job: ImportJob, mapping: dict) -> None:
    """Store the user's mapping (column index → field key, or empty) and queue the dry run."""
    _require_owner(user, job)
    if job.status not in {ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED}:
        raise ValidationError(_("This import is running or finished; its mapping cannot change."))
    fields = fields_for(job.kind)
    chosen = {}
    for index, key in mapping.items():
        if key and key in fields and key not in chosen.values():
            chosen[str(index)] = key
    job.mapping = chosen
    job.status = ImportStatus.CHECKING
    job.error = ""
    job.planned, job.report = {}, []
    job.save(update_fields=["mapping", "status", "error", "planned", "report"])
    cache.delete(progress_key(job.pk))  # the dry run has no steps to count: the bar just moves
    _queue(job)


def confirm_import(*, user, job: ImportJob, only_valid_rows: bool) -> None:
    """Queue the import of a checked job. With rows rejected, only when the user chose to
    import only the valid rows."""
    _require_owner(user, job)
    if job.planned.get(REJECT) and not only_valid_rows:
        raise ValidationError(
            _("Some rows have problems: correct the file, or choose to import only the valid rows.")
        )
    if not (job.planned.get(CREATE) or job.planned.get(UPDATE)):
        raise ValidationError(_("There is nothing to import: no row creates or changes anything."))
    started = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.IMPORTING, only_valid_rows=only_valid_rows, error=""
    )
    if not started:  # confirmed twice (a double click, another tab)
        raise ValidationError(_("This import has already been confirmed."))
    job.refresh_from_db()
    report_progress(job.pk, 0, job.planned.get(CREATE, 0) + job.planned.get(UPDATE, 0))
    _queue(job)


def _require_owner(user, job: ImportJob) -> None:
    if not can_import(user) or job.user_id != user.pk:
        raise PermissionDenied


def _queue(job: ImportJob) -> None:
    from accounts.tasks import run_import_step

    transaction.on_commit(lambda: run_import_step.delay(job.pk))


# --- The steps the worker runs --------------------------------------------------------------------


def run_step(job_id: int) -> str | None:
    """Run whatever the job waits for (the dry run or the import); the job's new status, or
    None when there was nothing to do (already done, or gone)."""
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or not job.is_running:
        return None
    with translation.override(job.language):
        try:
            plan = _plan(job)
            if job.status == ImportStatus.CHECKING:
                _record_plan(job, plan)
                job.status = ImportStatus.CHECKED
                job.checked_at = timezone.now()
            else:
                _import(job, plan)
        except ImportFileError as error:
            _fail(job, error.message)
        except PermissionDenied:
            _fail(job, _("%(user)s may no longer import.") % {"user": job.user})
        except (DatabaseError, ValidationError) as error:
            logger.exception("import %s failed", job.pk)
            _fail(job, _("The import could not be written and nothing was saved: %(error)s")
                  % {"error": _first_line(error)})  # fmt: skip
        except Exception:
            # A bug must not leave the page polling a job that will never finish.
            logger.exception("import %s failed", job.pk)
            _fail(job, _("Something went wrong and nothing was saved. Try again, or tell your "
                         "administrator if it happens again."))  # fmt: skip
    job.save()
    cache.delete(progress_key(job.pk))
    return job.status


def _plan(job: ImportJob) -> Plan:
    table = read_table(bytes(job.content), job.file_name)
    return plan_import(job.kind, table, job.mapping, user=job.user)


def _record_plan(job: ImportJob, plan: Plan) -> None:
    job.planned = plan.counts
    job.report = [
        [row.line_number, row.action, [list(error) for error in row.errors], row.changed]
        for row in plan.rows
    ]


def _fail(job: ImportJob, message: str) -> None:
    job.status = ImportStatus.FAILED
    job.error = message


def _first_line(error) -> str:
    messages = getattr(error, "messages", None)
    return (messages[0] if messages else str(error)).splitlines()[0]


def _import(job: ImportJob, plan: Plan) -> None:
    """Write the plan made just now (the data may have changed since the user's dry run)."""
    if plan.has_errors and not job.only_valid_rows:
        _record_plan(job, plan)
        job.status = ImportStatus.CHECKED
        job.checked_at = timezone.now()
        job.error = _(
            "Since the check, some rows have become invalid (the data in KAM changed). Nothing "
            "was imported: look at the new report and confirm again."
        )
        return
    with transaction.atomic():
        # A second delivery of the task waits here, then finds the job done.
        waiting = ImportJob.objects.select_for_update().filter(
            pk=job.pk, status=ImportStatus.IMPORTING
        )
        if not waiting.exists():
            job.refresh_from_db()
            return
        job.written = write_plan(plan, user=job.user, job=job)
        job.status = ImportStatus.DONE
        job.finished_at = timezone.now()
        job.save()


def write_plan(plan: Plan, *, user, job: ImportJob) -> dict:
    """Create and update what the plan says, in batches, inside the caller's transaction; the
    rejected rows are left out. Returns the counts written."""
    rows = [row for row in plan.rows if row.action in {CREATE, UPDATE}]
    total, done = len(rows), 0
    model = MODELS[plan.kind]
    history = hasattr(model, "history")  # transactions keep none: ImportedAccount stands in

    def account_of(item) -> int:
        return item.pk if model is Account else item.account_id

    reason = _("Import of %(file)s") % {"file": job.file_name}
    now = timezone.now()
    touched: Counter = Counter()  # (account pk, "created" | "updated") → records

    creates = [row for row in rows if row.action == CREATE]
    for start in range(0, len(creates), BATCH):
        batch = creates[start : start + BATCH]
        objects = [model(**row.values) for row in batch]
        if history:
            bulk_create_with_history(
                objects, model, batch_size=BATCH, default_user=user, default_change_reason=reason
            )
        else:
            model.objects.bulk_create(objects, batch_size=BATCH)
        for item in objects:
            touched[(account_of(item), "created")] += 1
        done += len(batch)
        report_progress(job.pk, done, total)

    updates = [row for row in rows if row.action == UPDATE]
    for start in range(0, len(updates), BATCH):
        batch = updates[start : start + BATCH]
        stored = model.objects.in_bulk([row.pk for row in batch])
        attrs: set[str] = set()
        objects = []
        for row in batch:
            item = stored[row.pk]
            for attr, value in row.values.items():
                setattr(item, attr, value)
            attrs.update(row.values)
            if history:
                item.updated_at = now
                item.row_version += 1  # an open edit form of the record sees the import's change
            objects.append(item)
            touched[(account_of(item), "updated")] += 1
        fields = sorted(attrs - {"account_id"}) + (["updated_at", "row_version"] if history else [])
        if history:
            bulk_update_with_history(
                objects,
                model,
                fields,
                batch_size=BATCH,
                default_user=user,
                default_change_reason=reason,
            )
        else:
            model.objects.bulk_update(objects, fields, batch_size=BATCH)
        done += len(batch)
        report_progress(job.pk, done, total)

    accounts = {account for account, _what in touched}
    ImportedAccount.objects.bulk_create(
        [
            ImportedAccount(
                job=job,
                account_id=account,
                created=touched[(account, "created")],
                updated=touched[(account, "updated")],
            )
            for account in sorted(accounts)
        ],
        batch_size=BATCH,
    )
    records_imported.send(sender=ImportJob, job=job, account_ids=accounts)
    counts = plan.counts
    return {
        "created": len(creates),
        "updated": len(updates),
        "unchanged": counts["unchanged"],
        "skipped": counts[REJECT],
    }
