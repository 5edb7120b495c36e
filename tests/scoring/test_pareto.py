"""The 80/20 view (issue 5, item 7): the Pareto curve of revenue and of gross margin across the
accounts the user can see, with the share from the top 20 % stated."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Region
from scoring.portfolio import charts, queries
from tests.factories import AccountFactory, ManagerFactory, TransactionFactory

pytestmark = pytest.mark.django_db

URL = reverse("scoring:pareto")


def account_with(name, revenue, margin=None, **fields):
    account = AccountFactory(name=name, **fields)
    if revenue:
        TransactionFactory(
            account=account,
            amount=Decimal(revenue),
            gross_margin=Decimal(revenue / 2 if margin is None else margin),
        )
    return account


@pytest.fixture
def five(owner):
    return [
        account_with(name, revenue, owner=owner)
        for name, revenue in [("A", 50), ("B", 20), ("C", 10), ("D", 10), ("E", 10)]
    ]


def test_the_top_fifth_of_five_accounts_is_one_account_bringing_half(client_for, director, five):
    response = client_for(director).get(URL)
    assert response.status_code == 200
    revenue = response.context["revenue"]
    assert (revenue.accounts, revenue.total, revenue.top_count) == (5, Decimal(100), 1)
    assert revenue.top_share == Decimal("0.5")
    assert [(p.position, p.cumulative) for p in revenue.points] == [
        (1, Decimal(50)),
        (2, Decimal(70)),
        (3, Decimal(80)),
        (4, Decimal(90)),
        (5, Decimal(100)),
    ]
    html = response.content.decode()
    assert "The top 20% of accounts (1 account) bring 50% of revenue." in html
    assert "The top 20% of accounts (1 account) bring 50% of gross margin." in html


def test_the_top_ten_table_gives_each_share_and_the_running_share(client_for, director, five):
    response = client_for(director).get(URL)
    top = response.context["revenue"].top
    assert [(t.name, t.share, t.cumulative_share) for t in top] == [
        ("A", Decimal("0.5"), Decimal("0.5")),
        ("B", Decimal("0.2"), Decimal("0.7")),
        ("C", Decimal("0.1"), Decimal("0.8")),
        ("D", Decimal("0.1"), Decimal("0.9")),
        ("E", Decimal("0.1"), Decimal("1")),
    ]
    html = response.content.decode()
    assert html.count('data-testid="top-account"') == 5
    assert f'href="/accounts/{five[0].pk}/"' in html


def test_accounts_without_orders_count_as_zero_and_the_top_is_rounded_up(client_for, director):
    # Six accounts: the top 20 % is ceil(1.2) = 2 accounts.
    for name, revenue in [("A", 60), ("B", 30), ("C", 10)]:
        account_with(name, revenue)
    for name in ("D", "E", "F"):
        account_with(name, 0)
    revenue = client_for(director).get(URL).context["revenue"]
    assert revenue.accounts == 6
    assert revenue.top_count == 2
    assert revenue.top_share == Decimal("0.9")
    assert revenue.points[-1].position == 6


def test_margin_is_ranked_on_its_own(client_for, director):
    account_with("Big low-margin", 100, margin=5)
    account_with("Small high-margin", 20, margin=15)
    for name in ("C", "D", "E"):
        account_with(name, 0)
    margin = client_for(director).get(URL).context["margin"]
    assert margin.total == Decimal(20)
    assert margin.top[0].name == "Small high-margin"
    assert margin.top_share == Decimal("0.75")


def test_loss_making_accounts_lift_the_margin_curve_above_100_percent(client_for, director):
    account_with("Profitable", 100, margin=60)
    account_with("Loss-making", 50, margin=-20)
    response = client_for(director).get(URL)
    margin = response.context["margin"]
    assert margin.top_share == Decimal("1.5")
    assert response.context["chart"].y_max == 160


def test_the_curve_returns_only_the_percentile_boundaries(director):
    """250 accounts: the row ceil(k·250/100) for k = 1…100 (every 2nd or 3rd row) and the top 10."""
    manager = ManagerFactory()
    Account.objects.bulk_create(
        Account(name=f"Bulk {i:03d}", industry="other", region="east", owner=manager)
        for i in range(250)
    )
    accounts = Account.objects.all()
    totals = queries.pareto_totals(accounts)
    curve = queries.pareto_curve(accounts, queries.REVENUE, size=250, total=totals["revenue_total"])
    expected = sorted({-(-k * 250 // 100) for k in range(1, 101)} | set(range(1, 11)))
    assert [p.position for p in curve.points] == expected
    assert len(curve.points) == 106  # 100 boundaries, and 1, 2, 4, 6, 7, 9 for the top ten
    assert curve.top_count == 50 and curve.top_share is None  # no revenue: no share to state


def test_ties_still_add_up_one_account_at_a_time(director):
    for name in ("A", "B", "C", "D"):
        account_with(name, 25)
    curve = queries.pareto_curve(Account.objects.all(), queries.REVENUE, size=4, total=Decimal(100))
    assert [p.cumulative for p in curve.points] == [25, 50, 75, 100]


def test_chart_draws_both_curves_the_diagonal_and_the_marker(client_for, director, five):
    response = client_for(director).get(URL)
    chart = response.context["chart"]
    assert [s.measure for s in chart.series] == ["amount", "gross_margin"]
    revenue = chart.series[0]
    width = charts.PARETO_WIDTH - charts.PARETO_LEFT - charts.PARETO_RIGHT
    assert revenue.marker_x == pytest.approx(charts.PARETO_LEFT + 0.2 * width)
    assert revenue.share == pytest.approx(50)
    assert revenue.points.startswith(f"{charts.PARETO_LEFT:.1f},")
    html = response.content.decode()
    for testid in ("pareto", "diagonal", "top-marker"):
        assert f'data-testid="{testid}"' in html


def test_old_orders_are_left_out(client_for, director):
    account = account_with("Recent", 100)
    TransactionFactory(
        account=account,
        date=timezone.localdate() - timedelta(days=366),
        amount=Decimal(900),
        gross_margin=Decimal(1),
    )
    assert client_for(director).get(URL).context["revenue"].total == Decimal(100)


def test_filters_and_manager_scope_narrow_the_portfolio(client_for, director, owner, five):
    account_with("South big", 1000, owner=owner, region=Region.SOUTH)
    other = ManagerFactory(username="someone-else")
    account_with("Not mine", 10_000, owner=other)

    response = client_for(director).get(URL + "?region=south")
    assert response.context["revenue"].accounts == 1
    assert response.context["revenue"].total == Decimal(1000)

    response = client_for(owner).get(URL)
    revenue = response.context["revenue"]
    assert (revenue.accounts, revenue.total) == (6, Decimal(1100))
    assert "Not mine" not in response.content.decode()

    revenue = client_for(other).get(URL).context["revenue"]
    assert (revenue.accounts, revenue.total) == (1, Decimal(10_000))


def test_nothing_visible_shows_an_empty_state(client_for, outsider):
    response = client_for(outsider).get(URL)
    assert response.status_code == 200
    assert "No accounts match" in response.content.decode()
