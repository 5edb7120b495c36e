"""The development pipeline in a real browser: a manager creates an opportunity, ticks each
stage's exit criteria and moves it on to closing (once with a criterion unticked, which asks for a
reason), marks it won and finds it in the board's Won column."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from planning.models import Opportunity
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tick_and_save(page: Page, *labels: str) -> None:
    form = page.get_by_test_id("criteria-form")
    for label in labels:
        form.get_by_label(label).check()
    form.get_by_role("button", name="Save criteria").click()
    expect(page.get_by_role("alert")).to_contain_text("Exit criteria saved.")


def move_next(page: Page, expected_stage: str) -> None:
    page.get_by_test_id("move-next").click()
    expect(page.get_by_test_id("opportunity-stage")).to_have_attribute("data-stage", expected_stage)


def test_a_manager_moves_an_opportunity_through_the_pipeline_and_wins_it(
    page: Page, owner, account
):
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/pipeline/")
    page.get_by_role("link", name="New opportunity").click()
    page.locator("#id_name").fill("Catalyst supply 2027")
    page.locator("#id_value").fill("2500000")
    page.locator("#id_probability").fill("20")
    close = timezone.localdate() + timedelta(days=120)
    page.locator("#id_expected_close").fill(close.isoformat())
    page.get_by_role("button", name="Save opportunity").click()
    expect(page.get_by_role("alert")).to_contain_text("Opportunity created.")
    opportunity = Opportunity.objects.get(name="Catalyst supply 2027")
    expect(page).to_have_url(re.compile(rf"/pipeline/{opportunity.pk}/$"))
    expect(page.get_by_test_id("opportunity-stage")).to_have_attribute("data-stage", "target")

    # Target identified: every criterion ticked, so it moves on without a reason.
    tick_and_save(page, "Potential need confirmed", "Budget holder known")
    move_next(page, "information")

    # Information & samples: the samples are not delivered yet, so a reason is demanded.
    tick_and_save(page, "An insider (coach) found", "Their needs are clear")
    page.get_by_test_id("move-next").click()
    reason = page.get_by_test_id("move-form").locator("#id_reason")
    expect(page.get_by_test_id("move-form")).to_contain_text("Some exit criteria are not ticked")
    expect(page.get_by_test_id("opportunity-stage")).to_have_attribute("data-stage", "information")
    expect(page.get_by_test_id("move-form").locator("#id_to_stage")).to_have_value("value")
    reason.fill("Samples ship next week; the buyer wants the value case now.")
    page.get_by_test_id("move-form").get_by_role("button", name="Move").click()
    expect(page.get_by_test_id("opportunity-stage")).to_have_attribute("data-stage", "value")
    entry = page.get_by_test_id("history-entry").first
    expect(entry).to_contain_text("Information & samples → Value assessment")
    expect(entry.get_by_test_id("history-skipped")).to_contain_text(
        "Samples or information delivered"
    )
    expect(entry).to_contain_text("Samples ship next week")

    tick_and_save(
        page,
        "Probability of winning estimated",
        "Obstacles listed",
        "Expected cost of the sale known",
    )
    move_next(page, "relationship")
    tick_and_save(page, "Decision makers engaged", "Our executive met theirs")
    move_next(page, "closing")

    # Closing: all ticked, then won.
    tick_and_save(page, "Executive contact made", "Site audit passed", "Commercial terms agreed")
    move_next(page, "won")
    expect(page.get_by_role("alert")).to_contain_text("Won.")
    expect(page.get_by_test_id("opportunity-probability")).to_have_text("100%")
    expect(page.get_by_test_id("history-entry")).to_have_count(5)

    # The board: the card sits in the Won column.
    page.get_by_role("link", name="Back to the pipeline").click()
    won = page.locator('[data-testid="board-column"][data-stage="won"]')
    expect(won.get_by_test_id("opportunity-card")).to_have_count(1)
    expect(won.get_by_test_id("opportunity-card")).to_contain_text("Catalyst supply 2027")
    expect(won.get_by_test_id("column-count")).to_have_text("1")
    target = page.locator('[data-testid="board-column"][data-stage="target"]')
    expect(target.get_by_test_id("opportunity-card")).to_have_count(0)
