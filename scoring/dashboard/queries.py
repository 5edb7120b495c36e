"""Read side of the portfolio dashboard: every figure is computed by the database, in a fixed
number of queries whatever the size of the portfolio.

`dashboard()` runs nine queries:
  1. the day of the snapshot to compare with;
  2. the portfolio's figures in one statement: the per-account facts (facts.with_facts) as a
     common table expression, aggregated for the whole portfolio and for each tier, stage, risk
     band, quadrant and account manager (UNION ALL of grouped SELECTs);
  3. the tiers (the pyramid shows every tier, also an empty one);
  4. moves between relationship stages this quarter;
  5. the 80/20 curve (a window over the accounts ranked by revenue);
  6. the matrix's largest bubbles;
  7. the development pipeline by stage;
  8. revenue by month for 24 months;
  9. satisfaction by quarter for 8 quarters;
and the two tables: 10. the accounts most at risk, 11. the exceptions.

The result holds only plain values (codes, numbers, dates), so it can be cached and rendered in
either language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Avg, Count, DecimalField, F, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, RowNumber, TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import Account, RelationshipStage, StageChange, Tier, Transaction, User
from planning.models import DevelopmentStage, Opportunity
from scoring import engine
from scoring.dashboard import facts
from scoring.health import explain
from scoring.models import Survey, SurveyStatus
from scoring.portfolio.queries import (
    MATRIX_BUBBLES,
    RUNNING,
    TOP_ACCOUNTS_SHOWN,
    CurvePoint,
    ParetoCurve,
    Thresholds,
    TopAccount,
    WindowSum,
    boundary_positions,
)

TOP_RISK_SHOWN = 10
EXCEPTIONS_SHOWN = 25
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
CENT = Decimal("0.01")


def _money(value) -> Decimal:
    """SQLite sums decimals as floats; PostgreSQL as numerics."""
    if value is None:
        return Decimal(0)
    return Decimal(str(value)).quantize(CENT)


def _average(total, count: int) -> Decimal | None:
    return (Decimal(str(total)) / count).quantize(CENT) if count else None


# --- The portfolio's figures -----------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """The dashboard's measures over a set of accounts, now and on the comparison day."""

    accounts: int = 0
    key_accounts: int = 0
    revenue: Decimal = Decimal(0)
    revenue_prev: Decimal = Decimal(0)  # the 12 months before the last 12
    key_revenue: Decimal = Decimal(0)
    key_with_plan: int = 0
    key_in_cadence: int = 0
    satisfaction_sum: Decimal = Decimal(0)
    satisfaction_count: int = 0
    risk_sum: int = 0
    risk_count: int = 0
    high_risk: int = 0
    medium_risk: int = 0
    high_risk_revenue: Decimal = Decimal(0)
    complaints_past_due: int = 0
    no_plan: int = 0
    no_owner: int = 0
    not_visited: int = 0
    mismatch: int = 0
    exceptions: int = 0
    prev_accounts: int = 0  # accounts with a snapshot on the comparison day
    prev_key_accounts: int = 0
    prev_revenue: Decimal = Decimal(0)
    prev_key_revenue: Decimal = Decimal(0)
    prev_key_with_plan: int = 0
    prev_key_in_cadence: int = 0
    prev_satisfaction_sum: Decimal = Decimal(0)
    prev_satisfaction_count: int = 0
    prev_high_risk: int = 0
    prev_high_risk_revenue: Decimal = Decimal(0)
    prev_complaints_past_due: int = 0

    @property
    def key_share(self) -> Decimal | None:
        return engine.percent(self.key_revenue, self.revenue)

    @property
    def prev_key_share(self) -> Decimal | None:
        return engine.percent(self.prev_key_revenue, self.prev_revenue)

    @property
    def plan_coverage(self) -> Decimal | None:
        return engine.percent(self.key_with_plan, self.key_accounts)

    @property
    def prev_plan_coverage(self) -> Decimal | None:
        return engine.percent(self.prev_key_with_plan, self.prev_key_accounts)

    @property
    def visit_compliance(self) -> Decimal | None:
        return engine.percent(self.key_in_cadence, self.key_accounts)

    @property
    def prev_visit_compliance(self) -> Decimal | None:
        return engine.percent(self.prev_key_in_cadence, self.prev_key_accounts)

    @property
    def satisfaction(self) -> Decimal | None:
        return _average(self.satisfaction_sum, self.satisfaction_count)

    @property
    def prev_satisfaction(self) -> Decimal | None:
        return _average(self.prev_satisfaction_sum, self.prev_satisfaction_count)

    @property
    def average_risk(self) -> Decimal | None:
        return _average(self.risk_sum, self.risk_count)

    @property
    def not_calculated(self) -> int:
        return self.accounts - self.risk_count

    @property
    def revenue_change(self) -> Decimal | None:
        return engine.percent_change(self.revenue, self.revenue_prev)


