"""A coverage cell saved after a teammate changed it, in a real browser: the cell (an htmx
fragment) shows both values in place, "use stored" takes theirs, and saving again redraws the
board (no CSP violation or script error on the way: the browser fixtures watch for them)."""

import pytest
from playwright.sync_api import Page, expect

from accounts.coverage import services
from accounts.models import Coverage
from tests.browser.conftest import log_in
from tests.factories import CoverageFactory, StakeholderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stale_cell_shows_the_conflict_in_place_and_merges(page: Page, owner, teammate, account):
    boss = StakeholderFactory(account=account, name="Liu Yang", influence=5)
    coverage = CoverageFactory(stakeholder=boss, user=teammate, strength=1, last_contact=None)
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/coverage/")
    page.locator(
        f"#coverage-board td[data-stakeholder-id='{boss.pk}'][data-user-id='{teammate.pk}'] a"
    ).click()
    form = page.get_by_test_id("coverage-cell-form")
    form.get_by_label("Strength").select_option("2")

    # Meanwhile the teammate says they know Liu Yang well.
    services.coverage_set(
        actor=teammate,
        account=account,
        stakeholder=boss,
        user=teammate,
        expected_version=coverage.row_version,
        strength=3,
        last_contact=None,
    )
    form.get_by_role("button", name="Save").click()

    cell_form = page.get_by_test_id("coverage-cell-form")
    expect(cell_form).to_contain_text("Na Li changed this coverage")
    expect(cell_form.locator(".kam-conflict")).to_contain_text("3 — trusted")
    assert Coverage.objects.get().strength == 3

    # conflicts.js ran on the swapped-in fragment: it shows the "use stored" button it hides
    # until it can work.
    use_stored = cell_form.get_by_role("button", name="Use the stored value for Strength")
    expect(use_stored).to_be_visible()
    cell_form.get_by_role("combobox", name="Strength").select_option("3")
    cell_form.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("coverage-cell-form")).to_have_count(0)
    expect(
        page.locator(
            f"#coverage-board td[data-stakeholder-id='{boss.pk}'][data-user-id='{teammate.pk}']"
        )
    ).to_have_attribute("data-strength", "3")
    assert Coverage.objects.get().row_version == coverage.row_version + 1
