"""Account plans in a real browser: a manager writes this year's plan with an objective and an
action already past due, sees it flagged overdue, ticks it done, copies the plan to next year,
and the printed page drops the navigation."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from planning.models.plans import AccountPlan, PlanStatus
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_plans_flags_an_overdue_action_and_copies_the_plan(
    page: Page, owner, teammate, account
):
    today = timezone.localdate()
    year = today.year
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/plans/")
    expect(page.get_by_test_id("no-plan")).to_be_visible()

    # The plan: this year (the default), active, with a SWOT.
    page.get_by_test_id("plan-create").click()
    expect(page.locator("#id_year")).to_have_value(str(year))
    page.locator("#id_status").select_option("active")
    page.locator("#id_summary").fill("Become their preferred supplier.")
    page.locator("#id_strengths").fill("Quality record at both plants.")
    page.locator("#id_threats").fill("A competitor cut prices by 8%.")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Plan {year} saved.")
    plan = page.get_by_test_id("plan")
    expect(plan.get_by_test_id("plan-status")).to_have_attribute("data-status", "active")
    expect(page.get_by_test_id("swot-threats")).to_contain_text("cut prices by 8%")

    # An objective for the year.
    page.get_by_test_id("objective-create").click()
    page.locator("#id_title").fill("Win the second plant")
    page.locator("#id_metric").fill("Revenue")
    page.locator("#id_target").fill("2000000")
    page.locator("#id_due_on").fill(f"{year}-12-31")
    page.get_by_role("button", name="Save objective").click()
    objective = page.get_by_test_id("objective")
    expect(objective.get_by_test_id("objective-title")).to_have_text("Win the second plant")

    # An action for a teammate, due yesterday: flagged overdue.
    objective.get_by_test_id("action-create").click()
    page.locator("#id_description").fill("Meet the plant manager")
    page.locator("#id_owner").select_option(str(teammate.pk))
    page.locator("#id_due_on").fill((today - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save action").click()
    action = page.get_by_test_id("action")
    expect(action).to_have_attribute("data-overdue", "true")
    expect(action.get_by_test_id("action-overdue")).to_be_visible()
    expect(action).to_contain_text(str(teammate))
    expect(page.get_by_test_id("overdue-actions-count")).to_contain_text("1 action overdue")

    # Done: no longer overdue.
    action.get_by_test_id("action-done").click()
    expect(page.get_by_test_id("action")).to_have_attribute("data-overdue", "false")
    expect(page.get_by_test_id("action-status")).to_have_text("Done")

    # Printing drops the navigation and the buttons but keeps the plan.
    page.emulate_media(media="print")
    expect(page.locator("nav.kam-navbar")).to_be_hidden()
    expect(page.get_by_test_id("plan-print")).to_be_hidden()
    expect(page.get_by_test_id("swot")).to_be_visible()
    page.emulate_media(media="screen")

    # Copy to next year: a draft with the objective and the action open again.
    page.get_by_test_id("plan-copy").click()
    expect(page.locator("#id_year")).to_have_value(str(year + 1))
    page.get_by_role("button", name="Copy plan").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Draft plan {year + 1} started from {year}.")
    copied = page.get_by_test_id("plan")
    expect(copied).to_have_attribute("data-year", str(year + 1))
    expect(copied.get_by_test_id("plan-status")).to_have_attribute("data-status", "draft")
    expect(page.get_by_test_id("copied-from")).to_have_text(f"copied from {year}")
    expect(page.get_by_test_id("objective-due")).to_contain_text(str(year + 1))
    expect(page.get_by_test_id("action-status")).to_have_text("To do")
    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/plans/\d+/$"))

    # The tab still opens this year's active plan.
    page.get_by_role("link", name="Plans").first.click()
    expect(page.get_by_test_id("plan")).to_have_attribute("data-year", str(year))
    assert AccountPlan.objects.get(account=account, year=year + 1).status == PlanStatus.DRAFT
