"""My week makes the same number of queries with 5 and with 200 rows of each kind."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planning.models import VisitStatus
from planning.week.queries import week_for
from tests.factories import (
    AccountFactory,
    ActionFactory,
    ComplaintFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    VisitFactory,
    tier,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def fill(user, n):
    today = timezone.localdate()
    now = timezone.now()
    gold = tier("gold")
    for i in range(n):
        account = AccountFactory(owner=user, category="key", tier=gold)
        VisitFactory(account=account, starts_at=now + timedelta(days=1 + i % 10))
        VisitFactory(account=account, starts_at=now - timedelta(days=1 + i % 10))
        VisitFactory(
            account=account,
            starts_at=now - timedelta(days=40),
            status=VisitStatus.REPORTED,
            reported_at=now,
            next_step=f"Step {i}",
            next_step_on=today - timedelta(days=1),
        )
        objective = ObjectiveFactory(plan=PlanFactory(account=account, status="draft"))
        ActionFactory(objective=objective, owner=user, due_on=today - timedelta(days=2))
        ComplaintFactory(account=account, due_on=today - timedelta(days=1))


def test_week_for_and_the_page_do_not_grow_with_rows(client_for):
    few_user, many_user = (UserFactory(role="account_manager") for _ in range(2))
    fill(few_user, 5)
    fill(many_user, 200)
    today = timezone.localdate()

    counts = {}
    for user, n in ((few_user, 5), (many_user, 200)):
        with CaptureQueriesContext(connection) as captured:
            week = week_for(user, today)
        for section in week.SECTIONS:
            assert len(getattr(week, section)) == n, section
        counts[n] = len(captured)
    assert counts[5] == counts[200] <= 8

    pages = {}
    for user, n in ((few_user, 5), (many_user, 200)):
        client = client_for(user)
        client.get(reverse("my:week"))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("my:week"))
        assert response.status_code == 200
        pages[n] = len(captured)
    assert pages[5] == pages[200] <= MAX_QUERIES, pages
