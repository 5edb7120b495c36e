"""A health run whose worker died, in a real browser: the runs page follows a running run; when
its beats stop the page turns it to Interrupted by itself, within the lease, saying what it
saved; one click on Retry completes it (the live server runs the task in process, as `make run`
does). The real worker killed with SIGKILL: tests/scoring/test_health_worker.py."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from scoring.models import AccountHealth, HealthRun
from scoring.models.health import RunStatus, RunTrigger
from tests.browser.conftest import log_in
from tests.factories import AccountFactory, shipped_risk_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEASE = 3


def test_a_run_that_stops_beating_turns_interrupted_and_retry_completes_it(
    page: Page, admin_user, settings
):
    settings.KAM_JOB_LEASE_SECONDS = LEASE
    shipped_risk_model()
    accounts = [AccountFactory() for _ in range(5)]
    saved = accounts[1].pk
    # As a worker leaves it mid-run: two accounts saved, then silence.
    run = HealthRun.objects.create(
        trigger=RunTrigger.NIGHTLY,
        as_of=timezone.localdate(),
        attempt=1,
        started_at=timezone.now() - datetime.timedelta(seconds=30),
        heartbeat_at=timezone.now(),
        planned=5,
        accounts=2,
        changed=2,
        done_through=saved,
    )
    log_in(page, admin_user)

    page.goto("/health/runs/")
    row = page.locator(f'[data-testid="run-row"][data-run="{run.pk}"]')
    expect(row.get_by_test_id("run-status")).to_have_text("Running")
    expect(page.get_by_test_id("run-in-progress")).to_be_visible()

    # No reload: the page's own polling shows the run interrupted once the lease has passed.
    expect(row.get_by_test_id("run-status")).to_have_text("Interrupted", timeout=(LEASE + 4) * 1000)
    note = page.locator(f'[data-testid="run-note"][data-run="{run.pk}"]')
    expect(note.get_by_test_id("run-progress")).to_contain_text("Saved: 2 of 5 accounts")
    expect(note.get_by_test_id("run-progress")).to_contain_text(f"every account up to no. {saved}")
    expect(note.get_by_test_id("run-progress")).to_contain_text("Not saved: the other 3")
    expect(page.get_by_test_id("health-runs")).to_have_attribute("data-running", "false")

    note.get_by_test_id("run-retry").click()

    expect(page.get_by_role("alert").first).to_contain_text("Retry asked for")
    expect(note.get_by_test_id("run-covered")).to_contain_text("carried on from here")
    expect(note.get_by_test_id("run-retry")).to_have_count(0)
    retry = HealthRun.objects.get(retry_of=run)
    assert (retry.status, retry.accounts, retry.resumed_after) == (RunStatus.FINISHED, 5, saved)
    newer = page.locator(f'[data-testid="run-row"][data-run="{retry.pk}"]')
    expect(newer.get_by_test_id("run-status")).to_have_text("Finished")
    expect(newer.get_by_test_id("run-retry-of")).to_contain_text("Retry (attempt 2) of the run")
    # The accounts the interrupted run had not saved now have their health.
    rest = [account.pk for account in accounts[2:]]
    assert AccountHealth.objects.filter(pk__in=rest).count() == 3
