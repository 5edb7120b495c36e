"""The list of accounts behind each dashboard figure: a bar that says 3 opens a list of exactly
those 3 accounts, under the same filters, in a bounded number of queries."""

import datetime
import math
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Category, RelationshipStage
from planning.models import DevelopmentStage
from scoring import engine
from scoring.dashboard import account_columns, queries
from scoring.health.runs import health_recalculate_all
from scoring.models import AccountHealth
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    OpportunityFactory,
    PlanFactory,
    StageChangeFactory,
    SurveyFactory,
    TransactionFactory,
    score,
    shipped_criteria_set,
    tier,
    uniform_values,
)

pytestmark = pytest.mark.django_db

URL = reverse("scoring:dashboard_accounts")


def months_ago(today: datetime.date, months: int) -> datetime.date:
    return queries.month_starts(today, months + 1)[0]


@pytest.fixture
def portfolio(owner, outsider):
    """Seven accounts of two managers with stages, tiers, plans, complaints, pipeline,
    transactions, surveys and assessments that land in different slices."""
    today = timezone.localdate()
    criteria = shipped_criteria_set()
    gold = tier("gold")
    made = {}

    def account(name, **fields):
        made[name] = AccountFactory(name=name, **fields)
        return made[name]

    alpha = account(
        "Alpha", category=Category.KEY, owner=owner, tier=gold, relationship_stage="mid"
    )
    PlanFactory(account=alpha)
    score(alpha, uniform_values(criteria, 8, 8))
    bravo = account(
        "Bravo", category=Category.KEY, owner=owner, tier=gold, relationship_stage="mid"
    )
    StageChangeFactory(account=bravo, from_stage="early", to_stage="mid")
    score(bravo, uniform_values(criteria, 2, 2))  # key account in the opportunistic quadrant
    charlie = account("Charlie", owner=outsider, relationship_stage="early")
    StageChangeFactory(account=charlie, from_stage="mid", to_stage="early", is_regression=True)
    ComplaintFactory(account=charlie, opened_on=today - datetime.timedelta(days=40))
    delta = account("Delta", category=Category.TARGET, owner=outsider, tier=gold)
    OpportunityFactory(account=delta, stage=DevelopmentStage.VALUE)
    OpportunityFactory(account=delta, stage=DevelopmentStage.VALUE)
    score(delta, uniform_values(criteria, 9, 7))  # not yet key, but in the key quadrant
    echo = account("Echo", owner=owner, tier=tier("iron"))
    OpportunityFactory(account=echo, stage=DevelopmentStage.WON)  # not open: not in the pipeline
    account("Foxtrot", category=Category.LOST, owner=outsider, tier=tier("lead"))
    account("Golf", owner=owner, tier=gold, relationship_stage="partnership")

    # Revenue, all different so the 80/20 ranking is unambiguous.
    for position, name in enumerate(["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Golf"]):
        TransactionFactory(
            account=made[name],
            date=today - datetime.timedelta(days=20),
            amount=Decimal(100000 - position * 10000),
        )
    month = months_ago(today, 3)
    TransactionFactory(
        account=charlie, date=month + datetime.timedelta(days=4), amount=1000, gross_margin=200
    )
    TransactionFactory(account=made["Golf"], date=month, amount=2000, gross_margin=400)
    SurveyFactory(account=alpha, answered_on=today, satisfaction_index=Decimal("80"))
    SurveyFactory(
        account=echo,
        answered_on=queries.quarter_starts(today, 2)[0],
        satisfaction_index=Decimal("40"),
    )
    health_recalculate_all()
    return made


def drill(client, **params):
    """The names listed (every page) and the count the page says."""
    response = client.get(URL, params)
    assert response.status_code == 200
    page = response.context["page"]
    names = [account.name for account in response.context["rows"]]
    while page.has_next():
        following = client.get(URL, {**params, "page": page.next_page_number()})
        page = following.context["page"]
        names += [account.name for account in following.context["rows"]]
    assert len(names) == len(set(names)) == response.context["page"].paginator.count
    return set(names), response


def figures(today=None) -> queries.Dashboard:
    return queries.dashboard(Account.objects.all(), today=today or timezone.localdate())


