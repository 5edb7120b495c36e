"""My week in a real browser: a manager signs in, lands on My week, sees a next step due tomorrow
and an overdue action, follows the next step to its visit, then finds the calendar feed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from planning.models import VisitStatus
from tests.browser.conftest import axe_violations, log_in
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory, VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_lands_on_my_week_and_follows_a_next_step(page: Page, owner, account):
    today = timezone.localdate()
    when = timezone.now() - timedelta(days=3)
    visit = VisitFactory(
        account=account,
        starts_at=when,
        status=VisitStatus.REPORTED,
        reported_at=when,
        outcome="They want a quote.",
        next_step="Send the revised quote",
        next_step_on=today + timedelta(days=1),
    )
    objective = ObjectiveFactory(plan=PlanFactory(account=account))
    ActionFactory(
        objective=objective,
        owner=owner,
        description="Book the plant tour",
        due_on=today - timedelta(days=2),
    )

    log_in(page, owner)
    expect(page).to_have_url(re.compile(r"/week/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My week")
    actions = page.get_by_test_id("week-overdue_actions")
    expect(actions).to_contain_text("Book the plant tour")
    expect(actions.get_by_test_id("week-overdue_actions-count")).to_have_text("1")
    steps = page.get_by_test_id("week-next_steps")
    expect(steps).to_contain_text("Send the revised quote")

    # The account is the prominent part; the link says what it opens and for whom.
    expect(steps.get_by_test_id("week-item-account")).to_have_text(account.name)
    link = steps.get_by_test_id("week-item-link")
    expect(link).to_have_accessible_name(f"Open the visit: {account.name}")
    link.click()
    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/visits/{visit.pk}/$"))

    page.locator("nav.kam-navbar").get_by_role("link", name="My week").click()
    page.get_by_role("link", name="Calendar feed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar feed")
    page.get_by_test_id("calendar-create").click()
    expect(page.get_by_test_id("calendar-shown-once")).to_be_visible()
    page.get_by_test_id("copy-feed-url").click()
    expect(page.get_by_test_id("feed-url-copied")).to_have_text("Copied")
    assert axe_violations(page) == []
    url = page.get_by_test_id("calendar-feed-url").input_value()
    response = page.request.get(url)
    assert response.status == 200
    assert response.text().startswith("BEGIN:VCALENDAR")
    assert "Send the revised quote" in response.text()
