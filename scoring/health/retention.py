"""Thinning of the daily health snapshots (a Celery beat job, scoring.tasks.thin_health_snapshots):
every day for KEEP_DAILY_DAYS, then one a week (ISO weeks) until KEEP_WEEKLY_YEARS, then one a
month. Of the days of one account in a week or month, the latest is kept.

Every reader of snapshots looks back at most 91 days — the header's sparklines and the Health tab
(scoring.health.queries.TREND_DAYS, 90 days), the week-ago score the recalculation stores, the
dashboard's week, month and quarter comparisons (91 days) — so they read unthinned days: a week is
thinned only once all of it is older than KEEP_DAILY_DAYS. The dashboard compares with the latest
day that has snapshots; keeping each account's latest day of the week keeps every account of that
day together, as the nightly run wrote them.

Idempotent: which rows stay depends only on their day and today's date, so a second run the same
day deletes nothing. Each week or month is deleted in a statement of its own, so a crash leaves
whole weeks thinned or untouched."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from scoring.models import HealthSnapshot

KEEP_DAILY_DAYS = 90
KEEP_WEEKLY_YEARS = 2

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thinned:
    deleted: int = 0
    periods: int = 0  # weeks and months that had more than one day


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _month_end(day: datetime.date) -> datetime.date:
    first_of_next = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first_of_next - datetime.timedelta(days=1)


def _week_end(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=7 - day.isoweekday())


def period_of(day: datetime.date, *, today: datetime.date) -> tuple | None:
    """The month or ISO week whose snapshots are thinned to one, or None for a day kept as is.
    Only whole periods are thinned: a week once all of it is older than KEEP_DAILY_DAYS, a month
    once all of it is older than KEEP_WEEKLY_YEARS (before that its days are thinned by week)."""
    if _month_end(day) < _years_before(today, KEEP_WEEKLY_YEARS):
        return ("month", day.year, day.month)
    if _week_end(day) < today - datetime.timedelta(days=KEEP_DAILY_DAYS):
        return ("week", *day.isocalendar()[:2])
    return None


def _days_before(cutoff: datetime.date) -> list[datetime.date]:
    """The distinct days with snapshots before `cutoff`: one index probe per day (a walk down the
    (day, account) index), instead of reading every row of those days."""
    days = []
    older = HealthSnapshot.objects.filter(day__lt=cutoff).order_by("day").values_list("day")
    day = older.first()
    while day is not None:
        days.append(day[0])
        day = older.filter(day__gt=day[0]).first()
    return days


def thin_snapshots(*, today: datetime.date | None = None) -> Thinned:
    today = today or timezone.localdate()
    periods: dict[tuple, list[datetime.date]] = {}
    for day in _days_before(today - datetime.timedelta(days=KEEP_DAILY_DAYS)):
        period = period_of(day, today=today)
        if period is not None:
            periods.setdefault(period, []).append(day)

    deleted = thinned = 0
    for days in periods.values():
        if len(days) < 2:
            continue
        # Each account's rows of the period but its latest.
        later = HealthSnapshot.objects.filter(
            account_id=OuterRef("account_id"), day__in=days, day__gt=OuterRef("day")
        )
        count, _ = HealthSnapshot.objects.filter(day__in=days).filter(Exists(later)).delete()
        deleted += count
        thinned += 1
    if deleted:
        logger.info("Thinned health snapshots: %s rows of %s weeks or months.", deleted, thinned)
    return Thinned(deleted=deleted, periods=thinned)
