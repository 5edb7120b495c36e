"""Recalculating satisfaction and churn risk (issue 6 item 4; DESIGN.md §6).

`recalculate_all` walks the accounts in primary-key ranges. For each batch it reads the facts
set-based (scoring.health.measures: nine grouped queries), scores them with scoring.engine, and
in one transaction writes only what changed: the AccountHealth rows (an upsert), today's snapshot
of the accounts that changed or have none yet, the alerts of accounts that crossed into high
risk, and the run's counters. A killed worker therefore leaves whole batches or nothing, and a
second run over unchanged data writes nothing but its own HealthRun row.

Two runs never overlap: a run holds a PostgreSQL session advisory lock (released by the server if
the worker dies, so a crash never leaves a stale lock); on other databases (SQLite for `make run`,
where tasks run in the web process) a cache key stands in. A run that finds an earlier run still
marked running knows it was interrupted, because it holds the lock, and says so.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

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
)

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


def _alert_text(account_name: str, values: dict) -> str:
    return Truncator(
        _("%(account)s is now at high churn risk (%(score)s): %(reasons)s")
        % {
            "account": account_name,
            "score": values["risk_score"],
            "reasons": explain.reasons_sentence(values["factors"]),
        }
    ).chars(Notification._meta.get_field("text").max_length)


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
        with translation.override(user_language(owner)):
            notifications.append(
                Notification(
                    user=owner,
                    key=alert_key(computed.account_id, as_of),
                    text=_alert_text(computed.facts.name, computed.values),
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


def _pk_ranges(batch_size: int, account_id: int | None):
    if account_id is not None:
        yield account_id, account_id
        return
    first = Account.objects.order_by("pk").values_list("pk", flat=True).first()
    last = Account.objects.order_by("-pk").values_list("pk", flat=True).first()
    if first is None:
        return
    for lo in range(first, last + 1, batch_size):
        yield lo, min(lo + batch_size - 1, last)


def _start_run(*, trigger, requested_by, account_id, as_of) -> HealthRun:
    # We hold the lock, so a run still marked running died without finishing.
    HealthRun.objects.filter(status=RunStatus.RUNNING).update(
        status=RunStatus.INTERRUPTED, finished_at=timezone.now()
    )
    return HealthRun.objects.create(
        trigger=trigger,
        requested_by=requested_by,
        account_id=account_id,
        as_of=as_of,
        status=RunStatus.RUNNING,
    )


def run_recalculation(
    *,
    trigger: str,
    requested_by=None,
    account_id: int | None = None,
    as_of: datetime.date | None = None,
    batch_size: int | None = None,
    record_skipped: bool = True,
) -> HealthRun:
    """Recalculate every account (or one), batch by batch; return the run's record. When another
    run holds the lock, return a skipped run at once (saved only if `record_skipped`)."""
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
            )
            if record_skipped:
                skipped.save()
            return skipped
        run = _start_run(
            trigger=trigger, requested_by=requested_by, account_id=account_id, as_of=as_of
        )
        model = current_risk_model()
        errors = []
        for lo, hi in _pk_ranges(batch_size, account_id):
            try:
                with transaction.atomic():
                    result = recalculate_batch(lo, hi, as_of=as_of, model=model)
                    HealthRun.objects.filter(pk=run.pk).update(
                        accounts=F("accounts") + result.accounts,
                        changed=F("changed") + result.changed,
                        alerts=F("alerts") + result.alerts,
                    )
            except Exception as error:  # one bad batch must not stop the others
                logger.exception("Health recalculation failed for accounts %s–%s", lo, hi)
                errors.append(f"{lo}–{hi}: {type(error).__name__}: {error}")
        run.refresh_from_db()
        run.errors = len(errors)
        run.error_text = "\n".join(errors)[:ERROR_TEXT_LENGTH]
        run.status = RunStatus.FAILED if errors else RunStatus.FINISHED
        run.finished_at = timezone.now()
        run.save(update_fields=["errors", "error_text", "status", "finished_at"])
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


def request_dashboard_warm_up() -> None:
    """After a full run has changed the figures: precompute the dashboards people open first,
    once the new figures are committed (after the cache has been told they changed)."""
    from scoring.tasks import warm_dashboards

    transaction.on_commit(warm_dashboards.delay)


def request_recalculation(*, requested_by) -> None:
    """An admin's "recalculate now": queue the full run once the request commits."""
    from scoring.tasks import recalculate_health

    actor_id = requested_by.pk if requested_by else None
    transaction.on_commit(lambda: recalculate_health.delay(RunTrigger.ADMIN, actor_id))


def recalculate_after_import(sender, *, job, **kwargs) -> None:
    """Imported transactions move revenue, margin and risk: recalculate once the import commits
    (a receiver of accounts.signals.records_imported)."""
    from accounts.models import ImportKind
    from scoring.tasks import recalculate_health

    if job.kind == ImportKind.TRANSACTIONS:
        transaction.on_commit(lambda: recalculate_health.delay(RunTrigger.IMPORT, job.user_id))


def request_account_recalculation(*, account_id: int) -> None:
    """After a survey: recalculate that account once the survey commits."""
    from scoring.tasks import recalculate_account_health

    transaction.on_commit(lambda: recalculate_account_health.delay(account_id))


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
    *, policy_data: dict, factor_rows: Mapping[str, FactorValues], actor
) -> RiskPolicy:
    """Save the policy and the factors in one transaction, each change with a history row by
    `actor`. Nothing is recalculated here: the admin decides when (or the nightly run does)."""
    validate_risk_model(policy_data, factor_rows)
    policy = RiskPolicy.objects.select_for_update().filter(pk=1).first() or RiskPolicy(pk=1)
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
