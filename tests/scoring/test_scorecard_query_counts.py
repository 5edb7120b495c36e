"""The Value tab makes the same, bounded number of queries whatever the rows behind it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    OpportunityFactory,
    ScorecardFactory,
    TransactionFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

# The shared header and the account included, and the session (read from the database).
MAX_QUERIES = 12  # + 1: the top bar's unread-notification count


def fill(account, count):
    today = timezone.localdate()
    now = timezone.now()
    for i in range(count):
        TransactionFactory(account=account, date=today - timedelta(days=i % 1000))
        VisitFactory(
            account=account,
            starts_at=now - timedelta(days=i % 400),
            status="reported",
            reported_at=now,
        )
    for i in range(min(count, 20)):
        ComplaintFactory(
            account=account,
            opened_on=today - timedelta(days=30),
            due_on=today - timedelta(days=20),
            status="resolved",
            resolved_on=today - timedelta(days=i % 20),
            resolution="Fixed",
        )
        OpportunityFactory(account=account)


def tab_queries(client, account, django_assert_max_num_queries):
    url = reverse("scoring:scorecard", args=[account.pk])
    client.get(url)  # warm the session
    with (
        django_assert_max_num_queries(MAX_QUERIES),
        CaptureQueriesContext(connection) as captured,
    ):
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("with_scorecard", [False, True])
def test_the_value_tab_does_not_grow_with_transactions_and_visits(
    client_for, owner, django_assert_max_num_queries, with_scorecard
):
    empty, full = AccountFactory(owner=owner), AccountFactory(owner=owner)
    fill(full, 500)
    if with_scorecard:
        for account in (empty, full):
            ScorecardFactory(account=account, current_purchases=1, purchase_capacity=4)
    client = client_for(owner)
    few = tab_queries(client, empty, django_assert_max_num_queries)
    many = tab_queries(client, full, django_assert_max_num_queries)
    assert few == many, f"{few} queries with no rows, {many} with 500 transactions and visits"


def test_a_long_history_does_not_add_queries(client_for, owner, django_assert_max_num_queries):
    account = AccountFactory(owner=owner)
    client = client_for(owner)
    for value in ("1", "2", "3", "4", "0", "1", "2"):
        client.post(
            reverse("scoring:scorecard_edit", args=[account.pk]), {"strategic_value": value}
        )
    tab_queries(client, account, django_assert_max_num_queries)
