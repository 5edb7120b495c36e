"""An account manager's day in a real browser: a new account, its trading, a complaint, the
account list's live search."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Account, Category, Complaint, Industry, Region
from tests.browser.conftest import log_in
from tests.factories import AccountFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def header_figure(page: Page, index: int):
    """The account header's figures: 0 is revenue, 1 is open complaints."""
    figures = page.locator("header.kam-account-header .kam-header-figures > div")
    return figures.nth(index).locator("dd")


def open_tab(page: Page, label: str) -> None:
    page.locator(".kam-tabs").get_by_role("link", name=label).click()
    expect(page.locator(".kam-tabs .nav-link.active")).to_have_text(label)


def test_a_manager_creates_an_account_records_trading_and_resolves_an_overdue_complaint(
    page: Page, owner
):
    today = timezone.localdate()
    log_in(page, owner)

    # A new key account through the navbar's "New account" form; the owner is fixed to them.
    page.locator("nav.kam-navbar").get_by_role("link", name="New account").click()
    expect(page.get_by_role("heading", name="New account")).to_be_visible()
    owner_select = page.locator("#id_owner")
    expect(owner_select).to_be_disabled()
    expect(owner_select.locator("option:checked")).to_have_text(str(owner))
    page.locator("#id_name").fill("Haier Smart Home")
    page.locator("#id_industry").select_option(Industry.MANUFACTURING)
    page.locator("#id_region").select_option(Region.EAST)
    page.locator(f"input[name=category][value={Category.KEY}]").check()
    page.get_by_role("button", name="Save account").click()

    account = Account.objects.get(name="Haier Smart Home")
    assert account.owner == owner
    assert account.category == Category.KEY
    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/$"))
    expect(page.get_by_role("alert")).to_contain_text("Account “Haier Smart Home” created.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Haier Smart Home")
    expect(page.locator(".kam-tabs .nav-link.active")).to_have_text("Overview")
    expect(page.locator("header .kam-category")).to_have_text("Key account")
    expect(page.get_by_test_id("owner")).to_have_text(str(owner))

    # No trading yet: the Overview has no revenue figure, the header says zero.
    expect(page.get_by_test_id("revenue-12m")).to_have_count(0)
    expect(page.get_by_text("No transactions yet.").first).to_be_visible()
    expect(page.get_by_test_id("header-revenue")).to_have_text("CN¥0")

    # An order a month ago.
    open_tab(page, "Transactions")
    page.locator("main").get_by_role("link", name="Add transaction").first.click()
    page.locator("#id_date").fill((today - timedelta(days=30)).isoformat())
    page.locator("#id_reference").fill("SO-2026-0001")
    page.locator("#id_amount").fill("120000")
    page.locator("#id_gross_margin").fill("30000")
    page.get_by_role("button", name="Add transaction").click()
    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/transactions/$"))
    expect(page.get_by_role("alert")).to_contain_text("Transaction added.")
    expect(page.locator("main table")).to_contain_text("SO-2026-0001")

    open_tab(page, "Overview")
    expect(page.get_by_test_id("revenue-12m")).to_have_text("CN¥120,000")
    expect(page.get_by_test_id("header-revenue")).to_have_text("CN¥120,000")
    expect(page.get_by_test_id("orders-12m")).to_have_text("1")
    expect(page.get_by_test_id("margin-rate")).to_have_text("25.0%")
    expect(header_figure(page, 1)).to_have_text("0")

    # A complaint opened 20 days ago, due 10 days ago: overdue.
    open_tab(page, "Complaints")
    page.locator("main").get_by_role("link", name="Log a complaint").first.click()
    page.locator("#id_title").fill("Late delivery of compressors")
    page.locator("#id_category").select_option("delivery")
    page.locator("#id_severity").select_option("high")
    page.locator("#id_opened_on").fill((today - timedelta(days=20)).isoformat())
    page.locator("#id_owner").select_option(label=str(owner))
    page.locator("#id_due_on").fill((today - timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Save complaint").click()
    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/complaints/$"))
    expect(page.get_by_role("alert")).to_contain_text("Complaint logged.")
    row = page.get_by_test_id("complaint-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Late delivery of compressors")
    expect(row).to_have_class(re.compile(r"\bkam-overdue\b"))
    expect(row.locator(".badge.text-bg-danger")).to_have_text("overdue")
    expect(header_figure(page, 1)).to_have_text("1 1 overdue")

    open_tab(page, "Overview")
    open_complaints = page.locator("section[aria-labelledby=complaints-heading] li")
    expect(open_complaints).to_have_count(1)
    expect(open_complaints).to_have_class(re.compile(r"\bkam-overdue\b"))
    expect(open_complaints).to_contain_text("Late delivery of compressors")
    expect(open_complaints.locator(".text-danger")).to_have_text("overdue")

    # Resolve it: it leaves the open and overdue counts.
    open_tab(page, "Complaints")
    row.get_by_role("link", name="Resolve").click()
    resolve_heading = page.get_by_role("heading", name="Resolve “Late delivery of compressors”")
    expect(resolve_heading).to_be_visible()
    page.locator("#id_resolution").fill("Expedited the replacement; the customer accepted.")
    page.get_by_role("button", name="Mark resolved").click()
    expect(page.get_by_role("alert")).to_contain_text("Complaint resolved.")
    expect(row).to_contain_text("Resolved")
    expect(row).not_to_have_class(re.compile(r"\bkam-overdue\b"))
    expect(row.get_by_text("overdue", exact=True)).to_have_count(0)
    expect(row.get_by_role("button", name="Reopen")).to_be_visible()
    expect(header_figure(page, 1)).to_have_text("0")
    complaint = Complaint.objects.get(account=account)
    assert complaint.status == "resolved"
    assert complaint.resolved_on == today

    # History: who created the account, and the complaint's life.
    open_tab(page, "History")
    entries = page.locator(".kam-timeline-item")
    created = entries.filter(has_text="Haier Smart Home").filter(has_text="created")
    expect(created).to_have_count(1)
    expect(created).to_contain_text(str(owner))
    expect(created.locator(".badge")).to_have_text("Account")
    complaint_entries = entries.filter(has_text="Late delivery of compressors")
    expect(complaint_entries).to_have_count(2)
    expect(complaint_entries.nth(0)).to_contain_text("changed")
    expect(complaint_entries.nth(0).locator(".kam-changes")).to_contain_text(
        re.compile(r"Status\s*Open\s*→\s*Resolved")
    )
    expect(complaint_entries.nth(1)).to_contain_text("created")


def test_the_account_list_search_narrows_results_without_reloading_the_page(page: Page, owner):
    AccountFactory(name="Haier Smart Home", owner=owner, category=Category.KEY)
    AccountFactory(name="Huawei Cloud", owner=owner, industry=Industry.TELECOM)
    AccountFactory(name="Sinopec Digital", owner=owner)
    AccountFactory(name="Haidilao Catering", owner=UserFactory(role="account_manager"))
    log_in(page, owner)
    page.goto("/accounts/")
    results = page.locator("#account-results tbody tr")
    expect(results).to_have_count(3)
    page.evaluate("window.kamNoReload = true")

    with page.expect_response(re.compile(r"/accounts/\?q=hai")) as answer:
        page.get_by_role("searchbox").fill("hai")
    assert answer.value.request.headers.get("hx-request") == "true"
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Haier Smart Home")
    expect(page).to_have_url(re.compile(r"/accounts/\?q=hai"))
    # Another manager's "Haidilao" never shows; the page itself was not reloaded.
    expect(page.locator("#account-results")).not_to_contain_text("Haidilao")
    assert page.evaluate("window.kamNoReload") is True

    page.get_by_role("searchbox").fill("")
    expect(results).to_have_count(3)
    page.locator("#id_industry").select_option(Industry.TELECOM)
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Huawei Cloud")
    expect(page).to_have_url(re.compile(r"industry=telecom"))
    page.get_by_role("searchbox").fill("nothing like this")
    expect(page.locator("#account-results")).to_contain_text("No account matches these filters.")
    assert page.evaluate("window.kamNoReload") is True

    # The pushed URL is a real page: reloading it shows the same filtered list.
    page.reload()
    expect(page.get_by_role("searchbox")).to_have_value("nothing like this")
    expect(page.locator("#id_industry")).to_have_value(Industry.TELECOM)
    expect(page.locator("#account-results")).to_contain_text("No account matches these filters.")
