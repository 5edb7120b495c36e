"""The portfolio dashboard in a real browser (issue 7): a director reads a tile, narrows the page to
a region, clicks a bubble and a stage bar through to the accounts behind them and exports the
workbook; a manager sees only their own portfolio; the print layout loads under the CSP."""

import re
from decimal import Decimal
from urllib.parse import urljoin

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from accounts.models import Category, Region
from scoring.health.runs import health_recalculate_all
from tests.browser.conftest import log_in
from tests.factories import (
    AccountFactory,
    PlanFactory,
    TransactionFactory,
    score,
    shipped_criteria_set,
    uniform_values,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scored(name, owner, region, category, stage, attractiveness, advantage, revenue):
    account = AccountFactory(
        name=name, owner=owner, region=region, category=category, relationship_stage=stage
    )
    score(account, uniform_values(shipped_criteria_set(), attractiveness, advantage))
    amount = Decimal(revenue)
    TransactionFactory(account=account, amount=amount, gross_margin=amount / 4)
    return account


@pytest.fixture
def portfolio(owner, teammate):
    """Six accounts of two managers: three key accounts (two in the east, one in the south), the
    east's two key accounts both in Mid KAM; one active plan, on Eastern Steel."""
    accounts = {
        "steel": scored("Eastern Steel", owner, Region.EAST, Category.KEY, "mid", 9, 8, 600_000),
        "chemicals": scored(
            "Yangtze Chemicals", teammate, Region.EAST, Category.KEY, "mid", 7, 6, 400_000
        ),
        "optics": scored(
            "Suzhou Optics", owner, Region.EAST, Category.NORMAL, "early", 4, 7, 80_000
        ),
        "metro": scored(
            "Guangzhou Metro", teammate, Region.SOUTH, Category.KEY, "mid", 8, 3, 300_000
        ),
        "port": scored(
            "Shenzhen Port", owner, Region.SOUTH, Category.NORMAL, "early", 3, 9, 50_000
        ),
        "foods": scored(
            "Xiamen Foods", teammate, Region.SOUTH, Category.TARGET, "pre_kam", 2, 2, 20_000
        ),
    }
    PlanFactory(account=accounts["steel"])
    health_recalculate_all()
    return accounts


def kpi(page: Page, name: str):
    return page.locator(f'[data-testid="kpi"][data-kpi="{name}"]')


def test_a_director_filters_the_dashboard_and_clicks_through_to_the_accounts_behind_it(
    page: Page, director, portfolio, tmp_path
):
    steel, chemicals = portfolio["steel"], portfolio["chemicals"]

    log_in(page, director)  # directors land on the dashboard
    expect(page).to_have_url(re.compile(r"/portfolio/dashboard/$"))
    page.get_by_test_id("nav-portfolio").click()
    page.get_by_test_id("nav-dashboard").click()
    expect(page).to_have_url(re.compile(r"/portfolio/dashboard/$"))
    expect(page.get_by_test_id("dashboard-title")).to_have_text("Portfolio dashboard")
    expect(kpi(page, "key_accounts")).to_have_attribute("data-value", "3")
    expect(kpi(page, "key_accounts").get_by_test_id("kpi-value")).to_have_text("3")
    expect(page.get_by_test_id("bubble")).to_have_count(6)

    # Narrow to the east with the filter form.
    page.locator("#id_region").select_option(Region.EAST)
    page.get_by_test_id("filter-apply").click()
    expect(page).to_have_url(re.compile(r"[?&]region=east(&|$)"))
    expect(kpi(page, "key_accounts")).to_have_attribute("data-value", "2")
    expect(kpi(page, "key_accounts").get_by_test_id("kpi-value")).to_have_text("2")
    expect(page.get_by_test_id("bubble")).to_have_count(3)
    filtered_url = page.url

    # A bubble of the matrix opens its account.
    page.locator(f'[data-testid="bubble"][data-account-id="{steel.pk}"] circle').click()
    expect(page).to_have_url(re.compile(rf"/accounts/{steel.pk}/$"))
    expect(page.locator("h1")).to_contain_text("Eastern Steel")
    page.go_back()
    expect(page).to_have_url(filtered_url)

    # The Mid KAM bar lists the east's two key accounts in Mid KAM, and nothing else.
    mid_bar = page.locator('[data-testid="stage-bar"][data-stage="mid"]')
    expect(mid_bar).to_have_attribute("data-count", "2")
    mid_bar.locator("rect.kam-stage-bar").click()
    expect(page).to_have_url(re.compile(r"/portfolio/dashboard/accounts/\?"))
    expect(page).to_have_url(re.compile(r"[?&]stage=mid(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]region=east(&|$)"))
    expect(page.get_by_test_id("drill-count")).to_have_attribute("data-count", "2")
    rows = page.get_by_test_id("drill-row")
    expect(rows).to_have_count(2)
    shown = {int(pk) for pk in rows.evaluate_all("rows => rows.map(r => r.dataset.account)")}
    assert shown == {steel.pk, chemicals.pk}
    expect(page.get_by_test_id("drill-table")).not_to_contain_text("Guangzhou Metro")

    # Back on the dashboard, the workbook carries the same filter and figures.
    page.get_by_test_id("drill-back").click()
    expect(page).to_have_url(re.compile(r"/portfolio/dashboard/\?.*region=east"))
    expect(kpi(page, "key_accounts")).to_have_attribute("data-value", "2")
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    book = openpyxl.load_workbook(path)
    summary = book["Summary"]
    column_a = [row[0] for row in summary.iter_rows(values_only=True)]
    assert "Region: East China" in column_a
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert values["Key accounts by category"] == 2
    assert values["Accounts"] == 3

    managers = book["Account managers"]
    assert "Region: East China" in [row[0] for row in managers.iter_rows(values_only=True)]
    revenue = {
        row[0]: row[3]
        for row in managers.iter_rows(values_only=True)
        if row[0] in ("Wei Zhang", "Na Li")
    }
    assert revenue == {"Wei Zhang": 680_000, "Na Li": 400_000}


def test_a_manager_sees_only_their_own_portfolio(page: Page, owner, portfolio):
    log_in(page, owner)
    page.get_by_test_id("nav-portfolio").click()
    page.get_by_test_id("nav-dashboard").click()
    expect(page).to_have_url(re.compile(r"/portfolio/dashboard/$"))
    expect(page.get_by_test_id("dashboard-title")).to_have_text("My portfolio")
    expect(page.locator("#id_owner")).to_have_count(0)  # no owner filter for a manager

    # Eastern Steel is the owner's only key account; three accounts are theirs.
    expect(kpi(page, "key_accounts")).to_have_attribute("data-value", "1")
    expect(kpi(page, "revenue")).to_have_attribute("data-value", "730000.00")
    expect(page.get_by_test_id("bubble")).to_have_count(3)
    mine = {portfolio[key].pk for key in ("steel", "optics", "port")}
    bubbles = page.get_by_test_id("bubble").evaluate_all(
        "bubbles => bubbles.map(b => b.dataset.accountId)"
    )
    assert {int(pk) for pk in bubbles} == mine
    rows = page.get_by_test_id("manager-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Wei Zhang")

    dashboard = page.get_by_test_id("dashboard")
    for name in ("Yangtze Chemicals", "Guangzhou Metro", "Xiamen Foods", "Na Li"):
        expect(dashboard).not_to_contain_text(name)
    assert "Yangtze Chemicals" not in page.content()


def test_the_print_layout_shows_its_hint(page: Page, director, portfolio):
    log_in(page, director)
    page.goto("/portfolio/dashboard/?region=south")
    # The Print link opens the browser's print dialog (print.js); its href is the print layout.
    print_link = page.get_by_test_id("print")
    expect(print_link).to_have_attribute(
        "href", re.compile(r"region=south.*print=1|print=1.*region=south")
    )
    page.goto(urljoin(page.url, print_link.get_attribute("href")))  # href is "?…"
    expect(page).to_have_url(re.compile(r"[?&]print=1(&|$)"))
    expect(page.get_by_test_id("dashboard")).to_have_class(re.compile(r"kam-print-preview"))
    hint = page.locator(".kam-print-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Print layout")
    expect(kpi(page, "key_accounts")).to_have_attribute("data-value", "1")
    expect(page.get_by_test_id("chart-matrix")).to_be_visible()
