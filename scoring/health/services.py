"""Recalculating satisfaction and churn risk (issue 6 item 4; DESIGN.md §6).

`recalculate_all` walks the accounts in primary-key ranges. For each batch it reads the facts
set-based (scoring.health.measures: nine grouped queries), scores them with scoring.engine, and
in one transaction writes only what changed: the AccountHealth rows (an upsert), today's snapshot
of the accounts that changed or have none yet, the alerts of accounts that crossed into high
risk, and the run's counters. A killed worker therefore leaves whole batches or nothing, and a
second run over unchanged data writes nothing but its own HealthRun row.

Two runs never overlap: a run holds a PostgreSQL session advisory lock (released by the server if
the worker dies, so a crash never leaves a stale lock); on other databases (SQLite for `make run`,
where tasks run in the web process) a cache key stands in.

A run that dies is noticed by its lease (accounts.jobs): it beats while it goes, and a run silent
for a whole lease is shown interrupted at once and marked so by `reap_dead_runs` (every minute),
or by the next run, which holds the lock and so knows any run still marked running is dead. The
run records the last account id it saved (`done_through`), so it says which accounts have their
new health; an admin's retry is a new run that carries on from there with the counts so far.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts import access, outbox, translatable
from accounts.conflicts import EditConflict, claim
from accounts.jobs import expired_before, heartbeat
from accounts.models import Account, Category, User
from planning.models import Notification
from planning.reminders.services import user_language
from scoring import engine
from scoring.dashboard import cache as dashboard_cache
from scoring.health import explain
from scoring.health.measures import AccountFacts, Windows, read_batch
from scoring.models import (
    AccountHealth,
    HealthRun,
    HealthSnapshot,
    RiskFactor,
    RiskPolicy,
    RunStatus,
    RunTrigger,
    StopReason,
)
from scoring.models.health import COVERING_STATUSES

logger = logging.getLogger(__name__)

LOST = Category.LOST

BATCH_SIZE = 5000
LOCK_KEY = 0x4B414D_6865616C  # "KAM" "heal": the advisory lock's number
CACHE_LOCK = "scoring:health-run"
CACHE_LOCK_SECONDS = 3600
ERROR_TEXT_LENGTH = 4000

HEALTH_FIELDS = (
    "risk_score",
    "risk_level",
    "factors",
    "satisfaction_index",
    "satisfaction_change",
    "surveys_counted",
    "revenue_12m",
    "margin_12m",
    "high_since",
    "risk_change",
    "revenue_prev_12m",
    "last_visit_on",
    "visited_in_cadence",
    "has_active_plan",
    "complaints_past_due",
)
SNAPSHOT_FIELDS = (
    "risk_score",
    "risk_level",
    "satisfaction_index",
    "category",
    "revenue_12m",
    "visited_in_cadence",
    "has_active_plan",
    "complaints_past_due",
)


@dataclass(frozen=True)
class RiskModel:
    rules: tuple[engine.FactorRule, ...]
    medium_from: int
    high_from: int
    satisfaction_window_days: int

    def days(self, code: str, default: int) -> int:
        for rule in self.rules:
            if rule.code == code and rule.days:
                return rule.days
        return default

    @property
    def windows(self) -> Windows:
        return Windows(
            satisfaction=self.satisfaction_window_days,
            revenue=self.days(engine.REVENUE_TREND, 90),
            overdue_grace=self.days(engine.OVERDUE_RECEIVABLES, 30),
            silence=self.days(engine.COMPLAINT_SILENCE, 120),
            decision_maker=self.days(engine.DECISION_MAKER, 180),
            regression=self.days(engine.STAGE_REGRESSION, 365),
        )

    def level(self, score: int) -> str:
        return engine.risk_level(score, self.medium_from, self.high_from)


def current_risk_model() -> RiskModel:
    policy = RiskPolicy.objects.get_or_create(pk=1)[0]
    return RiskModel(
        rules=tuple(factor.as_rule() for factor in RiskFactor.objects.all()),
        medium_from=policy.medium_from,
        high_from=policy.high_from,
        satisfaction_window_days=policy.satisfaction_window_days,
    )


@dataclass(frozen=True)
class Computed:
    """One account's new health values, and whether it needs an alert."""

    facts: AccountFacts
    values: dict

    @property
    def account_id(self) -> int:
        return self.facts.account_id

    @property
    def snapshot(self) -> dict:
        values = {**self.values, "category": self.facts.category}
        return {field: values[field] for field in SNAPSHOT_FIELDS}


