"""Redis unreachable: KAM degrades, it does not die (DESIGN.md §6, issue 16).

A real gunicorn serves the site on the test database with REDIS_URL on a closed port (connection
refused). Over real HTTP an account manager signs in, opens the account list and an account, saves
an edit, and uploads a spreadsheet whose check is background work: no answer is a 500, the check
is saved in the outbox and the import page says so plainly. /healthz stays 200 and names the
broker down; /readyz answers 503 "degraded". Then a real Celery worker on the real Redis starts,
relays the outbox as it starts, and runs the check: the queued work runs once Redis is back.
"""

import time

import pytest

from accounts.access import ACCOUNT_MANAGER
from accounts.models import Account, ImportJob, ImportStatus, OutboxMessage
from tests.accounts.import_jobs import account_rows
from tests.factories import AccountFactory, UserFactory
from tests.kam.live_site import Browser, Site, site_password
from tests.servers import free_port
from tests.spreadsheets import csv_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


@pytest.fixture
def manager():
    user = UserFactory(username="redisdown", role=ACCOUNT_MANAGER)
    site_password(user)
    return user


@pytest.fixture
def site_without_redis(tmp_path):
    site = Site(tmp_path / "gunicorn.log", redis_url=f"redis://127.0.0.1:{free_port()}/0")
    try:
        site.wait_until_up()
        yield site
    finally:
        site.stop()


def test_the_site_works_without_redis_and_the_queued_work_runs_once_it_is_back(
    manager, site_without_redis, celery_workers
):
    site = site_without_redis
    account = AccountFactory(name="Baosteel Trading", owner=manager)
    browser = Browser(site)
    started = time.monotonic()

    browser.sign_in("redisdown")
    status, _, html = browser.get("/accounts/")
    assert status == 200 and "Baosteel Trading" in html
    status, _, html = browser.get(f"/accounts/{account.pk}/")
    assert status == 200 and "Baosteel Trading" in html

    status, final, _ = browser.submit(
        f"/accounts/{account.pk}/edit/", None, {"name": "Baosteel Trading Shanghai"}
    )
    assert status == 200 and final == f"/accounts/{account.pk}/", (status, final)
    status, _, html = browser.get(f"/accounts/{account.pk}/")
    assert "Baosteel Trading Shanghai" in html, "the saved edit shows after a reload"
    account.refresh_from_db()
    assert account.name == "Baosteel Trading Shanghai"

    # An import: the upload is read in the request; its check is background work.
    rows = account_rows(2, prefix="Sinochem")
    status, final, _ = browser.post_file(
        "/accounts/import/", {"kind": "accounts"}, "file", "accounts.csv", csv_bytes(rows)
    )
    assert status == 200 and final.endswith("/mapping/"), (status, final)
    status, final, html = browser.submit(final, "/mapping/", {})
    assert status == 200, status
    job = ImportJob.objects.get(user=manager)
    assert final == f"/accounts/import/{job.pk}/"
    assert job.status == ImportStatus.CHECKING
    assert "the check will run when the background queue is back" in html
    assert 'data-testid="import-progress"' not in html, "no progress bar for work not started"
    waiting = OutboxMessage.objects.get(task="accounts.tasks.run_import_step")
    assert waiting.published_at is None and waiting.args == [job.pk, job.attempt]

    status, _, body = browser.get("/healthz")
    assert status == 200 and '"broker": "error: ' in body and '"status": "degraded"' in body
    assert '"pending": 1' in body
    status, _, body = browser.get("/readyz")
    assert status == 503 and '"status": "degraded"' in body

    assert all(status < 500 for method, path, status in browser.statuses if path != "/readyz")
    assert time.monotonic() - started < 20, "Redis down costs the pages no long waits"
    assert "Traceback" not in site.log.read_text()

    # Redis is back (the worker and this process use the real one): the worker relays the
    # outbox as it starts, then runs the check it sent.
    process, log = celery_workers()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == ImportStatus.CHECKED:
            break
        assert process.poll() is None, log.read_text()
        time.sleep(0.3)
    assert job.status == ImportStatus.CHECKED, (job.status, log.read_text())
    assert job.planned.get("create") == 2
    waiting.refresh_from_db()
    assert waiting.published_at is not None
    assert not Account.objects.filter(name__startswith="Sinochem").exists(), "checks write nothing"
