"""The publish confirmation in a real browser (issue 17, defect 6): Publish opens a page that
names the account changing quadrant and asks what changed and why; an empty note is refused
next to the field; with it, the version goes live. No serious axe-core violation, and the page
fits a 390 px phone."""

import pytest
from playwright.sync_api import Page, expect

from scoring.criteria import services
from scoring.models import CriteriaSet, SetKind, SetStatus
from tests.browser.conftest import axe_violations, log_in
from tests.factories import AccountFactory, score, shipped_criteria_set, uniform_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publishing_is_confirmed_with_a_note(page: Page, admin_user, owner):
    v1 = shipped_criteria_set()
    score(AccountFactory(name="Drifting Co", owner=owner), uniform_values(v1, 4, 4))
    draft = services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)[0]
    services.criteria_set_update(
        criteria_set=draft,
        actor=admin_user,
        expected_version=draft.row_version,
        fields={"attractiveness_threshold": 35, "change_note": ""},
    )

    log_in(page, admin_user)
    page.goto(f"/criteria/{draft.pk}/preview/")
    page.get_by_test_id("set-publish").click()
    form = page.get_by_test_id("publish-form")
    expect(form).to_be_visible()
    expect(page.get_by_test_id("others").get_by_test_id("move")).to_contain_text("Drifting Co")
    assert axe_violations(page) == []

    page.get_by_test_id("publish-confirm").click()
    expect(page.locator("#error_1_id_change_note")).to_contain_text("Say what changed and why")
    assert CriteriaSet.objects.get(pk=draft.pk).status == SetStatus.DRAFT

    page.set_viewport_size({"width": 390, "height": 844})
    fits = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert fits, "the confirmation scrolls sideways at 390 px"
    assert axe_violations(page) == []

    page.get_by_label("What changed and why").fill("Attractiveness counts as high from 35.")
    page.get_by_test_id("publish-confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("Version 2 is published.")
    expect(page.get_by_test_id("change-note")).to_contain_text("high from 35")
    assert CriteriaSet.objects.get(pk=draft.pk).status == SetStatus.PUBLISHED
