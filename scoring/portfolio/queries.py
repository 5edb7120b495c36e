"""Read side of the portfolio pages: the matrix and the 80/20 view, computed in the database.

Both pages run a fixed number of queries whatever the size of the portfolio: the per-account
figures are aggregated in SQL and only what is drawn (300 bubbles, ~100 curve points, 50
exceptions) reaches Python.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Q,
    QuerySet,
    RowRange,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from accounts.models import Account
from accounts.queries import recent_sum, with_recent_trading
from scoring.assessments.queries import disagreement_filter
from scoring.models import CriteriaSet, Quadrant, SetKind, SetStatus

MATRIX_BUBBLES = 300
EXCEPTIONS_SHOWN = 50
TOP_ACCOUNTS_SHOWN = 10
CURVE_POINTS = 100  # percentiles of the portfolio
TOP_PERCENT = 20

# Rows, not the default range frame: tied values must still add up one account at a time.
RUNNING = RowRange(start=None, end=0)

REVENUE = "amount"
MARGIN = "gross_margin"


class WindowSum(Sum):
    """SUM(…) OVER (…) of a per-account aggregate. SQL allows it (windows run after GROUP BY);
    Django's check against aggregating an aggregate does not see the enclosing window."""

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        return super(Aggregate, self).resolve_expression(query, allow_joins, reuse, summarize)


def published_account_set() -> CriteriaSet | None:
    return CriteriaSet.objects.filter(kind=SetKind.ACCOUNT, status=SetStatus.PUBLISHED).first()


# --- The matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    attractiveness: Decimal = Decimal(50)
    advantage: Decimal = Decimal(50)

    @classmethod
    def of(cls, criteria_set: CriteriaSet | None) -> "Thresholds":
        if criteria_set is None:
            return cls()
        return cls(criteria_set.attractiveness_threshold, criteria_set.advantage_threshold)


@dataclass(frozen=True)
class QuadrantTotal:
    key: str
    label: str
    count: int
    revenue: Decimal


@dataclass
class MatrixData:
    thresholds: Thresholds
    criteria_set: CriteriaSet | None
    quadrants: list[QuadrantTotal]
    scored: int  # matching accounts with both indices
    unscored: int  # matching accounts without a current assessment (or with an index missing)
    bubbles: list[Account]  # the largest by revenue, with .attractiveness/.advantage/.revenue
    exceptions: list[Account]
    exception_count: int
    revenue: Decimal = Decimal(0)

    @property
    def shows_all(self) -> bool:
        return len(self.bubbles) >= self.scored


def _quadrant_case(thresholds: Thresholds) -> Case:
    """The quadrant under the published thresholds, the same rule as engine.quadrant (at or above
    counts as high), so the counts always agree with the lines drawn on the chart."""
    high_a = Q(attractiveness__gte=thresholds.attractiveness)
    high_b = Q(advantage__gte=thresholds.advantage)
    return Case(
        When(attractiveness__isnull=True, then=Value("")),
        When(advantage__isnull=True, then=Value("")),
        When(high_a & high_b, then=Value(Quadrant.KEY)),
        When(high_a, then=Value(Quadrant.DEVELOP)),
        When(high_b, then=Value(Quadrant.MAINTAIN)),
        default=Value(Quadrant.OPPORTUNISTIC),
        output_field=CharField(),
    )


def _with_indices(
    accounts: QuerySet[Account],
    thresholds: Thresholds,
    *,
    today: date | None = None,
    with_revenue: bool = True,
) -> QuerySet[Account]:
    """Each account with its current indices, quadrant and 12-month revenue, grouped by the
    account alone. The indices are read with MAX over the one current assessment (a unique
    constraint says there is at most one): as plain columns they would join the GROUP BY, and
    grouping 10,000 accounts by computed columns sorted every joined order line (3× slower)."""
    indices = {
        "attractiveness": Max("current__attractiveness"),
        "advantage": Max("current__advantage"),
    }
    if with_revenue:
        accounts = with_recent_trading(accounts, today=today)
        indices["revenue"] = recent_sum(REVENUE)
    return (
        accounts.annotate(
            current=FilteredRelation("assessments", condition=Q(assessments__is_current=True))
        )
        .annotate(**indices)
        .annotate(quadrant=_quadrant_case(thresholds))
    )


