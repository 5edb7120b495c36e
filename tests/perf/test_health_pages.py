"""Server time of the account-health pages at 100,000 accounts (make bench): the overview for a
director (every account) and a manager, and the busiest account's Health tab. The health rows
come from a full recalculation, run once if the bench database has none."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.models import Account
from scoring.health import runs
from scoring.models import AccountHealth, RunTrigger
from tests.perf.conftest import BENCH_ACCOUNTS
from tests.perf.test_account_pages import client_for, run

pytestmark = pytest.mark.django_db

OVERVIEW_QUERIES = [
    "",
    "?page=20",
    "?level=high",
    "?region=east&sort=change",
    "?changed=on&sort=satisfaction",
]


# A week-old snapshot for every account, its risk spread ±10 around today's by a hash of the id,
# so "since last week" has something to show, filter and sort on.
WEEK_OLD_SNAPSHOTS = """
INSERT INTO scoring_healthsnapshot (account_id, day, risk_score, risk_level, satisfaction_index)
SELECT h.account_id, %(day)s,
       GREATEST(0, LEAST(100, h.risk_score + (h.account_id * 7919) %% 21 - 10)),
       h.risk_level, h.satisfaction_index
FROM scoring_accounthealth h
ON CONFLICT (account_id, day) DO NOTHING
"""


@pytest.fixture(scope="module", autouse=True)
def recalculated(django_db_setup, django_db_blocker):
    """Health for every account, with a change since last week (kept for later runs)."""
    with django_db_blocker.unblock():
        if AccountHealth.objects.count() < BENCH_ACCOUNTS:
            runs.health_recalculate_all(trigger=RunTrigger.COMMAND)
        if not AccountHealth.objects.filter(risk_change__isnull=False).exists():
            with connection.cursor() as cursor:
                cursor.execute(
                    WEEK_OLD_SNAPSHOTS, {"day": timezone.localdate() - datetime.timedelta(days=7)}
                )
            runs.health_recalculate_all(trigger=RunTrigger.COMMAND)
        # As a nightly run leaves the table (other benchmarks rewrite it inside transactions).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) scoring_accounthealth")


@pytest.mark.parametrize("query", OVERVIEW_QUERIES)
@pytest.mark.parametrize("username", ["director", "manager"])
def test_health_overview(report, username, query):
    run(
        report,
        f"health overview as {username} {query or '(first page)'}",
        client_for(username),
        f"/health/{query}",
        # Every visible account is counted by level and sorted; at 100,000 that is ~0.15 s of
        # SQL before the page is drawn.
        budget_ms=400,
    )


def test_health_tab_of_the_busiest_account(report):
    busiest = Account.objects.annotate(orders=Count("transactions")).order_by("-orders").first()
    run(
        report,
        f"Health tab of the busiest account ({busiest.orders} orders)",
        client_for("director"),
        f"/accounts/{busiest.pk}/health/",
        budget_ms=300,
        max_queries=15,
    )
