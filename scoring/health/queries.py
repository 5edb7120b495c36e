"""Read side of the health pages: an account's health with its recent snapshots (the header's
sparklines and the Health tab's trend), the health overview's rows and summary, the risk model
and the recalculation runs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.utils import timezone

from accounts import outbox
from accounts.models import Account
from scoring.models import AccountHealth, HealthRun, RiskFactor, RiskPolicy
from scoring.models.health import RiskLevel, RunStatus

TREND_DAYS = 90
WEEK = datetime.timedelta(days=7)
# A move of this many points in a week counts as improved or worsened on the overview.
BIG_MOVE = 10
RUNS_SHOWN = 50

HEADER_FIELDS = (
    "risk_score",
    "risk_level",
    "satisfaction_index",
    "satisfaction_change",
    "surveys_counted",
    "high_since",
    "calculated_at",
)


@dataclass(frozen=True)
class HealthTrend:
    """The account's current health (the header's fields) and its snapshots of the last
    TREND_DAYS days, oldest first: (day, risk score, satisfaction index or None)."""

    risk_score: int
    risk_level: str
    satisfaction_index: Decimal | None
    satisfaction_change: Decimal | None
    surveys_counted: int
    high_since: datetime.date | None
    calculated_at: datetime.datetime
    snapshots: tuple[tuple[datetime.date, int, Decimal | None], ...]
    since: datetime.date

    @property
    def level_label(self) -> str:
        return RiskLevel(self.risk_level).label

    @property
    def risk_series(self) -> list[tuple[datetime.date, int]]:
        return [(day, risk) for day, risk, _ in self.snapshots]

    @property
    def satisfaction_series(self) -> list[tuple[datetime.date, Decimal | None]]:
        return [(day, satisfaction) for day, _, satisfaction in self.snapshots]


def health_trend(account, *, today: datetime.date | None = None) -> HealthTrend | None:
    """One query: the health row LEFT JOINed to the snapshots of the last TREND_DAYS days (one
    result row per snapshot, or one without). Kept on the account instance, so the header panel
    and the Health tab share it within a request. None when the account was never calculated."""
    cached = account.__dict__.get("_health_trend", False)
    if cached is not False:
        return cached
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=TREND_DAYS)
    rows = list(
        Account.objects.filter(pk=account.pk)
        .annotate(
            recent=FilteredRelation(
                "health_snapshots", condition=Q(health_snapshots__day__gte=since)
            )
        )
        .values(
            *(f"health__{name}" for name in HEADER_FIELDS),
            "recent__day",
            "recent__risk_score",
            "recent__satisfaction_index",
        )
        .order_by("recent__day")
    )
    trend = None
    if rows and rows[0]["health__risk_score"] is not None:
        first = rows[0]
        trend = HealthTrend(
            **{name: first[f"health__{name}"] for name in HEADER_FIELDS},
            snapshots=tuple(
                (row["recent__day"], row["recent__risk_score"], row["recent__satisfaction_index"])
                for row in rows
                if row["recent__day"] is not None
            ),
            since=since,
        )
    account.__dict__["_health_trend"] = trend
    return trend


def account_health(account) -> AccountHealth | None:
    return AccountHealth.objects.filter(account=account).first()


def calculation_run(account, health: AccountHealth) -> HealthRun | None:
    """The run that last wrote this account's health: the latest run over every account or
    over this one that started before the row was calculated."""
    return (
        HealthRun.objects.filter(Q(account__isnull=True) | Q(account=account))
        .filter(started_at__lte=health.calculated_at)
        .exclude(status=RunStatus.SKIPPED)
        .select_related("requested_by")
        .order_by("-started_at", "-pk")
        .first()
    )


# --- The risk model ---------------------------------------------------------------------------


def risk_policy() -> RiskPolicy:
    policy = RiskPolicy.objects.select_related("updated_by").filter(pk=1).first()
    return policy or RiskPolicy.objects.get_or_create(pk=1)[0]


def risk_factors() -> list[RiskFactor]:
    return list(RiskFactor.objects.order_by("position", "pk"))


def model_changed_since_last_run(policy: RiskPolicy) -> bool:
    """True when no run over every account has started since the model was last saved: the
    scores on the pages still follow the old weights."""
    return not HealthRun.objects.filter(
        account__isnull=True,
        status__in=[RunStatus.RUNNING, RunStatus.FINISHED, RunStatus.FAILED],
        started_at__gte=policy.updated_at,
    ).exists()


# --- The overview -----------------------------------------------------------------------------


def with_health(accounts: QuerySet) -> QuerySet:
    """The accounts with the change of their risk against a week ago as `risk_change` (None
    when there is no snapshot that old; the recalculation stores it)."""
    return accounts.annotate(risk_change=F("health__risk_change"))


def overview_page(account_ids: list[int]) -> list[Account]:
    """The accounts of one page of the overview, whole, in the order of `account_ids`. Sorting
    every visible account's full row (with its explanation) is slow on a large portfolio; sorting
    their ids and reading one page's rows is not (tests/perf/test_health_pages.py)."""
    accounts = with_health(Account.objects.filter(pk__in=account_ids)).select_related(
        "owner", "tier", "health"
    )
    position = {pk: index for index, pk in enumerate(account_ids)}
    return sorted(accounts, key=lambda account: position[account.pk])


