"""Peak memory of the real server processes while a file is imported (make bench; issue 16).

A real gunicorn (one sync worker) serves KAM on the bench database and a real Celery worker
(prefork, one pool process) reads its queue. Over HTTP a manager uploads a zip bomb (refused) and
then a 50,000-row transactions CSV through the import form, submits the mapping (the worker's dry
run) and confirms (the worker's import). For each step the process doing the work is read from
/proc: the gunicorn worker (the master's child) for the uploads, the pool process (the Celery
worker's child) for the dry run and the import. VmRSS before the step; the peak (VmHWM) is reset
to it just before the step (writing 5 to /proc/<pid>/clear_refs), so each step's peak is its own
even in a process that ran an earlier step; VmHWM after the step.

The bench database is kept between runs: the importer and its accounts are committed (the site and
the worker must see them) and deleted afterwards, so the seeded portfolio is left as it was.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Account, ImportJob, ImportStatus, Transaction
from tests.celery_workers import _require
from tests.factories import AccountFactory, ManagerFactory
from tests.kam.live_site import Browser, Site, site_password
from tests.perf.test_import import ACCOUNTS, ROWS, csv_upload
from tests.spreadsheets import zip_bomb

pytestmark = pytest.mark.celery_worker

USERNAME = "bench-memory"
# Generous bounds: the bench fails when memory regresses badly, not on noise.
WEB_BOMB_MB = 50
WEB_FILE_MB = 100
WORKER_MB = 300  # KAM_WORKER_MAX_MEMORY_MB's default: above it production replaces the process
STEP_TIMEOUT_S = 300


def _status_mb(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field)) / 1024


def _only_child(pid: int, log: Path) -> int:
    """The one child process of `pid` (gunicorn's worker, Celery's pool process)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if len(children) == 1:
            return int(children[0])
        time.sleep(0.2)
    raise AssertionError(f"process {pid} has no single child:\n{log.read_text()}")


@dataclass
class Step:
    name: str
    before_mb: float
    peak_mb: float
    seconds: float

    @property
    def growth_mb(self) -> float:
        return self.peak_mb - self.before_mb


def measured(name: str, pid: int, action):
    """(Step, what `action` returned): `pid`'s memory before and at its peak while `action` ran."""
    before = _status_mb(pid, "VmRSS")
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    return Step(name, before, _status_mb(pid, "VmHWM"), seconds), result


def _remove_importer() -> None:
    Account.objects.filter(owner__username=USERNAME).delete()
    ImportJob.objects.filter(user__username=USERNAME).delete()
    get_user_model().objects.filter(username=USERNAME).delete()


@pytest.fixture
def importer(django_db_setup, django_db_blocker):
    """A manager with ACCOUNTS accounts, committed (this test holds the database open to itself
    while it runs, outside any transaction); removed afterwards."""
    with django_db_blocker.unblock():
        _remove_importer()  # left by a run that was killed
        user = ManagerFactory(username=USERNAME)
        site_password(user)
        Account.objects.bulk_create(
            AccountFactory.build(name=f"Import bench customer {n:03d}", owner=user)
            for n in range(ACCOUNTS)
        )
        try:
            yield user
        finally:
            _remove_importer()


@pytest.fixture
def worker(celery_workers):
    """(pool process id, worker process, log): a prefork worker with one pool process, which
    is never replaced (KAM_WORKER_MAX_MEMORY_MB=0) so its peak can be read after the step."""
    process, log = celery_workers({"KAM_WORKER_MAX_MEMORY_MB": "0"}, pool="prefork")
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    return _only_child(process.pid, log), process, log


@pytest.fixture
def site(tmp_path, celery_workers):
    """gunicorn with one sync worker, queueing to the test's Celery worker."""
    redis_url = os.environ.get("REDIS_URL", "")
    _require(bool(redis_url), "REDIS_URL is not set: no broker for the Celery worker")
    site = Site(
        tmp_path / "gunicorn.log",
        redis_url=redis_url,
        extra_env={"KAM_CELERY_QUEUE": celery_workers.queue},
    )
    try:
        site.wait_until_up()
        yield site
    finally:
        site.stop()


