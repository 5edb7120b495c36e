"""Health recalculation runs (issue 6 item 4; DESIGN.md §6).

`health_recalculate_all` walks the accounts in primary-key ranges and recalculates each range in its
own transaction (scoring.health.recalculation), counting it on the run's HealthRun row.

Two runs never overlap: a run holds a PostgreSQL session advisory lock (released by the server if
the worker dies, so a crash never leaves a stale lock); on other databases (SQLite for `make run`,
where tasks run in the web process) a cache key stands in.

A run that dies is noticed by its lease (accounts.jobs): it beats while it goes, and a run silent
for a whole lease is shown interrupted at once and marked so by `health_runs_reap_dead` (every
minute), or by the next run, which holds the lock and so knows any run still marked running is dead.
The run records the last account id it saved (`done_through`), so it says which accounts have their
new health; an admin's retry is a new run that carries on from there with the counts so far.

A run that changed anything sends scoring.health.signals.health_recalculated (the dashboard, a
layer above, drops its cached figures).
"""

import contextlib
import datetime
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.jobs import expired_before, heartbeat
from accounts.models import Account
from scoring.health.recalculation import BatchResult, health_batch_recalculate
from scoring.health.risk_model import RiskModel, current_risk_model
from scoring.health.signals import health_recalculated
from scoring.models import (
    AccountHealth,
    HealthRun,
    HealthSnapshot,
    RunStatus,
    RunTrigger,
    StopReason,
)
from scoring.models.health import COVERING_STATUSES

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
LOCK_KEY = 0x4B414D_6865616C  # "KAM" "heal": the advisory lock's number
CACHE_LOCK = "scoring:health-run"
CACHE_LOCK_SECONDS = 3600
ERROR_TEXT_LENGTH = 4000


class LeaseLost(Exception):
    """The run was declared dead while it was still going (its beats did not reach the database
    for a whole lease): it stops before saving another batch, and stays interrupted."""


