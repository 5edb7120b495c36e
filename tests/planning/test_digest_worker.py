"""The daily digest through a real Redis broker and a real Celery worker: the task is sent to a
queue of its own, a worker process picks it up, and the notifications appear in the database.

Skipped unless REDIS_URL is set (CI sets it, and KAM_REQUIRE_BROWSER=1 turns the skip into a
failure there). The worker shares the test database, so it needs a server database (PostgreSQL);
SQLite's in-memory test database cannot be shared with another process.
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from planning.models import Notification
from planning.tasks import send_daily_digests
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 20


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("KAM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"KAM_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _database_url() -> str | None:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        return None
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """A Celery worker on a unique queue, sharing this test's database and broker."""
    redis_url = os.environ.get("REDIS_URL", "")
    _require(bool(redis_url), "REDIS_URL is not set: no broker for the Celery worker")
    database_url = _database_url()
    if database_url is None:
        pytest.skip("the worker needs a shared database: run with DATABASE_URL=postgres://…")
    assert redis_url == settings.CELERY_BROKER_URL and not settings.CELERY_TASK_ALWAYS_EAGER

    queue = f"kam-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_POOL": "0",
        "REDIS_URL": redis_url,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "EMAIL_BACKEND": "console",
        "DJANGO_SETTINGS_MODULE": "kam.settings",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kam",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield queue, process, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_real_worker_sends_the_daily_digest_once(worker, owner, account):
    queue, process, log = worker
    today = timezone.localdate()
    ActionFactory(
        objective=ObjectiveFactory(plan=PlanFactory(account=account, owner=owner)),
        owner=owner,
        description="Call the plant manager",
        due_on=today - timedelta(days=2),
    )

    for _ in range(2):  # a second run the same day creates nothing
        send_daily_digests.apply_async(args=[today.isoformat()], queue=queue)

    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the worker died:\n{log.read_text()}"
        if log.read_text().count("succeeded in") >= 2:
            break
        time.sleep(0.25)
    else:
        pytest.fail(f"the worker did not run the task twice in {TIMEOUT}s:\n{log.read_text()}")

    notifications = list(Notification.objects.filter(user=owner))
    assert len(notifications) == 1
    assert "Call the plant manager" in notifications[0].text
    output = log.read_text()
    assert output.count("Subject: KAM:") == 1, output  # the console mailer printed one mail