# Each measure's SQL over the facts CTE, in Figures' field order. CASE rather than FILTER, so the
# same statement runs on SQLite (make run).
MEASURES = {
    "accounts": "COUNT(*)",
    "key_accounts": "SUM(CASE WHEN f_is_key THEN 1 ELSE 0 END)",
    "revenue": "SUM(f_revenue)",
    "revenue_prev": "SUM(f_revenue_prev)",
    "key_revenue": "SUM(CASE WHEN f_is_key THEN f_revenue ELSE 0 END)",
    "key_with_plan": "SUM(CASE WHEN f_is_key AND f_has_plan THEN 1 ELSE 0 END)",
    "key_in_cadence": "SUM(CASE WHEN f_is_key AND f_in_cadence THEN 1 ELSE 0 END)",
    "satisfaction_sum": "SUM(f_satisfaction)",
    "satisfaction_count": "COUNT(f_satisfaction)",
    "risk_sum": "SUM(f_risk)",
    "risk_count": "COUNT(f_risk)",
    "high_risk": f"SUM(CASE WHEN f_level = '{engine.RISK_HIGH}' THEN 1 ELSE 0 END)",
    "medium_risk": f"SUM(CASE WHEN f_level = '{engine.RISK_MEDIUM}' THEN 1 ELSE 0 END)",
    "high_risk_revenue": f"SUM(CASE WHEN f_level = '{engine.RISK_HIGH}' THEN f_revenue ELSE 0 END)",
    "complaints_past_due": "SUM(f_past_due)",
    **{kind: f"SUM(CASE WHEN f_{kind} THEN 1 ELSE 0 END)" for kind in facts.EXCEPTIONS},
    "exceptions": "SUM(CASE WHEN {} THEN 1 ELSE 0 END)".format(
        " OR ".join(f"f_{kind}" for kind in facts.EXCEPTIONS)
    ),
    "prev_accounts": "SUM(CASE WHEN p_seen THEN 1 ELSE 0 END)",
    "prev_key_accounts": "SUM(CASE WHEN p_category = 'key' THEN 1 ELSE 0 END)",
    "prev_revenue": "SUM(p_revenue)",
    "prev_key_revenue": "SUM(CASE WHEN p_category = 'key' THEN p_revenue ELSE 0 END)",
    "prev_key_with_plan": "SUM(CASE WHEN p_category = 'key' AND p_has_plan THEN 1 ELSE 0 END)",
    "prev_key_in_cadence": "SUM(CASE WHEN p_category = 'key' AND p_in_cadence THEN 1 ELSE 0 END)",
    "prev_satisfaction_sum": "SUM(p_satisfaction)",
    "prev_satisfaction_count": "COUNT(p_satisfaction)",
    "prev_high_risk": f"SUM(CASE WHEN p_level = '{engine.RISK_HIGH}' THEN 1 ELSE 0 END)",
    "prev_high_risk_revenue": (
        f"SUM(CASE WHEN p_level = '{engine.RISK_HIGH}' THEN p_revenue ELSE 0 END)"
    ),
    "prev_complaints_past_due": "SUM(p_past_due)",
}
MONEY_MEASURES = {name for name, f in Figures.__dataclass_fields__.items() if f.type == "Decimal"}

