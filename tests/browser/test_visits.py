"""A visit in a real browser: prepared with two attendees and SPIN questions, opened to read the
attendee cards, reported with a next step, and the coverage matrix shows the new last contact."""

from datetime import timedelta

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import Page, expect

from accounts.models import BuyingRole, Coverage, SocialStyle
from planning.models import Visit, VisitStatus
from tests.browser.conftest import log_in
from tests.factories import CoverageFactory, StakeholderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_prepares_a_visit_reports_it_and_coverage_follows(
    page: Page, owner, teammate, account
):
    boss = StakeholderFactory(
        account=account,
        name="Liu Yang",
        buying_role=BuyingRole.DECISION_MAKER,
        influence=5,
        social_style=SocialStyle.DRIVER,
    )
    coach = StakeholderFactory(
        account=account,
        name="Chen Jing",
        buying_role=BuyingRole.COACH,
        social_style=SocialStyle.AMIABLE,
    )
    CoverageFactory(
        stakeholder=boss, user=owner, strength=3, last_contact=timezone.localdate() - timedelta(60)
    )
    started = timezone.localtime() - timedelta(hours=1)
    visit_day = started.date()

    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/visits/")
    page.get_by_test_id("prepare-visit").click()

    form = page.get_by_test_id("visit-form")
    form.get_by_label("Date and time").fill(started.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Type").select_option("meeting")
    form.get_by_label("Liu Yang").check()
    form.get_by_label("Chen Jing").check()
    form.get_by_label("Wei Zhang").check()
    form.get_by_label("Objective").fill("Agree the pilot scope by 15 December.")
    form.get_by_label("Situation questions").fill("How many lines run today?\nWho maintains them?")
    form.get_by_label("Need-payoff questions").fill("What would 48-hour delivery be worth?")
    form.get_by_role("button", name="Save visit").click()

    # The visit page: the preparation and a card per attendee with their style guidance.
    visit = page.get_by_test_id("visit")
    expect(visit).to_have_attribute("data-status", "planned")
    expect(page.get_by_test_id("spin-situation").locator("li")).to_have_count(2)
    cards = page.get_by_test_id("attendee-card")
    expect(cards).to_have_count(2)
    boss_card = page.locator(f"[data-testid=attendee-card][data-stakeholder-id='{boss.pk}']")
    expect(boss_card.get_by_test_id("attendee-role")).to_have_text("Decision maker")
    expect(boss_card.get_by_test_id("attendee-guidance")).to_contain_text(
        "Be brief and results-first"
    )
    coach_card = page.locator(f"[data-testid=attendee-card][data-stakeholder-id='{coach.pk}']")
    expect(coach_card.get_by_test_id("attendee-guidance")).to_have_attribute(
        "data-style", "amiable"
    )

    # Report it with a next step.
    page.get_by_test_id("report-visit").click()
    report = page.get_by_test_id("visit-report-form")
    report.get_by_label("Outcome").fill("They agreed to a pilot line.")
    report.get_by_label("Commitment obtained").select_option("preliminary")
    report.get_by_label("Next step", exact=True).fill("Send the pilot proposal")
    report.get_by_label("Next step due").fill((visit_day + timedelta(days=7)).isoformat())
    for question in ("helped_them", "helped_us", "helped_relationship"):
        report.locator(f"input[name={question}][value=yes]").check()
    report.get_by_role("button", name="Save the report").click()

    expect(page.get_by_test_id("visit")).to_have_attribute("data-status", "reported")
    expect(page.get_by_test_id("next-step")).to_contain_text("Send the pilot proposal")
    saved = Visit.objects.get()
    assert saved.status == VisitStatus.REPORTED

    # The coverage matrix shows the visit date as the last contact of both pairs.
    with translation.override("en"):
        shown = formats.date_format(visit_day, "DATE_FORMAT")
    page.goto(f"/accounts/{account.pk}/coverage/")
    for person in (boss, coach):
        cell = page.locator(
            f"#coverage-board td[data-stakeholder-id='{person.pk}'][data-user-id='{owner.pk}']"
        )
        expect(cell).to_contain_text(shown)
    assert Coverage.objects.get(stakeholder=coach, user=owner).strength == 1
    assert Coverage.objects.get(stakeholder=boss, user=owner).strength == 3

    # The next step is waiting on My week, linked back to the visit.
    page.goto("/week/")
    next_steps = page.get_by_test_id("week-next_steps")
    expect(next_steps).to_contain_text("Send the pilot proposal")
    next_steps.get_by_role("link", name=f"Open the visit: {account.name}").click()
    expect(page.get_by_test_id("visit")).to_have_attribute("data-status", "reported")
