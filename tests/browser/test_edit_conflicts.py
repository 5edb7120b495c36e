"""Two people at work on the same account in real browsers: the second save is refused, shown
side by side in Chinese, merged with one click and saved (issue 15)."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Account
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_stale_account_form_is_merged_in_chinese_and_both_changes_are_kept(
    new_page, owner, teammate, account
):
    owner.language = "zh-hans"
    owner.save(update_fields=["language"])
    mine: Page = new_page()
    mine.set_viewport_size(PHONE)
    log_in(mine, owner)
    mine.goto(f"/accounts/{account.pk}/edit/")
    expect(mine.locator("html")).to_have_attribute("lang", "zh-hans")

    # Meanwhile the teammate rewrites the description from their own browser.
    theirs: Page = new_page()
    log_in(theirs, teammate)
    theirs.goto(f"/accounts/{account.pk}/edit/")
    theirs.locator("#id_description").fill("Teammate: refinery digitalisation, phase 2")
    theirs.locator("#submit-id-save").click()
    expect(theirs).to_have_url(re.compile(rf"/accounts/{account.pk}/$"))

    mine.locator("#id_employees").fill("1234")
    mine.locator("#submit-id-save").click()

    alert = mine.locator(".alert-danger")
    expect(alert).to_contain_text(f"{teammate} 于")
    expect(alert).to_contain_text("修改了此客户")
    row = mine.locator("tr[data-kam-conflict-field=description]")
    expect(row).to_contain_text("Teammate: refinery digitalisation, phase 2")
    expect(mine.locator("#id_employees")).to_have_value("1234")  # what I typed is still there
    stored = Account.objects.get(pk=account.pk)
    assert stored.employees != 1234  # and nothing of mine was written
    fits = mine.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the comparison scrolls sideways on a phone"

    # Take their description with the keyboard, keep my employee count, save again.
    use_stored = row.get_by_role("button")
    use_stored.focus()
    mine.keyboard.press("Enter")
    expect(mine.locator("#id_description")).to_have_value(
        "Teammate: refinery digitalisation, phase 2"
    )
    mine.locator("#submit-id-save").click()
    expect(mine).to_have_url(re.compile(rf"/accounts/{account.pk}/$"))

    stored.refresh_from_db()
    assert stored.description == "Teammate: refinery digitalisation, phase 2"
    assert stored.employees == 1234
