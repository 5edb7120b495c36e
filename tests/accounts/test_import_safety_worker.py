"""Imports against real Celery workers through a real Redis broker (issue 15):

- two worker processes take two confirmations of the same accounts file, and of the same
  transactions file, at the same moment: each row exists once, the 12-month revenue counts the
  file once, and the job that comes second ends "nothing to import";
- the worker is killed (SIGKILL, its whole process group) in the middle of writing a 20,000-row
  import: within the lease the job's page shows it interrupted and the reaper records it, with
  nothing written; Retry with a new worker writes it, as an uninterrupted run would.

The workers come from tests/celery_workers.py (skipped without REDIS_URL); the task goes through
the outbox to the test's own queue.
"""

import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum
from django.urls import reverse

from accounts.imports import services
from accounts.models import Account, ImportedAccount, ImportJob, ImportStatus, Transaction
from accounts.queries import revenue_last_12_months
from tests.accounts.import_jobs import account_rows, total_by_account, transaction_rows, upload
from tests.celery_workers import ready
from tests.factories import AccountFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]

TIMEOUT = 180
LEASE = 3  # seconds: the workers beat every 0.75 s


@pytest.fixture
def workers(celery_workers, settings):
    """start() → a ready worker with a short lease, on this test's queue (where the import task
    goes)."""
    settings.KAM_JOB_LEASE_SECONDS = LEASE

    return lambda: ready(*celery_workers({"KAM_JOB_LEASE_SECONDS": str(LEASE)}))


def wait_for(jobs, statuses, logs, timeout=TIMEOUT, watch=None) -> list[ImportJob]:
    """Until every job is in one of `statuses`; `watch(job)` is called on each round; `logs`:
    the workers' log files, shown on failure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = [ImportJob.objects.get(pk=job.pk) for job in jobs]
        for job in current:
            assert job.status != ImportStatus.FAILED, job.error
            if watch:
                watch(job)
        if all(job.status in statuses for job in current):
            return current
        time.sleep(0.02)
    found = [(job.pk, job.status) for job in current]
    pytest.fail(
        f"{found} not {statuses} after {timeout}s:\n" + "\n".join(map(Path.read_text, logs))
    )


def check_both(user, kind, rows, logs):
    jobs = [upload(user, kind, rows, name=f"same-{kind}.csv") for _ in range(2)]
    for job in jobs:
        services.import_job_check(user=user, job=job, mapping=job.mapping)
    return wait_for(jobs, {ImportStatus.CHECKED}, logs)


def confirm_at_once(user, jobs, logs):
    """Both confirmations, back to back: each worker takes one; records whether one of the jobs
    was seen waiting for the other's lock (the race really happened)."""
    for job in jobs:
        services.import_job_confirm(user=user, job=job, only_valid_rows=False)
    waited = set()

    def watch(job):
        if services.read_progress(job.pk).get("waiting"):
            waited.add(job.pk)

    ended = wait_for(jobs, {ImportStatus.DONE, ImportStatus.NOTHING}, logs, watch=watch)
    return ended, waited


