"""The dashboard's two lists of accounts: the accounts most at risk and the exceptions (key
accounts first), each cut to what the page shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet

from accounts.queries import person_name
from scoring.dashboard import account_columns
from scoring.health import explain

TOP_RISK_SHOWN = 10
EXCEPTIONS_SHOWN = 25


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
        account_columns.with_columns(accounts.order_by(), today=today, compare_before=None)
        .filter(account_columns.any_exception())
        .order_by(F("f_is_key").desc(), F("f_revenue").desc(), "name", "pk")
        .values(
            "pk",
            "name",
            "category",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
            "f_quadrant",
            *(f"f_{kind}" for kind in account_columns.EXCEPTIONS),
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
            tuple(kind for kind in account_columns.EXCEPTIONS if row[f"f_{kind}"]),
            row["f_quadrant"] or "",
        )
        for row in rows
    ]
