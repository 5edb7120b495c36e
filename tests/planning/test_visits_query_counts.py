"""The Visits tab and the visit page make the same number of queries whatever their rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import AccountFactory, StakeholderFactory, TeamMemberFactory, VisitFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def count_queries(client, url):
    client.get(url)  # warm the session and lazily built settings
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def fill_visits(account, count):
    people = StakeholderFactory.create_batch(3, account=account)
    team = [account.owner, TeamMemberFactory(account=account).user]
    now = timezone.now()
    for i in range(count):
        visit = VisitFactory(account=account, starts_at=now + timedelta(days=i % 40 - 20))
        visit.attendees.set(people)
        visit.our_attendees.set(team)


def test_the_visits_tab_does_not_grow_with_visits(client_for, owner):
    small = AccountFactory(owner=owner)
    large = AccountFactory(owner=owner)
    fill_visits(small, 5)
    fill_visits(large, 200)
    client = client_for(owner)
    few = count_queries(client, reverse("planning:visits", args=[small.pk]))
    many = count_queries(client, reverse("planning:visits", args=[large.pk]))
    assert few == many, f"{few} queries with 5 visits, {many} with 200"
    assert many <= MAX_QUERIES


@pytest.mark.parametrize("name", ["planning:visit_detail", "planning:visit_report"])
def test_the_visit_page_does_not_grow_with_attendees(client_for, owner, name):
    counts = []
    for size in (2, 20):
        account = AccountFactory(owner=owner)
        team = [owner] + [TeamMemberFactory(account=account).user for _ in range(size - 1)]
        visit = VisitFactory(account=account, starts_at=timezone.now() - timedelta(hours=2))
        visit.attendees.set(StakeholderFactory.create_batch(size, account=account))
        visit.our_attendees.set(team)
        counts.append(count_queries(client_for(owner), reverse(name, args=[account.pk, visit.pk])))
    assert counts[0] == counts[1], f"{counts[0]} queries with 2 attendees, {counts[1]} with 20"
    assert counts[1] <= MAX_QUERIES


def test_the_prepare_form_does_not_grow_with_stakeholders(client_for, owner):
    counts = []
    for size in (2, 30):
        account = AccountFactory(owner=owner)
        StakeholderFactory.create_batch(size, account=account)
        for _ in range(size // 2):
            TeamMemberFactory(account=account)
        counts.append(
            count_queries(client_for(owner), reverse("planning:visit_create", args=[account.pk]))
        )
    assert counts[0] == counts[1]
    assert counts[1] <= MAX_QUERIES
