"""Server time of the portfolio dashboard at 100,000 accounts (make bench), uncached and cached,
for a director (the whole portfolio, unfiltered and filtered) and for the demo manager.

Uncached: before each request the cache's version is replaced, so the request computes every
figure. Cached: the same request again. The health rows come from a full recalculation, run once
if the bench database has none; the month-old snapshots the tiles compare with are filled for
every account (the demo seed back-fills only some at this size) and kept for later runs."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring.dashboard import cache, queries
from scoring.health import runs
from scoring.models import AccountHealth, HealthSnapshot, RunTrigger
from tests.perf.conftest import BENCH_ACCOUNTS, measure
from tests.perf.test_account_pages import client_for
from tests.scoring.test_dashboard_page_queries import MAX_QUERIES

pytestmark = pytest.mark.django_db

PAGES = [
    ("director", ""),
    ("director", "?region=east"),
    ("director", "?category=key&compare=quarter"),
    ("manager", ""),
]
UNCACHED_BUDGET_MS = 3000  # a guard against regressions; the aim (300 ms) is reported, see README
CACHED_BUDGET_MS = 30

MONTH_OLD_SNAPSHOTS = """
INSERT INTO scoring_healthsnapshot
    (account_id, day, risk_score, risk_level, satisfaction_index, category, revenue_12m,
     visited_in_cadence, has_active_plan, complaints_past_due)
SELECT h.account_id, %(day)s,
       GREATEST(0, LEAST(100, h.risk_score + (h.account_id * 7919) %% 21 - 10)), h.risk_level,
       h.satisfaction_index, a.category, h.revenue_12m * 0.95, h.visited_in_cadence,
       h.has_active_plan, h.complaints_past_due
FROM scoring_accounthealth h JOIN accounts_account a ON a.id = h.account_id
ON CONFLICT (account_id, day) DO NOTHING
"""


@pytest.fixture(scope="module", autouse=True)
def recalculated(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if AccountHealth.objects.filter(revenue_prev_12m__gt=0).count() == 0:
            runs.health_recalculate_all(trigger=RunTrigger.COMMAND)
        month_ago = timezone.localdate() - datetime.timedelta(days=queries.COMPARE_DAYS["month"])
        if HealthSnapshot.objects.filter(day=month_ago).count() < BENCH_ACCOUNTS:
            with connection.cursor() as cursor:
                cursor.execute(MONTH_OLD_SNAPSHOTS, {"day": month_ago})
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) scoring_accounthealth")
            cursor.execute("ANALYZE scoring_healthsnapshot")


def _fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("username", "query"), PAGES)
def test_dashboard(report, username, query):
    client = client_for(username)
    url = reverse("scoring:dashboard") + query

    def uncached():
        cache.replace_version()
        _fetch(client, url)

    def cached():
        _fetch(client, url)

    label = f"dashboard as {username} {query or '(all accounts)'}"
    median, p95, worst = measure(uncached, repeat=10, warmup=1)
    cache.replace_version()
    with CaptureQueriesContext(connection) as uncached_queries:
        _fetch(client, url)
    report.append((f"{label}, uncached", (median, p95, worst), len(uncached_queries)))

    median_c, p95_c, worst_c = measure(cached, repeat=30)
    with CaptureQueriesContext(connection) as cached_queries:
        _fetch(client, url)
    report.append((f"{label}, cached", (median_c, p95_c, worst_c), len(cached_queries)))

    assert len(uncached_queries) <= MAX_QUERIES
    assert p95 < UNCACHED_BUDGET_MS
    assert p95_c < CACHED_BUDGET_MS


def test_the_export_of_the_whole_portfolio(report):
    client = client_for("director")
    url = reverse("scoring:dashboard_export")

    def uncached():
        cache.replace_version()
        _fetch(client, url)

    median, p95, worst = measure(uncached, repeat=5, warmup=1)
    cache.replace_version()
    with CaptureQueriesContext(connection) as captured:
        _fetch(client, url)
    report.append(("dashboard export (xlsx), uncached", (median, p95, worst), len(captured)))
    assert len(captured) <= MAX_QUERIES
    assert p95 < UNCACHED_BUDGET_MS
