"""Lost accounts in a real browser: a manager sets the category to lost in the edit form, is asked
why, records it, later edits a stakeholder, and the loss record still shows the map as it was."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Category
from planning.models.losses import LossRecord
from tests.browser.conftest import log_in
from tests.factories import StakeholderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_records_a_lost_account_and_the_snapshot_stays_frozen(page: Page, owner, account):
    buyer = StakeholderFactory(account=account, name="Zhou Min", attitude="supporter")
    log_in(page, owner)

    # The edit form: setting the category to lost asks for the record first.
    page.goto(reverse("accounts:edit", args=[account.pk]))
    page.locator('input[name="category"][value="lost"]').check()
    page.get_by_role("button", name="Save account").click()
    expect(page).to_have_url(reverse("planning:loss_record_create", args=[account.pk]))
    expect(page.get_by_role("alert")).to_contain_text("was lost to finish")
    account.refresh_from_db()
    assert account.category == Category.NORMAL

    # A missing reason is an error next to the field.
    page.locator("#id_review_on").fill("")
    page.get_by_test_id("loss-submit").click()
    expect(page.locator("#id_reason")).to_have_class(re.compile(r"is-invalid"))
    expect(page.locator("#error_1_id_reason, #id_reason_error").first).to_be_visible()

    page.locator("#id_reason").select_option("competitor")
    page.locator("#id_notes").fill("A rival offered a two-year price freeze.")
    page.locator("#id_win_back_plan").fill("Keep in touch with Zhou Min; revisit at renewal.")
    page.get_by_test_id("loss-submit").click()
    expect(page.get_by_role("alert")).to_contain_text("is marked lost")
    expect(page.get_by_test_id("loss-reason")).to_have_text("Competitor")
    account.refresh_from_db()
    assert account.category == Category.LOST
    record = LossRecord.objects.get()

    # The Overview links to the loss records.
    page.goto(account.get_absolute_url())
    page.get_by_test_id("overview-loss-link").click()
    expect(page.get_by_test_id("loss-banner")).to_contain_text("Competitor")

    # Later the supporter turns against us.
    page.goto(reverse("accounts:stakeholder_edit", args=[account.pk, buyer.pk]))
    page.locator("#id_attitude").select_option("opponent")
    page.get_by_role("button", name="Save stakeholder").click()
    expect(page.get_by_role("alert")).to_contain_text("saved")

    # The record still shows the map as it was.
    page.goto(reverse("planning:loss_records", args=[account.pk]))
    page.get_by_test_id("latest-loss-record").click()
    expect(page).to_have_url(reverse("planning:loss_record_detail", args=[account.pk, record.pk]))
    expect(page.get_by_test_id("snapshot-heading")).to_contain_text("as it was on")
    row = page.get_by_test_id("snapshot-stakeholder").filter(has_text="Zhou Min")
    expect(row).to_contain_text("Supporter")
    expect(row).not_to_contain_text("Opponent")
