"""The account list's Export menu in a real browser: after narrowing the list (htmx redraws it),
the menu's CSV download holds only the accounts the list shows."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Category
from tests.browser.conftest import log_in
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_narrows_the_list_and_downloads_it_as_csv(page: Page, owner, outsider):
    AccountFactory(name="Key Holdings", owner=owner, category=Category.KEY)
    AccountFactory(name="Normal Trading", owner=owner, category=Category.NORMAL)
    AccountFactory(name="Someone Else's Key", owner=outsider, category=Category.KEY)

    log_in(page, owner)
    page.goto("/accounts/")
    page.locator("#id_category").select_option(Category.KEY)
    expect(page).to_have_url(re.compile(r"category=key"))
    expect(page.locator("#account-results tbody tr")).to_have_count(1)

    menu = page.get_by_test_id("export-menu")
    menu.get_by_role("button").click()
    link = page.get_by_test_id("export-accounts-csv")
    expect(link).to_be_visible()
    expect(link).to_have_attribute(
        "href", re.compile(r"category=key.*format=csv|format=csv.*category=key")
    )
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert re.fullmatch(r"kam-accounts-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Key Holdings"]
