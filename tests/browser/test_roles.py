"""What each role sees and may do, checked in a real browser: the site's own 404 and 403 pages,
the director's read-only view, the admin's way into the Django admin."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Category
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, AccountFactory, tier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_hides_the_account_from_another_manager(page: Page, outsider, account):
    AccountFactory(name="Wanhua Chemical", owner=outsider)
    log_in(page, outsider)

    response = page.goto(f"/accounts/{account.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
    expect(page.locator("nav.kam-navbar")).to_be_visible()  # the site's page, not a bare error
    expect(page.get_by_text("Sinopec Digital")).to_have_count(0)

    page.get_by_role("link", name="Back to KAM").click()
    expect(page).to_have_url(re.compile(r"/week/$"))  # a manager's home is My week
    page.locator("nav.kam-navbar").get_by_role("link", name="My accounts").click()
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    rows = page.locator("#account-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Wanhua Chemical")
    expect(page.locator("main")).not_to_contain_text("Sinopec Digital")


def test_a_director_sees_every_account_but_cannot_edit_one(
    page: Page, director, owner, outsider, account
):
    AccountFactory(name="Wanhua Chemical", owner=outsider, category=Category.KEY)
    log_in(page, director)

    expect(page).to_have_url(re.compile(r"/portfolio/dashboard/$"))  # a director's home
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio dashboard")
    page.locator("nav.kam-navbar").get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accounts")
    rows = page.locator("#account-results tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Sinopec Digital")).to_contain_text(str(owner))
    expect(rows.filter(has_text="Wanhua Chemical")).to_contain_text(str(outsider))
    expect(page.locator("nav.kam-navbar").get_by_role("link", name="New account")).to_have_count(0)

    rows.get_by_role("link", name="Sinopec Digital").click()
    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sinopec Digital")
    expect(page.get_by_role("link", name="Edit account")).to_have_count(0)
    expect(page.get_by_role("link", name="Add transaction")).to_have_count(0)

    response = page.goto(f"/accounts/{account.pk}/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You can look, but not change this")
    expect(page.locator("#id_name")).to_have_count(0)


def test_a_kam_admin_reaches_the_django_admin_from_the_navbar(page: Page, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    tier("gold")
    log_in(page, admin_user)

    page.locator("nav.kam-navbar").get_by_role("link", name="Administration").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_have_text("KAM administration")
    expect(page.get_by_role("heading", name="Criteria, users and reference data")).to_be_visible()

    page.locator("caption a.section", has_text="Accounts").click()
    expect(page).to_have_url(re.compile(r"/admin/accounts/$"))
    page.locator("#content-main").get_by_role("link", name="Tiers").click()
    expect(page).to_have_url(re.compile(r"/admin/accounts/tier/$"))
    expect(page.locator("#result_list")).to_contain_text("Gold")


def test_signing_in_returns_to_the_page_that_was_asked_for(page: Page, owner, account):
    page.goto(f"/accounts/{account.pk}/history/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.locator("#id_username").fill(owner.username)
    page.locator("#id_password").fill("not the password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main form")).to_contain_text("Please enter a correct username")

    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/history/$"))
    expect(page.locator(".kam-tabs .nav-link.active")).to_have_text("History")
