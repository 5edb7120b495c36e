"""The board, the list and the opportunity page do not grow with their rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.models import DevelopmentStage as Stage
from planning.models import OpportunityStageChange
from tests.factories import AccountFactory, OpportunityFactory, UserFactory, tier

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10
STAGES = list(Stage.values)


def count_queries(client, url):
    client.get(url)  # warm the session and lazily built settings
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def fill(account, rows):
    owners = [UserFactory() for _ in range(3)]
    for index in range(rows):
        stage = STAGES[index % len(STAGES)]
        OpportunityFactory(
            account=account,
            owner=owners[index % 3],
            stage=stage,
            lost_reason="Price" if stage == Stage.LOST else "",
        )


@pytest.mark.parametrize("name", ["planning:pipeline", "planning:opportunity_list"])
@pytest.mark.parametrize("persona", ["owner", "director"])
def test_board_and_list_do_not_grow_with_opportunities(client_for, request, name, persona):
    owner = request.getfixturevalue("owner")
    user = request.getfixturevalue(persona)
    small = AccountFactory(owner=owner, tier=tier("gold"))
    large = AccountFactory(owner=owner, tier=tier("gold"))
    fill(small, 5)
    fill(large, 200)
    client = client_for(user)
    query = "?sort=-weighted" if name.endswith("list") else ""
    few = count_queries(client, reverse(name, args=[small.pk]) + query)
    many = count_queries(client, reverse(name, args=[large.pk]) + query)
    assert few == many, f"{name}: {few} queries with 5 rows, {many} with 200"
    assert many <= MAX_QUERIES, f"{name}: {many} queries"


def test_the_opportunity_page_does_not_grow_with_its_history(client_for, owner, account):
    few = OpportunityFactory(account=account)
    many = OpportunityFactory(account=account)
    for opportunity, moves in ((few, 5), (many, 200)):
        OpportunityStageChange.objects.bulk_create(
            OpportunityStageChange(
                opportunity=opportunity,
                from_stage=Stage.TARGET,
                to_stage=Stage.INFORMATION,
                criteria_skipped=["need_confirmed"],
                reason="r",
                changed_by=UserFactory() if i % 50 == 0 else owner,
            )
            for i in range(moves)
        )
    client = client_for(owner)

    def page(opportunity):
        return reverse("planning:opportunity_detail", args=[account.pk, opportunity.pk])

    assert count_queries(client, page(few)) == count_queries(client, page(many)) <= MAX_QUERIES
