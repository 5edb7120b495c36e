"""Scoring an account in a real browser: the owner opens the empty Scores tab, scores the account
into the key-account quadrant, reads the indices, the strategy and each criterion's
contribution, then re-scores it lower and finds both assessments in the history."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.factories import shipped_criteria_set, uniform_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_scores(page: Page, values: dict[str, int | None]) -> None:
    for code, value in values.items():
        page.locator(f"#id_{code}").fill("" if value is None else str(value))


def test_a_manager_scores_an_account_and_reads_why(page: Page, owner, account):
    criteria_set = shipped_criteria_set()
    criteria = list(criteria_set.criteria.all())
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/scores/")
    expect(page.get_by_test_id("scores-empty")).to_be_visible()

    # Eight out of ten everywhere (two where a high score counts against): the key quadrant.
    page.get_by_test_id("score-create").click()
    expect(page.get_by_test_id("score-form")).to_be_visible()
    expect(page.get_by_test_id("score-form")).to_contain_text(
        "0 = A small player … 10 = The leader of its market"
    )
    fill_scores(page, uniform_values(criteria_set, 8, 8))
    page.locator("#id_note").fill("After the plant visit")
    page.get_by_role("button", name="Save scores").click()

    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/scores/$"))
    expect(page.get_by_role("alert")).to_contain_text(": Key quadrant.")
    expect(page.get_by_test_id("attractiveness-index")).to_have_text("80")
    expect(page.get_by_test_id("advantage-index")).to_have_text("80")
    quadrant = page.get_by_test_id("quadrant")
    expect(quadrant).to_have_text("Key quadrant")
    expect(quadrant).to_have_attribute("data-quadrant", "key")
    expect(page.get_by_test_id("strategy")).to_contain_text("invest in the relationship")
    expect(page.get_by_test_id("matrix-dot")).to_be_attached()
    expect(page.get_by_test_id("category-disagreement")).to_be_visible()  # key quadrant, normal

    contributions = page.get_by_test_id("contribution")
    expect(contributions).to_have_count(len(criteria))
    for criterion in criteria:
        row = page.locator(f"[data-testid=contribution][data-code={criterion.code}]")
        expect(row).to_contain_text(criterion.name)
        expect(row.get_by_test_id("points")).to_contain_text(" points")
    leader = page.locator("[data-testid=contribution][data-code=market_leadership]")
    expect(leader.get_by_test_id("value")).to_contain_text("8")
    rivals = page.locator("[data-testid=contribution][data-code=competition_intensity]")
    expect(rivals.get_by_test_id("counts-against")).to_be_visible()
    expect(page.get_by_test_id("scored-count")).to_have_text(
        f"{len(criteria)} of {len(criteria)} criteria scored"
    )

    # Re-scored lower, one criterion unknown: opportunistic, and the history has both.
    page.get_by_test_id("score-create").click()
    expect(page.locator("#id_market_leadership")).to_have_value("8")  # prefilled
    lower = uniform_values(criteria_set, 3, 3)
    lower["market_leadership"] = None
    fill_scores(page, lower)
    page.get_by_role("button", name="Save scores").click()

    expect(page.get_by_role("alert")).to_contain_text(": Opportunistic.")
    expect(page.get_by_test_id("quadrant")).to_have_attribute("data-quadrant", "opportunistic")
    expect(page.get_by_test_id("attractiveness-index")).to_have_text("30")
    unknown = page.locator("[data-testid=contribution][data-code=market_leadership]")
    expect(unknown.get_by_test_id("not-scored")).to_have_text("not scored — left out")
    history = page.get_by_test_id("history-row")
    expect(history).to_have_count(2)
    expect(history.first).to_have_attribute("data-current", "true")
    expect(history.nth(1).get_by_test_id("history-quadrant")).to_have_text("Key quadrant")

    # The older row opens that assessment, explained the same way.
    history.nth(1).get_by_test_id("history-link").click()
    expect(page.get_by_test_id("past-assessment")).to_be_visible()
    expect(page.get_by_test_id("attractiveness-index")).to_have_text("80")
    expect(page.get_by_test_id("contribution")).to_have_count(len(criteria))