def _wait_for(job: ImportJob, status: str, process, log: Path) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while time.monotonic() < deadline:
        job.refresh_from_db(fields=["status", "error"])
        if job.status == status:
            return
        assert job.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING), (
            job.status,
            job.error,
            log.read_text()[-3000:],
        )
        assert process.poll() is None, log.read_text()
        time.sleep(0.1)
    raise AssertionError(f"job {job.pk} not {status} in {STEP_TIMEOUT_S} s:\n{log.read_text()}")


def test_peak_memory_of_the_web_and_celery_workers_importing_a_file(
    importer, site, worker, django_db_blocker, tmp_path
):
    pool_pid, worker_process, worker_log = worker
    web_pid = _only_child(site.process.pid, site.log)
    orders = csv_upload().read()
    bomb_path = tmp_path / "bomb.xlsx"
    zip_bomb(bomb_path)
    bomb = bomb_path.read_bytes()

    browser = Browser(site)
    browser.sign_in(USERNAME)
    status, _, _ = browser.get("/accounts/import/")  # the form's code is loaded before measuring
    assert status == 200

    # The bomb first: refused while it is read, in the request.
    refusal, (status, final, html) = measured(
        "web: refuse the zip bomb",
        web_pid,
        lambda: browser.post_file(
            "/accounts/import/", {"kind": "transactions"}, "file", "bomb.xlsx", bomb
        ),
    )
    assert status == 200 and final == "/accounts/import/", (status, final)
    assert "unpacks to more than" in html

    upload, (status, final, _) = measured(
        f"web: upload {ROWS:,} rows",
        web_pid,
        lambda: browser.post_file(
            "/accounts/import/", {"kind": "transactions"}, "file", "orders.csv", orders
        ),
    )
    assert status == 200 and final.endswith("/mapping/"), (status, final)
    assert _only_child(site.process.pid, site.log) == web_pid, "the same gunicorn worker"

    with django_db_blocker.unblock():
        job = ImportJob.objects.get(user=importer)

        def submitted(path, action_suffix, status_after):
            status, _, _ = browser.submit(path, action_suffix, {})
            assert status == 200, status
            _wait_for(job, status_after, worker_process, worker_log)

        dry_run, _ = measured(
            "worker: dry run",
            pool_pid,
            lambda: submitted(final, "/mapping/", ImportStatus.CHECKED),
        )
        job.refresh_from_db()
        assert job.planned == {"create": ROWS, "update": 0, "unchanged": 0, "reject": 0}
        written, _ = measured(
            "worker: import",
            pool_pid,
            lambda: submitted(f"/accounts/import/{job.pk}/", "/confirm/", ImportStatus.DONE),
        )
        assert Transaction.objects.filter(account__owner=importer).count() == ROWS
    assert _only_child(worker_process.pid, worker_log) == pool_pid, "the same pool process"
    assert all(status < 500 for _, _, status in browser.statuses)

    print(
        f"\n\nPeak memory of real processes: a {len(orders) / 2**20:.1f} MB CSV of {ROWS:,} "
        f"transactions, a {len(bomb) / 2**20:.1f} MB zip bomb (1 GB unpacked)\n"
        f"  gunicorn sync worker (pid {web_pid}); Celery prefork pool process (pid {pool_pid});\n"
        f"  peak reset to the current RSS before each step (/proc/<pid>/clear_refs)\n"
        f"  {'step':34} {'before':>9} {'peak':>9} {'growth':>9} {'time':>8}"
    )
    for step in (refusal, upload, dry_run, written):
        print(
            f"  {step.name:34} {step.before_mb:6.1f} MB {step.peak_mb:6.1f} MB "
            f"{step.growth_mb:+6.1f} MB {step.seconds:6.2f} s"
        )
    assert refusal.growth_mb < WEB_BOMB_MB
    assert upload.growth_mb < WEB_FILE_MB
    assert dry_run.growth_mb < WORKER_MB and written.growth_mb < WORKER_MB