def matrix_data(accounts: QuerySet[Account], *, today: date | None = None) -> MatrixData:
    """Four queries: the published thresholds, the totals, the bubbles, the exceptions."""
    criteria_set = published_account_set()
    thresholds = Thresholds.of(criteria_set)
    with_indices = _with_indices(accounts.order_by(), thresholds, today=today)
    scored = with_indices.filter(attractiveness__isnull=False, advantage__isnull=False)

    totals = {"total": Count("pk"), "scored": Count("pk", filter=~Q(quadrant=""))}
    totals["exceptions"] = Count("pk", filter=disagreement_filter())
    for key in Quadrant.values:
        totals[f"{key}_count"] = Count("pk", filter=Q(quadrant=key))
        totals[f"{key}_revenue"] = Sum("revenue", filter=Q(quadrant=key))
    row = with_indices.aggregate(**totals)

    quadrants = [
        QuadrantTotal(key, label, row[f"{key}_count"] or 0, row[f"{key}_revenue"] or Decimal(0))
        for key, label in Quadrant.choices
    ]
    bubbles = list(
        scored.only("pk", "name", "category").order_by("-revenue", "name", "pk")[:MATRIX_BUBBLES]
    )
    exceptions = list(
        _with_indices(accounts.order_by(), thresholds, with_revenue=False)
        .filter(disagreement_filter())
        .select_related("owner")
        .order_by(
            Case(
                When(category="key", then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            "name",
            "pk",
        )[:EXCEPTIONS_SHOWN]
    )
    for account in exceptions:
        account.quadrant_label = Quadrant(account.quadrant).label
    return MatrixData(
        thresholds=thresholds,
        criteria_set=criteria_set,
        quadrants=quadrants,
        scored=row["scored"],
        unscored=row["total"] - row["scored"],
        bubbles=bubbles,
        exceptions=exceptions,
        exception_count=row["exceptions"],
        revenue=sum((q.revenue for q in quadrants), Decimal(0)),
    )


# --- The 80/20 view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurvePoint:
    position: int  # 1 = the largest account
    cumulative: Decimal


@dataclass(frozen=True)
class TopAccount:
    position: int
    pk: int
    name: str
    value: Decimal
    cumulative: Decimal
    share: Decimal | None  # of the total, 0–1
    cumulative_share: Decimal | None


@dataclass
class ParetoCurve:
    measure: str
    accounts: int  # n: every matching account, those with nothing count as 0
    total: Decimal
    points: list[CurvePoint] = field(default_factory=list)
    top: list[TopAccount] = field(default_factory=list)

    @property
    def top_count(self) -> int:
        """The top 20 % of n accounts is ceil(0.2 n) accounts."""
        return -(-self.accounts * TOP_PERCENT // 100)

    def share(self, amount: Decimal) -> Decimal | None:
        return amount / self.total if self.total > 0 else None

    @property
    def top_cumulative(self) -> Decimal | None:
        wanted = self.top_count
        for point in self.points:
            if point.position == wanted:
                return point.cumulative
        return None

    @property
    def top_share(self) -> Decimal | None:
        """Share of the total (0–1) from the top 20 % of accounts; None when the total is not
        positive, where a share means nothing."""
        cumulative = self.top_cumulative
        return None if cumulative is None else self.share(cumulative)


def boundary_positions(size: int) -> list[int]:
    """The row at each percentile boundary, ceil(k·n/100) for k = 1…100 (every row when there
    are 100 accounts or fewer), and the top ten."""
    boundaries = {-(-k * size // CURVE_POINTS) for k in range(1, CURVE_POINTS + 1)}
    boundaries.update(range(1, min(size, TOP_ACCOUNTS_SHOWN) + 1))
    return sorted(boundaries)


def pareto_totals(accounts: QuerySet[Account], *, today: date | None = None) -> dict:
    """One query: how many accounts match, and their 12-month revenue and margin."""
    return (
        with_recent_trading(accounts.order_by(), today=today)
        .annotate(revenue=recent_sum(REVENUE), margin=recent_sum(MARGIN))
        .aggregate(size=Count("pk"), revenue_total=Sum("revenue"), margin_total=Sum("margin"))
    )


def pareto_curve(
    accounts: QuerySet[Account],
    column: str,
    *,
    size: int,
    total: Decimal | None,
    today: date | None = None,
) -> ParetoCurve:
    """One query: every matching account's 12-month total ranked largest first with the running
    total, of which only the rows at the percentile boundaries come back."""
    valued = with_recent_trading(accounts.order_by(), today=today).annotate(
        value=recent_sum(column)
    )
    return ranked_curve(valued, measure=column, size=size, total=total)


def ranked_curve(
    valued: QuerySet[Account], *, measure: str, size: int, total: Decimal | None
) -> ParetoCurve:
    """The curve of accounts annotated with their `value`: ranked largest first with the running
    total in a window, of which only the rows at the percentile boundaries are read."""
    curve = ParetoCurve(measure=measure, accounts=size, total=total or Decimal(0))
    if not size:
        return curve
    order = [F("value").desc(), F("pk").asc()]
    rows = (
        valued.annotate(
            position=Window(RowNumber(), order_by=order),
            cumulative=Window(WindowSum("value"), order_by=order, frame=RUNNING),
        )
        .filter(position__in=boundary_positions(size))
        .order_by("position")
        .values_list("position", "pk", "name", "value", "cumulative")
    )
    for position, pk, name, value, cumulative in rows:
        # SQLite sums decimals as floats.
        value, cumulative = Decimal(str(value)), Decimal(str(cumulative))
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
