"""The portfolio's figures in one SQL statement: each account's facts (account_columns.with_columns)
as a common table expression, aggregated for the whole portfolio and for each tier, relationship
stage, risk band, quadrant and account manager (a UNION ALL of grouped SELECTs, which SQLite runs
too). Every measure is defined once, in AGGREGATES."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.queries import person_name
from scoring import engine
from scoring.dashboard import account_columns
from scoring.portfolio.queries import Thresholds

CENT = Decimal("0.01")


def to_money(value) -> Decimal:
    """SQLite sums decimals as floats; PostgreSQL as numerics."""
    if value is None:
        return Decimal(0)
    return Decimal(str(value)).quantize(CENT)


def _average(total, count: int) -> Decimal | None:
    return (Decimal(str(total)) / count).quantize(CENT) if count else None


def to_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _as_datetime(value) -> datetime.datetime | None:
    if isinstance(value, str):  # SQLite
        value = datetime.datetime.fromisoformat(value)
        return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)
    return value


# --- The portfolio's figures -----------------------------------------------------------------


@dataclass(frozen=True)
class Aggregates:
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
AGGREGATES = {
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
    **{kind: f"SUM(CASE WHEN f_{kind} THEN 1 ELSE 0 END)" for kind in account_columns.EXCEPTIONS},
    "exceptions": "SUM(CASE WHEN {} THEN 1 ELSE 0 END)".format(
        " OR ".join(f"f_{kind}" for kind in account_columns.EXCEPTIONS)
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
MONEY_AGGREGATES = {
    name for name, f in Aggregates.__dataclass_fields__.items() if f.type == "Decimal"
}

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
ACCOUNT_COLUMNS = (
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
    *(f"f_{kind}" for kind in account_columns.EXCEPTIONS),
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


def _aggregates(row: dict) -> Aggregates:
    values = {}
    for name in AGGREGATES:
        value = row[name]
        values[name] = to_money(value) if name in MONEY_AGGREGATES else int(value or 0)
    return Aggregates(**values)


def _aggregates_sql(wanted) -> str:
    """The measures' SQL, NULL (typed, so the UNION's columns agree) for those not wanted."""

    def unwanted(name: str) -> str:
        return f"CAST(NULL AS {'NUMERIC' if name in MONEY_AGGREGATES else 'BIGINT'})"

    return ", ".join(
        f"{sql if wanted is None or name in wanted else unwanted(name)} AS {name}"
        for name, sql in AGGREGATES.items()
    )


def _portfolio_sql(accounts: QuerySet, *, today, compare_before) -> tuple[str, list]:
    annotated = account_columns.with_columns(
        accounts.order_by(), today=today, compare_before=compare_before
    )
    rows = annotated.annotate(
        f_pk=F("pk"),
        t_attractiveness=account_columns.threshold("attractiveness_threshold"),
        t_advantage=account_columns.threshold("advantage_threshold"),
        g_tier=F("tier_id"),
        g_stage=F("relationship_stage"),
        g_owner=F("owner_id"),
    ).values(*ACCOUNT_COLUMNS)
    cte_sql, cte_params = rows.query.sql_with_params()
    past_due = (
        account_columns.past_due_complaints(today)
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
            f"{_aggregates_sql(wanted)} FROM facts{group_by}"
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
    figures: Aggregates
    name: str = ""  # an account manager's name


@dataclass
class PortfolioAggregates:
    total: Aggregates
    groups: dict[str, list[Group]]
    calculated_at: datetime.datetime | None = None
    compare_day: datetime.date | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)


def portfolio_aggregates(
    accounts: QuerySet, *, today: datetime.date, compare_before: datetime.date | None
) -> PortfolioAggregates:
    sql, params = _portfolio_sql(accounts, today=today, compare_before=compare_before)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    result = PortfolioAggregates(Aggregates(), {name: [] for name, *_ in GROUPINGS[1:]})
    for row in rows:
        figures = _aggregates(row)
        if row["grouping"] == "total":
            result.total = figures
            result.calculated_at = _as_datetime(row["calculated_at"])
            result.compare_day = row["compare_day"] and to_date(row["compare_day"])
            if row["threshold_a"] is not None:
                result.thresholds = Thresholds(
                    to_money(row["threshold_a"]), to_money(row["threshold_b"])
                )
            continue
        name = ""
        if row["grouping"] == "owner" and row["username"]:
            name = person_name(row["first_name"], row["last_name"], row["username"])
        result.groups[row["grouping"]].append(Group(row["grouping_key"], figures, name))
    return result
