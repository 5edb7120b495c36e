"""Server time of the account list and account pages at 100,000 accounts (make bench)."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, User
from tests.accounts.test_query_counts import HEALTH_PANEL, MAX_QUERIES, MAX_QUERIES_BY_TAB
from tests.perf.conftest import BENCH_ACCOUNTS, measure

pytestmark = pytest.mark.django_db

LIST_QUERIES = [
    "",
    "?page=2",
    "?page=400",
    "?q=科技",
    "?q=electric",
    "?category=key&sort=-updated",
    "?industry=finance&region=east&sort=tier",
    "?sort=owner",
]


def client_for(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def run(report, name, client, url, budget_ms, max_queries=10):
    def fetch():
        response = client.get(url)
        assert response.status_code == 200

    median, p95, worst = measure(fetch)
    with CaptureQueriesContext(connection) as captured:
        fetch()
    report.append((name, (median, p95, worst), len(captured)))
    assert len(captured) <= max_queries
    assert p95 < budget_ms, f"{name}: p95 {p95:.0f} ms over the {budget_ms} ms budget"


@pytest.mark.parametrize("query", LIST_QUERIES)
@pytest.mark.parametrize("username", ["director", "manager"])
def test_account_list(report, username, query):
    assert Account.objects.count() == BENCH_ACCOUNTS
    run(
        report,
        f"list as {username} {query or '(first page)'}",
        client_for(username),
        reverse("accounts:list") + query,
        budget_ms=300,
    )


@pytest.mark.parametrize("tab", ["detail", "transactions", "complaints", "history", "team"])
def test_busiest_account_tabs(report, tab):
    busiest = Account.objects.annotate(orders=Count("transactions")).order_by("-orders").first()
    run(
        report,
        f"{tab} of the busiest account ({busiest.orders} orders)",
        client_for("director"),
        reverse(f"accounts:{tab}", args=[busiest.pk]),
        budget_ms=300,
        # The pinned counts of tests/accounts/test_query_counts.py.
        max_queries=MAX_QUERIES_BY_TAB.get(tab, MAX_QUERIES + HEALTH_PANEL),
    )