def test_each_stage_lists_the_accounts_the_stage_bar_counts(client_for, director, portfolio):
    data = figures()
    client = client_for(director)
    for row in data.stages:
        names, _ = drill(client, stage=row.stage)
        assert len(names) == row.count, row.stage
    names, _ = drill(client, stage=RelationshipStage.MID)
    assert names == {"Alpha", "Bravo"}


def test_moved_up_and_down_list_the_moves_the_stage_chart_counts(client_for, director, portfolio):
    data = {row.stage: row for row in figures().stages}
    client = client_for(director)
    up, response = drill(client, stage="mid", moved="up")
    assert up == {"Bravo"}
    assert len(up) == data["mid"].moved_up == 1
    assert "Relationship stage: Mid KAM, moved up this quarter" in response.content.decode()
    down, _ = drill(client, stage="early", moved="down")
    assert down == {"Charlie"}
    assert len(down) == data["early"].moved_down == 1
    assert drill(client, stage="mid", moved="down")[0] == set()


def test_a_move_last_quarter_is_not_this_quarters(client_for, director, portfolio):
    last_quarter = timezone.now() - datetime.timedelta(days=100)
    StageChangeFactory(
        account=portfolio["Golf"], from_stage="mid", to_stage="partnership", changed_at=last_quarter
    )
    up, _ = drill(client_for(director), stage="partnership", moved="up")
    assert up == set()
    assert {row.stage: row for row in figures().stages}["partnership"].moved_up == 0


def test_each_risk_band_lists_the_accounts_of_its_bar(client_for, director, portfolio):
    data = figures()
    client = client_for(director)
    expected = {}
    for health in AccountHealth.objects.select_related("account"):
        expected.setdefault(account_columns.band_of(health.risk_score), set()).add(
            health.account.name
        )
    assert expected, "the recalculation gave every account a risk score"
    for row in data.bands:
        names, _ = drill(client, band=row.band)
        assert names == expected.get(row.band, set()), row.band
        assert len(names) == row.count


def test_risk_levels_match_the_high_risk_tile(client_for, director, portfolio):
    data = figures()
    names, _ = drill(client_for(director), level=engine.RISK_HIGH)
    assert len(names) == data.total.high_risk
    expected = set(
        AccountHealth.objects.filter(risk_level=engine.RISK_HIGH).values_list(
            "account__name", flat=True
        )
    )
    assert names == expected


def test_each_exception_lists_the_accounts_the_table_totals(client_for, director, portfolio):
    data = figures()
    client = client_for(director)
    for kind in account_columns.EXCEPTIONS:
        names, _ = drill(client, exception=kind)
        assert len(names) == getattr(data.total, kind), kind
    no_plan, response = drill(client, exception="no_plan")
    assert no_plan == {"Bravo"}
    assert "Key accounts without an active plan" in response.content.decode()
    mismatch, _ = drill(client, exception="mismatch")
    assert mismatch == {"Bravo", "Delta"}
    every, _ = drill(client, exception="any")
    assert len(every) == data.total.exceptions
    assert every == {row.name for row in data.exceptions}


def test_each_quadrant_lists_the_accounts_it_counts(client_for, director, portfolio):
    data = figures()
    client = client_for(director)
    assert data.quadrants, "three accounts are assessed"
    for quadrant, counted in data.quadrants.items():
        if not quadrant:
            continue
        names, _ = drill(client, quadrant=quadrant)
        assert len(names) == counted.accounts, quadrant
    assert drill(client, quadrant=engine.KEY)[0] == {"Alpha", "Delta"}
    assert drill(client, quadrant=engine.OPPORTUNISTIC)[0] == {"Bravo"}


def test_top_20_percent_are_the_first_accounts_of_the_8020_curve(client_for, director, portfolio):
    data = figures()
    names, _ = drill(client_for(director), top=20)
    size = math.ceil(data.total.accounts * 20 / 100)
    assert len(names) == size == 2
    assert names == {row.name for row in data.pareto.top if row.position <= size}
    assert names == {"Alpha", "Bravo"}


