"""Surveys in a real browser: a manager records a survey by clicking the radios and sees the index,
the gaps and the importance–performance chart; a stakeholder answers a private link in Chinese
without signing in, and the manager then finds the survey completed."""

import re

import pytest
from playwright.sync_api import Page, expect

from scoring.models import Survey, SurveyStatus
from tests.browser.conftest import log_in
from tests.factories import StakeholderFactory, shipped_risk_model, shipped_survey_indicators

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _shipped():
    # A transactional test flushes the rows the data migrations shipped.
    shipped_survey_indicators()
    shipped_risk_model()


def test_a_manager_records_a_survey_and_sees_index_gaps_and_chart(page: Page, owner, account):
    StakeholderFactory(account=account, name="Liu Yang", title="Chief buyer")
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/surveys/new/")
    page.get_by_label("Respondent").select_option(label="Liu Yang · Chief buyer")
    # (5,4), (3,2), (1,5): (5·3 + 3·1 + 1·4) / (9·4) = 22/36 = 61.11
    for code, importance, performance in (
        ("quality", 5, 4),
        ("delivery", 3, 2),
        ("courtesy", 1, 5),
    ):
        page.get_by_test_id(f"importance-{code}-{importance}").check()
        page.get_by_test_id(f"performance-{code}-{performance}").check()
    # A row started then cleared with the row's button is not asked.
    page.get_by_test_id("importance-range-4").check()
    page.locator("[data-indicator=range] [data-clear-row]").click()
    page.get_by_label("Comments").fill("Deliveries slipped in October.")
    page.get_by_test_id("survey-save").click()

    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/surveys/\d+/$"))
    expect(page.get_by_test_id("survey-index")).to_have_text("61.11")
    expect(page.get_by_test_id("survey-respondent")).to_contain_text("Liu Yang")
    expect(page.get_by_test_id("survey-comments")).to_have_text("Deliveries slipped in October.")
    answers = page.get_by_test_id("answer")
    expect(answers).to_have_count(3)
    # Worst gap first: delivery −1, quality −1 (equal gaps: the more important first), courtesy +4.
    expect(answers.nth(0)).to_have_attribute("data-indicator", "quality")
    expect(answers.nth(1)).to_have_attribute("data-indicator", "delivery")
    expect(answers.nth(2)).to_have_attribute("data-indicator", "courtesy")
    expect(answers.nth(0).get_by_test_id("answer-gap")).to_have_text("-1")
    expect(answers.nth(2).get_by_test_id("answer-gap")).to_have_text("+4")
    chart = page.get_by_test_id("ip-chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    dots = chart.get_by_test_id("ip-dot")
    expect(dots).to_have_count(3)
    expect(chart.locator("[data-indicator=courtesy]")).to_have_attribute(
        "data-quadrant", "overkill"
    )
    expect(chart.locator("[data-indicator=quality]")).to_have_attribute("data-quadrant", "keep_up")
    expect(chart.locator("[data-indicator=delivery]")).to_have_attribute(
        "data-quadrant", "low_priority"
    )
    expect(chart.get_by_test_id("ip-quadrant")).to_have_count(4)
    expect(chart).to_contain_text("Concentrate here")


def test_a_half_filled_row_is_shown_next_to_the_row_and_kept(page: Page, owner, account):
    StakeholderFactory(account=account, name="Liu Yang")
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/surveys/new/")
    page.get_by_label("Respondent").select_option(label="Liu Yang · Purchasing manager")
    for code in ("quality", "delivery", "courtesy"):
        page.get_by_test_id(f"importance-{code}-4").check()
        page.get_by_test_id(f"performance-{code}-3").check()
    page.get_by_test_id("importance-range-2").check()
    page.get_by_test_id("survey-save").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    expect(page.locator("[data-indicator=range]").get_by_test_id("row-error")).to_be_visible()
    expect(page.get_by_test_id("importance-quality-4")).to_be_checked()
    assert not Survey.objects.exists()


def test_a_stakeholder_answers_a_private_link_in_chinese(new_page, owner, account):
    StakeholderFactory(account=account, name="刘洋", email="")
    manager = new_page()
    log_in(manager, owner)
    manager.goto(f"/accounts/{account.pk}/surveys/send/")
    manager.get_by_label("Send to").select_option(label="刘洋 · Purchasing manager")
    manager.get_by_test_id("send-submit").click()
    link = manager.get_by_test_id("survey-link-url").input_value()
    assert link.startswith(manager.url.split("/accounts/")[0] + "/s/")  # where KAM is served
    # The copy button says it copied, in a live region a screen reader announces.
    manager.get_by_test_id("copy-survey-link").click()
    expect(manager.get_by_test_id("survey-link-copied")).to_have_text("Copied")
    expect(manager.get_by_test_id("survey-link-copied")).to_have_attribute("aria-live", "polite")

    respondent = new_page()  # a fresh context: no session, no cookies
    respondent.goto(link)
    expect(respondent.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(respondent.get_by_test_id("public-survey-form")).to_contain_text(
        "您支付的价格所获得的价值"
    )
    expect(respondent.locator("body")).not_to_contain_text(account.name)
    for code, importance, performance in (
        ("value_for_price", 5, 4),
        ("reliability", 3, 2),
        ("reputation", 1, 5),
    ):
        respondent.get_by_test_id(f"importance-{code}-{importance}").check()
        respondent.get_by_test_id(f"performance-{code}-{performance}").check()
    respondent.get_by_test_id("public-survey-submit").click()
    expect(respondent.get_by_test_id("survey-thanks")).to_be_visible()
    respondent.goto(link)
    expect(respondent.get_by_test_id("survey-already-answered")).to_be_visible()

    survey = Survey.objects.get()
    assert survey.status == SurveyStatus.COMPLETED
    manager.goto(f"/accounts/{account.pk}/surveys/{survey.pk}/")
    expect(manager.get_by_test_id("survey-index")).to_have_text("61.11")
    expect(manager.get_by_test_id("survey-status")).to_have_text("Completed")
