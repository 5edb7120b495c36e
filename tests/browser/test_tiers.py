"""Tier rules in a real browser: an admin lowers the gold threshold, previews the change (an
account moves up from iron to gold), applies it, and finds the tier change in the account's
History tab."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.factories import TransactionFactory, shipped_tier_rules, tier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_lowers_a_threshold_previews_applies_and_sees_the_history(
    page: Page, admin_user, account
):
    shipped_tier_rules()
    account.tier = tier("iron")
    account.save()
    TransactionFactory(account=account, amount=Decimal("1200000"), gross_margin=Decimal("300000"))

    log_in(page, admin_user)
    page.goto("/tiers/")
    gold = page.locator("[data-testid=tier-row][data-tier=gold]")
    expect(gold.get_by_test_id("tier-count")).to_have_text("0")
    expect(
        page.locator("[data-testid=tier-row][data-tier=iron]").get_by_test_id("tier-count")
    ).to_have_text("1")

    # Lower gold from ¥5,000,000 to ¥1,000,000.
    page.get_by_test_id("tier-edit").click()
    expect(page.locator("#id_min_value_gold")).to_have_value("5000000")
    page.locator("#id_min_value_gold").fill("1000000")
    page.get_by_role("button", name="Save and preview").click()

    # The preview: the account moves up, nothing is saved yet.
    expect(page.get_by_role("alert")).to_contain_text("Tier rules saved")
    move = page.locator(f"[data-testid=tier-move][data-account='{account.pk}']")
    expect(move).to_have_attribute("data-direction", "up")
    expect(move).to_have_attribute("data-from", "iron")
    expect(move).to_have_attribute("data-to", "gold")
    expect(page.get_by_test_id("tier-preview-summary")).to_have_attribute("data-up", "1")
    expect(page.locator("[data-testid=tier-preview-row][data-tier=gold]")).to_have_attribute(
        "data-after", "1"
    )

    page.get_by_test_id("tier-apply").click()
    expect(page.get_by_role("alert")).to_contain_text("1 of 1 accounts changed tier")
    expect(gold.get_by_test_id("tier-count")).to_have_text("1")
    expect(page.get_by_test_id("tier-not-applied")).to_have_count(0)

    # The account's History tab shows the change, by the admin.
    page.goto(f"/accounts/{account.pk}/history/")
    change = page.locator(".kam-timeline-item").first
    expect(change).to_contain_text(str(admin_user))
    expect(change.locator(".kam-changes tr", has_text="Tier")).to_contain_text("Iron → Gold")