def test_two_workers_confirming_the_same_file_at_once_write_it_once(workers, owner):
    logs = [log for _process, log in (workers(), workers())]

    # Accounts: 3,000 rows, half matched by external ID, half by exact name.
    rows = account_rows(3000)
    jobs = check_both(owner, "accounts", rows, logs)
    assert [job.planned["create"] for job in jobs] == [3000, 3000]
    ended, waited = confirm_at_once(owner, jobs, logs)

    by_status = {job.status: job for job in ended}
    assert set(by_status) == {ImportStatus.DONE, ImportStatus.NOTHING}, ended
    assert by_status[ImportStatus.DONE].written["created"] == 3000
    assert by_status[ImportStatus.NOTHING].written == {
        "created": 0, "updated": 0, "unchanged": 3000, "skipped": 0,
    }  # fmt: skip
    assert waited == {by_status[ImportStatus.NOTHING].pk}, "the second job never waited"
    assert Account.objects.count() == 3000
    assert Account.objects.values("name").distinct().count() == 3000
    assert Account.history.count() == 3000

    # Transactions: 500 rows over 5 accounts, every other one without an order number.
    customers = list(Account.objects.order_by("pk")[:5])
    rows = transaction_rows(customers, 500)
    jobs = check_both(owner, "transactions", rows, logs)
    ended, waited = confirm_at_once(owner, jobs, logs)

    by_status = {job.status: job for job in ended}
    assert set(by_status) == {ImportStatus.DONE, ImportStatus.NOTHING}, ended
    assert by_status[ImportStatus.DONE].written["created"] == 500
    assert waited == {by_status[ImportStatus.NOTHING].pk}, "the second job never waited"
    assert Transaction.objects.count() == 500
    revenue = revenue_last_12_months([account.pk for account in customers])
    assert {Account.objects.get(pk=pk).name: total for pk, total in revenue.items()} == (
        total_by_account(rows)
    )
    for log in logs:  # both workers took part
        assert "accounts.tasks.run_import_step" in log.read_text()


ROWS = 20_000
ACCOUNTS = 20


def test_a_worker_killed_mid_write_leaves_an_interrupted_job_that_retry_completes(
    workers, owner, client_for
):
    process, log = workers()
    accounts = [AccountFactory(name=f"Customer {n:02d}", owner=owner) for n in range(ACCOUNTS)]
    rows = transaction_rows(accounts, ROWS)
    job = upload(owner, "transactions", rows, name="orders.csv")
    services.import_job_check(user=owner, job=job, mapping=job.mapping)
    (job,) = wait_for([job], {ImportStatus.CHECKED}, [log])
    assert job.planned["create"] == ROWS

    services.import_job_confirm(user=owner, job=job, only_valid_rows=False)
    deadline = time.monotonic() + TIMEOUT
    while not 0 < services.read_progress(job.pk)["done"] < ROWS:
        assert time.monotonic() < deadline, log.read_text()
        assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.IMPORTING
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)  # mid-write: some batches sent, not committed
    killed_at = time.monotonic()
    process.wait()
    assert Transaction.objects.count() == 0

    # The page: its progress poll stops and reloads, within the lease (and a beat's delay).
    client = client_for(owner)
    progress_url = reverse("accounts:import_progress", args=[job.pk])
    while "HX-Refresh" not in client.get(progress_url, headers={"HX-Request": "true"}).headers:
        assert time.monotonic() - killed_at < LEASE + 2, "not shown interrupted within the lease"
        time.sleep(0.1)
    page = client.get(reverse("accounts:import_detail", args=[job.pk])).content.decode()
    assert "The import was interrupted" in page and "Nothing was written" in page
    assert 'data-testid="retry-import"' in page

    # The reaper records it.
    assert services.import_jobs_reap_dead() == 1
    job.refresh_from_db()
    assert (job.status, job.interrupted_in) == (ImportStatus.INTERRUPTED, ImportStatus.IMPORTING)
    assert Transaction.objects.count() == 0 and not ImportedAccount.objects.exists()

    # Retry, with a new worker: the file is written once, as by an uninterrupted run.
    _process, new_log = workers()
    response = client.post(
        reverse("accounts:import_retry", args=[job.pk]), {"attempt": job.attempt}
    )
    assert response.status_code == 302
    (job,) = wait_for([job], {ImportStatus.DONE}, [new_log])
    assert job.written == {"created": ROWS, "updated": 0, "unchanged": 0, "skipped": 0}
    assert Transaction.objects.count() == ROWS
    expected = sum(Decimal(f"{1000 + n}.50") for n in range(ROWS))
    assert Transaction.objects.aggregate(total=Sum("amount"))["total"] == expected
    assert sorted(ImportedAccount.objects.filter(job=job).values_list("created", flat=True)) == (
        [ROWS // ACCOUNTS] * ACCOUNTS
    )
