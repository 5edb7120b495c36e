"""A large export in a real browser with a real Celery worker (issue 16): the Export menu's link
lands on the job's page, which shows its progress bar while no worker has taken it; once a worker
writes it, the page reloads itself (htmx polling) and offers the download, which holds the
manager's accounts only. "My exports" lists it. Both pages fit a 390 px phone and work with the
keyboard."""

import csv
import io
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Account
from tests.browser.conftest import axe_violations, log_in
from tests.factories import AccountFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.celery_worker,
]

PHONE = {"width": 390, "height": 844}


def fits_a_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_large_export_shows_its_progress_then_its_download(
    page: Page, owner, outsider, settings, celery_workers
):
    settings.KAM_EXPORT_INLINE_MAX_ROWS = 10
    mine = sorted(f"Browser customer {n:02d}" for n in range(30))
    Account.objects.bulk_create(AccountFactory.build(name=name, owner=owner) for name in mine)
    AccountFactory(name="Someone else's customer", owner=outsider)

    log_in(page, owner)
    page.set_viewport_size(PHONE)
    page.goto("/accounts/")
    page.get_by_test_id("export-menu").get_by_role("button").click()
    page.get_by_test_id("export-accounts-csv").click()

    # No worker yet: the job's page with its progress bar, polling.
    expect(page).to_have_url(re.compile(r"/accounts/exports/\d+/$"))
    progress = page.get_by_test_id("export-progress")
    expect(progress).to_be_visible()
    expect(progress.get_by_role("status")).to_contain_text("Waiting for a worker")
    expect(page.get_by_role("progressbar", name="Progress")).to_be_attached()
    assert fits_a_phone(page), "the job's page scrolls sideways on a phone"
    assert axe_violations(page) == []

    # A worker takes it: the page reloads itself and offers the file.
    _process, log = celery_workers()
    started = time.monotonic()
    download_link = page.get_by_test_id("download-export")
    try:
        expect(download_link).to_be_visible(timeout=90_000)
    except AssertionError:
        pytest.fail(f"no download after {time.monotonic() - started:.0f}s:\n{log.read_text()}")
    expect(page.get_by_test_id("export-done")).to_contain_text("30 rows")
    expect(page.get_by_test_id("export-status")).to_have_text("Ready")
    assert fits_a_phone(page), "the finished job's page scrolls sideways on a phone"
    assert axe_violations(page) == []

    # With the keyboard.
    download_link.focus()
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert re.fullmatch(r"kam-accounts-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    raw = Path(download.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == mine

    # My exports lists it, with its link.
    page.goto("/accounts/exports/")
    table = page.get_by_test_id("export-jobs")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.get_by_test_id("export-status")).to_have_text("Ready")
    expect(table.get_by_role("link", name="Download")).to_be_visible()
    assert fits_a_phone(page), "My exports scrolls sideways on a phone"
    assert axe_violations(page) == []
