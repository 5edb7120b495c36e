"""The portfolio dashboard's figures (issue 7) against a small portfolio whose every number is
known by hand: three accounts, their orders, plans, visits, surveys, complaints and pipeline, and a
health run a month ago (the comparison) and today."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account, Category, ComplaintStatus, Region, Tier
from planning.models import DevelopmentStage, VisitStatus
from scoring import engine
from scoring.dashboard import queries
from scoring.health.runs import health_recalculate_all
from scoring.models import AccountHealth
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    ManagerFactory,
    OpportunityFactory,
    PlanFactory,
    StageChangeFactory,
    SurveyFactory,
    TransactionFactory,
    VisitFactory,
    score,
    shipped_criteria_set,
    uniform_values,
)

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = timezone.localdate()
MONTH_AGO = TODAY - timedelta(days=queries.COMPARE_DAYS["month"])


def days_ago(days: int):
    return TODAY - timedelta(days=days)


def order(account, days: int, amount: int):
    TransactionFactory(
        account=account,
        date=days_ago(days),
        amount=D(amount),
        gross_margin=D(amount) / 4,
        invoice_due=None,
    )


@pytest.fixture
def people():
    return {"wang": ManagerFactory(username="wang"), "li": ManagerFactory(username="li")}


@pytest.fixture
def portfolio(people):
    """Alpha: key, gold, Mid-KAM (moved up this quarter), active plan, visited 10 days ago, a
    survey of 80, an open opportunity; 600,000 in the last 12 months, 400,000 in the 12 before.
    Beta: normal a month ago and key since, gold, no plan, never visited, a survey of 60 and a
    complaint past due; 300,000 in the last 12 months.
    Gamma: normal, iron, scored in the key quadrant (a disagreement); 100,000 a year both years,
    and an older order that no figure counts.
    """
    gold, iron = Tier.objects.get(code="gold"), Tier.objects.get(code="iron")
    alpha = AccountFactory(
        name="Alpha",
        category=Category.KEY,
        tier=gold,
        owner=people["wang"],
        relationship_stage="mid",
        region=Region.EAST,
    )
    beta = AccountFactory(
        name="Beta",
        category=Category.NORMAL,
        tier=gold,
        owner=people["li"],
        relationship_stage="early",
        region=Region.NORTH,
    )
    gamma = AccountFactory(name="Gamma", tier=iron, owner=people["wang"], region=Region.EAST)

    order(alpha, 400, 400_000)
    order(alpha, 60, 550_000)
    order(alpha, 5, 50_000)
    order(beta, 45, 300_000)
    order(gamma, 500, 100_000)
    order(gamma, 100, 100_000)
    order(gamma, 800, 70_000)  # older than both 12-month windows and the 24 months charted

    PlanFactory(account=alpha)
    visited = timezone.make_aware(datetime.combine(days_ago(10), time(10)))
    VisitFactory(account=alpha, status=VisitStatus.REPORTED, starts_at=visited, reported_at=visited)
    SurveyFactory(account=alpha, answered_on=days_ago(15), satisfaction_index=D("80.00"))
    SurveyFactory(account=beta, answered_on=days_ago(40), satisfaction_index=D("60.00"))
    ComplaintFactory(
        account=beta, opened_on=days_ago(20), due_on=days_ago(3), status=ComplaintStatus.OPEN
    )
    StageChangeFactory(account=alpha, from_stage="early", to_stage="mid")
    OpportunityFactory(
        account=alpha, stage=DevelopmentStage.VALUE, value=D(200_000), probability=50
    )
    score(gamma, uniform_values(shipped_criteria_set(), 8, 8))

    # A month ago Beta was a normal account; the run of that day keeps it in the snapshots.
    health_recalculate_all(as_of=MONTH_AGO)
    Account.objects.filter(pk=beta.pk).update(category=Category.KEY)
    health_recalculate_all(as_of=TODAY)
    return {"alpha": alpha, "beta": beta, "gamma": gamma}


def figures(accounts=None, **options):
    return queries.dashboard(accounts or Account.objects.all(), today=TODAY, **options)


def test_the_tiles_have_the_hand_computed_values(portfolio):
    data = figures()
    total = data.total
    assert total.accounts == 3
    assert total.key_accounts == 2
    assert total.revenue == D("1000000.00")
    assert total.key_revenue == D("900000.00")
    assert total.key_share == D("90.0")
    assert total.revenue_prev == D("500000.00")
    assert total.revenue_change == D("100.0")
    assert (total.key_with_plan, total.plan_coverage) == (1, D("50.0"))
    assert (total.key_in_cadence, total.visit_compliance) == (1, D("50.0"))
    assert total.satisfaction == D("70.00")  # (80 + 60) / 2; Gamma has no survey
    assert total.complaints_past_due == 1


def test_the_tiles_compare_with_the_snapshot_of_a_month_ago(portfolio):
    data = figures()
    total = data.total
    assert data.compare_day == MONTH_AGO
    assert total.prev_accounts == 3
    assert total.prev_key_accounts == 1  # Beta became key since
    # Alpha's 550,000 (its order of 5 days ago came later), Beta's 300,000, Gamma's 100,000.
    assert total.prev_revenue == D("950000.00")
    assert total.prev_key_share == D("57.9")  # 550,000 / 950,000
    assert total.prev_plan_coverage == D("0.0")  # Alpha's plan was made today
    assert total.prev_visit_compliance == D("0.0")  # Alpha's visit was 10 days ago
    assert total.prev_satisfaction == D("60.00")  # only Beta had been surveyed
    assert total.prev_complaints_past_due == 0  # the complaint was opened 20 days ago


def test_high_risk_counts_what_the_recalculation_stored(portfolio):
    total = figures().total
    stored = AccountHealth.objects.all()
    assert total.risk_count == 3
    assert total.high_risk == stored.filter(risk_level=engine.RISK_HIGH).count()
    assert total.risk_sum == sum(h.risk_score for h in stored)
    assert total.high_risk_revenue == sum(
        (h.revenue_12m for h in stored if h.risk_level == engine.RISK_HIGH), D(0)
    )


def test_the_exceptions_name_beta_and_gamma(portfolio):
    data = figures()
    assert (data.total.no_plan, data.total.not_visited, data.total.no_owner) == (1, 1, 0)
    assert data.total.mismatch == 1
    assert data.total.exceptions == 2
    kinds = {row.name: row.kinds for row in data.exceptions}
    assert kinds == {"Beta": ("no_plan", "not_visited"), "Gamma": ("mismatch",)}
    assert data.exceptions[0].name == "Beta"  # key accounts first


def test_a_key_account_whose_manager_left_has_no_owner(portfolio, people):
    people["li"].is_active = False
    people["li"].save()
    data = figures()
    assert data.total.no_owner == 1
    assert "no_owner" in {kind for row in data.exceptions for kind in row.kinds}


def test_the_tier_pyramid_and_the_stages(portfolio):
    data = figures()
    tiers = {row.name: (row.count, row.revenue) for row in data.tiers}
    assert tiers["Gold"] == (2, D("900000.00"))
    assert tiers["Iron"] == (1, D("100000.00"))
    assert tiers["Platinum"] == (0, D(0))  # every tier is drawn, also an empty one
    assert [row.name for row in data.tiers][:2] == ["Platinum", "Gold"]
    stages = {row.stage: (row.count, row.moved_up, row.moved_down) for row in data.stages}
    assert stages["mid"] == (1, 1, 0)
    assert stages["early"] == (1, 0, 0)
    assert stages["pre_kam"] == (1, 0, 0)


def test_quadrants_bubbles_and_the_80_20_curve(portfolio):
    data = figures()
    assert data.quadrants[engine.KEY].accounts == 1
    assert [bubble.name for bubble in data.bubbles] == ["Gamma"]
    assert data.pareto.total == D("1000000.00")
    assert data.pareto.top_count == 1  # ceil(20 % of 3)
    assert data.pareto.top_cumulative == D("600000.00")
    assert [point.cumulative for point in data.pareto.points] == [
        D("600000.00"),
        D("900000.00"),
        D("1000000.00"),
    ]


def test_pipeline_months_and_satisfaction_by_quarter(portfolio):
    data = figures()
    pipeline = {row.stage: row for row in data.pipeline}
    assert (pipeline["value"].value, pipeline["value"].weighted) == (D(200_000), D(100_000))
    assert pipeline["closing"].opportunities == 0
    assert len(data.months) == queries.MONTHS
    assert data.months[-1].month == TODAY.replace(day=1)
    by_month = {row.month: row.revenue for row in data.months}
    expected = {}
    orders = ((5, 50_000), (45, 300_000), (60, 550_000), (100, 100_000), (400, 400_000))
    for days, amount in (*orders, (500, 100_000)):
        month = days_ago(days).replace(day=1)
        expected[month] = expected.get(month, D(0)) + amount
    for month, amount in expected.items():
        assert by_month[month] == amount
    assert sum(by_month.values()) == D(1_500_000)  # not the order of 800 days ago
    quarters = {row.start: row for row in data.satisfaction}
    alpha_quarter = queries.quarter_start(days_ago(15))
    assert quarters[alpha_quarter].surveys >= 1
    assert sum(row.surveys for row in data.satisfaction) == 2


def test_the_manager_rows_split_the_portfolio(portfolio, people):
    rows = {row.name: row.figures for row in figures().managers}
    wang, li = str(people["wang"]), str(people["li"])
    assert (rows[wang].accounts, rows[wang].revenue, rows[wang].key_accounts) == (
        2,
        D("700000.00"),
        1,
    )
    assert rows[wang].plan_coverage == D("100.0")
    assert (rows[li].accounts, rows[li].revenue, rows[li].plan_coverage) == (
        1,
        D("300000.00"),
        D("0.0"),
    )
    assert rows[li].complaints_past_due == 1


def test_filters_narrow_every_figure(portfolio, people):
    east = figures(Account.objects.filter(region=Region.EAST))
    assert east.total.accounts == 2
    assert east.total.revenue == D("700000.00")
    assert east.total.complaints_past_due == 0
    assert [row.name for row in east.managers] == [str(people["wang"])]
    assert {row.name for row in east.top_risk} == {"Alpha", "Gamma"}
    assert {row.name for row in east.exceptions} == {"Gamma"}


def test_a_weekly_comparison_without_a_snapshot_that_old_has_no_previous_figures(portfolio):
    data = figures(compare="week")
    # The only snapshots are today's and a month ago's: a week ago finds the month-old one.
    assert data.compare_day == MONTH_AGO
    assert figures(compare="quarter").compare_day is None
    assert figures(compare="quarter").total.prev_accounts == 0


def test_an_empty_portfolio_has_zeros_and_no_ratios():
    data = figures(Account.objects.none())
    assert data.total.accounts == 0
    assert data.total.key_share is None
    assert data.total.plan_coverage is None
    assert data.total.satisfaction is None
    assert data.pareto.points == []
    assert all(row.revenue == 0 for row in data.months)


@pytest.mark.parametrize("count", [3, 40])
def test_the_figures_cost_the_same_queries_for_few_and_many_accounts(
    count, django_assert_num_queries
):
    owner = ManagerFactory()
    for index in range(count):
        account = AccountFactory(owner=owner, category=Category.KEY if index % 3 == 0 else "normal")
        order(account, 30, 1000 + index)
        score(account, uniform_values(shipped_criteria_set(), 3 + index % 6, 6))
    health_recalculate_all(as_of=TODAY)
    with django_assert_num_queries(10):
        data = figures()
    assert data.total.accounts == count
