"""Read side of the portfolio dashboard: every figure is computed by the database, in a fixed
number of queries whatever the size of the portfolio.

`dashboard()` runs ten queries:
  1. the portfolio's figures, now and on the comparison day, in one statement (aggregates.py);
  2. the tiers (the pyramid shows every tier, also an empty one);
  3. moves between relationship stages this quarter;
  4. the matrix's largest bubbles (revenue_ranking.py);
  5. the 80/20 curve (a window over the accounts ranked by revenue, revenue_ranking.py);
  6. the development pipeline by stage;
  7. revenue by month for 24 months;
  8. satisfaction by quarter for 8 quarters;
and the two tables (account_lists.py): 9. the accounts most at risk, 10. the exceptions.

The result holds only plain values (codes, numbers, dates), so it can be cached and rendered in
either language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, F, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, RelationshipStage, StageChange, Tier, Transaction
from planning.models import DevelopmentStage, Opportunity
from scoring.dashboard import account_columns
from scoring.dashboard.account_lists import ExceptionRow, RiskRow, exception_rows, top_risk
from scoring.dashboard.aggregates import (
    Aggregates,
    Group,
    portfolio_aggregates,
    to_date,
    to_money,
)
from scoring.dashboard.revenue_ranking import BubbleAccount, bubbles, pareto
from scoring.models import Survey, SurveyStatus
from scoring.portfolio.queries import (
    ParetoCurve,
    Thresholds,
)

MONTHS = 24
QUARTERS = 8
COMPARE_DAYS = {"week": 7, "month": 30, "quarter": 91}
DEFAULT_COMPARE = "month"
OPEN_PIPELINE = [
    stage
    for stage in DevelopmentStage.values
    if stage not in (DevelopmentStage.WON, DevelopmentStage.LOST)
]
MONEY = DecimalField(max_digits=18, decimal_places=2)


# --- Tiers, stages, quadrants, risk --------------------------------------------------------


@dataclass(frozen=True)
class TierRow:
    pk: int | None  # None: accounts without a tier
    name: str
    name_zh_hans: str
    count: int
    revenue: Decimal

    @property
    def label(self) -> str:
        return Tier(name=self.name, name_zh_hans=self.name_zh_hans).label


def tier_rows(groups: list[Group]) -> list[TierRow]:
    """Every tier, best first, and the accounts without a tier last (when there are any)."""
    by_key = {group.key: group.figures for group in groups}
    rows = []
    for tier in Tier.objects.order_by("rank", "pk"):
        found = by_key.get(str(tier.pk), Aggregates())
        rows.append(TierRow(tier.pk, tier.name, tier.name_zh_hans, found.accounts, found.revenue))
    if None in by_key:
        rows.append(TierRow(None, "", "", by_key[None].accounts, by_key[None].revenue))
    return rows


@dataclass(frozen=True)
class StageRow:
    stage: str
    count: int
    revenue: Decimal
    moved_up: int  # moves into this stage this quarter
    moved_down: int

    @property
    def label(self) -> str:
        return RelationshipStage(self.stage).label


def quarter_start(day: datetime.date) -> datetime.date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def stage_rows(accounts: QuerySet, groups: list[Group], *, today: datetime.date) -> list[StageRow]:
    by_key = {group.key: group.figures for group in groups}
    start = timezone.make_aware(datetime.datetime.combine(quarter_start(today), datetime.time()))
    moves = {
        (row["to_stage"], row["is_regression"]): row["count"]
        for row in StageChange.objects.filter(
            account__in=accounts.order_by().values("pk"), changed_at__gte=start
        )
        .values("to_stage", "is_regression")
        .annotate(count=Count("pk"))
        .order_by()
    }
    return [
        StageRow(
            stage,
            by_key.get(stage, Aggregates()).accounts,
            by_key.get(stage, Aggregates()).revenue,
            moves.get((stage, False), 0),
            moves.get((stage, True), 0),
        )
        for stage in RelationshipStage.values
    ]


@dataclass(frozen=True)
class BandRow:
    band: int  # 0 = 0–9 … 9 = 90–100
    count: int
    high: int
    medium: int

    @property
    def low(self) -> int:
        return self.count - self.high - self.medium

    @property
    def lowest(self) -> int:
        return self.band * 10

    @property
    def highest(self) -> int:
        return 100 if self.band == account_columns.RISK_BANDS - 1 else self.band * 10 + 9


def band_rows(groups: list[Group]) -> list[BandRow]:
    by_key = {group.key: group.figures for group in groups}
    rows = []
    for band in range(account_columns.RISK_BANDS):
        found = by_key.get(str(band), Aggregates())
        rows.append(BandRow(band, found.accounts, found.high_risk, found.medium_risk))
    return rows


@dataclass(frozen=True)
class ManagerRow:
    owner_id: int | None
    name: str
    figures: Aggregates


def manager_rows(groups: list[Group]) -> list[ManagerRow]:
    rows = [
        ManagerRow(int(group.key) if group.key else None, group.name, group.figures)
        for group in groups
    ]
    return sorted(rows, key=lambda row: (row.owner_id is None, -row.figures.revenue, row.name))


# --- Pipeline, revenue by month, satisfaction by quarter -----------------------------------


@dataclass(frozen=True)
class PipelineRow:
    stage: str
    opportunities: int
    accounts: int
    value: Decimal
    weighted: Decimal  # value × probability

    @property
    def label(self) -> str:
        return DevelopmentStage(self.stage).label


def pipeline_rows(accounts: QuerySet) -> list[PipelineRow]:
    found = {
        row["stage"]: row
        for row in Opportunity.objects.filter(
            account__in=accounts.order_by().values("pk"), stage__in=OPEN_PIPELINE
        )
        .values("stage")
        .annotate(
            opportunities=Count("pk"),
            accounts=Count("account", distinct=True),
            total_value=Sum("value"),
            weighted_value=Sum(F("value") * F("probability") / 100, output_field=MONEY),
        )
        .order_by()
    }
    return [
        PipelineRow(
            stage,
            found.get(stage, {}).get("opportunities", 0),
            found.get(stage, {}).get("accounts", 0),
            to_money(found.get(stage, {}).get("total_value")),
            to_money(found.get(stage, {}).get("weighted_value")),
        )
        for stage in OPEN_PIPELINE
    ]


def month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _step in range(count):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date  # the first day
    revenue: Decimal
    margin: Decimal


def monthly_revenue(accounts: QuerySet, *, today: datetime.date) -> list[MonthRow]:
    starts = month_starts(today, MONTHS)
    found = {
        to_date(row["month"]): row
        for row in Transaction.objects.filter(
            account__in=accounts.order_by().values("pk"), date__gte=starts[0], date__lte=today
        )
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(revenue=Sum("amount"), margin=Sum("gross_margin"))
        .order_by()
    }
    return [
        MonthRow(
            start,
            to_money(found.get(start, {}).get("revenue")),
            to_money(found.get(start, {}).get("margin")),
        )
        for start in starts
    ]


@dataclass(frozen=True)
class QuarterRow:
    start: datetime.date
    average: Decimal | None
    surveys: int
    accounts: int

    @property
    def label(self) -> str:
        return quarter_label(self.start)


def quarter_label(start: datetime.date) -> str:
    """ "2026 Q2" (2026年第2季度) for the quarter starting on `start`."""
    return _("%(year)s Q%(quarter)s") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}


def quarter_starts(today: datetime.date, count: int) -> list[datetime.date]:
    starts, day = [], quarter_start(today)
    for _step in range(count):
        starts.append(day)
        day = quarter_start(day - datetime.timedelta(days=1))
    return starts[::-1]


def satisfaction_by_quarter(accounts: QuerySet, *, today: datetime.date) -> list[QuarterRow]:
    """The average satisfaction index of the surveys answered in each quarter."""
    starts = quarter_starts(today, QUARTERS)
    found = {
        to_date(row["quarter"]): row
        for row in Survey.objects.filter(
            account__in=accounts.order_by().values("pk"),
            status=SurveyStatus.COMPLETED,
            satisfaction_index__isnull=False,
            answered_on__gte=starts[0],
            answered_on__lte=today,
        )
        .annotate(quarter=TruncQuarter("answered_on"))
        .values("quarter")
        .annotate(
            average=Avg("satisfaction_index", output_field=MONEY),
            surveys=Count("pk"),
            accounts=Count("account", distinct=True),
        )
        .order_by()
    }
    rows = []
    for start in starts:
        row = found.get(start, {})
        average = row.get("average")
        rows.append(
            QuarterRow(
                start,
                None if average is None else to_money(average),
                row.get("surveys", 0),
                row.get("accounts", 0),
            )
        )
    return rows


# --- The whole page --------------------------------------------------------------------------


@dataclass
class Dashboard:
    today: datetime.date
    compare: str
    compare_day: datetime.date | None
    calculated_at: datetime.datetime | None
    thresholds: Thresholds
    total: Aggregates
    tiers: list[TierRow]
    stages: list[StageRow]
    bands: list[BandRow]
    quadrants: dict[str, Aggregates]
    managers: list[ManagerRow]
    bubbles: list[BubbleAccount]
    pareto: ParetoCurve
    pipeline: list[PipelineRow]
    months: list[MonthRow]
    satisfaction: list[QuarterRow]
    top_risk: list[RiskRow]
    exceptions: list[ExceptionRow] = field(default_factory=list)

    @property
    def last_12_months(self) -> list[MonthRow]:
        return self.months[-12:]


def dashboard(
    accounts: QuerySet[Account], *, compare: str = DEFAULT_COMPARE, today=None
) -> Dashboard:
    today = today or timezone.localdate()
    compare_before = today - datetime.timedelta(days=COMPARE_DAYS[compare])
    figures = portfolio_aggregates(accounts, today=today, compare_before=compare_before)
    total = figures.total
    return Dashboard(
        today=today,
        compare=compare,
        compare_day=figures.compare_day,
        calculated_at=figures.calculated_at,
        thresholds=figures.thresholds,
        total=total,
        tiers=tier_rows(figures.groups["tier"]),
        stages=stage_rows(accounts, figures.groups["stage"], today=today),
        bands=band_rows(figures.groups["band"]),
        quadrants={group.key: group.figures for group in figures.groups["quadrant"]},
        managers=manager_rows(figures.groups["owner"]),
        bubbles=bubbles(accounts),
        pareto=pareto(accounts, size=total.accounts, total=total.revenue),
        pipeline=pipeline_rows(accounts),
        months=monthly_revenue(accounts, today=today),
        satisfaction=satisfaction_by_quarter(accounts, today=today),
        top_risk=top_risk(accounts),
        exceptions=exception_rows(accounts, today=today),
    )