def test_top_20_percent_ranks_within_the_filters(client_for, director, outsider, portfolio):
    names, _ = drill(client_for(director), top=20, owner=outsider.pk)
    assert names == {"Charlie"}  # of Charlie, Delta, Foxtrot: ceil(0.6) = 1


def test_a_month_lists_the_accounts_that_traded_in_it(client_for, director, portfolio):
    today = timezone.localdate()
    month = months_ago(today, 3)
    names, response = drill(client_for(director), month=month.strftime("%Y-%m"))
    assert names == {"Charlie", "Golf"}
    row = next(row for row in figures().months if row.month == month)
    assert row.revenue == Decimal("3000.00")  # the two transactions of those two accounts
    assert "Traded in" in response.content.decode()


def test_the_pipeline_stage_lists_the_accounts_behind_its_bar(client_for, director, portfolio):
    rows = {row.stage: row for row in figures().pipeline}
    client = client_for(director)
    for stage, row in rows.items():
        names, _ = drill(client, pipeline=stage)
        assert len(names) == row.accounts, stage
    assert drill(client, pipeline=DevelopmentStage.VALUE)[0] == {"Delta"}
    assert rows[DevelopmentStage.VALUE].opportunities == 2


def test_a_quarter_lists_the_accounts_surveyed_in_it(client_for, director, portfolio):
    today = timezone.localdate()
    client = client_for(director)
    for row in figures().satisfaction:
        names, _ = drill(client, quarter=row.start.isoformat())
        assert len(names) == row.accounts
    this_quarter = queries.quarter_start(today).isoformat()
    assert drill(client, quarter=this_quarter)[0] == {"Alpha"}


def test_complaints_past_due_and_no_tier(client_for, director, portfolio):
    data = figures()
    client = client_for(director)
    past_due, _ = drill(client, past_due=1)
    assert past_due == {"Charlie"}
    assert data.total.complaints_past_due == 1
    no_tier, response = drill(client, tier="null")
    assert no_tier == {"Charlie"}
    untiered = next(row for row in data.tiers if row.pk is None)
    assert len(no_tier) == untiered.count
    assert "Accounts without a tier" in response.content.decode()


def test_slices_combine_with_the_dashboard_filters(client_for, director, owner, portfolio):
    gold = tier("gold")
    scoped = Account.objects.filter(owner=owner, tier=gold)
    data = queries.dashboard(scoped, today=timezone.localdate())
    names, _ = drill(client_for(director), owner=owner.pk, tier=gold.pk, stage="mid")
    stage_row = next(row for row in data.stages if row.stage == "mid")
    assert names == {"Alpha", "Bravo"}
    assert len(names) == stage_row.count


def test_the_page_says_what_it_lists_and_links_back_without_the_slice(
    client_for, director, portfolio
):
    response = client_for(director).get(URL, {"band": 5, "region": "east", "page": 1})
    html = response.content.decode()
    assert "Risk 50–59" in html
    back = response.context["dashboard_url"]
    assert back == reverse("scoring:dashboard") + "?region=east"
    chips = {chip.name: chip for chip in response.context["chips"]}
    assert set(chips) == {"band", "region"}
    assert chips["band"].remove_url == URL + "?region=east"
    assert "Back to the dashboard" in html


def test_rows_show_the_figures_of_each_account(client_for, director, portfolio):
    response = client_for(director).get(URL, {"stage": "mid", "sort": "name"})
    rows = response.context["rows"]
    assert [row.name for row in rows] == ["Alpha", "Bravo"]
    html = response.content.decode()
    assert reverse("accounts:detail", args=[portfolio["Alpha"].pk]) in html
    bravo = rows[1]
    assert [kind for kind, _ in bravo.exceptions] == ["no_plan", "not_visited", "mismatch"]
    assert 'data-exception="no_plan"' in html


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("revenue", lambda a: (-a.f_revenue, a.name)),
        ("risk", lambda a: (a.f_risk is None, -(a.f_risk or 0), a.name)),
        ("satisfaction", lambda a: (a.f_satisfaction is None, a.f_satisfaction or 0, a.name)),
        ("name", lambda a: a.name),
    ],
)
def test_sorting(client_for, director, portfolio, sort, key):
    rows = client_for(director).get(URL, {"sort": sort}).context["rows"]
    assert len(rows) == 7
    assert [a.name for a in rows] == [a.name for a in sorted(rows, key=key)]


