"""A KAM admin lifts a sign-in lockout in a real browser: five wrong passwords lock user u out
from this address (the locked-out page says so), the admin finds u from the user menu, sees the
address, the failures and until when, lifts it, and u signs in. The page fits a 390 px phone."""

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, log_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
HERE = "127.0.0.1"  # the live server's client address, as the browser reaches it


def test_the_admin_lifts_a_lockout_and_the_user_signs_in(new_page, admin_user):
    locked = UserFactory(username="u", first_name="Fang", last_name="Liu")
    for _ in range(5):
        Client().post("/login/", {"username": "u", "password": "wrong"}, REMOTE_ADDR=HERE)

    user_page: Page = new_page()
    user_page.goto("/login/")
    user_page.locator("#id_username").fill("u")
    user_page.locator("#id_password").fill(PASSWORD)
    user_page.locator("main form button[type=submit]").click()
    expect(user_page.get_by_test_id("locked-out")).to_contain_text("Sign-in from other places")
    assert axe_violations(user_page) == []

    admin: Page = new_page()
    admin.set_viewport_size(PHONE)
    log_in(admin, admin_user)
    admin.locator(".navbar-toggler").click()
    admin.get_by_test_id("user-menu").click()
    admin.get_by_test_id("nav-lockouts").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Sign-in lockouts")
    admin.get_by_label("Username").fill("u")
    admin.get_by_label("Username").press("Enter")
    row = admin.get_by_test_id("user-lock")
    expect(row).to_contain_text(HERE)
    expect(row).to_contain_text("Locked")
    assert admin.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(admin) == []

    admin.get_by_test_id("lockout-lift").click()

    expect(admin.get_by_role("alert").first).to_contain_text("Sign-in is open again for u.")
    expect(admin.get_by_test_id("no-user-locks")).to_be_visible()
    assert admin.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    log_in(user_page, locked)
