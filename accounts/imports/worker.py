"""The steps of an import that run in the worker (accounts.tasks.run_import_step): the dry run
of a job being checked and the writes of one being imported, each under a lease, recorded only
if the attempt still owns the job (accounts.imports.services queues them).

Imports are safe against themselves. The import takes a lock of its kind (accounts,
stakeholders, transactions) at the start of its write transaction and only then repeats the dry
run, on the data as it is then, and writes everything in that one transaction: all the rows, or —
when the user chose it — all the valid ones, or nothing. Two confirmations of the same file are
thus written one after the other, and the second finds every row already there ("nothing to
import"). The database refuses a duplicate of the unique keys (an account's external ID, a
transaction's order number within its account); the other match keys (an account by exact
name, a stakeholder by account and name, a transaction by account, date and amount) are backed
by this lock alone: a person adding such a record by hand meanwhile is not stopped.
On PostgreSQL the lock is a transaction-scoped advisory lock; SQLite (`make run`) starts every
write transaction with BEGIN IMMEDIATE (settings: transaction_mode), which lets one writer in
at a time.

Accounts and stakeholders are written with their history (who, and the file as the reason);
each account touched gets an ImportedAccount row, which shows the import on its History tab.
"""

from __future__ import annotations

import logging
from collections import Counter

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.imports.dry_run import CREATE, REJECT, UNCHANGED, UPDATE, Plan, plan_import
from accounts.imports.fields import ACCOUNTS, STAKEHOLDERS, TRANSACTIONS
from accounts.imports.reading import read_table
from accounts.imports.services import progress_key, report_progress
from accounts.imports.upload_limits import ImportFileError
from accounts.jobs import heartbeat
from accounts.models import (
    Account,
    ImportedAccount,
    ImportJob,
    ImportStatus,
    Stakeholder,
    Transaction,
)
from accounts.models.imports import RUNNING
from accounts.signals import records_imported

logger = logging.getLogger(__name__)

BATCH = 2000  # records per INSERT / UPDATE statement

MODELS = {ACCOUNTS: Account, STAKEHOLDERS: Stakeholder, TRANSACTIONS: Transaction}

# The import's advisory locks (PostgreSQL): the first key names them ("KAMI"), the second the
# kind, so they meet no other lock of the application.
LOCK_SPACE = 0x4B414D49
LOCK_OF_KIND = {ACCOUNTS: 1, STAKEHOLDERS: 2, TRANSACTIONS: 3}


class Superseded(Exception):
    """The job moved on while this attempt ran (retried, cancelled): what it did is undone."""


def import_job_run_step(job_id: int, attempt: int | None = None) -> str | None:
    """Run the step the job waits for (the dry run or the import) if `attempt` is still the
    job's current one (None: whichever is, for a caller in process), under a lease; the job's
    status afterwards, or None when there was nothing to do (already done, another attempt's,
    or gone)."""
    job = (
        ImportJob.objects.select_related("user")
        .defer("content", "report", "preview")  # read when the step needs them
        .filter(pk=job_id)
        .first()
    )
    if job is None or not job.is_running or attempt not in (None, job.attempt):
        return None
    with heartbeat(ImportJob, job.pk), translation.override(job.language):
        try:
            if job.status == ImportStatus.CHECKING:
                _check(job)
            else:
                _import(job)
        except Superseded:
            logger.info(
                "import %s: attempt %s was superseded; its work is undone", job.pk, job.attempt
            )
            return None
        except SoftTimeLimitExceeded:
            # The write transaction was undone: the job is interrupted like one whose worker
            # died, and its owner decides (a smaller file, or another try).
            logger.warning("import %s stopped at its time limit", job.pk)
            _interrupt(job, _("It stopped at its time limit. Retry it, or split the file into "
                              "smaller ones."))  # fmt: skip
        except ImportFileError as error:
            _fail(job, error.message)
        except PermissionDenied:
            _fail(job, _("%(user)s may no longer import.") % {"user": job.user})
        except IntegrityError as error:
            logger.warning("import %s refused by the database: %s", job.pk, error)
            _fail(job, _refused_message(error))
        except (DatabaseError, ValidationError) as error:
            logger.exception("import %s failed", job.pk)
            _fail(job, _("The import could not be written and nothing was saved: %(error)s")
                  % {"error": _first_line(error)})  # fmt: skip
        except Exception:
            # A bug must not leave the page polling a job that will never finish.
            logger.exception("import %s failed", job.pk)
            _fail(job, _("Something went wrong and nothing was saved. Try again, or tell your "
                         "administrator if it happens again."))  # fmt: skip
    cache.delete(progress_key(job.pk))
    return job.status


def _check(job: ImportJob) -> None:
    plan = _plan(job)
    _record(job, ImportStatus.CHECKING, status=ImportStatus.CHECKED, checked_at=timezone.now(),
            row_count=len(plan.rows), **_plan_fields(plan))  # fmt: skip


