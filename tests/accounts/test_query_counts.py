"""A page's number of SQL queries does not grow with its rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    TeamMemberFactory,
    TransactionFactory,
    tier,
)

pytestmark = pytest.mark.django_db

# Every signed-in page reads its session from the database (kam/settings.py: sessions are not
# cached, so Redis being down signs nobody out): one query.
SESSION = 1 + 1  # the session, and the top bar's unread-notification count
MAX_QUERIES = 10 + SESSION
# The account header's health panel (scoring.health.header: risk and satisfaction sparklines)
# reads one query on every tab.
HEALTH_PANEL = 1
# The History tab reads one query per source of history; scoring's assessments are the eleventh,
# surveys and churn-risk levels the twelfth and thirteenth, the imports that touched the account
# the fourteenth.
MAX_QUERIES_BY_TAB = {"history": 14 + HEALTH_PANEL + SESSION}


def count_queries(client, url):
    client.get(url)  # warm the session cache and lazily built settings
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def fill_account(account, rows):
    today = timezone.localdate()
    TransactionFactory.create_batch(rows, account=account, date=today - timedelta(days=20))
    ComplaintFactory.create_batch(rows, account=account, owner=account.owner)
    for _ in range(min(rows, 20)):
        TeamMemberFactory(account=account)
    account.name = f"{account.name} (edited)"
    account.save()


@pytest.mark.parametrize("tab", ["detail", "history", "team", "transactions", "complaints"])
def test_account_tabs_do_not_grow_with_rows(client_for, owner, tab):
    small = AccountFactory(owner=owner, tier=tier("gold"))
    large = AccountFactory(owner=owner, tier=tier("gold"))
    fill_account(small, 5)
    fill_account(large, 200)
    client = client_for(owner)
    few = count_queries(client, reverse(f"accounts:{tab}", args=[small.pk]))
    many = count_queries(client, reverse(f"accounts:{tab}", args=[large.pk]))
    assert few == many, f"{tab}: {few} queries with 5 rows, {many} with 200"
    bound = MAX_QUERIES_BY_TAB.get(tab, MAX_QUERIES + HEALTH_PANEL)
    assert many <= bound, f"{tab}: {many} queries"


@pytest.mark.parametrize("persona", ["owner", "director"])
def test_account_list_does_not_grow_with_rows(client_for, request, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    url = reverse("accounts:list") + "?sort=owner"
    gold = tier("gold")

    AccountFactory.create_batch(5, owner=request.getfixturevalue("owner"), tier=gold)
    few = count_queries(client, url)
    for account in AccountFactory.create_batch(
        195, owner=request.getfixturevalue("owner"), tier=gold
    ):
        TransactionFactory(account=account)
    many = count_queries(client, url)
    assert few == many, f"{few} queries with 5 accounts, {many} with 200"
    assert many <= MAX_QUERIES


def test_filtered_list_with_search_is_bounded(client_for, owner):
    AccountFactory.create_batch(30, owner=owner)
    client = client_for(owner)
    count = count_queries(client, reverse("accounts:list") + "?q=Customer&category=normal&page=2")
    assert count <= MAX_QUERIES
