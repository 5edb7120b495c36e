"""Thinning of the daily health snapshots (scoring/health/retention.py), on hand-made old rows:
daily for 90 days, weekly (the latest day of each ISO week) for two years, monthly after; what
reads snapshots reads the same after thinning; a second run removes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Account
from scoring.dashboard.aggregates import portfolio_aggregates
from scoring.dashboard.queries import COMPARE_DAYS
from scoring.health import retention
from scoring.health.queries import TREND_DAYS, health_trend
from scoring.health.recalculation import week_ago_scores
from scoring.models import AccountHealth, HealthSnapshot
from scoring.tasks import thin_health_snapshots
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

# A Wednesday. 90 days before is Thursday 19 March 2026 (its week, 16–22 March, is not yet all
# older than 90 days); two years before is 17 June 2024 (May 2024 is the last whole month older).
TODAY = date(2026, 6, 17)


def snapshots(account, *days: date, risk=lambda day: 10) -> None:
    HealthSnapshot.objects.bulk_create(
        HealthSnapshot(account=account, day=day, risk_score=risk(day), risk_level="low")
        for day in days
    )


def days_of(account) -> list[date]:
    return list(
        HealthSnapshot.objects.filter(account=account).order_by("day").values_list("day", flat=True)
    )


def span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_it_keeps_the_latest_day_of_each_old_week_and_month_and_every_recent_day():
    a, b = AccountFactory(), AccountFactory()
    recent = [date(2026, 6, 16), date(2026, 3, 19), date(2026, 3, 16)]
    whole_week = span(date(2026, 3, 9), date(2026, 3, 15))  # Monday to Sunday, all old
    monday_and_wednesday = [date(2025, 1, 6), date(2025, 1, 8)]
    # June 2024 is not all older than two years: thinned by week (3–9 June, then 10–16 June).
    june_2024 = [date(2024, 6, 3), date(2024, 6, 5), date(2024, 6, 10)]
    may_2024 = [date(2024, 5, 5), date(2024, 5, 12), date(2024, 5, 29)]
    april_2024 = [date(2024, 4, 28), date(2024, 4, 30)]
    snapshots(a, *recent, *whole_week, *monday_and_wednesday, *june_2024, *may_2024, *april_2024)
    # b has no row on the Sunday of that week, and one lone day in May 2024.
    snapshots(b, *whole_week[:-1], date(2024, 5, 12))

    result = retention.thin_snapshots(today=TODAY)

    assert days_of(a) == sorted(
        [
            *recent,
            date(2026, 3, 15),
            date(2025, 1, 8),
            date(2024, 6, 5),
            date(2024, 6, 10),
            date(2024, 5, 29),
            date(2024, 4, 30),
        ]
    )
    assert days_of(b) == [date(2024, 5, 12), date(2026, 3, 14)]
    assert result == retention.Thinned(deleted=6 + 1 + 1 + 2 + 1 + 5, periods=5)


def test_a_second_run_removes_nothing():
    account = AccountFactory()
    snapshots(account, *span(TODAY - timedelta(days=3 * 365), TODAY))
    first = retention.thin_snapshots(today=TODAY)
    kept = days_of(account)

    second = retention.thin_snapshots(today=TODAY)

    assert first.deleted > 0
    assert second == retention.Thinned(deleted=0, periods=0)
    assert days_of(account) == kept


def test_three_years_of_days_become_daily_weekly_then_monthly():
    account = AccountFactory()
    snapshots(account, *span(TODAY - timedelta(days=3 * 365), TODAY))

    retention.thin_snapshots(today=TODAY)

    kept = days_of(account)
    daily_from = TODAY - timedelta(days=retention.KEEP_DAILY_DAYS)
    assert [day for day in kept if day >= daily_from] == span(daily_from, TODAY)
    # The part-old week before that line stays whole (Monday 16 March to the line).
    assert [day for day in kept if date(2026, 3, 16) <= day < daily_from] == span(
        date(2026, 3, 16), daily_from - timedelta(days=1)
    )
    weekly = [day for day in kept if date(2024, 6, 1) <= day < date(2026, 3, 16)]
    assert all(day.isoweekday() == 7 for day in weekly[1:])  # Sundays (June's first: its own week)
    assert len({day.isocalendar()[:2] for day in weekly}) == len(weekly)
    monthly = [day for day in kept if day < date(2024, 6, 1)]
    assert len({(day.year, day.month) for day in monthly}) == len(monthly)
    assert all((day + timedelta(days=1)).day == 1 for day in monthly)  # the month's last day
    assert len(kept) < 100 + 105 + 12


def test_the_next_days_runs_thin_only_what_newly_grew_old():
    account = AccountFactory()
    snapshots(account, *span(TODAY - timedelta(days=800), TODAY))
    retention.thin_snapshots(today=TODAY)
    before = set(days_of(account))

    for days in range(1, 9):
        retention.thin_snapshots(today=TODAY + timedelta(days=days))

    after = set(days_of(account))
    assert after <= before
    # A week grew wholly old: six of its days went, its Sunday stays.
    assert before - after == set(span(date(2026, 3, 16), date(2026, 3, 21)))


def test_the_task_thins_and_reports_what_it_removed():
    account = AccountFactory()
    today = timezone.localdate()
    snapshots(account, *span(today - timedelta(days=120), today))

    first = thin_health_snapshots.delay().get()

    assert first["deleted"] == 121 - len(days_of(account)) > 0
    assert thin_health_snapshots.delay().get() == {"deleted": 0, "periods": 0}


def test_it_runs_nightly_from_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["thin-health-snapshots"]
    assert entry["task"] == "scoring.tasks.thin_health_snapshots"
    assert entry["task"] == thin_health_snapshots.name


# --- What reads snapshots ---------------------------------------------------------------------


def test_every_reader_looks_back_no_further_than_the_days_kept_whole():
    # A week is thinned once all of it is older than KEEP_DAILY_DAYS, so the day one longer ago is
    # still there (its week is either not all old yet, or it is that week's Sunday).
    assert TREND_DAYS <= retention.KEEP_DAILY_DAYS
    assert max(COMPARE_DAYS.values()) <= retention.KEEP_DAILY_DAYS + 1
    assert retention.KEEP_DAILY_DAYS >= 7  # the week-ago score


@pytest.mark.parametrize("today", [TODAY + timedelta(days=n) for n in range(7)])
def test_sparklines_week_ago_scores_and_dashboard_comparisons_read_the_same(today):
    accounts = [AccountFactory(category=category) for category in ("key", "normal", "target")]
    for n, account in enumerate(accounts):
        AccountHealth.objects.create(
            account=account,
            risk_score=20 + n,
            risk_level="low",
            factors=[],
            as_of=today,
            calculated_at=timezone.now(),
        )
        HealthSnapshot.objects.bulk_create(
            HealthSnapshot(
                account=account,
                day=day,
                risk_score=(day.toordinal() * 7 + n) % 100,
                risk_level="low",
                satisfaction_index=Decimal(day.toordinal() % 50 + n),
                revenue_12m=Decimal(day.toordinal() % 1000 * (n + 1)),
                category=("key", "normal")[day.toordinal() % 2],
                visited_in_cadence=day.toordinal() % 3 == 0,
                has_active_plan=day.toordinal() % 5 == 0,
                complaints_past_due=day.toordinal() % 4,
            )
            for day in span(today - timedelta(days=800), today)
        )

    def readings():
        ids = [a.pk for a in accounts]
        return (
            [health_trend(Account.objects.get(pk=pk), today=today).snapshots for pk in ids],
            week_ago_scores(min(ids), max(ids), today),
            [
                portfolio_aggregates(
                    Account.objects.all(), today=today, compare_before=today - timedelta(days=n)
                )
                for n in COMPARE_DAYS.values()
            ],
        )

    before = readings()
    assert retention.thin_snapshots(today=today).deleted > 0
    after = readings()

    assert after == before
    assert len(before[0][0]) == TREND_DAYS + 1
    assert {f.compare_day for f in before[2]} == {today - timedelta(days=n) for n in (7, 30, 91)}