def _import(job: ImportJob) -> None:
    """Take the lock of the job's kind, then plan again on the data as it is now (another
    import may have written the same rows meanwhile) and write the plan, in one transaction."""
    with transaction.atomic():
        _lock_writes_of_kind(job)
        if not _current(job, ImportStatus.IMPORTING).exists():
            raise Superseded  # a cancel or a retry while this attempt waited for the lock
        plan = _plan(job)
        now = timezone.now()
        if plan.has_errors and not job.only_valid_rows:
            _record(
                job,
                ImportStatus.IMPORTING,
                status=ImportStatus.CHECKED,
                checked_at=now,
                error=_("Since the check, some rows have become invalid (the data in KAM "
                        "changed). Nothing was imported: look at the new report and confirm "
                        "again."),
                **_plan_fields(plan),
            )  # fmt: skip
            return
        if not (plan.counts[CREATE] or plan.counts[UPDATE]):
            _record(job, ImportStatus.IMPORTING, status=ImportStatus.NOTHING, finished_at=now,
                    written=_written(plan, created=0, updated=0), **_plan_fields(plan))  # fmt: skip
            return
        written = import_plan_write(plan, user=job.user, job=job)
        _record(job, ImportStatus.IMPORTING, status=ImportStatus.DONE, finished_at=now,
                written=written)  # fmt: skip


def _lock_writes_of_kind(job: ImportJob) -> None:
    """One import of each kind writes at a time: this transaction holds the kind's lock until it
    commits or rolls back (a worker that dies releases it with its connection)."""
    if connection.vendor != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE has let this transaction in as the only writer
    key = (LOCK_SPACE, LOCK_OF_KIND[job.kind])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", key)
        if cursor.fetchone()[0]:
            return
        total = job.planned.get(CREATE, 0) + job.planned.get(UPDATE, 0)
        report_progress(job.pk, 0, total, waiting=True)
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", key)
        report_progress(job.pk, 0, total)


def _current(job: ImportJob, step: str):
    """The job, if this attempt still owns it: running `step`, or recorded as interrupted by a
    reaper that gave up on a worker which turned out to be alive (its result still counts)."""
    return ImportJob.objects.filter(
        pk=job.pk, attempt=job.attempt, status__in=(step, ImportStatus.INTERRUPTED)
    )


def _record(job: ImportJob, step: str, **fields) -> None:
    """Store the step's outcome if this attempt still owns the job; otherwise Superseded (inside
    the import's transaction, which undoes its writes)."""
    # Before the outcome commits: whoever sees the job ended finds no progress left over.
    cache.delete(progress_key(job.pk))
    if not _current(job, step).update(interrupted_in="", **fields):
        raise Superseded
    for name, value in fields.items():
        setattr(job, name, value)


def _plan(job: ImportJob) -> Plan:
    table = read_table(bytes(job.content), job.file_name)
    return plan_import(job.kind, table, job.mapping, user=job.user)


def _plan_fields(plan: Plan) -> dict:
    return {
        "planned": plan.counts,
        "report": [
            [
                row.line_number,
                row.action,
                [list(reason) for reason in row.reasons],
                row.changed,
                row.names(plan.kind),
                [list(note) for note in row.notes],
            ]
            for row in plan.rows
        ],
    }


def _written(plan: Plan, *, created: int, updated: int) -> dict:
    counts = plan.counts
    return {
        "created": created,
        "updated": updated,
        "unchanged": counts[UNCHANGED],
        "skipped": counts[REJECT],
    }


def _fail(job: ImportJob, message: str) -> None:
    step = job.status if job.status in RUNNING else ImportStatus.IMPORTING
    failed = _current(job, step).update(
        status=ImportStatus.FAILED, error=message, finished_at=timezone.now(), interrupted_in=""
    )
    if failed:
        job.status, job.error = ImportStatus.FAILED, message


def _interrupt(job: ImportJob, message: str) -> None:
    step = job.status if job.status in RUNNING else ImportStatus.IMPORTING
    if _current(job, step).update(
        status=ImportStatus.INTERRUPTED, interrupted_in=step, error=message
    ):
        job.status, job.interrupted_in, job.error = ImportStatus.INTERRUPTED, step, message


def _first_line(error) -> str:
    messages = getattr(error, "messages", None)
    return (messages[0] if messages else str(error)).splitlines()[0]


# The database's unique keys an import writes, as PostgreSQL names them (the constraint) and
# SQLite (the columns), and what a violation of each means to the user.
REFUSED = (
    (
        ("transaction_reference_once_per_account", "accounts_transaction.reference"),
        gettext_lazy("an order number in the file was added to its account"),
    ),
    (
        ("account_unique_external_id", "accounts_account.external_id"),
        gettext_lazy("an external ID in the file was given to an account"),
    ),
)


def _refused_message(error: IntegrityError) -> str:
    """Only a person's edit can still collide with an import (imports of a kind write one at a
    time and plan again first): say so, without naming whose record it was."""
    text = str(error)
    what = next((words for names, words in REFUSED if any(n in text for n in names)), None)
    if what is None:
        what = _("a record in the file was added")
    return _(
        "Nothing was saved: while this import was writing, %(what)s by someone else. Check the "
        "file again to see what is left to import."
    ) % {"what": what}


def import_plan_write(plan: Plan, *, user, job: ImportJob) -> dict:
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
        # Locked until the import commits: an edit saved meanwhile waits, then meets the new
        # row_version (a conflict, not a silent overwrite).
        stored = model.objects.select_for_update().in_bulk([row.pk for row in batch])
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
    return _written(plan, created=len(creates), updated=len(updates))