def test_an_empty_slice_says_so(client_for, director, portfolio):
    response = client_for(director).get(URL, {"pipeline": DevelopmentStage.CLOSING})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "No account is behind this figure." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"band": "abc"}, "band"),
        ({"band": "10"}, "band"),
        ({"stage": "nirvana"}, "stage"),
        ({"month": "2026-13"}, "month"),
        ({"quarter": "2026-02-01"}, "quarter"),
        ({"quarter": "yesterday"}, "quarter"),
        ({"top": "33"}, "top"),
        ({"exception": "everything"}, "exception"),
        ({"moved": "sideways", "stage": "mid"}, "moved"),
        ({"tier": "999999"}, "tier"),
        ({"sort": "shoe_size"}, "sort"),
    ],
)
def test_bad_values_show_an_error_not_a_crash(client_for, director, portfolio, params, field):
    response = client_for(director).get(URL, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert 'data-testid="drill-errors"' in response.content.decode()
    assert response.context["rows"] == []


def test_pages_of_fifty_keep_the_query_string(client_for, director, owner):
    for number in range(60):
        AccountFactory(name=f"Customer {number:03d}", owner=owner, region="east")
    client = client_for(director)
    first = client.get(URL, {"region": "east", "sort": "name"})
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 60
    assert "?region=east&amp;sort=name&amp;page=2" in first.content.decode()
    second = client.get(URL, {"region": "east", "sort": "name", "page": 2})
    assert second.context["rows"][0].name == "Customer 050"
    assert len(second.context["rows"]) == 10


QUERY_LIMIT = 7  # session, user, owner choice, count, page ids, page rows, unread count


@pytest.mark.parametrize("accounts", [3, 60])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"exception": "any", "sort": "risk"},
        {"top": "20", "tier": "null"},
        {"stage": "mid", "moved": "up", "month": "2026-03"},
    ],
)
def test_queries_do_not_grow_with_the_accounts(
    client_for, director, owner, django_assert_max_num_queries, accounts, params
):
    criteria = shipped_criteria_set()
    for number in range(accounts):
        made = AccountFactory(owner=owner, category=Category.KEY, tier=tier("gold"))
        TransactionFactory(account=made)
        if number % 3 == 0:
            score(made, uniform_values(criteria, 7, 3))
    health_recalculate_all()
    client = client_for(director)
    client.get(URL)  # the session and the first request's one-off reads
    with django_assert_max_num_queries(QUERY_LIMIT):
        response = client.get(URL, {**params, "owner": owner.pk})
    assert response.status_code == 200
    if not params:
        assert len(response.context["rows"]) == min(accounts, 50)


def test_every_link_on_the_dashboard_opens_a_valid_list(client_for, director, portfolio):
    client = client_for(director)
    html = client.get(reverse("scoring:dashboard"), {"region": "east"}).content.decode()
    links = set(re.findall(r'href="(' + re.escape(URL) + r'[^"]*)"', html))
    assert len(links) > 20, "every chart and tile links to its accounts"
    for link in links:
        response = client.get(unescape(link))
        assert response.status_code == 200, link
        assert not response.context["invalid"], (link, response.context["filter"].form.errors)
        assert response.context["filter"].form.cleaned_data["region"] == "east", link


def test_without_a_slice_every_account_is_listed_by_revenue(client_for, director, portfolio):
    response = client_for(director).get(URL)
    names = [account.name for account in response.context["rows"]]
    assert names[:6] == ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Golf"]
    assert set(names) == set(portfolio)
    assert response.context["title"] == "All accounts"


def test_a_manager_sees_my_portfolio_in_words(client_for, owner, portfolio):
    response = client_for(owner).get(URL)
    assert response.context["title"] == "All your accounts"
    assert {account.name for account in response.context["rows"]} == {
        "Alpha",
        "Bravo",
        "Echo",
        "Golf",
    }
