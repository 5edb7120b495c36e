"""The portfolio's accounts ranked by their stored 12-month revenue, for the dashboard: the
matrix's largest bubbles and the 80/20 curve."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, FilteredRelation, Q, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import Category
from scoring.portfolio.queries import MATRIX_BUBBLES, ParetoCurve, ranked_curve

MONEY = DecimalField(max_digits=18, decimal_places=2)


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
        return Category(self.category).label


def bubbles(accounts: QuerySet) -> list[BubbleAccount]:
    """The largest scored accounts, each once, placed by its current assessment: the same join as
    account_columns.with_columns, which the quadrant counts read. (Filtering `assessments__…` in two
    .filter() calls joins the assessments twice, and an F() over the relation reads a third,
    unfiltered join: one bubble per assessment, old ones included.)"""
    rows = (
        accounts.order_by()
        .annotate(
            current=FilteredRelation("assessments", condition=Q(assessments__is_current=True))
        )
        .filter(current__attractiveness__isnull=False, current__advantage__isnull=False)
        .annotate(
            a=F("current__attractiveness"),
            b=F("current__advantage"),
            r=Coalesce(F("health__revenue_12m"), Decimal(0), output_field=MONEY),
        )
        .order_by("-r", "name", "pk")
        .values_list("pk", "name", "category", "a", "b", "r")[:MATRIX_BUBBLES]
    )
    return [BubbleAccount(*row) for row in rows]


def pareto(accounts: QuerySet, *, size: int, total: Decimal) -> ParetoCurve:
    """The 80/20 curve over the 12-month revenue the health recalculation stored (the matrix's
    80/20 page sums the orders instead, which is slow on a large portfolio)."""
    valued = accounts.order_by().annotate(
        value=Coalesce(F("health__revenue_12m"), Decimal(0), output_field=MONEY)
    )
    return ranked_curve(valued, measure="amount", size=size, total=total)