def compute(
    facts: AccountFacts, model: RiskModel, previous: dict | None, as_of, week_ago: int | None = None
) -> Computed:
    """The AccountHealth values of one account (pure: no queries). `week_ago`: the risk score
    of its latest snapshot at least a week old."""
    m = facts.measures
    score, factors = engine.risk_score_json(m, model.rules)
    level = model.level(score)
    if level == engine.RISK_HIGH:
        was_high = previous is not None and previous["risk_level"] == engine.RISK_HIGH
        high_since = previous["high_since"] if was_high and previous["high_since"] else as_of
    else:
        high_since = None
    change = None
    if m.satisfaction is not None and m.satisfaction_before is not None:
        change = m.satisfaction - m.satisfaction_before
    return Computed(
        facts,
        {
            "risk_score": score,
            "risk_level": level,
            "factors": factors,
            "satisfaction_index": m.satisfaction,
            "satisfaction_change": change,
            "surveys_counted": facts.surveys_counted,
            "revenue_12m": facts.revenue_12m,
            "margin_12m": facts.margin_12m,
            "high_since": high_since,
            "risk_change": None if week_ago is None else score - week_ago,
            "revenue_prev_12m": facts.revenue_prev_12m,
            "last_visit_on": facts.last_visit_on,
            "visited_in_cadence": facts.visited_in_cadence,
            "has_active_plan": facts.has_active_plan,
            "complaints_past_due": m.complaints_past_due,
        },
    )


def crossed_into_high(new: dict, previous: dict | None) -> bool:
    return new["risk_level"] == engine.RISK_HIGH and (
        previous is None or previous["risk_level"] != engine.RISK_HIGH
    )


@dataclass
class BatchResult:
    accounts: int = 0
    changed: int = 0
    alerts: int = 0


CHURN_ALERT = "churn_risk"
TEXT_LENGTH = Notification._meta.get_field("text").max_length


def churn_alert_text(*, account: str, score, factors: list[dict]) -> str:
    """The alert in the active language (planning renders stored alerts through this)."""
    return _("%(account)s is now at high churn risk (%(score)s): %(reasons)s") % {
        "account": account,
        "score": score,
        "reasons": explain.reasons_sentence(factors),
    }


def _alert_message(account_name: str, values: dict) -> dict:
    return {
        "kind": CHURN_ALERT,
        "account": account_name,
        "score": values["risk_score"],
        "factors": values["factors"],
    }


def alert_key(account_id: int, day: datetime.date) -> str:
    return f"risk:{account_id}:{day.isoformat()}"


def _new_alerts(crossings: list[Computed], as_of: datetime.date) -> list[Notification]:
    """A notification to the owner of each account that crossed into high risk, in the owner's
    language. The key names the account and the day, so crossing twice in a day (down and up
    again) notifies once."""
    owner_ids = {c.facts.owner_id for c in crossings if c.facts.owner_id}
    owners = {user.pk: user for user in User.objects.filter(pk__in=owner_ids, is_active=True)}
    sent = set(
        Notification.objects.filter(
            key__in=[alert_key(c.account_id, as_of) for c in crossings]
        ).values_list("key", flat=True)
    )
    notifications = []
    for computed in crossings:
        owner = owners.get(computed.facts.owner_id)
        if owner is None or alert_key(computed.account_id, as_of) in sent:
            continue
        message = _alert_message(computed.facts.name, computed.values)
        with translation.override(user_language(owner)):
            notifications.append(
                Notification(
                    user=owner,
                    key=alert_key(computed.account_id, as_of),
                    text=Truncator(translatable.render(message)).chars(TEXT_LENGTH),
                    message=message,
                    url=reverse("scoring:health", args=[computed.account_id]),
                    due_on=as_of,
                )
            )
    return notifications


