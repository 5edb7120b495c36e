"""The import's dry run and writes through a real Redis broker and a real Celery worker (issue 8):
a CSV of 2,000 transactions is checked, confirmed and written by the worker, whose progress in
the shared cache is cleared at the end; importing the same file again changes nothing.

The services queue the task through the outbox (accounts.outbox) once the job's change commits,
to the default queue, which is the test's worker's own while the fixture lasts. The workers come
from tests/celery_workers.py (skipped without REDIS_URL).
"""

import csv
import io
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum

from accounts.imports import services
from accounts.models import Account, ImportedAccount, ImportJob, ImportStatus, Transaction
from tests.factories import AccountFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]

TIMEOUT = 90
ROWS = 2000
ACCOUNTS = 20


@pytest.fixture
def worker(celery_workers):
    """A running worker, on this test's queue (where the import task goes)."""
    process, log = celery_workers()
    return process, log


def _wait_for_status(job, status, process, log, timeout=TIMEOUT) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == status:
            return job
        assert job.status != ImportStatus.FAILED, job.error
        assert process.poll() is None, f"the worker died:\n{log.read_text()}"
        time.sleep(0.1)
    pytest.fail(f"the job is {job.status}, not {status}, after {timeout}s:\n{log.read_text()}")


def transactions_csv(accounts: list[Account]) -> SimpleUploadedFile:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["Account", "Order date", "Order no", "Amount", "Gross margin"])
    start = date(2025, 1, 1)
    for n in range(ROWS):
        writer.writerow(
            [
                accounts[n % len(accounts)].name,
                (start + timedelta(days=n % 300)).isoformat(),
                f"SO-{n:06d}",
                f"{1000 + n}.50",
                f"{250 + n % 100}",
            ]
        )
    return SimpleUploadedFile(
        "orders.csv", output.getvalue().encode("utf-8-sig"), content_type="text/csv"
    )


def test_a_real_worker_checks_and_imports_two_thousand_transactions(worker, owner):
    process, log = worker
    accounts = [AccountFactory(name=f"Customer {n:02d}", owner=owner) for n in range(ACCOUNTS)]
    job = services.import_job_start(
        user=owner, kind="transactions", upload=transactions_csv(accounts)
    )
    assert job.row_count == 0  # the upload reads the first rows only; the dry run counts them

    services.import_job_check(user=owner, job=job, mapping=job.mapping)
    job = _wait_for_status(job, ImportStatus.CHECKED, process, log)
    assert job.row_count == ROWS
    assert job.planned == {"create": ROWS, "update": 0, "unchanged": 0, "reject": 0}
    assert len(job.report) == ROWS
    assert Transaction.objects.count() == 0  # the dry run wrote nothing

    services.import_job_confirm(user=owner, job=job, only_valid_rows=False)
    assert services.read_progress(job.pk) == {"done": 0, "total": ROWS}
    job = _wait_for_status(job, ImportStatus.DONE, process, log)

    assert job.written == {"created": ROWS, "updated": 0, "unchanged": 0, "skipped": 0}
    assert job.finished_at is not None
    assert Transaction.objects.count() == ROWS
    assert Transaction.objects.filter(account__in=accounts).count() == ROWS
    expected_total = sum(Decimal(f"{1000 + n}.50") for n in range(ROWS))
    assert Transaction.objects.aggregate(total=Sum("amount"))["total"] == expected_total
    imported = ImportedAccount.objects.filter(job=job)
    assert sorted(imported.values_list("account_id", "created", "updated")) == sorted(
        (account.pk, ROWS // ACCOUNTS, 0) for account in accounts
    )
    assert cache.get(services.progress_key(job.pk)) is None

    # The same file again: the worker's dry run finds every row already there.
    again = services.import_job_start(
        user=owner, kind="transactions", upload=transactions_csv(accounts)
    )
    services.import_job_check(user=owner, job=again, mapping=again.mapping)
    again = _wait_for_status(again, ImportStatus.CHECKED, process, log)
    assert again.planned == {"create": 0, "update": 0, "unchanged": ROWS, "reject": 0}
    assert cache.get(services.progress_key(again.pk)) is None
    assert Transaction.objects.count() == ROWS
