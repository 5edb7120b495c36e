"""Importing 50,000 transactions (make bench; issue 8): one manager's 500 accounts, among the seeded
ones, get a CSV of 50,000 orders. Timed, as the worker runs them: reading the upload
(import_job_start, CSV and .xlsx), the dry run (import_job_run_step while CHECKING), the write
(import_job_run_step while IMPORTING, which plans again and writes in batches) and the dry run of
the same file imported again (every row unchanged).

The services queue the worker's task after commit; the test's transaction is rolled back, so
nothing is queued, and the test calls import_job_run_step itself.
"""

import csv
import io
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from accounts.imports import services, worker
from accounts.models import Account, ImportedAccount, ImportStatus, Transaction
from tests.factories import AccountFactory, ManagerFactory

pytestmark = pytest.mark.django_db

ROWS = 50_000
ACCOUNTS = 500
TOTAL_BUDGET_S = 30
HEADERS = ["Account", "Order date", "Order no", "Amount", "Gross margin", "Payment due"]


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


@pytest.fixture
def manager():
    user = ManagerFactory(username="bench-importer")
    Account.objects.bulk_create(
        AccountFactory.build(name=f"Import bench customer {n:03d}", owner=user)
        for n in range(ACCOUNTS)
    )
    return user


def _rows():
    today = timezone.localdate()
    for n in range(ROWS):
        ordered = today - timedelta(days=1 + n % 700)
        yield [
            f"Import bench customer {n % ACCOUNTS:03d}",
            ordered.isoformat(),
            f"BENCH-{n:07d}",
            f"{1000 + n % 9000}.{n % 100:02d}",
            f"{250 + n % 700}.00",
            (ordered + timedelta(days=60)).isoformat(),
        ]


def csv_upload() -> SimpleUploadedFile:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(HEADERS)
    writer.writerows(_rows())
    return SimpleUploadedFile("orders.csv", output.getvalue().encode("utf-8-sig"))


def xlsx_upload() -> SimpleUploadedFile:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for row in _rows():
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile("orders.xlsx", output.getvalue())


def _dry_run(user, upload):
    """Upload, check and the worker's dry run: (job, read seconds, dry run seconds)."""
    job, read_s = _timed(
        lambda: services.import_job_start(user=user, kind="transactions", upload=upload)
    )
    services.import_job_check(user=user, job=job, mapping=job.mapping)
    status, check_s = _timed(lambda: worker.import_job_run_step(job.pk))
    assert status == ImportStatus.CHECKED
    job.refresh_from_db()
    assert job.row_count == ROWS  # counted by the dry run; the upload reads the first rows
    return job, read_s, check_s


def test_importing_fifty_thousand_transactions(manager):
    xlsx = xlsx_upload()
    xlsx_job, xlsx_read_s = _timed(
        lambda: services.import_job_start(user=manager, kind="transactions", upload=xlsx)
    )
    assert len(xlsx_job.preview) == 3
    assert sorted(xlsx_job.mapping.values()) == sorted(
        ["account", "date", "reference", "amount", "gross_margin", "invoice_due"]
    )

    upload = csv_upload()
    job, read_s, check_s = _dry_run(manager, upload)
    assert job.planned == {"create": ROWS, "update": 0, "unchanged": 0, "reject": 0}
    assert Transaction.objects.filter(account__owner=manager).count() == 0

    services.import_job_confirm(user=manager, job=job, only_valid_rows=False)
    with CaptureQueriesContext(connection) as queries:
        status, write_s = _timed(lambda: worker.import_job_run_step(job.pk))
    assert status == ImportStatus.DONE
    job.refresh_from_db()
    assert job.written == {"created": ROWS, "updated": 0, "unchanged": 0, "skipped": 0}
    assert Transaction.objects.filter(account__owner=manager).count() == ROWS
    assert ImportedAccount.objects.filter(job=job).count() == ACCOUNTS

    again, again_read_s, again_check_s = _dry_run(manager, csv_upload())
    assert again.planned == {"create": 0, "update": 0, "unchanged": ROWS, "reject": 0}

    total_s = read_s + check_s + write_s + again_read_s + again_check_s
    print(
        f"\n\nImport of {ROWS:,} transactions over {ACCOUNTS} accounts "
        f"({len(upload):,} bytes CSV, {len(xlsx):,} bytes xlsx):\n"
        f"  read the .xlsx (start_import):       {xlsx_read_s:7.2f} s  "
        f"{ROWS / xlsx_read_s:9,.0f} rows/s\n"
        f"  read the CSV (start_import):         {read_s:7.2f} s  {ROWS / read_s:9,.0f} rows/s\n"
        f"  dry run (run_step, checking):        {check_s:7.2f} s  {ROWS / check_s:9,.0f} rows/s\n"
        f"  write (run_step, importing):         {write_s:7.2f} s  {ROWS / write_s:9,.0f} rows/s"
        f"  ({len(queries):,} queries)\n"
        f"  same file again: read + dry run:     {again_read_s:7.2f} s + {again_check_s:.2f} s  "
        f"{ROWS / again_check_s:9,.0f} rows/s (all unchanged)\n"
        f"  total (CSV, both imports):           {total_s:7.2f} s"
    )
    assert total_s < TOTAL_BUDGET_S
    assert xlsx_read_s < TOTAL_BUDGET_S
    assert len(queries) < 100  # batched: the queries do not grow with the rows