WEEK = datetime.timedelta(days=7)


def week_ago_scores(lo: int, hi: int, as_of: datetime.date) -> dict[int, int]:
    """{account id: the risk score of its latest snapshot at least a week old} (an index lookup
    per account on the snapshots' (account, day) key)."""
    latest = (
        HealthSnapshot.objects.filter(account=OuterRef("pk"), day__lte=as_of - WEEK)
        .order_by("-day")
        .values("risk_score")[:1]
    )
    rows = (
        Account.objects.filter(pk__gte=lo, pk__lte=hi)
        .annotate(score=Subquery(latest))
        .values_list("pk", "score")
    )
    return {pk: score for pk, score in rows if score is not None}


def recalculate_batch(lo: int, hi: int, *, as_of, model: RiskModel, now=None) -> BatchResult:
    """Recalculate the accounts lo ≤ pk ≤ hi and write what changed. Call inside a transaction
    (recalculate_all and recalculate_account do)."""
    now = now or timezone.now()
    facts = read_batch(lo, hi, as_of=as_of, windows=model.windows)
    if not facts:
        return BatchResult()
    previous = {
        row.pop("account_id"): row
        for row in AccountHealth.objects.filter(account_id__gte=lo, account_id__lte=hi).values(
            "account_id", *HEALTH_FIELDS
        )
    }
    today = {
        row.pop("account_id"): row
        for row in HealthSnapshot.objects.filter(
            account_id__gte=lo, account_id__lte=hi, day=as_of
        ).values("account_id", *SNAPSHOT_FIELDS)
    }
    week_ago = week_ago_scores(lo, hi, as_of)
    changed, snapshots, crossings = [], [], []
    for account_facts in facts:
        before = previous.get(account_facts.account_id)
        computed = compute(
            account_facts, model, before, as_of, week_ago.get(account_facts.account_id)
        )
        if before != computed.values:
            changed.append(computed)
            # A lost account has already left: its score still tells why, but warns no one.
            if crossed_into_high(computed.values, before) and account_facts.category != LOST:
                crossings.append(computed)
        snapshot = computed.snapshot
        if today.get(account_facts.account_id) != snapshot:
            snapshots.append({"account_id": account_facts.account_id, "day": as_of, **snapshot})

    upsert(
        AccountHealth,
        [
            {"account_id": c.account_id, "as_of": as_of, "calculated_at": now, **c.values}
            for c in changed
        ],
        conflict=["account_id"],
    )
    upsert(HealthSnapshot, snapshots, conflict=["account_id", "day"])
    notifications = _new_alerts(crossings, as_of) if crossings else []
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    return BatchResult(accounts=len(facts), changed=len(changed), alerts=len(notifications))


