"""Benchmarks run on a real, persistent PostgreSQL database seeded by `seed_demo`, not on the
empty test database: `make bench` points DATABASE_URL at kam_bench and seeds it once (minutes)."""

import os
import statistics
import time

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

BENCH_ACCOUNTS = int(os.environ.get("KAM_BENCH_ACCOUNTS", "100000"))


def _ensure_database_exists():
    db = settings.DATABASES["default"]
    params = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit("Benchmarks need PostgreSQL: set DATABASE_URL (make bench does).", returncode=2)
    _ensure_database_exists()
    with django_db_blocker.unblock():
        from accounts.models import Account

        call_command("migrate", verbosity=0)
        if Account.objects.count() != BENCH_ACCOUNTS:
            started = time.perf_counter()
            print(f"\nSeeding {BENCH_ACCOUNTS:,} accounts (once; kept for later runs)…")
            with override_settings(KAM_DEMO_MODE=True):  # the bench database is a demo
                call_command("seed_demo", accounts=BENCH_ACCOUNTS, seed=1, reset=True, verbosity=0)
            print(f"Seeded in {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(fn, repeat=20, warmup=2):
    """Milliseconds: (median, p95, max) of `repeat` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95, samples[-1]


@pytest.fixture(scope="session")
def report():
    rows = []
    yield rows
    print("\n\n" + "=" * 96)
    print(f"{'benchmark':60} {'median':>9} {'p95':>9} {'max':>9} {'queries':>7}")
    for name, (median, p95, worst), queries in rows:
        print(f"{name:60} {median:8.1f}ms {p95:8.1f}ms {worst:8.1f}ms {queries:>7}")
    print("=" * 96)
