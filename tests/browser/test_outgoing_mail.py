"""The outgoing mail page in a real browser: no axe-core violations, no sideways scroll on a
390 px phone, and "retry now" works from the keyboard (the live server runs the send task in
process, as `make run` does, with Django's test mailer)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import MailStatus, OutgoingMail
from tests.browser.conftest import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_an_admin_retries_a_failed_mail_from_the_keyboard_on_a_phone(page: Page, admin_user):
    error = "ConnectionRefusedError: [Errno 111] Connection refused " + "x" * 120
    for i, status in enumerate((MailStatus.FAILED, MailStatus.PENDING)):
        OutgoingMail.objects.create(
            key=f"digest:{i}:2026-03-02",
            kind="digest",
            to=[f"a.very.long.recipient.address.{i}@subsidiary.example.cn"],
            subject=f"KAM: 3 alerts and 12 due on 2026-03-02 ({i})",
            text="…",
            status=status,
            attempts=14 if status == MailStatus.FAILED else 3,
            next_attempt_at=timezone.now() + dt.timedelta(minutes=4),
            last_error=error,
        )
    page.set_viewport_size(PHONE)
    log_in(page, admin_user)

    page.goto("/accounts/mail/")
    expect(page.get_by_test_id("mail-row")).to_have_count(2)
    assert axe_violations(page) == []
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the page scrolls sideways on a phone"

    failed = page.locator('[data-testid="mail-row"][data-status="failed"]')
    failed.get_by_test_id("mail-retry").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert").first).to_contain_text("Another attempt")
    expect(page.get_by_test_id("mail-row")).to_have_count(1)  # sent, so no longer listed
    assert OutgoingMail.objects.filter(status=MailStatus.SENT).count() == 1
    assert axe_violations(page) == []
