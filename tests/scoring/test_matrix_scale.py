"""The matrix and the 80/20 view compute on the database side: the same number of queries at
10 accounts as at 10,000 (issue 5 bar), for a director and for a manager."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, AccountTeamMember, Category, Transaction
from scoring import engine
from scoring.models import Assessment
from tests.factories import shipped_criteria_set

pytestmark = pytest.mark.django_db

PAGES = ["scoring:matrix", "scoring:pareto"]
MAX_QUERIES = 10


def add_accounts(count: int, owner, *, team_member=None, start: int = 0) -> None:
    """`count` scored accounts with two orders each this year, inserted in bulk."""
    rng = random.Random(start)
    criteria_set = shipped_criteria_set()
    categories = [Category.KEY, Category.NORMAL, Category.TARGET, Category.LOST]
    accounts = Account.objects.bulk_create(
        Account(
            name=f"Scale {start + i:05d}",
            industry="manufacturing",
            region=["east", "south", "north"][i % 3],
            category=categories[i % 4],
            owner=owner,
        )
        for i in range(count)
    )
    assessments, orders, team = [], [], []
    today = timezone.localdate()
    for account in accounts:
        a = Decimal(rng.randint(0, 10000)) / 100
        b = Decimal(rng.randint(0, 10000)) / 100
        assessments.append(
            Assessment(
                account=account,
                criteria_set=criteria_set,
                attractiveness=a,
                advantage=b,
                quadrant=engine.quadrant(a, b, Decimal(50), Decimal(50)),
            )
        )
        for days in (10, 200):
            amount = Decimal(rng.randint(1, 500_000))
            orders.append(
                Transaction(
                    account=account,
                    date=today - timedelta(days=days),
                    amount=amount,
                    gross_margin=amount / 5,
                )
            )
        if team_member is not None:
            team.append(AccountTeamMember(account=account, user=team_member))
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    Transaction.objects.bulk_create(orders, batch_size=2000)
    AccountTeamMember.objects.bulk_create(team, batch_size=2000)


def queries_for(client, name) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name) + "?region=east")
        assert response.status_code == 200
        response = client.get(reverse(name))
        assert response.status_code == 200
    return len(captured)


def test_same_queries_at_10_and_10000_accounts(
    client_for, director, owner, teammate, django_assert_max_num_queries
):
    clients = {"director": client_for(director), "teammate": client_for(teammate)}
    add_accounts(10, owner, team_member=teammate)
    small = {
        (who, name): queries_for(client, name) for who, client in clients.items() for name in PAGES
    }
    add_accounts(9_990, owner, team_member=teammate, start=10)
    assert Account.objects.count() == 10_000
    for (who, name), count in small.items():
        with django_assert_max_num_queries(2 * MAX_QUERIES):
            assert queries_for(clients[who], name) == count, f"{name} as {who}"

    response = clients["director"].get(reverse("scoring:matrix"))
    assert len(response.context["chart"].bubbles) == 300
    assert sum(q.count for q in response.context["data"].quadrants) == 10_000
    assert "Showing the 300 largest of 10,000" in response.content.decode()
    pareto = clients["teammate"].get(reverse("scoring:pareto")).context["revenue"]
    assert pareto.accounts == 10_000
    assert len(pareto.points) == 100 + 10  # every 100th row, and the top ten
