"""The portfolio pages in a real browser: a director opens the matrix, narrows it to a region,
clicks a bubble through to its account, then reads the 80/20 share."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Category, Region
from tests.browser.conftest import log_in
from tests.factories import (
    AccountFactory,
    TransactionFactory,
    score,
    shipped_criteria_set,
    uniform_values,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scored(name, region, attractiveness, advantage, revenue, owner, category=Category.NORMAL):
    account = AccountFactory(name=name, region=region, category=category, owner=owner)
    score(account, uniform_values(shipped_criteria_set(), attractiveness, advantage))
    TransactionFactory(account=account, amount=Decimal(revenue), gross_margin=Decimal(revenue) / 4)
    return account


def test_a_director_filters_the_matrix_clicks_through_and_reads_the_80_20_share(
    page: Page, director, owner
):
    south = scored("Guangzhou Metro", Region.SOUTH, 8, 8, 500_000, owner, Category.KEY)
    scored("Shenzhen Port", Region.SOUTH, 3, 7, 100_000, owner)
    scored("Beijing Grid", Region.NORTH, 9, 2, 300_000, owner, Category.TARGET)
    for name in ("Xi'an Water", "Chengdu Bank"):
        scored(name, Region.NORTH, 4, 4, 25_000, owner)

    log_in(page, director)
    page.get_by_test_id("nav-portfolio").click()
    page.get_by_role("link", name="Attractiveness × advantage matrix").click()
    expect(page).to_have_url(re.compile(r"/portfolio/matrix/$"))
    expect(page.get_by_test_id("bubble")).to_have_count(5)
    expect(page.locator('[data-testid="quadrant-count"][data-quadrant="key"]')).to_contain_text("1")

    page.locator("#id_region").select_option(Region.SOUTH)
    page.get_by_test_id("filter-apply").click()
    expect(page).to_have_url(re.compile(r"region=south"))
    expect(page.get_by_test_id("bubble")).to_have_count(2)
    bubble = page.locator(f'[data-testid="bubble"][data-account-id="{south.pk}"]')
    expect(bubble).to_have_attribute("data-attractiveness", "80.0")
    expect(page.get_by_test_id("exception-count")).to_have_text("0")

    bubble.locator("circle").click()
    expect(page).to_have_url(re.compile(rf"/accounts/{south.pk}/$"))
    expect(page.locator("h1")).to_contain_text("Guangzhou Metro")

    page.goto("/portfolio/matrix/")
    page.get_by_test_id("portfolio-nav").get_by_role("link", name="80/20 view").click()
    expect(page).to_have_url(re.compile(r"/portfolio/pareto/"))
    # Five accounts: the top 20 % is one account, 500,000 of 950,000.
    expect(page.get_by_test_id("top-share-statement-revenue")).to_have_text(
        "The top 20% of accounts (1 account) bring 53% of revenue."
    )
    expect(page.get_by_test_id("series")).to_have_count(2)
    expect(page.get_by_test_id("top-account").first).to_contain_text("Guangzhou Metro")
