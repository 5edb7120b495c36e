"""Import jobs made for a test: uploaded and checked through the services (tasks run in process),
or left as a dead worker leaves them."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from accounts.imports import services
from accounts.models import ImportJob, ImportStatus
from tests.spreadsheets import csv_bytes

ACCOUNT_HEADERS = ["Name", "External ID", "Industry", "Region", "Employees"]
TRANSACTION_HEADERS = ["Account", "Order date", "Order no", "Amount", "Gross margin"]


def account_rows(count: int, prefix: str = "Customer") -> list[list]:
    """`count` new accounts, half with an external ID (matched by it), half without (by name)."""
    return [ACCOUNT_HEADERS] + [
        [f"{prefix} {n:05d}", f"EXT-{n:05d}" if n % 2 else None, "Manufacturing", "East", n]
        for n in range(count)
    ]


def transaction_rows(accounts, count: int, today: date | None = None) -> list[list]:
    """`count` orders spread over `accounts`, all in the last 12 months; every other one without
    an order number (matched by account, date and amount)."""
    today = today or timezone.localdate()
    rows = [TRANSACTION_HEADERS]
    for n in range(count):
        rows.append(
            [
                accounts[n % len(accounts)].name,
                (today - timedelta(days=1 + n % 300)).isoformat(),
                f"SO-{n:06d}" if n % 2 else None,
                f"{1000 + n}.50",
                "100",
            ]
        )
    return rows


def total_by_account(rows: list[list]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for name, _day, _reference, amount, _margin in rows[1:]:
        totals[name] = totals.get(name, Decimal(0)) + Decimal(amount)
    return totals


def upload(user, kind: str, rows, name: str = "file.csv") -> ImportJob:
    return services.import_job_start(
        user=user, kind=kind, upload=SimpleUploadedFile(name, csv_bytes(rows))
    )


def checked(user, kind: str, rows, capture=None, name: str = "file.csv") -> ImportJob:
    """Uploaded and checked in process. `capture`: django_capture_on_commit_callbacks, in a test
    inside a transaction (where the task waits for a commit that never comes)."""
    job = upload(user, kind, rows, name)
    if capture is None:
        services.import_job_check(user=user, job=job, mapping=job.mapping)
    else:
        with capture(execute=True):
            services.import_job_check(user=user, job=job, mapping=job.mapping)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.error
    return job


def left_by_a_dead_worker(job: ImportJob, step: str, *, silent_for: float = 600) -> ImportJob:
    """As a killed worker leaves the job: still `step` (checking or importing), its attempt
    queued and picked up, and no sign of life for `silent_for` seconds."""
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=step,
        attempt=F("attempt") + 1,
        queued_at=now - timedelta(seconds=silent_for + 1),
        heartbeat_at=now - timedelta(seconds=silent_for),
        planned={} if step == ImportStatus.CHECKING else F("planned"),
        report=[] if step == ImportStatus.CHECKING else F("report"),
    )
    job.refresh_from_db()
    return job