@contextlib.contextmanager
def run_lock():
    """Yield True when this process holds the recalculation lock, False when another run does."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        return
    acquired = cache.add(CACHE_LOCK, True, CACHE_LOCK_SECONDS)
    try:
        yield acquired
    finally:
        if acquired:
            cache.delete(CACHE_LOCK)


def _pk_ranges(batch_size: int, account_id: int | None, after: int | None):
    """([(lo, hi), …] in id order, how many accounts they hold): the accounts after `after`."""
    if account_id is not None:
        if after is not None and after >= account_id:
            return [], 0
        return [(account_id, account_id)], 1
    span = Account.objects.filter(pk__gt=after or 0).aggregate(
        first=Min("pk"), last=Max("pk"), count=Count("pk")
    )
    if span["first"] is None:
        return [], 0
    first, last = span["first"], span["last"]
    ranges = [(lo, min(lo + batch_size - 1, last)) for lo in range(first, last + 1, batch_size)]
    return ranges, span["count"]


def _dead(runs):
    """The runs of `runs` marked running whose lease has expired."""
    cutoff = expired_before()
    return runs.filter(status=RunStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def _interrupt(runs, reason: str = StopReason.WORKER_LOST, *, at=None) -> int:
    """Mark `runs` interrupted, stopped `at` (by default their last sign of life); they keep what
    they saved."""
    return runs.update(
        status=RunStatus.INTERRUPTED,
        stopped_because=reason,
        finished_at=at or Coalesce("heartbeat_at", "started_at"),
    )


def health_runs_reap_dead() -> int:
    """Mark interrupted every run still marked running whose worker died (silent for a whole
    lease). The runs page shows such a run interrupted already; this records it, for everything
    that reads the status (the risk model page's "not applied yet", the admin). Idempotent:
    returns how many it marked. Called every minute by the `reap-dead-health-runs` beat job."""
    dead = _dead(HealthRun.objects.all())
    pks = list(dead.values_list("pk", flat=True))
    if not pks:
        return 0
    # The lease is checked again by the UPDATE itself: a run whose beat arrived meanwhile lives.
    count = _interrupt(_dead(HealthRun.objects.filter(pk__in=pks)))
    logger.warning("Health runs %s stopped without finishing: marked interrupted", pks)
    return count


def _start_run(
    *, trigger, requested_by, account_id, as_of, task_id, resume, batch_size
) -> tuple[HealthRun, list]:
    # We hold the lock, so a run still marked running died without finishing.
    _interrupt(HealthRun.objects.filter(status=RunStatus.RUNNING))
    # A retry carries on after the accounts the interrupted run saved, with its counts, so it
    # ends with the figures of one uninterrupted run. Failed batches lie before the point it
    # reached: a run that had some starts again from the first account (what it saved is
    # found unchanged and costs little).
    carried = resume if resume is not None and not resume.errors else None
    after = carried.done_through if carried else None
    ranges, count = _pk_ranges(batch_size, account_id, after)
    run = HealthRun.objects.create(
        trigger=trigger,
        requested_by=requested_by,
        account_id=account_id,
        as_of=as_of,
        status=RunStatus.RUNNING,
        task_id=task_id or "",
        attempt=max(resume.attempt, 1) + 1 if resume else 1,
        retry_of=resume,
        resumed_after=after,
        done_through=after,
        planned=count + (carried.accounts if carried else 0),
        accounts=carried.accounts if carried else 0,
        changed=carried.changed if carried else 0,
        alerts=carried.alerts if carried else 0,
    )
    return run, ranges


def _save_batch(run: HealthRun, result: BatchResult, hi: int) -> None:
    """Count the batch on the run, in the batch's transaction, only while the run still holds
    its lease: a run declared dead meanwhile rolls the batch back and stops."""
    counted = HealthRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        accounts=F("accounts") + result.accounts,
        changed=F("changed") + result.changed,
        alerts=F("alerts") + result.alerts,
        done_through=hi,
    )
    if not counted:
        raise LeaseLost


def _run_batches(run: HealthRun, ranges, *, as_of, model: RiskModel) -> list[str]:
    """Recalculate the ranges in order, each in its own transaction; return the errors of the
    batches that failed (each recorded on the run as it happens, so an interrupted run still
    lists them)."""
    errors = []
    for lo, hi in ranges:
        try:
            with transaction.atomic():
                result = health_batch_recalculate(lo, hi, as_of=as_of, model=model)
                _save_batch(run, result, hi)
        except (LeaseLost, SoftTimeLimitExceeded):
            raise
        except Exception as error:  # one bad batch must not stop the others
            logger.exception("Health recalculation failed for accounts %s–%s", lo, hi)
            errors.append(f"{lo}–{hi}: {type(error).__name__}: {error}")
            HealthRun.objects.filter(pk=run.pk).update(
                errors=len(errors), error_text="\n".join(errors)[:ERROR_TEXT_LENGTH]
            )
    return errors


def health_recalculation_run(
    *,
    trigger: str,
    requested_by=None,
    account_id: int | None = None,
    as_of: datetime.date | None = None,
    batch_size: int | None = None,
    record_skipped: bool = True,
    task_id: str = "",
    resume: HealthRun | None = None,
) -> HealthRun:
    """Recalculate every account (or one), batch by batch, beating on the run's lease; return
    the run's record. When another run holds the lock, return a skipped run at once (saved only
    if `record_skipped`). `task_id`: the Celery message's; a message delivered again finds its
    run and returns it untouched. `resume`: an interrupted run this one retries."""
    if task_id and (delivered := HealthRun.objects.filter(task_id=task_id).first()):
        logger.warning(
            "Task %s delivered again: its health run %s is %s; nothing to do",
            task_id,
            delivered.pk,
            delivered.status,
        )
        return delivered
    as_of = as_of or timezone.localdate()
    batch_size = batch_size or BATCH_SIZE
    with run_lock() as acquired:
        if not acquired:
            skipped = HealthRun(
                trigger=trigger,
                requested_by=requested_by,
                account_id=account_id,
                as_of=as_of,
                status=RunStatus.SKIPPED,
                finished_at=timezone.now(),
                retry_of=resume,
                attempt=1,
            )
            if record_skipped:
                skipped.save()
            if resume is not None:
                # Not retried after all: the admin may ask again (the skipped run says why).
                HealthRun.objects.filter(pk=resume.pk).update(retried_at=None, retried_by=None)
            return skipped
        if resume is not None and (newer := covering_runs(resume).first()):
            logger.info("Health run %s is covered by run %s: not retried", resume.pk, newer.pk)
            return newer
        run, ranges = _start_run(
            trigger=trigger,
            requested_by=requested_by,
            account_id=account_id,
            as_of=as_of,
            task_id=task_id,
            resume=resume,
            batch_size=batch_size,
        )
        try:
            with heartbeat(HealthRun, run.pk):
                errors = _run_batches(run, ranges, as_of=as_of, model=current_risk_model())
        except LeaseLost:
            logger.error("Health run %s was declared dead while running: stopped", run.pk)
            run.refresh_from_db()
            return run
        except BaseException as error:
            # The time limit, a shutdown, Ctrl-C: what is saved stays; say so at once.
            reason = (
                StopReason.TIME_LIMIT
                if isinstance(error, SoftTimeLimitExceeded)
                else StopReason.STOPPED
            )
            running = HealthRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING)
            _interrupt(running, reason, at=timezone.now())
            raise
        HealthRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            errors=len(errors),
            error_text="\n".join(errors)[:ERROR_TEXT_LENGTH],
            status=RunStatus.FAILED if errors else RunStatus.FINISHED,
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
    if run.changed:
        # The dashboard drops its cached figures (and warms them up again after a full run).
        health_recalculated.send(sender=HealthRun, run=run)
    if account_id is None and run.changed:
        _tidy_up_after_a_full_run()
    return run


def _tidy_up_after_a_full_run() -> None:
    """A full run rewrites most health rows (every "days since" moves each night). Left to
    autovacuum, the dead row versions pile up and every page that counts or sorts the accounts by
    risk reads them too; vacuum and refresh the planner's statistics while nobody waits.
    VACUUM cannot run inside a transaction: skipped there (tests, callers' atomic blocks)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {AccountHealth._meta.db_table}")
        cursor.execute(f"ANALYZE {HealthSnapshot._meta.db_table}")


def health_recalculate_all(
    *, trigger=RunTrigger.NIGHTLY, requested_by=None, **options
) -> HealthRun:
    return health_recalculation_run(trigger=trigger, requested_by=requested_by, **options)


def account_health_recalculate(
    *, account_id: int, trigger=RunTrigger.SURVEY, requested_by=None, **options
) -> HealthRun:
    # A skipped attempt is retried by the task: recording each try would only clutter the runs.
    options.setdefault("record_skipped", False)
    return health_recalculation_run(
        trigger=trigger, requested_by=requested_by, account_id=account_id, **options
    )


def health_run_resume(
    *, run_id: int, requested_by=None, batch_size: int | None = None, task_id: str = ""
) -> HealthRun | None:
    """An admin's retry of an interrupted run, in the worker: a new run with the same trigger,
    account and day that carries on where it stopped. None when the run is gone (its account
    was deleted)."""
    interrupted = HealthRun.objects.filter(pk=run_id).first()
    if interrupted is None:
        return None
    return health_recalculation_run(
        trigger=interrupted.trigger,
        requested_by=requested_by,
        account_id=interrupted.account_id,
        as_of=interrupted.as_of,
        batch_size=batch_size,
        task_id=task_id,
        resume=interrupted,
    )


# --- Retry and dismiss an interrupted run ------------------------------------------------------


def covering_runs(run: HealthRun):
    """Runs started after `run` that recalculate what it did, or more (HealthRun.covers): once
    one exists, retrying `run` could only put older figures back."""
    later = Q(started_at__gt=run.started_at) | Q(started_at=run.started_at, pk__gt=run.pk)
    over = Q(account__isnull=True)
    if run.account_id is not None:
        over |= Q(account_id=run.account_id)
    went_through = Q(status__in=COVERING_STATUSES) | Q(
        status=RunStatus.INTERRUPTED, done_through__isnull=False
    )
    return HealthRun.objects.filter(later, over, went_through).order_by("started_at", "pk")


def open_interrupted_run(run: HealthRun) -> HealthRun:
    """Lock the run, mark it interrupted if its worker died and nobody has said so yet, and
    refuse (ValidationError) unless it waits for an admin's decision."""
    run = HealthRun.objects.select_for_update().get(pk=run.pk)
    if _interrupt(_dead(HealthRun.objects.filter(pk=run.pk))):
        run.refresh_from_db()
    if run.status != RunStatus.INTERRUPTED:
        raise ValidationError(_("Only an interrupted run can be retried or dismissed."))
    if run.dismissed_at is not None:
        raise ValidationError(_("This run has been dismissed already."))
    return run