# The groupings: (name, the column grouped by, the measures it needs; None: all of them).
GROUPINGS = (
    ("total", None, None),
    ("tier", "g_tier", ("accounts", "revenue")),
    ("stage", "g_stage", ("accounts", "revenue")),
    ("band", "f_band", ("accounts", "high_risk", "medium_risk")),
    ("quadrant", "f_quadrant", ("accounts", "revenue")),
    (
        "owner",
        "g_owner",
        (
            "accounts",
            "key_accounts",
            "revenue",
            "key_with_plan",
            "key_in_cadence",
            "risk_sum",
            "risk_count",
            "high_risk",
            "complaints_past_due",
        ),
    ),
)
FACT_COLUMNS = (
    "f_pk",
    "g_tier",
    "g_stage",
    "g_owner",
    "f_is_key",
    "f_revenue",
    "f_revenue_prev",
    "f_risk",
    "f_level",
    "f_satisfaction",
    "f_in_cadence",
    "f_has_plan",
    "f_band",
    "f_quadrant",
    "f_calculated",
    *(f"f_{kind}" for kind in facts.EXCEPTIONS),
    "t_attractiveness",
    "t_advantage",
    "p_day",
    "p_seen",
    "p_category",
    "p_revenue",
    "p_has_plan",
    "p_in_cadence",
    "p_satisfaction",
    "p_level",
    "p_past_due",
)


def _figures(row: dict) -> Figures:
    values = {}
    for name in MEASURES:
        value = row[name]
        values[name] = _money(value) if name in MONEY_MEASURES else int(value or 0)
    return Figures(**values)


def _measures(wanted) -> str:
    """The measures' SQL, NULL (typed, so the UNION's columns agree) for those not wanted."""

    def unwanted(name: str) -> str:
        return f"CAST(NULL AS {'NUMERIC' if name in MONEY_MEASURES else 'BIGINT'})"

    return ", ".join(
        f"{sql if wanted is None or name in wanted else unwanted(name)} AS {name}"
        for name, sql in MEASURES.items()
    )


def _portfolio_sql(accounts: QuerySet, *, today, compare_before) -> tuple[str, list]:
    annotated = facts.with_facts(accounts.order_by(), today=today, compare_before=compare_before)
    rows = annotated.annotate(
        f_pk=F("pk"),
        t_attractiveness=facts.threshold("attractiveness_threshold"),
        t_advantage=facts.threshold("advantage_threshold"),
        g_tier=F("tier_id"),
        g_stage=F("relationship_stage"),
        g_owner=F("owner_id"),
    ).values(*FACT_COLUMNS)
    cte_sql, cte_params = rows.query.sql_with_params()
    past_due = (
        facts.past_due_complaints(today)
        .filter(account__in=accounts.order_by().values("pk"))
        .values("account_id")
        .annotate(complaints=Count("pk"))
        .order_by()
    )
    past_due_sql, past_due_params = past_due.query.sql_with_params()
    extra = (
        "MAX(f_calculated) AS calculated_at, MAX(p_day) AS compare_day, "
        "MAX(t_attractiveness) AS threshold_a, MAX(t_advantage) AS threshold_b"
    )
    branches = []
    no_names = "NULL AS first_name, NULL AS last_name, NULL AS username"
    for grouping, column, wanted in GROUPINGS:
        key = f"CAST({column} AS TEXT)" if column else "NULL"
        group_by = f" GROUP BY {column}" if column else ""
        branch = (
            f"SELECT '{grouping}' AS grouping, {key} AS grouping_key, {extra}, "
            f"{_measures(wanted)} FROM facts{group_by}"
        )
        if grouping == "owner":
            # The names join the dozen groups, not every account.
            branch = (
                f"SELECT grouped.*, u.first_name, u.last_name, u.username FROM ({branch}) grouped "
                f"LEFT JOIN {User._meta.db_table} u ON CAST(u.id AS TEXT) = grouped.grouping_key"
            )
        else:
            branch = branch.replace(" FROM facts", f", {no_names} FROM facts", 1)
        branches.append(branch)
    sql = (
        f"WITH base AS ({cte_sql}), "
        f"past_due AS ({past_due_sql}), "
        "facts AS (SELECT base.*, COALESCE(past_due.complaints, 0) AS f_past_due FROM base "
        "LEFT JOIN past_due ON past_due.account_id = base.f_pk) "
    )
    return sql + " UNION ALL ".join(branches), [*cte_params, *past_due_params]


@dataclass(frozen=True)
class Group:
    key: str | None
    figures: Figures
    name: str = ""  # an account manager's name


@dataclass
class PortfolioFigures:
    total: Figures
    groups: dict[str, list[Group]]
    calculated_at: datetime.datetime | None = None
    compare_day: datetime.date | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)