@dataclass(frozen=True)
class OverviewSummary:
    low: int
    medium: int
    high: int
    not_calculated: int
    crossed_into_high: int
    improved: int
    worsened: int

    @property
    def total(self) -> int:
        return self.low + self.medium + self.high + self.not_calculated


def overview_summary(accounts: QuerySet, *, today: datetime.date | None = None) -> OverviewSummary:
    """The summary cards of the overview in one query (`accounts` annotated by with_health)."""
    today = today or timezone.localdate()
    level = {
        key: Count("pk", filter=Q(health__risk_level=key))
        for key in (RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH)
    }
    counts = accounts.order_by().aggregate(
        **{str(key): value for key, value in level.items()},
        not_calculated=Count("pk", filter=Q(health__isnull=True)),
        crossed_into_high=Count(
            "pk", filter=Q(health__risk_level=RiskLevel.HIGH, health__high_since__gt=today - WEEK)
        ),
        improved=Count("pk", filter=Q(health__risk_change__lte=-BIG_MOVE)),
        worsened=Count("pk", filter=Q(health__risk_change__gte=BIG_MOVE)),
    )
    return OverviewSummary(**counts)


# --- Runs ------------------------------------------------------------------------------------


def recent_runs(
    limit: int = RUNS_SHOWN, *, now: datetime.datetime | None = None, queued=None
) -> list[HealthRun]:
    """The latest runs, newest first, each told what an admin may do about it:

    - `covered_by`: a later run that recalculated what it did, or more (its retry, or a later
      run over every account), so retrying it could only bring older figures back;
    - `retry_waiting_now`: a retry was asked for and no worker has started it yet;
    - `retry_waits_for_broker`: that retry is saved in the outbox, the broker unreachable
      (`queued`: work_waiting_for_broker());
    - `needs_decision`: interrupted (its worker died, whether or not the reaper has marked it
      yet), not dismissed, not covered, no retry waiting: Retry and Dismiss are offered."""
    runs = list(
        HealthRun.objects.select_related(
            "requested_by", "account", "retried_by", "dismissed_by", "retry_of"
        ).order_by("-started_at", "-pk")[:limit]
    )
    now = now or timezone.now()
    queued_retries = {
        first for task, first, _ in queued or () if task == "scoring.tasks.retry_health_run"
    }
    for index, run in enumerate(runs):
        run.retry_waits_for_broker = run.pk in queued_retries
        # Newest first: every run that could cover this one is listed before it, the closest
        # (its retry, usually) last.
        run.covered_by = next((n for n in reversed(runs[:index]) if n.covers(run)), None)
        run.retry_waiting_now = run.covered_by is None and run.retry_waiting(now)
        run.needs_decision = (
            run.shown_status == RunStatus.INTERRUPTED
            and run.dismissed_at is None
            and run.covered_by is None
            and not run.retry_waiting_now
        )
    return runs


def runs_in_progress(runs: list[HealthRun]) -> bool:
    """Whether the runs page should keep following: a run is alive, or a retry waits to start."""
    return any(
        (run.status == RunStatus.RUNNING and not run.is_dead())
        or (run.retry_waiting_now and not run.retry_waits_for_broker)
        for run in runs
    )


QUEUED_TASKS = ("scoring.tasks.recalculate_health", "scoring.tasks.retry_health_run")


def work_waiting_for_broker() -> list[tuple[str, object, datetime.datetime]]:
    """(task, first argument, when it was asked for) of each recalculation or retry saved in the
    outbox but not yet handed to the broker (Redis unreachable: accounts.outbox), oldest first."""
    return list(
        outbox.pending()
        .filter(task__in=QUEUED_TASKS)
        .order_by("created_at")
        .values_list("task", "args__0", "created_at")[:RUNS_SHOWN]
    )


def retry_waits_for_broker(run: HealthRun) -> bool:
    return outbox.is_waiting("scoring.tasks.retry_health_run", run.pk)
