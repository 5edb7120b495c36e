"""The relationship stage in a real browser: a manager moves the stage up and back down, ticks the
checklist and sees its suggestion; a director sees the tab without the form."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import RelationshipStage, StageChange
from tests.browser.conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def set_stage(page: Page, stage: str, rationale: str) -> None:
    form = page.get_by_test_id("stage-form")
    form.locator("#id_to_stage").select_option(stage)
    form.locator("#id_rationale").fill(rationale)
    form.get_by_role("button", name="Save stage").click()


def test_a_manager_moves_the_stage_and_ticks_the_checklist_and_a_director_only_looks(
    page: Page, owner, director, account
):
    account.relationship_stage = RelationshipStage.EARLY
    account.save()
    log_in(page, owner)
    page.goto(f"/accounts/{account.pk}/relationship/")
    expect(page.get_by_test_id("header-stage-current")).to_have_text("Early KAM")
    expect(page.get_by_test_id("ladder-current")).to_have_attribute("data-stage", "early")

    # Up to mid, with a reason: the timeline's first entry and the header change.
    set_stage(page, "mid", "Met their plant and quality managers.")
    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/relationship/$"))
    expect(page.get_by_role("alert")).to_contain_text("Stage set to Mid KAM.")
    first = page.get_by_test_id("timeline-entry").first
    expect(first).to_contain_text("Early KAM → Mid KAM")
    expect(first).to_contain_text("Met their plant and quality managers.")
    expect(first).to_contain_text(str(owner))
    expect(page.get_by_test_id("header-stage-current")).to_have_text("Mid KAM")
    expect(page.get_by_test_id("header-regression")).to_have_count(0)

    # Back to early: a regression, flagged in the result, the timeline and the header.
    set_stage(page, "early", "Our sponsor left the company.")
    expect(page.get_by_role("alert")).to_contain_text("regression")
    first = page.get_by_test_id("timeline-entry").first
    expect(first).to_have_attribute("data-regression", "true")
    expect(first.get_by_test_id("regression-flag")).to_be_visible()
    expect(page.get_by_test_id("header-regression")).to_be_visible()
    expect(page.get_by_test_id("header-stage-current")).to_have_text("Early KAM")
    assert StageChange.objects.filter(account=account).count() == 2

    # The checklist: mid signs ticked → it suggests mid while the stage is early.
    page.get_by_role("link", name="Assess the stage").click()
    for sign in ("first_orders", "multilevel_contacts", "preferred_supplier"):
        page.locator(f"#sign-{sign}").check()
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_role("alert")).to_contain_text("The checklist suggests Mid KAM.")
    expect(page.get_by_test_id("stage-mismatch")).to_have_text(
        "The checklist suggests Mid KAM; the stage is set to Early KAM."
    )
    expect(page.get_by_test_id("ladder-suggested")).to_be_visible()
    page.locator(".kam-tabs").get_by_role("link", name="Overview").click()
    expect(
        page.get_by_test_id("relationship-card").get_by_test_id("stage-mismatch")
    ).to_be_visible()

    # A director sees the tab, the ladder and the timeline, but no form.
    log_out(page)
    log_in(page, director)
    page.goto(f"/accounts/{account.pk}/relationship/")
    expect(page.get_by_test_id("stage-ladder")).to_be_visible()
    expect(page.get_by_test_id("timeline-entry")).to_have_count(2)
    expect(page.get_by_test_id("stage-form")).to_have_count(0)
