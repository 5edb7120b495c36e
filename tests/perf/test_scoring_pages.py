"""Server time of the portfolio matrix and the 80/20 view at 100,000 accounts (make bench).

The demo seed scores every account. A bench database seeded before it did gets, on the first run,
a spread-out current assessment for each account without one (a single INSERT … SELECT), kept for
later runs."""

import pytest
from django.db import connection
from django.urls import reverse

from scoring.models import CriteriaSet, SetKind, SetStatus
from tests.perf.conftest import BENCH_ACCOUNTS
from tests.perf.test_account_pages import client_for, run

pytestmark = pytest.mark.django_db

PAGES = [
    ("scoring:matrix", ""),
    ("scoring:matrix", "?region=east"),
    ("scoring:matrix", "?category=key&industry=finance"),
    ("scoring:pareto", ""),
    ("scoring:pareto", "?region=east"),
]

# Indices spread over 0–100 by a hash of the id, so every quadrant fills.
SCORE_ACCOUNTS = """
INSERT INTO scoring_assessment
    (account_id, criteria_set_id, source, scored_at, note, attractiveness, advantage, quadrant,
     is_current)
SELECT a.id, %(set)s, 'scored', now(), '', s.att, s.adv,
       CASE WHEN s.att >= %(ta)s AND s.adv >= %(tb)s THEN 'key'
            WHEN s.att >= %(ta)s THEN 'develop'
            WHEN s.adv >= %(tb)s THEN 'maintain'
            ELSE 'opportunistic' END,
       true
FROM accounts_account a
CROSS JOIN LATERAL (
    SELECT ((a.id * 7919) %% 10001) / 100.0 AS att, ((a.id * 104729) %% 10001) / 100.0 AS adv
) s
WHERE NOT EXISTS (
    SELECT 1 FROM scoring_assessment x WHERE x.account_id = a.id AND x.is_current
)
"""


@pytest.fixture(scope="module", autouse=True)
def scored_portfolio(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        criteria_set = CriteriaSet.objects.get(kind=SetKind.ACCOUNT, status=SetStatus.PUBLISHED)
        with connection.cursor() as cursor:
            cursor.execute(
                SCORE_ACCOUNTS,
                {
                    "set": criteria_set.pk,
                    "ta": criteria_set.attractiveness_threshold,
                    "tb": criteria_set.advantage_threshold,
                },
            )
            if cursor.rowcount:
                print(f"\nScored {cursor.rowcount:,} accounts (once; kept for later runs)")
                cursor.execute("ANALYZE scoring_assessment")


@pytest.mark.parametrize(("name", "query"), PAGES)
@pytest.mark.parametrize("username", ["director", "manager"])
def test_portfolio_pages(report, username, name, query):
    from accounts.models import Account

    assert Account.objects.count() == BENCH_ACCOUNTS
    run(
        report,
        f"{name.split(':')[1]} as {username} {query or '(all)'}",
        client_for(username),
        reverse(name) + query,
        budget_ms=2000,
    )
