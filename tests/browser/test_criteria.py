"""The criteria editor in a real browser: an admin starts a draft from the published set, adds
"Digital maturity" (weight 4), lowers the advantage threshold, sees in the preview that an
account would enter the key-account quadrant, publishes, and finds the new version published,
the old one archived and every scored account re-scored under the new version."""

import re

import pytest
from playwright.sync_api import Page, expect

from scoring.models import Assessment, AssessmentSource, CriteriaSet, SetStatus
from tests.browser.conftest import log_in
from tests.factories import AccountFactory, score, shipped_criteria_set, uniform_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_changes_the_criteria_previews_and_publishes(page: Page, admin_user, owner):
    v1 = shipped_criteria_set()
    score(AccountFactory(name="Sinopec Digital", owner=owner), uniform_values(v1, 8, 8))
    climber = AccountFactory(name="Huawei Cloud", owner=owner)
    score(climber, uniform_values(v1, 8, 4))  # 80/40: develop under 50/50
    AccountFactory(name="Never scored", owner=owner)

    log_in(page, admin_user)
    page.goto("/criteria/")
    page.get_by_test_id("start-draft-account").click()
    expect(page.get_by_role("alert")).to_contain_text("Draft version 2 started")
    draft = page.get_by_test_id("criteria-set")
    expect(draft).to_have_attribute("data-status", "draft")

    # A new criterion on the attractiveness side.
    page.get_by_test_id("criterion-create-attractiveness").click()
    expect(page.locator("#id_dimension")).to_have_value("attractiveness")
    page.locator("#id_code").fill("digital_maturity")
    page.locator("#id_name").fill("Digital maturity")
    page.locator("#id_name_zh_hans").fill("数字化成熟度")
    page.locator("#id_weight").fill("4")
    page.locator("#id_low_means").fill("Paper and fax")
    page.locator("#id_high_means").fill("Fully digital")
    page.get_by_role("button", name="Save criterion").click()
    expect(page.get_by_role("alert")).to_contain_text("Criterion “Digital maturity” saved.")
    added = page.locator("[data-testid=criterion][data-code=digital_maturity]")
    expect(added.get_by_test_id("criterion-weight")).to_contain_text("4")
    expect(page.get_by_test_id("changes")).to_contain_text("digital_maturity")

    # The preview before the threshold changes: nobody moves (nobody is scored on it yet).
    page.get_by_test_id("set-preview").click()
    expect(page.get_by_test_id("cell-draft-key")).to_have_attribute("data-count", "1")
    expect(page.get_by_test_id("entering-total")).to_have_text("0")
    expect(page.get_by_test_id("unscored-accounts")).to_contain_text("1 account has no scores")

    # A lower advantage threshold: Huawei Cloud (advantage 40) becomes a key account.
    page.get_by_role("link", name="Back to the draft").click()
    page.get_by_test_id("set-edit").click()
    page.locator("#id_advantage_threshold").fill("40")
    page.locator("#id_change_note").fill("Digital maturity counts; advantage bar lowered to 40.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("advantage-threshold")).to_have_text("40")
    page.get_by_test_id("set-preview").click()
    expect(page.get_by_test_id("cell-published-key")).to_have_attribute("data-count", "1")
    expect(page.get_by_test_id("cell-draft-key")).to_have_attribute("data-count", "2")
    expect(page.get_by_test_id("difference-key")).to_have_text("+1")
    expect(page.get_by_test_id("difference-develop")).to_have_text("-1")
    expect(page.get_by_test_id("entering-total")).to_have_text("1")
    entering = page.get_by_test_id("entering").get_by_test_id("move")
    expect(entering).to_contain_text("Huawei Cloud")
    expect(entering.get_by_role("link", name="Huawei Cloud")).to_have_attribute(
        "href", f"/accounts/{climber.pk}/"
    )

    # Publish: v2 published, v1 archived, both readable.
    page.get_by_test_id("set-publish").click()
    expect(page.get_by_test_id("publish-form")).to_be_visible()
    page.get_by_test_id("publish-confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("Version 2 is published.")
    expect(page.get_by_role("alert")).to_contain_text("The scores of 2 accounts are carried over")
    expect(page.get_by_test_id("criteria-set")).to_have_attribute("data-status", "published")
    expect(page.get_by_test_id("published-by")).to_contain_text(str(admin_user))
    page.get_by_role("link", name="Selection criteria").first.click()
    expect(page).to_have_url(re.compile(r"/criteria/$"))
    rows = page.get_by_test_id("kind-account").get_by_test_id("set-row")
    expect(rows.and_(page.locator("[data-version='2']"))).to_have_attribute(
        "data-status", "published"
    )
    expect(rows.and_(page.locator("[data-version='1']"))).to_have_attribute(
        "data-status", "archived"
    )

    # Every scored account's current scores now name v2 and were carried over.
    v2 = CriteriaSet.objects.get(kind=v1.kind, version=2)
    assert v2.status == SetStatus.PUBLISHED
    current = Assessment.objects.filter(is_current=True)
    assert set(current.values_list("account__name", flat=True)) == {
        "Sinopec Digital",
        "Huawei Cloud",
    }
    assert set(current.values_list("criteria_set_id", "source")) == {
        (v2.pk, AssessmentSource.CARRIED_OVER)
    }
    assert current.get(account=climber).quadrant == "key"
