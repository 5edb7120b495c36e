"""The stakeholder pages make the same number of SQL queries for 10 people as for 100."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Attitude, BuyingRole, StakeholderStatus
from tests.accounts.test_query_counts import MAX_QUERIES_BY_TAB
from tests.factories import (
    AccountFactory,
    CoverageFactory,
    PrivateNoteFactory,
    StakeholderFactory,
    StakeholderNeedFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 13  # + 1: the top bar's unread-notification count
ROLES = list(BuyingRole)
ATTITUDES = list(Attitude)


def count_queries(client, url):
    client.get(url)  # warm the session and lazily built settings
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def build_map(owner, size):
    account = AccountFactory(owner=owner)
    colleague = TeamMemberFactory(account=account).user
    people = []
    for n in range(size):
        people.append(
            StakeholderFactory(
                account=account,
                name=f"Person {n:03d}",
                reports_to=people[(n - 1) // 3] if n else None,
                buying_role=ROLES[n % len(ROLES)],
                attitude=ATTITUDES[n % len(ATTITUDES)],
                influence=1 + n % 5,
                involvement=1 + (n * 2) % 5,
                status=StakeholderStatus.LEFT if n % 9 == 8 else StakeholderStatus.ACTIVE,
                left_on="2026-01-01" if n % 9 == 8 else None,
            )
        )
    for person in people:
        StakeholderNeedFactory(stakeholder=person, scope="company")
        StakeholderNeedFactory(stakeholder=person, scope="personal")
        CoverageFactory(stakeholder=person)
        CoverageFactory(stakeholder=person, user=colleague, strength=1)
        PrivateNoteFactory(stakeholder=person)
    return account, people


@pytest.mark.parametrize(
    "page",
    [
        "accounts:stakeholders",
        "accounts:stakeholder_org_chart",
        "accounts:stakeholder_power_grid",
        "accounts:stakeholder_detail",
        "accounts:stakeholder_edit",
    ],
)
def test_stakeholder_pages_do_not_grow_with_people(client_for, owner, page):
    client = client_for(owner)
    counts = []
    for size in (10, 100):
        account, people = build_map(owner, size)
        # The card of the first person: their direct reports, needs and coverage grow with size.
        args = [account.pk, people[0].pk] if page.endswith(("detail", "edit")) else [account.pk]
        counts.append(count_queries(client, reverse(page, args=args)))
    few, many = counts
    assert few == many, f"{page}: {few} queries with 10 people, {many} with 100"
    assert many <= MAX_QUERIES, f"{page}: {many} queries"


def test_the_history_tab_with_stakeholder_changes_stays_bounded(client_for, owner):
    client = client_for(owner)
    counts = []
    for size in (10, 100):
        account, _people = build_map(owner, size)
        counts.append(count_queries(client, reverse("accounts:history", args=[account.pk])))
    assert counts[0] == counts[1], counts
    assert counts[1] <= MAX_QUERIES_BY_TAB["history"]  # one query per source of history
