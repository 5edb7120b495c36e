"""The top bar highlights the section a page belongs to (issue 17, defect 11): an account's Health,
Scores, Value and Plans tabs are "My accounts", not "Portfolio", whichever app serves them."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ACTIVE = re.compile(r'<a class="nav-link[^"]*\bactive\b[^"]*"[^>]*data-testid="nav-(\w+)"')


def _active(html: str) -> list[str]:
    return ACTIVE.findall(html)


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:detail",
        "scoring:health",
        "scoring:scores",
        "scoring:scorecard",
        "planning:plans",
        "planning:visits",
    ],
)
def test_an_account_tab_highlights_my_accounts(url_name, client_for, owner, account):
    response = client_for(owner).get(reverse(url_name, kwargs={"pk": account.pk}))
    assert response.status_code == 200
    assert _active(response.content.decode()) == ["accounts"]


@pytest.mark.parametrize(
    "url_name", ["scoring:dashboard", "scoring:matrix", "scoring:health_overview"]
)
def test_a_portfolio_page_highlights_portfolio(url_name, client_for, director):
    response = client_for(director).get(reverse(url_name))
    assert response.status_code == 200
    assert _active(response.content.decode()) == ["portfolio"]


def test_my_week_highlights_my_week(client_for, owner):
    html = client_for(owner).get(reverse("my:week")).content.decode()
    assert _active(html) == ["week"]