def portfolio_figures(
    accounts: QuerySet, *, today: datetime.date, compare_before: datetime.date | None
) -> PortfolioFigures:
    sql, params = _portfolio_sql(accounts, today=today, compare_before=compare_before)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    result = PortfolioFigures(Figures(), {name: [] for name, *_ in GROUPINGS[1:]})
    for row in rows:
        figures = _figures(row)
        if row["grouping"] == "total":
            result.total = figures
            result.calculated_at = _as_datetime(row["calculated_at"])
            result.compare_day = row["compare_day"] and _as_date(row["compare_day"])
            if row["threshold_a"] is not None:
                result.thresholds = Thresholds(
                    _money(row["threshold_a"]), _money(row["threshold_b"])
                )
            continue
        name = ""
        if row["grouping"] == "owner" and row["username"]:
            name = person_name(row["first_name"], row["last_name"], row["username"])
        result.groups[row["grouping"]].append(Group(row["grouping_key"], figures, name))
    return result


def person_name(first: str, last: str, username: str) -> str:
    """How the product writes a person's name (User.__str__), from columns read with values()."""
    return str(User(first_name=first or "", last_name=last or "", username=username))


def _as_datetime(value) -> datetime.datetime | None:
    if isinstance(value, str):  # SQLite
        value = datetime.datetime.fromisoformat(value)
        return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)
    return value


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
        if self.name_zh_hans and (get_language() or "").startswith("zh"):
            return self.name_zh_hans
        return self.name


def tier_rows(groups: list[Group]) -> list[TierRow]:
    """Every tier, best first, and the accounts without a tier last (when there are any)."""
    by_key = {group.key: group.figures for group in groups}
    rows = []
    for tier in Tier.objects.order_by("rank", "pk"):
        found = by_key.get(str(tier.pk), Figures())
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
            by_key.get(stage, Figures()).accounts,
            by_key.get(stage, Figures()).revenue,
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
        return 100 if self.band == facts.RISK_BANDS - 1 else self.band * 10 + 9


def band_rows(groups: list[Group]) -> list[BandRow]:
    by_key = {group.key: group.figures for group in groups}
    rows = []
    for band in range(facts.RISK_BANDS):
        found = by_key.get(str(band), Figures())
        rows.append(BandRow(band, found.accounts, found.high_risk, found.medium_risk))
    return rows


@dataclass(frozen=True)
class ManagerRow:
    owner_id: int | None
    name: str
    figures: Figures


def manager_rows(groups: list[Group]) -> list[ManagerRow]:
    rows = [
        ManagerRow(int(group.key) if group.key else None, group.name, group.figures)
        for group in groups
    ]
    return sorted(rows, key=lambda row: (row.owner_id is None, -row.figures.revenue, row.name))


# --- Matrix bubbles and the 80/20 curve ------------------------------------------------------


@dataclass(frozen=True)
class BubbleAccount:
    """What charts.matrix_chart reads of an account."""

    pk: int
    name: str
    category: str
    attractiveness: Decimal
    advantage: Decimal
    revenue: Decimal

    def get_category_display(self) -> str:
        from accounts.models import Category

        return Category(self.category).label


def bubbles(accounts: QuerySet) -> list[BubbleAccount]:
    rows = (
        accounts.order_by()
        .filter(assessments__is_current=True)
        .filter(assessments__attractiveness__isnull=False, assessments__advantage__isnull=False)
        .annotate(
            a=F("assessments__attractiveness"),
            b=F("assessments__advantage"),
            r=Coalesce(F("health__revenue_12m"), Decimal(0), output_field=MONEY),
        )
        .order_by("-r", "name", "pk")
        .values_list("pk", "name", "category", "a", "b", "r")[:MATRIX_BUBBLES]
    )
    return [BubbleAccount(*row) for row in rows]


