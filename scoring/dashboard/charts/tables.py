"""The dashboard's tables: exception totals and lines, most-at-risk accounts, account managers.

Labels and badges are the same words as the list behind each figure
(account_columns.EXCEPTION_LABELS, account_columns.EXCEPTION_BADGES).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import Category
from scoring.dashboard import account_columns, drill
from scoring.models import Quadrant, RiskLevel


@dataclass(frozen=True)
class ExceptionTotal:
    kind: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class ManagerLine:
    owner_id: int | None
    name: str
    figures: object
    url: str | None


def exception_totals(total, chosen: dict) -> list[ExceptionTotal]:
    return [
        ExceptionTotal(
            kind,
            str(account_columns.EXCEPTION_LABELS[kind]),
            getattr(total, kind),
            drill.drill_url(chosen, exception=kind),
        )
        for kind in account_columns.EXCEPTIONS
    ]


@dataclass(frozen=True)
class ExceptionLine:
    row: object  # account_lists.ExceptionRow
    badges: tuple[tuple[str, str], ...]  # (kind, words)
    quadrant_label: str
    category_label: str


def exception_lines(rows) -> list[ExceptionLine]:
    quadrants = dict(Quadrant.choices)
    return [
        ExceptionLine(
            row,
            tuple((kind, str(account_columns.EXCEPTION_BADGES[kind])) for kind in row.kinds),
            str(quadrants.get(row.quadrant, "")),
            str(Category(row.category).label),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class RiskLine:
    row: object  # account_lists.RiskRow
    level_label: str
    reasons: list


def risk_lines(rows) -> list[RiskLine]:
    return [RiskLine(row, str(RiskLevel(row.level).label), row.reasons) for row in rows]


def manager_lines(rows, chosen: dict, *, links: bool) -> list[ManagerLine]:
    return [
        ManagerLine(
            row.owner_id,
            row.name if row.owner_id is not None else _("No account manager"),
            row.figures,
            drill.drill_url(chosen, owner=row.owner_id) if links and row.owner_id else None,
        )
        for row in rows
    ]