def upsert(model, rows: list[dict], *, conflict: list[str]) -> None:
    """Insert rows (dicts by column name), updating the other columns of rows that exist.

    On PostgreSQL the whole batch travels as one JSON parameter unpacked by jsonb_to_recordset:
    Django's bulk_create would build and quote 14 parameters per row, which took ~90 % of a full
    recalculation's time at 100,000 accounts."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**row) for row in rows],
            update_conflicts=True,
            unique_fields=[model._meta.get_field(c.removesuffix("_id")).name for c in conflict],
            update_fields=[model._meta.get_field(c).name for c in rows[0] if c not in conflict],
        )
        return
    quote = connection.ops.quote_name
    fields = {f.column: f for f in model._meta.concrete_fields}
    columns = list(rows[0])
    names = ", ".join(quote(c) for c in columns)
    types = ", ".join(f"{quote(c)} {_column_type(fields[c])}" for c in columns)
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns if c not in conflict)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({names}) "
        f"SELECT {names} FROM jsonb_to_recordset(%s::jsonb) AS r({types}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(rows, cls=DjangoJSONEncoder)])


def _column_type(field) -> str:
    return field.rel_db_type(connection) if field.is_relation else field.db_type(connection)


# --- Runs -----------------------------------------------------------------------------------


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


def reap_dead_runs() -> int:
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
                result = recalculate_batch(lo, hi, as_of=as_of, model=model)
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


def run_recalculation(
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
        dashboard_cache.data_changed()
        if account_id is None:
            request_dashboard_warm_up()
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


def recalculate_all(*, trigger=RunTrigger.NIGHTLY, requested_by=None, **options) -> HealthRun:
    return run_recalculation(trigger=trigger, requested_by=requested_by, **options)


def recalculate_account(
    *, account_id: int, trigger=RunTrigger.SURVEY, requested_by=None, **options
) -> HealthRun:
    # A skipped attempt is retried by the task: recording each try would only clutter the runs.
    options.setdefault("record_skipped", False)
    return run_recalculation(
        trigger=trigger, requested_by=requested_by, account_id=account_id, **options
    )


def resume_run(
    *, run_id: int, requested_by=None, batch_size: int | None = None, task_id: str = ""
) -> HealthRun | None:
    """An admin's retry of an interrupted run, in the worker: a new run with the same trigger,
    account and day that carries on where it stopped. None when the run is gone (its account
    was deleted)."""
    interrupted = HealthRun.objects.filter(pk=run_id).first()
    if interrupted is None:
        return None
    return run_recalculation(
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


def _open_interrupted_run(run: HealthRun) -> HealthRun:
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


@transaction.atomic
def retry_run(*, run: HealthRun, actor) -> HealthRun:
    """An admin's one-click retry: queue a new run that carries on after the accounts `run`
    saved (scoring.tasks.retry_health_run), once this commits. Refused while a retry asked for
    earlier waits for a worker."""
    access.require_admin(actor)
    run = _open_interrupted_run(run)
    if covering_runs(run).exists():
        raise ValidationError(
            _("A later recalculation has covered these accounts already: nothing to retry.")
        )
    if run.retry_waiting():
        raise ValidationError(
            _("A retry of this run has been asked for already: it starts when a worker is free.")
        )
    run.retried_by, run.retried_at = actor, timezone.now()
    run.save(update_fields=["retried_by", "retried_at"])
    from scoring.tasks import retry_health_run

    run_id, actor_id = run.pk, getattr(actor, "pk", None)
    outbox.enqueue(retry_health_run, run_id, actor_id)
    return run


@transaction.atomic
def dismiss_run(*, run: HealthRun, actor) -> HealthRun:
    """An admin's "dismiss": the interrupted run stays in the list as it is, marked seen and
    no longer offering a retry (the next nightly run recalculates every account anyway)."""
    access.require_admin(actor)
    run = _open_interrupted_run(run)
    run.dismissed_by, run.dismissed_at = actor, timezone.now()
    run.save(update_fields=["dismissed_by", "dismissed_at"])
    return run


# --- Queueing runs -------------------------------------------------------------------------------


def request_dashboard_warm_up() -> None:
    """After a full run has changed the figures: precompute the dashboards people open first,
    once the new figures are committed (after the cache has been told they changed)."""
    from scoring.tasks import warm_dashboards

    outbox.enqueue(warm_dashboards)


def request_recalculation(*, requested_by):
    """An admin's "recalculate now": queue the full run once the request commits. Returns the
    outbox row (None when tasks run in-process)."""
    access.require_admin(requested_by)
    from scoring.tasks import recalculate_health

    actor_id = requested_by.pk if requested_by else None
    return outbox.enqueue(recalculate_health, RunTrigger.ADMIN, actor_id)


def recalculate_after_import(sender, *, job, **kwargs) -> None:
    """Imported transactions move revenue, margin and risk: recalculate once the import commits
    (a receiver of accounts.signals.records_imported)."""
    from accounts.models import ImportKind
    from scoring.tasks import recalculate_health

    if job.kind == ImportKind.TRANSACTIONS:
        outbox.enqueue(recalculate_health, RunTrigger.IMPORT, job.user_id)


def request_account_recalculation(*, account_id: int) -> None:
    """After a survey: recalculate that account once the survey commits."""
    from scoring.tasks import recalculate_account_health

    outbox.enqueue(recalculate_account_health, account_id)


# --- Editing the risk model ----------------------------------------------------------------


@dataclass(frozen=True)
class FactorValues:
    weight: int
    start: Decimal
    full: Decimal
    days: int | None


def weight_field(code: str) -> str:
    return f"weight_{code}"


def start_field(code: str) -> str:
    return f"start_{code}"


def full_field(code: str) -> str:
    return f"full_{code}"


def days_field(code: str) -> str:
    return f"days_{code}"


def validate_risk_model(policy_data: dict, factors: Mapping[str, FactorValues]) -> None:
    """Raise a ValidationError keyed by the editor's field names (weight_<code>, days_<code>…)
    for a model the engine cannot run or that says something other than it means."""
    errors: dict[str, str] = {}
    medium, high = policy_data.get("medium_from"), policy_data.get("high_from")
    if medium is not None and high is not None and medium >= high:
        errors["high_from"] = _("High risk must start above medium risk (%(medium)s).") % {
            "medium": medium
        }
    for code, values in factors.items():
        if code not in engine.RISK_FACTORS:
            errors[weight_field(code)] = _("Unknown factor.")
            continue
        if not 0 <= values.weight <= 100:
            errors[weight_field(code)] = _("Give a weight from 0 to 100.")
        if values.start == values.full:
            errors[full_field(code)] = _(
                "“Full weight at” must differ from “counts from”: the factor needs a range."
            )
        uses_days = code in explain.FACTOR_DAYS
        if uses_days and values.days is None:
            errors[days_field(code)] = _("This factor needs its number of days.")
        elif uses_days and not 1 <= values.days <= 1095:
            errors[days_field(code)] = _("Give a number of days from 1 to 1095.")
        elif not uses_days and values.days is not None:
            errors[days_field(code)] = _("This factor does not use days: leave it empty.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_risk_model(
    *, policy_data: dict, factor_rows: Mapping[str, FactorValues], actor, expected_version: int
) -> RiskPolicy:
    """Save the policy and the factors in one transaction, each change with a history row by
    `actor`, from a form loaded at the policy's `expected_version` (0: no policy was stored).
    The policy's row_version covers the factors too (they are written only here), so a model
    changed since the form was loaded is refused with EditConflict. Nothing is recalculated
    here: the admin decides when (or the nightly run does)."""
    access.require_admin(actor)
    policy, created = RiskPolicy.objects.get_or_create(pk=1)
    if not created:
        claim(policy, expected_version=expected_version)
    elif expected_version:
        raise EditConflict(model=RiskPolicy, pk=1, current=None)  # the form saw one: now gone
    validate_risk_model(policy_data, factor_rows)
    for name in ("medium_from", "high_from", "satisfaction_window_days"):
        setattr(policy, name, policy_data[name])
    policy.updated_by, policy.updated_at = actor, timezone.now()
    policy._history_user = actor
    policy.save()
    existing = {
        f.code: f for f in RiskFactor.objects.select_for_update().filter(code__in=factor_rows)
    }
    for code, values in factor_rows.items():
        factor = existing.get(code)
        if factor is None:
            raise ValidationError({weight_field(code): _("Unknown factor.")})
        new = (values.weight, values.start, values.full, values.days)
        if (factor.weight, factor.start, factor.full, factor.days) == new:
            continue
        factor.weight, factor.start, factor.full, factor.days = new
        factor._history_user = actor
        factor.save()
    return policy