def pareto(accounts: QuerySet, *, size: int, total: Decimal) -> ParetoCurve:
    """The 80/20 curve over the stored 12-month revenue: one query whose window ranks every
    account and returns only the rows at the percentile boundaries."""
    curve = ParetoCurve(measure="amount", accounts=size, total=total)
    if not size:
        return curve
    order = [F("value").desc(), F("pk").asc()]
    rows = (
        accounts.order_by()
        .annotate(value=Coalesce(F("health__revenue_12m"), Decimal(0), output_field=MONEY))
        .annotate(
            position=Window(RowNumber(), order_by=order),
            cumulative=Window(WindowSum("value"), order_by=order, frame=RUNNING),
        )
        .filter(position__in=boundary_positions(size))
        .order_by("position")
        .values_list("position", "pk", "name", "value", "cumulative")
    )
    for position, pk, name, value, cumulative in rows:
        value, cumulative = _money(value), _money(cumulative)
        curve.points.append(CurvePoint(position, cumulative))
        if position <= TOP_ACCOUNTS_SHOWN:
            curve.top.append(
                TopAccount(
                    position,
                    pk,
                    name,
                    value,
                    cumulative,
                    curve.share(value),
                    curve.share(cumulative),
                )
            )
    return curve


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
            _money(found.get(stage, {}).get("total_value")),
            _money(found.get(stage, {}).get("weighted_value")),
        )
        for stage in OPEN_PIPELINE
    ]


def month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(count):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date  # the first day
    revenue: Decimal
    margin: Decimal


def monthly_revenue(accounts: QuerySet, *, today: datetime.date) -> list[MonthRow]:
    starts = month_starts(today, MONTHS)
    found = {
        _as_date(row["month"]): row
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
            _money(found.get(start, {}).get("revenue")),
            _money(found.get(start, {}).get("margin")),
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
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"


def quarter_starts(today: datetime.date, count: int) -> list[datetime.date]:
    starts, day = [], quarter_start(today)
    for _ in range(count):
        starts.append(day)
        day = quarter_start(day - datetime.timedelta(days=1))
    return starts[::-1]


def satisfaction_by_quarter(accounts: QuerySet, *, today: datetime.date) -> list[QuarterRow]:
    """The average satisfaction index of the surveys answered in each quarter."""
    starts = quarter_starts(today, QUARTERS)
    found = {
        _as_date(row["quarter"]): row
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
                None if average is None else _money(average),
                row.get("surveys", 0),
                row.get("accounts", 0),
            )
        )
    return rows


# --- The tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskRow:
    pk: int
    name: str
    owner: str
    score: int
    level: str
    change: int | None
    revenue: Decimal
    factors: tuple  # the stored factors that add points (codes and numbers, worded on render)

    @property
    def reasons(self) -> list:
        return explain.top_reasons(list(self.factors))


def top_risk(accounts: QuerySet) -> list[RiskRow]:
    rows = (
        accounts.order_by()
        .filter(health__isnull=False)
        .select_related("owner", "health")
        .order_by(F("health__risk_score").desc(), "name", "pk")[:TOP_RISK_SHOWN]
    )
    return [
        RiskRow(
            account.pk,
            account.name,
            str(account.owner) if account.owner else "",
            account.health.risk_score,
            account.health.risk_level,
            account.health.risk_change,
            account.health.revenue_12m,
            tuple(f for f in account.health.factors if f.get("points", 0) > 0),
        )
        for account in rows
    ]


@dataclass(frozen=True)
class ExceptionRow:
    pk: int
    name: str
    category: str
    owner: str
    kinds: tuple[str, ...]
    quadrant: str


def exception_rows(accounts: QuerySet, *, today: datetime.date) -> list[ExceptionRow]:
    """The accounts with an exception, key accounts first."""
    rows = (
        facts.with_facts(accounts.order_by(), today=today, compare_before=None)
        .filter(facts.any_exception())
        .order_by(F("f_is_key").desc(), F("f_revenue").desc(), "name", "pk")
        .values(
            "pk",
            "name",
            "category",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
            "f_quadrant",
            *(f"f_{kind}" for kind in facts.EXCEPTIONS),
        )[:EXCEPTIONS_SHOWN]
    )
    return [
        ExceptionRow(
            row["pk"],
            row["name"],
            row["category"],
            person_name(row["owner__first_name"], row["owner__last_name"], row["owner__username"])
            if row["owner__username"]
            else "",
            tuple(kind for kind in facts.EXCEPTIONS if row[f"f_{kind}"]),
            row["f_quadrant"] or "",
        )
        for row in rows
    ]


# --- The whole page --------------------------------------------------------------------------


@dataclass
class Dashboard:
    today: datetime.date
    compare: str
    compare_day: datetime.date | None
    calculated_at: datetime.datetime | None
    thresholds: Thresholds
    total: Figures
    tiers: list[TierRow]
    stages: list[StageRow]
    bands: list[BandRow]
    quadrants: dict[str, Figures]
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
    figures = portfolio_figures(accounts, today=today, compare_before=compare_before)
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
