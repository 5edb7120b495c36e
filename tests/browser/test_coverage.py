"""The coverage matrix in a real browser: a manager fixes a single-threaded map in place; a
director looks without edit controls."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import BuyingRole, Coverage
from tests.browser.conftest import log_in
from tests.factories import CoverageFactory, StakeholderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def single_threaded_account(account, owner):
    boss = StakeholderFactory(
        account=account, name="Liu Yang", buying_role=BuyingRole.DECISION_MAKER, influence=5
    )
    coach = StakeholderFactory(account=account, name="Chen Jing", buying_role=BuyingRole.COACH)
    CoverageFactory(stakeholder=boss, user=owner, strength=3)
    CoverageFactory(stakeholder=coach, user=owner, strength=2)
    return account, boss


def cell(page: Page, stakeholder, user):
    return page.locator(
        f"#coverage-board td[data-stakeholder-id='{stakeholder.pk}'][data-user-id='{user.pk}']"
    )


def test_a_manager_sets_a_teammates_coverage_and_the_warning_goes_away(
    page: Page, owner, teammate, single_threaded_account
):
    account, boss = single_threaded_account
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/coverage/")

    expect(page.get_by_role("link", name="Coverage")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("map-status")).to_have_text("Map quality: red")
    warning = page.locator("[data-rule=single_threaded]")
    expect(warning).to_contain_text("Only Wei Zhang knows anyone at this account.")
    expect(cell(page, boss, teammate)).to_have_attribute("data-strength", "0")

    # The cell opens its own small form in place (htmx), and saving redraws the board.
    cell(page, boss, teammate).get_by_role("link").click()
    form = page.get_by_test_id("coverage-cell-form")
    expect(form).to_be_visible()
    form.get_by_label("Strength").select_option("2")
    form.get_by_role("button", name="Save").click()

    expect(cell(page, boss, teammate)).to_have_attribute("data-strength", "2")
    expect(page.locator("[data-rule=single_threaded]")).to_have_count(0)
    expect(page.get_by_test_id("map-status")).not_to_have_text("Map quality: red")
    assert page.url.endswith(f"/accounts/{account.pk}/coverage/")
    assert Coverage.objects.get(stakeholder=boss, user=teammate).strength == 2


def test_a_future_date_in_the_cell_form_is_refused_in_place(
    page: Page, owner, teammate, single_threaded_account
):
    account, boss = single_threaded_account
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/coverage/")
    cell(page, boss, teammate).get_by_role("link").click()
    form = page.get_by_test_id("coverage-cell-form")
    form.get_by_label("Strength").select_option("1")
    form.get_by_label("Last contact").fill("2999-01-01")
    form.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("coverage-cell-form")).to_contain_text(
        "The last contact cannot be in the future."
    )
    assert not Coverage.objects.filter(user=teammate).exists()


def test_a_director_sees_the_matrix_without_edit_controls(
    page: Page, director, owner, single_threaded_account
):
    account, boss = single_threaded_account
    log_in(page, director)
    page.goto(f"/accounts/{account.pk}/coverage/")

    expect(page.get_by_test_id("coverage-matrix")).to_be_visible()
    expect(cell(page, boss, owner)).to_have_attribute("data-strength", "3")
    expect(page.get_by_test_id("coverage-cell-edit")).to_have_count(0)
    expect(page.locator("[data-rule=single_threaded]")).to_be_visible()
