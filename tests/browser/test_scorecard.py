"""The Value tab in a real browser: the owner opens an empty scorecard, rates X and Y, sets the
expected years and a revenue target, and sees class A, the lifetime value with its formula and
the revenue row's achievement."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.factories import TransactionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_fills_in_the_scorecard_and_sees_class_and_lifetime_value(
    page: Page, owner, account
):
    today = timezone.localdate()
    # Two years of trading: 3.0m over 2 years = 1.5m a year; 2.0m in the last 12 months.
    TransactionFactory(account=account, date=today - timedelta(days=730), amount=Decimal(1_000_000))
    TransactionFactory(account=account, date=today - timedelta(days=100), amount=Decimal(2_000_000))

    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/value/")
    expect(page.get_by_test_id("scorecard-empty")).to_be_visible()
    expect(page.get_by_test_id("revenue-12m")).to_have_text("CN¥2,000,000")
    expect(page.get_by_test_id("potential-class")).to_have_attribute("data-class", "")

    page.get_by_test_id("scorecard-edit").click()
    page.locator("#id_current_purchases").select_option("1")
    page.locator("#id_purchase_capacity").select_option("4")
    page.locator("#id_expected_years").fill("8")
    page.locator("#id_revenue_target").fill("4000000")
    page.get_by_role("button", name="Save scorecard").click()

    expect(page.get_by_role("alert")).to_contain_text("Value scorecard saved.")
    expect(page.get_by_test_id("potential-class")).to_have_attribute("data-class", "A")
    expect(page.get_by_test_id("class-meaning")).to_contain_text("High remaining potential")
    expect(page.get_by_test_id("share-of-wallet")).to_contain_text("25%")
    expect(page.get_by_test_id("lifetime-total")).to_have_text("CN¥12,000,000")
    expect(page.get_by_test_id("lifetime-formula")).to_contain_text(
        "CN¥1,500,000 a year × 8 years = CN¥12,000,000"
    )
    revenue = page.get_by_test_id("target-revenue")
    expect(revenue).to_have_attribute("data-status", "behind")
    expect(revenue.get_by_test_id("achievement")).to_have_text("50%")
    expect(revenue.get_by_test_id("target-status")).to_have_text("behind")
    expect(page.get_by_test_id("scorecard-changes")).to_contain_text(str(owner))
