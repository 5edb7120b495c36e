"""The health pages: the Health tab's explanation and trend, the header's sparklines, the
overview's change since last week and its filters, and the recalculation runs. Expected numbers
are worked out by hand from the shipped risk model (scoring/defaults.py RISK_FACTORS)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from planning.models import VisitStatus
from scoring.health import recalculation, runs
from scoring.models import AccountHealth, HealthRun, HealthSnapshot
from scoring.models.health import RunStatus, RunTrigger
from tests.factories import (
    AccountFactory,
    VisitFactory,
    completed_survey,
    shipped_risk_model,
    tier,
)

pytestmark = pytest.mark.django_db


def texts_of(html: str, testid: str) -> list[str]:
    """The text of every element with this data-testid (tags stripped, spaces collapsed)."""
    found = re.findall(rf'data-testid="{testid}"[^>]*>(.*?)</(?:td|dd|span|p|a|div)>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in found]


def factor_row(html: str, code: str) -> str:
    match = re.search(rf'<tr data-testid="risk-factor-{code}".*?</tr>', html, re.S)
    assert match, f"no row for {code}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def health(account, score, level="low", factors=(), **fields):
    now = timezone.now()
    return AccountHealth.objects.create(
        account=account,
        risk_score=score,
        risk_level=level,
        factors=list(factors),
        as_of=timezone.localdate(),
        calculated_at=now,
        **fields,
    )


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def visited_63_days_ago(account):
    """A gold account (cadence 30 days) last visited 63 days ago, nothing else on record."""
    shipped_risk_model()
    account.tier = tier("gold")
    account.save()
    VisitFactory(
        account=account,
        starts_at=timezone.now() - timedelta(days=63),
        status=VisitStatus.REPORTED,
        reported_at=timezone.now() - timedelta(days=63),
    )
    return account


def test_the_health_tab_explains_every_factor_in_words_and_points(
    client_for, owner, visited_63_days_ago
):
    account = visited_63_days_ago
    runs.account_health_recalculate(account_id=account.pk, trigger=RunTrigger.ADMIN)
    response = client_for(owner).get(reverse("scoring:health", args=[account.pk]))
    html = response.content.decode()

    # Contact recency: x = 63 / 30 = 2.1 cadences; (2.1 − 1) / (3 − 1) × 20 = 11.
    assert factor_row(html, "contact_recency") == (
        "Contact recency No visit for 63 days; the cadence is every 30 days. +11 "
        "11 of 20 points 11/20"
    )
    # Nobody of ours knows anyone there: x = 0, at or beyond "full weight at" 1 → all 8.
    assert "Nobody on our team has a relationship there. +8" in factor_row(html, "single_threaded")
    # Every other factor is explained with +0, so the table adds up to the score.
    points = [int(p) for p in re.findall(r'data-testid="risk-factor-points">\+(\d+)<', html)]
    assert len(points) == 10 and sorted(points, reverse=True)[:2] == [11, 8] and sum(points) == 19
    assert texts_of(html, "risk-score") == ["19"]
    assert texts_of(html, "risk-total") == ["19"]
    assert 'data-testid="risk-capped"></td>' in html  # not capped
    assert "No survey in the satisfaction window: not counted. +0" in factor_row(
        html, "satisfaction_level"
    )
    # The header panel: the score, its level, a one-day sparkline, no survey yet.
    assert re.search(r'data-testid="header-risk" data-score="19" data-level="low"', html)
    assert 'data-testid="risk-sparkline"' in html and 'data-points="1"' in html
    assert "no survey yet" in html
    assert 'data-testid="satisfaction-sparkline"' not in html
    # When, by which run, and where the model is explained.
    assert "Run: Recalculate now." in html
    assert reverse("scoring:health_model") in html
    assert 'data-testid="survey-record"' in html  # the surveys part, for the account team
    assert 'data-testid="recalculate-now"' not in html  # admins only


def test_a_survey_shows_as_satisfaction_in_the_tab_and_the_header(
    client_for, owner, visited_63_days_ago
):
    account = visited_63_days_ago
    # (5,4), (3,2), (1,5): 100 × (5·3 + 3·1 + 1·4) / (4 · 9) = 61.11.
    completed_survey(account, {"quality": (5, 4), "delivery": (3, 2), "reputation": (1, 5)})
    runs.account_health_recalculate(account_id=account.pk)
    html = client_for(owner).get(reverse("scoring:health", args=[account.pk])).content.decode()
    # Satisfaction level: (61.11 − 75) / (40 − 75) × 12 = 4.76 → 5.
    assert "Satisfaction index 61.11. +5" in factor_row(html, "satisfaction_level")
    assert texts_of(html, "risk-score") == ["24"]  # 11 + 8 + 5
    assert texts_of(html, "satisfaction-index") == ["61.1"]
    assert texts_of(html, "surveys-counted") == ["1"]
    assert texts_of(html, "satisfaction-change") == ["nothing to compare with"]
    assert re.search(r'data-testid="header-satisfaction">\s*<span class="fw-semibold">61.1<', html)
    assert 'data-testid="satisfaction-sparkline"' in html


def test_a_sum_above_100_says_it_is_capped(client_for, owner, account):
    shipped_risk_model()
    factors = [
        {"code": "contact_recency", "points": 60, "weight": 60, "days": None, "cadence": 30},
        {"code": "complaints_past_due", "points": 45, "weight": 50, "count": 4},
    ]
    health(account, 100, "high", factors, high_since=days_ago(3))
    html = client_for(owner).get(reverse("scoring:health", args=[account.pk])).content.decode()
    assert texts_of(html, "risk-capped") == ["The factors add up to 105, capped at 100."]
    assert "4 open complaints past their due date. +45" in factor_row(html, "complaints_past_due")
    assert "High risk since" in html
    assert 'data-testid="high-since"' in html


def test_an_account_not_calculated_yet_says_so(client_for, owner, admin_user, account):
    shipped_risk_model()
    url = reverse("scoring:health", args=[account.pk])
    html = client_for(owner).get(url).content.decode()
    assert 'data-testid="health-empty"' in html
    assert "Churn risk not calculated yet." in html
    assert re.search(r'data-testid="header-risk" data-score="">not calculated yet<', html)
    assert 'data-testid="recalculate-now"' not in html
    assert 'data-testid="recalculate-now"' in client_for(admin_user).get(url).content.decode()


def test_the_trend_draws_the_last_90_days_of_snapshots(client_for, owner, account):
    shipped_risk_model()
    health(account, 40, "medium", satisfaction_index=Decimal("70"))
    for day, risk, satisfaction in ((120, 10, 80), (60, 20, None), (30, 30, 75), (0, 40, 70)):
        HealthSnapshot.objects.create(
            account=account,
            day=days_ago(day),
            risk_score=risk,
            risk_level="low",
            satisfaction_index=satisfaction,
        )
    response = client_for(owner).get(reverse("scoring:health", args=[account.pk]))
    html = response.content.decode()
    # 120 days ago is outside the window; the satisfaction line skips the day without a value.
    assert re.search(r'data-testid="risk-trend" data-points="3"', html)
    assert re.search(r'data-testid="risk-sparkline" data-points="3"', html)
    assert re.search(r'data-testid="satisfaction-sparkline" data-points="2"', html)
    chart = response.context["trend_chart"]
    assert [p.value for p in chart.points] == [20, 30, 40]
    # 0–100 drawn from y 192 (bottom) to y 12 (top): 40 sits at 192 − 0.4 × 180 = 120.
    assert chart.last.cy == "120.0" and chart.first.cx == "40.0" and chart.last.cx == "624.0"
    assert [band.level for band in chart.bands] == ["medium", "high"]


# --- The overview -------------------------------------------------------------------------


@pytest.fixture
def week_of_changes(owner):
    """Rising (30 a week ago → 55, high for two days), falling (35 → 20), steady (25 → 25),
    new (no snapshot a week old) and one never calculated."""
    shipped_risk_model()
    accounts = {}
    rows = {
        "Rising": (55, "high", {10: 20, 7: 30, 3: 40}),
        "Falling": (20, "low", {9: 35}),
        "Steady": (25, "medium", {8: 25}),
        "New": (30, "medium", {2: 30}),
    }
    factors = [{"code": "complaints_past_due", "points": 10, "weight": 10, "count": 2}]
    for name, (score, level, snapshots) in rows.items():
        account = accounts[name] = AccountFactory(name=name, owner=owner)
        health(
            account,
            score,
            level,
            factors if name == "Rising" else [],
            high_since=days_ago(2) if level == "high" else None,
        )
        for day, risk in snapshots.items():
            HealthSnapshot.objects.create(
                account=account, day=days_ago(day), risk_score=risk, risk_level="low"
            )
    # What the recalculation stores: the change against the latest snapshot a week old or more.
    week_ago = recalculation.week_ago_scores(
        min(a.pk for a in accounts.values()),
        max(a.pk for a in accounts.values()),
        timezone.localdate(),
    )
    for account in accounts.values():
        if account.pk in week_ago:
            AccountHealth.objects.filter(account=account).update(
                risk_change=F("risk_score") - week_ago[account.pk]
            )
    accounts["Uncalculated"] = AccountFactory(name="Uncalculated", owner=owner)
    return accounts


def overview(client, **params):
    return client.get(reverse("scoring:health_overview"), params)


def test_the_overview_sorts_by_risk_and_shows_the_change_since_last_week(
    client_for, owner, week_of_changes
):
    response = overview(client_for(owner))
    rows = response.context["rows"]
    assert [a.name for a, _, _ in rows] == ["Rising", "New", "Steady", "Falling", "Uncalculated"]
    # The latest snapshot at least 7 days old: Rising's 7-day-old 30, not the 10-day-old 20.
    assert [a.risk_change for a, _, _ in rows] == [25, None, 0, -15, None]
    html = response.content.decode()
    assert re.findall(r'data-testid="row-change" data-change="([^"]+)"', html) == [
        "25",
        "new",
        "0",
        "-15",
    ]
    assert "2 open complaints past their due date." in html
    summary = response.context["summary"]
    assert (summary.high, summary.medium, summary.low, summary.not_calculated) == (1, 2, 1, 1)
    assert (summary.crossed_into_high, summary.worsened, summary.improved) == (1, 1, 1)


def test_the_overview_filters_and_sorts(client_for, owner, week_of_changes):
    client = client_for(owner)

    def names(**params):
        return [a.name for a, _, _ in overview(client, **params).context["rows"]]

    assert names(changed="on") == ["Rising", "Falling"]
    assert names(level="medium") == ["New", "Steady"]
    assert names(sort="change") == ["Rising", "Steady", "Falling", "New", "Uncalculated"]
    assert names(sort="fall") == ["Falling", "Steady", "Rising", "New", "Uncalculated"]
    assert names(level="high", changed="on", sort="satisfaction") == ["Rising"]
    # The cards count what the filters keep.
    assert overview(client, level="medium").context["summary"].medium == 2
    assert overview(client, level="medium").context["summary"].high == 0
    # Garbage is ignored, never a 500.
    assert names(level="extreme", sort="'; drop table", page="x") == names()


def test_the_overview_keeps_filters_in_the_pagination(client_for, owner):
    shipped_risk_model()
    for n in range(51):
        health(AccountFactory(name=f"Acc {n:02d}", owner=owner), 30, "medium")
    response = overview(client_for(owner), level="medium", sort="satisfaction")
    assert len(response.context["rows"]) == 50
    assert "?level=medium&amp;sort=satisfaction&amp;page=2" in response.content.decode()
    assert len(overview(client_for(owner), level="medium", page=2).context["rows"]) == 1


# --- Runs ----------------------------------------------------------------------------------


def test_recalculate_now_runs_and_lands_on_the_runs_page(
    client_for, admin_user, account, django_capture_on_commit_callbacks
):
    shipped_risk_model()
    # The run is queued on commit and, in tests as with `make run`, runs in process.
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scoring:health_recalculate"))
    assert response.status_code == 302 and response["Location"] == reverse("scoring:health_runs")
    response = client.get(response["Location"])
    run = HealthRun.objects.get()
    assert (run.trigger, run.requested_by, run.status, run.accounts) == (
        RunTrigger.ADMIN,
        admin_user,
        RunStatus.FINISHED,
        1,
    )
    assert AccountHealth.objects.filter(account=account).exists()
    html = response.content.decode()
    assert "Recalculation started for every account." in html
    assert re.findall(r'data-testid="run-status">([^<]+)<', html) == ["Finished"]
    assert 'hx-trigger="every 2s"' not in html  # nothing running: no polling


def test_a_running_run_makes_the_page_follow_it(client_for, admin_user, account):
    HealthRun.objects.create(trigger=RunTrigger.NIGHTLY, as_of=timezone.localdate())
    HealthRun.objects.create(
        trigger=RunTrigger.ADMIN,
        requested_by=admin_user,
        account=account,
        as_of=timezone.localdate(),
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        errors=1,
        error_text="1–2000: OperationalError: server closed the connection",
    )
    client = client_for(admin_user)
    html = client.get(reverse("scoring:health_runs")).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'hx-get="/health/runs/?partial=runs"' in html
    assert "OperationalError: server closed the connection" in html
    assert account.name in html
    # The fragment htmx fetches: the table alone, still polling while the run goes on.
    fragment = client.get(reverse("scoring:health_runs"), {"partial": "runs"}).content.decode()
    assert fragment.lstrip().startswith('<div id="health-runs"')
    assert "<html" not in fragment and 'hx-trigger="every 2s"' in fragment
    HealthRun.objects.filter(status=RunStatus.RUNNING).update(
        status=RunStatus.FINISHED, finished_at=timezone.now()
    )
    fragment = client.get(reverse("scoring:health_runs"), {"partial": "runs"}).content.decode()
    assert "hx-trigger" not in fragment  # finished: the polling stops


def test_a_sparkline_spans_at_least_20_points_and_skips_missing_days():
    from datetime import date

    from scoring.health.charts import sparkline

    spark = sparkline([(date(2026, 1, 1), 30), (date(2026, 1, 2), None), (date(2026, 1, 11), 32)])
    # 30 → 32 is drawn on 21–41 (a 20-point span around 31), not stretched over the full height:
    # y = 3 + 18 × (1 − (value − 21) / 20); x runs 3 → 93 over the ten days.
    assert [(p.cx, p.cy) for p in spark.points] == [("3.0", "12.9"), ("93.0", "11.1")]
    assert (spark.low, spark.high) == (30, 32)
    assert sparkline([(date(2026, 1, 1), None)]) is None
    single = sparkline([(date(2026, 1, 1), 50)])
    assert not single.is_line and single.last.cx == "93.0"
