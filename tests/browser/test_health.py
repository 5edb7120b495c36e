"""Churn risk in a real browser: an admin doubles the weight of contact recency, recalculates
every account, and sees an account's score and explanation change on its Health tab.

The account: gold tier (visit every 30 days), last visited 63 days ago, nobody of ours covering
anyone there. Contact recency is 63 / 30 = 2.1 cadences, (2.1 − 1) / (3 − 1) = 55 % of its
weight: 11 of 20, then 22 of 40. Single-threaded coverage adds its full 8. The score goes from
11 + 8 = 19 (low) to 22 + 8 = 30 (medium, which starts at 25)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from planning.models import VisitStatus
from scoring.health import runs
from scoring.models import HealthRun
from scoring.models.health import RunStatus, RunTrigger
from tests.browser.conftest import log_in
from tests.factories import VisitFactory, shipped_risk_model, tier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_changes_a_weight_recalculates_and_sees_the_score_change(
    page: Page, admin_user, account
):
    shipped_risk_model()
    account.tier = tier("gold")
    account.save()
    visited = timezone.now() - timedelta(days=63)
    VisitFactory(
        account=account, starts_at=visited, status=VisitStatus.REPORTED, reported_at=visited
    )
    runs.account_health_recalculate(account_id=account.pk)

    log_in(page, admin_user)
    page.goto(f"/accounts/{account.pk}/health/")
    contact = page.get_by_test_id("risk-factor-contact_recency")
    expect(contact).to_contain_text("No visit for 63 days; the cadence is every 30 days.")
    expect(contact.get_by_test_id("risk-factor-points")).to_have_text("+11")
    expect(page.get_by_test_id("risk-score")).to_have_text("19")
    expect(page.get_by_test_id("header-risk")).to_have_attribute("data-level", "low")
    expect(page.get_by_test_id("risk-sparkline")).to_be_visible()

    # "How is this computed?" → the model → edit: contact recency 20 → 40.
    page.get_by_test_id("risk-model-link").click()
    weight = page.get_by_test_id("model-factor-contact_recency").get_by_test_id("model-weight")
    expect(weight).to_have_text("20")
    page.get_by_test_id("risk-model-edit").click()
    expect(page.locator("#id_weight_contact_recency")).to_have_value("20")
    page.locator("#id_weight_contact_recency").fill("40")
    page.get_by_test_id("risk-model-save").click()
    expect(page.get_by_role("alert")).to_contain_text("Churn-risk model saved")
    expect(weight).to_have_text("40")
    expect(page.get_by_test_id("model-weight-total")).to_have_text("120")

    # Saving recalculated nothing: the score is still 19.
    page.goto(f"/accounts/{account.pk}/health/")
    expect(page.get_by_test_id("risk-score")).to_have_text("19")

    # The runs page, via the navbar; "Recalculate now" runs the whole portfolio.
    page.get_by_test_id("nav-portfolio").click()
    page.get_by_test_id("nav-health-runs").click()
    page.get_by_test_id("recalculate-now").click()
    expect(page.get_by_role("alert")).to_contain_text("Recalculation started for every account")
    latest = page.get_by_test_id("run-row").first
    expect(latest.get_by_test_id("run-status")).to_have_text("Finished")
    expect(latest).to_contain_text("Recalculate now")
    expect(latest).to_contain_text(str(admin_user))
    expect(latest.get_by_test_id("run-accounts")).to_have_text("1")
    expect(latest.get_by_test_id("run-changed")).to_have_text("1")

    # The account's score and explanation follow the new weight.
    page.goto(f"/accounts/{account.pk}/health/")
    expect(contact.get_by_test_id("risk-factor-points")).to_have_text("+22")
    expect(contact).to_contain_text("22/40")
    expect(
        page.get_by_test_id("risk-factor-single_threaded").get_by_test_id("risk-factor-points")
    ).to_have_text("+8")
    expect(page.get_by_test_id("risk-score")).to_have_text("30")
    expect(page.get_by_test_id("risk-total")).to_have_text("30")
    expect(page.get_by_test_id("header-risk")).to_have_attribute("data-score", "30")
    expect(page.get_by_test_id("header-risk")).to_have_attribute("data-level", "medium")
    expect(page.get_by_test_id("risk-summary")).to_contain_text("Medium")

    # The overview lists it with its top reason.
    page.goto("/health/")
    row = page.locator(f"[data-testid=health-row][data-account='{account.pk}']")
    expect(row.get_by_test_id("row-risk")).to_have_attribute("data-score", "30")
    expect(row.get_by_test_id("row-reasons")).to_contain_text("+22 No visit for 63 days")


def test_the_runs_page_follows_a_running_run_until_it_finishes(page: Page, admin_user):
    run = HealthRun.objects.create(trigger=RunTrigger.NIGHTLY, as_of=timezone.localdate())
    log_in(page, admin_user)
    page.goto("/health/runs/")
    expect(page.get_by_test_id("run-in-progress")).to_be_visible()
    expect(page.get_by_test_id("run-status")).to_have_text("Running")

    # The worker finishes; within a couple of seconds the page shows it without a reload.
    HealthRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FINISHED, finished_at=timezone.now(), accounts=120, changed=7
    )
    expect(page.get_by_test_id("run-status")).to_have_text("Finished", timeout=6000)
    expect(page.get_by_test_id("run-changed")).to_have_text("7")
    expect(page.get_by_test_id("run-in-progress")).to_have_count(0)
    expect(page.get_by_test_id("health-runs")).to_have_attribute("data-running", "false")
