"""Real Celery workers for tests marked `celery_worker` (a pytest plugin, loaded by
tests/conftest.py): `celery_workers()` starts a worker on the test's own queue
(`celery_workers.queue`, also the default queue of the test process and of the worker while the
fixture lasts, so the work the site queues reaches it), in a process group of its own so a test
can kill it, sharing the test database and the Redis broker; every worker still running is
stopped at the end.

Skipped unless REDIS_URL is set (CI sets it, and KAM_REQUIRE_BROWSER=1 turns the skip into a
failure there). The workers share the test database, so it must be a server database
(PostgreSQL); SQLite's in-memory test database cannot be shared with another process.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[1]


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
def celery_workers(tmp_path):
    """start() → (process, log): a Celery worker on this test's own queue, in a process group of
    its own (so the test can kill the worker and anything it started), sharing the test database
    and broker. Every worker still alive is stopped at the end."""
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
        # The worker's own sends (the outbox relay as it starts) go to its queue too.
        "KAM_CELERY_QUEUE": queue,
    }
    started = []

    def start(extra_env: dict[str, str] | None = None, *, pool: str = "solo"):
        """`extra_env`: variables for this worker on top of the test's (a short job lease);
        `pool`: "prefork" runs the tasks in a pool process (a child of the worker) as
        production does, "solo" in the worker process itself."""
        log = tmp_path / f"worker-{len(started)}.log"
        output = log.open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kam",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "-Q",
                queue,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env={**env, **(extra_env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((process, output))
        return process, log

    start.queue = queue
    # What the site queues from this process (services → accounts.outbox) goes there as well.
    from kam.celery import app

    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield start
    app.conf.task_default_queue = default_queue
    for process, output in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        output.close()


def ready(process, log, seconds: float = 60):
    """(process, log) of a worker once it is ready to take tasks (it says so in its log)."""
    deadline = time.monotonic() + seconds
    while " ready." not in log.read_text():
        assert process.poll() is None, f"the worker died:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"the worker is not ready:\n{log.read_text()}"
        time.sleep(0.1)
    return process, log


def use_broker(url: str) -> None:
    """Point this process's Celery at `url` from its next publish on."""
    from kam.celery import app

    app.conf.broker_url = url
    app.amqp._producer_pool = None
    app._pool = None


@pytest.fixture
def unreachable_broker():
    """Tasks are not run in-process and the broker is a closed port (connection refused), as
    when Redis is down: what the site queues stays in the outbox (accounts.outbox)."""
    from accounts import outbox
    from kam.celery import app

    eager, real = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    outbox.breaker.close()
    use_broker(f"redis://127.0.0.1:{free_port()}/0")
    yield
    use_broker(real)
    app.conf.task_always_eager = eager
    outbox.breaker.close()
