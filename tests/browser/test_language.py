"""Switching to Simplified Chinese from the navbar, and the choice following the user."""

import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Category
from tests.browser.conftest import log_in, log_out
from tests.factories import AccountFactory, ComplaintFactory, TeamMemberFactory, TransactionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(tempfile.gettempdir()) / "kam-browser"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
NOT_TRANSLATED = (
    f"no Chinese label: is the zh-hans catalogue compiled? ({CATALOGUE} "
    f"{'exists' if CATALOGUE.exists() else 'is missing: run `make messages`'})"
)


@pytest.fixture
def key_account(owner, teammate):
    """A key account with some trading and an overdue complaint, so the Overview is full."""
    account = AccountFactory(
        name="Haier Smart Home", owner=owner, category=Category.KEY, employees=98000
    )
    TeamMemberFactory(account=account, user=teammate)
    today = timezone.localdate()
    for days, amount in ((20, "120000"), (75, "80000"), (400, "150000")):
        TransactionFactory(
            account=account,
            date=today - timedelta(days=days),
            amount=Decimal(amount),
            gross_margin=Decimal(amount) / 4,
        )
    ComplaintFactory(
        account=account,
        title="Late delivery of compressors",
        owner=teammate,
        opened_on=today - timedelta(days=20),
        due_on=today - timedelta(days=10),
    )
    return account


def test_a_manager_switches_to_chinese_and_it_is_remembered_at_the_next_sign_in(
    new_page, owner, key_account
):
    SCREENSHOTS.mkdir(exist_ok=True)
    page: Page = new_page()
    log_in(page, owner)
    page.goto(f"/accounts/{key_account.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header .kam-category")).to_have_text("Key account")
    expect(page.get_by_test_id("header-revenue")).to_have_text("CN¥200,000")
    page.screenshot(path=SCREENSHOTS / "overview-en.png", full_page=True)

    page.locator(".kam-language").get_by_role("button", name="简体中文").click()
    page.wait_for_url(f"**/accounts/{key_account.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".kam-language button[aria-pressed=true]")).to_have_text("简体中文")
    expect(page.get_by_test_id("header-revenue")).to_have_text("¥200,000")
    page.screenshot(path=SCREENSHOTS / "overview-zh-hans.png", full_page=True)
    expect(page.locator("header .kam-category"), NOT_TRANSLATED).to_have_text("大客户")
    owner.refresh_from_db()
    assert owner.language == "zh-hans"

    log_out(page)

    # A fresh browser (no language cookie): English until they sign in, then Chinese again.
    page = new_page()
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    log_in(page, owner)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.goto("/accounts/")  # a manager lands on My week
    expect(page.locator("#account-results tbody tr")).to_have_count(1)
    expect(page.locator("#account-results .kam-category"), NOT_TRANSLATED).to_have_text("大客户")
    page.get_by_role("link", name="Haier Smart Home").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("revenue-12m")).to_have_text("¥200,000")


def test_switching_back_to_english_is_remembered_too(new_page, owner, account):
    owner.language = "zh-hans"
    owner.save(update_fields=["language"])
    page = new_page()
    log_in(page, owner)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.locator(".kam-language button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My week")
    owner.refresh_from_db()
    assert owner.language == "en"

    page = new_page()
    log_in(page, owner)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My week")


def test_each_language_button_is_labelled_in_its_own_language(page: Page, owner):
    owner.language = "zh-hans"
    owner.save(update_fields=["language"])
    log_in(page, owner)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    switcher = page.locator(".kam-language")
    expect(switcher.locator("button[value=en]")).to_have_text("English", timeout=1000)
    expect(switcher.locator("button[value=zh-hans]")).to_have_text("简体中文")
