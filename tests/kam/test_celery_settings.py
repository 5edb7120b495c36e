"""The Celery settings no background job may hang, loop or run twice under (README, "Background
jobs"): a time limit on every task, a visibility timeout beyond the longest of them, dead jobs
noticed within two minutes, bounded redelivery of a job that kills its worker."""

import ast
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


def shared_tasks_in_the_code() -> set[str]:
    """Every function decorated @shared_task in the apps' tasks.py files, by its Celery name."""
    names = set()
    for app_name in ("kam", "accounts", "planning", "scoring"):
        tree = ast.parse((BASE_DIR / app_name / "tasks.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and any(
                "shared_task" in ast.unparse(decorator) for decorator in node.decorator_list
            ):
                names.add(f"{app_name}.tasks.{node.name}")
    return names


def test_every_task_in_the_code_is_registered_with_its_limits(kam_tasks):
    # The check above covers what the worker registers; this one, that nothing in a tasks.py
    # escaped registration (and so the limits the worker applies to registered tasks).
    in_code = shared_tasks_in_the_code()
    assert len(in_code) >= 10
    assert in_code <= set(kam_tasks)
    for name in in_code:
        limits = (kam_tasks[name].soft_time_limit, kam_tasks[name].time_limit)
        assert limits == (
            settings.CELERY_TASK_SOFT_TIME_LIMIT,
            settings.CELERY_TASK_TIME_LIMIT,
        ) or (
            limits
            == (
                settings.CELERY_TASK_ANNOTATIONS[name]["soft_time_limit"],
                settings.CELERY_TASK_ANNOTATIONS[name]["time_limit"],
            )
        ), f"{name}: limits {limits} are neither the default nor its annotation"


def test_every_annotation_names_a_real_task(kam_tasks):
    # A misspelt name in CELERY_TASK_ANNOTATIONS would leave its task on the 5-minute default.
    assert set(settings.CELERY_TASK_ANNOTATIONS) <= set(kam_tasks)


def test_the_jobs_over_every_account_may_run_twenty_times_their_bench_time(kam_tasks):
    # Twenty times the health run benchmark's budget (tests/perf: FULL_RUN_BUDGET_S).
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


def _settings_with(value: str = "CELERY_WORKER_MAX_MEMORY_PER_CHILD", **env):
    script = (
        f"import django; django.setup(); from django.conf import settings as s; print(s.{value})"
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


def test_a_worker_runs_two_processes_unless_told_otherwise():
    assert settings.CELERY_WORKER_CONCURRENCY == 2
    assert app.conf.worker_concurrency == 2


def test_the_concurrency_follows_the_environment():
    script = "from kam.celery import app; print(app.conf.worker_concurrency)"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kam.settings", "KAM_WORKER_CONCURRENCY": "5"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "5"


@pytest.mark.parametrize("value", ["0", "many"])
def test_a_concurrency_below_one_or_not_a_number_stops_the_process(value):
    result = _settings_with("CELERY_WORKER_CONCURRENCY", KAM_WORKER_CONCURRENCY=value)
    assert result.returncode != 0
    assert "KAM_WORKER_CONCURRENCY" in result.stderr.strip().splitlines()[-1]


def test_the_compose_worker_gets_its_concurrency_and_memory_limit():
    compose = (BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8")
    worker = compose.split("\n  worker:\n", 1)[1].split("\n  beat:\n", 1)[0]
    assert "KAM_WORKER_CONCURRENCY: ${KAM_WORKER_CONCURRENCY:-2}" in worker
    assert "KAM_WORKER_MAX_MEMORY_MB: ${KAM_WORKER_MAX_MEMORY_MB:-300}" in worker


def test_the_systemd_worker_uses_the_same_pool_and_settings():
    unit = (BASE_DIR / "deploy" / "systemd" / "kam-worker.service").read_text(encoding="utf-8")
    assert "--pool prefork" in unit
    assert "EnvironmentFile=" in unit
    # Longer than the worker takes to finish what it runs (like compose's stop_grace_period).
    assert "TimeoutStopSec=120" in unit
