"""The attractiveness × advantage matrix (issue 5, item 3): bubbles placed by the indices, the
quadrant totals over every matching account, the exceptions, the filters and who sees what."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Category, Industry, Region
from scoring.models import CriteriaSet, SetKind, SetStatus
from scoring.portfolio import charts, queries
from tests.factories import (
    AccountFactory,
    ManagerFactory,
    TransactionFactory,
    score,
    shipped_criteria_set,
    uniform_values,
)

pytestmark = pytest.mark.django_db

URL = reverse("scoring:matrix")


def scored(name, category, attractiveness, advantage, revenue=0, **fields):
    """An account scored so its indices are attractiveness×10 and advantage×10, with one order
    of `revenue` this year."""
    account = AccountFactory(name=name, category=category, **fields)
    criteria_set = shipped_criteria_set()
    score(account, uniform_values(criteria_set, attractiveness, advantage))
    if revenue:
        TransactionFactory(
            account=account, amount=Decimal(revenue), gross_margin=Decimal(revenue) / 4
        )
    return account


@pytest.fixture
def portfolio(owner):
    """Four scored accounts, one in each quadrant (thresholds 50/50), and one unscored."""
    return {
        # category key, but low/low: an exception
        "fading": scored("Fading Key", Category.KEY, 2, 2, 400, owner=owner),
        # category normal, but high/high: an exception
        "rising": scored("Rising Normal", Category.NORMAL, 8, 8, 100, owner=owner),
        "develop": scored("Develop Target", Category.TARGET, 8, 3, 0, owner=owner),
        "maintain": scored(
            "Maintain Key", Category.KEY, 3, 9, 900, owner=owner, region=Region.SOUTH
        ),
        "unscored": AccountFactory(name="Not Scored Yet", owner=owner),
    }


def bubbles_of(response):
    return {bubble.name: bubble for bubble in response.context["chart"].bubbles}


def counts_of(response):
    return {q.key: q.count for q in response.context["data"].quadrants}


def test_bubbles_sit_at_their_indices_and_grow_with_revenue(client_for, director, portfolio):
    response = client_for(director).get(URL)
    assert response.status_code == 200
    bubbles = bubbles_of(response)
    assert set(bubbles) == {"Fading Key", "Rising Normal", "Develop Target", "Maintain Key"}
    maintain = bubbles["Maintain Key"]
    assert (maintain.attractiveness, maintain.advantage) == (Decimal(30), Decimal(90))
    # x = left + advantage% of the plot, y = top + (100 − attractiveness)% of it.
    assert maintain.x == pytest.approx(charts.MATRIX_LEFT + 0.9 * charts.MATRIX_PLOT)
    assert maintain.y == pytest.approx(charts.MATRIX_TOP + 0.7 * charts.MATRIX_PLOT)
    # The largest account gets the largest bubble; area follows revenue (sqrt of the ratio).
    assert maintain.r == pytest.approx(charts.RADIUS_MAX)
    fading = bubbles["Fading Key"]
    span = charts.RADIUS_MAX - charts.RADIUS_MIN
    assert fading.r == pytest.approx(charts.RADIUS_MIN + span * (400 / 900) ** 0.5)
    # No revenue this year still shows, at the smallest size.
    assert bubbles["Develop Target"].r == charts.RADIUS_MIN
    # Largest drawn first, so the small ones stay on top and clickable.
    assert response.context["chart"].bubbles[0].name == "Maintain Key"

    html = response.content.decode()
    assert html.count('data-testid="bubble"') == 4
    assert f'href="/accounts/{portfolio["maintain"].pk}/"' in html
    assert "Maintain Key (Key account) — attractiveness 30.0, advantage 90.0" in html


def test_quadrant_totals_count_and_sum_every_matching_account(client_for, director, portfolio):
    response = client_for(director).get(URL)
    data = response.context["data"]
    assert counts_of(response) == {"key": 1, "develop": 1, "maintain": 1, "opportunistic": 1}
    revenue = {q.key: q.revenue for q in data.quadrants}
    assert revenue == {
        "key": Decimal(100),
        "develop": Decimal(0),
        "maintain": Decimal(900),
        "opportunistic": Decimal(400),
    }
    assert data.scored == 4
    assert data.unscored == 1
    html = response.content.decode()
    assert 'data-quadrant="maintain" data-count="1"' in html
    assert "1 account you can see has no scores yet" in html
    assert 'data-testid="bubble-limit"' not in html


def test_exceptions_list_key_accounts_scored_opportunistic_and_others_in_the_key_quadrant(
    client_for, director, portfolio
):
    response = client_for(director).get(URL)
    data = response.context["data"]
    assert data.exception_count == 2
    # Key accounts that slipped come first.
    assert [(a.name, a.quadrant) for a in data.exceptions] == [
        ("Fading Key", "opportunistic"),
        ("Rising Normal", "key"),
    ]
    html = response.content.decode()
    assert html.count('data-testid="exception"') == 2
    assert 'data-testid="exception-count">2<' in html


def test_a_lost_account_in_the_key_quadrant_is_no_exception(client_for, director):
    scored("Lost But Strong", Category.LOST, 9, 9)
    scored("Key And Strong", Category.KEY, 9, 9)
    response = client_for(director).get(URL)
    assert response.context["data"].exception_count == 0
    assert 'data-testid="no-exceptions"' in response.content.decode()


def test_the_published_thresholds_split_the_matrix(client_for, director, portfolio):
    criteria_set = CriteriaSet.objects.get(kind=SetKind.ACCOUNT, status=SetStatus.PUBLISHED)
    criteria_set.attractiveness_threshold = Decimal(85)
    criteria_set.advantage_threshold = Decimal(30)
    criteria_set.save()
    response = client_for(director).get(URL)
    # Nothing reaches 85 attractiveness now; advantage 30 and up counts as high.
    assert counts_of(response) == {"key": 0, "develop": 0, "maintain": 3, "opportunistic": 1}
    chart = response.context["chart"]
    assert chart.threshold_x == pytest.approx(charts.MATRIX_LEFT + 0.3 * charts.MATRIX_PLOT)
    assert chart.threshold_y == pytest.approx(charts.MATRIX_TOP + 0.15 * charts.MATRIX_PLOT)
    assert "high attractiveness from 85, high advantage from 30" in response.content.decode()


def test_only_the_largest_bubbles_are_drawn_but_totals_cover_all(
    client_for, director, portfolio, monkeypatch
):
    monkeypatch.setattr(queries, "MATRIX_BUBBLES", 2)
    response = client_for(director).get(URL)
    assert [b.name for b in response.context["chart"].bubbles] == ["Maintain Key", "Fading Key"]
    assert sum(counts_of(response).values()) == 4
    html = response.content.decode()
    assert "Showing the 2 largest of 4 by revenue — filter to narrow." in html


def test_exceptions_are_capped_with_the_total_shown(client_for, director, portfolio, monkeypatch):
    monkeypatch.setattr(queries, "EXCEPTIONS_SHOWN", 1)
    response = client_for(director).get(URL)
    assert len(response.context["data"].exceptions) == 1
    assert "Showing 1 of 2 — filter to narrow." in response.content.decode()


def test_revenue_is_the_last_12_months_only(client_for, director):
    account = scored("Old Orders", Category.NORMAL, 5, 5, 100)
    TransactionFactory(
        account=account,
        date=timezone.localdate() - timedelta(days=400),
        amount=Decimal(5000),
        gross_margin=Decimal(1000),
    )
    bubble = bubbles_of(client_for(director).get(URL))["Old Orders"]
    assert bubble.revenue == Decimal(100)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?region=south", {"Maintain Key"}),
        ("?category=key", {"Maintain Key", "Fading Key"}),
        ("?industry=finance", {"Rising Normal"}),
    ],
)
def test_filters_narrow_bubbles_totals_and_exceptions(
    client_for, director, portfolio, query, expected
):
    portfolio["rising"].industry = Industry.FINANCE
    portfolio["rising"].save()
    response = client_for(director).get(URL + query)
    assert set(bubbles_of(response)) == expected
    assert sum(counts_of(response).values()) == len(expected)
    exceptions = {a.name for a in response.context["data"].exceptions}
    assert exceptions == expected & {"Fading Key", "Rising Normal"}


def test_the_owner_filter_shows_one_managers_accounts(client_for, director, portfolio):
    other = ManagerFactory(username="other-manager")
    scored("Someone Else's", Category.NORMAL, 5, 5, owner=other)
    response = client_for(director).get(f"{URL}?owner={other.pk}")
    assert set(bubbles_of(response)) == {"Someone Else's"}
    assert response.context["data"].unscored == 0


def test_a_bad_filter_value_is_shown_on_the_field_not_a_crash(client_for, director, portfolio):
    response = client_for(director).get(URL + "?region=atlantis")
    assert response.status_code == 200
    assert "region" in response.context["filter"].form.errors
    assert "Select a valid choice" in response.content.decode()


def test_a_manager_sees_only_their_own_accounts(client_for, owner, teammate, portfolio):
    other = ManagerFactory(username="second-manager")
    scored("Second Manager's", Category.KEY, 1, 1, 5000, owner=other)
    # The teammate sees the owner's accounts they are on the team of, and nothing else.
    mine = scored("Teammate's Own", Category.NORMAL, 6, 6, owner=teammate)

    response = client_for(other).get(URL)
    assert set(bubbles_of(response)) == {"Second Manager's"}
    assert sum(counts_of(response).values()) == 1
    assert [a.name for a in response.context["data"].exceptions] == ["Second Manager's"]
    assert response.context["data"].unscored == 0

    response = client_for(owner).get(URL)
    assert "Second Manager's" not in bubbles_of(response)
    assert mine.name not in bubbles_of(response)
    assert response.context["data"].unscored == 1
    assert "Second Manager" not in response.content.decode()


def test_an_empty_portfolio_says_how_to_fill_it(client_for, outsider):
    response = client_for(outsider).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No scored accounts match" in html
    assert 'data-testid="matrix"' not in html


def test_without_a_published_set_the_matrix_splits_at_50(client_for, director, portfolio):
    CriteriaSet.objects.filter(kind=SetKind.ACCOUNT).update(status=SetStatus.ARCHIVED)
    response = client_for(director).get(URL)
    assert counts_of(response) == {"key": 1, "develop": 1, "maintain": 1, "opportunistic": 1}
    assert "No criteria set is published yet" in response.content.decode()
