"""The Celery settings no background job may hang, loop or run twice under (README, "Background
jobs"): a time limit on every task, a visibility timeout beyond the longest of them, dead jobs
noticed within two minutes, bounded redelivery of a job that kills its worker."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from kam.celery import app

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def kam_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def seconds(schedule) -> float:
    if isinstance(schedule, datetime.timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, int | float):
        return float(schedule)
    return schedule.run_every.total_seconds()


def test_every_task_has_a_soft_limit_below_its_hard_limit(kam_tasks):
    assert {"scoring.tasks.recalculate_health", "planning.tasks.send_daily_digests"} <= set(
        kam_tasks
    )
    for name, task in kam_tasks.items():
        assert task.soft_time_limit and task.time_limit, name
        assert task.soft_time_limit < task.time_limit, name


def test_the_jobs_over_every_account_may_run_twenty_times_their_bench_time(kam_tasks):
    # A full health run of 100,000 accounts takes under 60 s (tests/perf's budget).
    for name in (
        "scoring.tasks.recalculate_health",
        "scoring.tasks.retry_health_run",
        "accounts.tasks.run_import_step",
    ):
        assert kam_tasks[name].soft_time_limit >= 20 * 60, name


def test_redis_never_hands_a_running_job_to_a_second_worker(kam_tasks):
    """A message comes back after the visibility timeout even while its job still runs: the
    timeout must outlast the longest job, counted from a delivery that waits out a retry's
    delay (a task sent again after its worker process died)."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    longest = max(task.time_limit + task.default_retry_delay for task in kam_tasks.values())
    assert visibility > longest


def test_a_dead_job_is_noticed_within_two_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["reap-dead-health-runs"]
    assert entry["task"] == "scoring.tasks.reap_dead_health_runs"
    assert entry["task"] in app.tasks
    period = seconds(entry["schedule"])
    assert settings.KAM_JOB_LEASE_SECONDS + period <= 120
    # A reaper message no worker ran within its minute is dropped, not piled up.
    assert entry["options"]["expires"] <= period


def test_a_job_that_kills_its_worker_is_sent_again_a_bounded_number_of_times(kam_tasks):
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.task_retry_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    for name, task in kam_tasks.items():
        assert task.acks_late and task.retry_on_worker_lost, name
        assert task.max_retries is not None, f"{name} would be sent again forever"


def test_a_worker_process_is_replaced_after_a_task_left_it_large():
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD == 300 * 1024  # KiB


def _settings_with(**env) -> subprocess.CompletedProcess:
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_WORKER_MAX_MEMORY_PER_CHILD)"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kam.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("value", "kib"), [("512", "524288"), ("0", "None")])
def test_the_memory_limit_follows_the_environment(value, kib):
    result = _settings_with(KAM_WORKER_MAX_MEMORY_MB=value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == kib


def test_a_memory_limit_that_is_not_a_number_stops_the_process():
    result = _settings_with(KAM_WORKER_MAX_MEMORY_MB="lots")
    assert result.returncode != 0
    assert "KAM_WORKER_MAX_MEMORY_MB" in result.stderr


def test_the_compose_worker_uses_the_pool_that_enforces_the_limits():
    compose = (BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8")
    worker = compose.split("\n  worker:\n", 1)[1].split("\n  beat:\n", 1)[0]
    assert '"--pool", "prefork"' in worker
    assert "stop_grace_period:" in worker
