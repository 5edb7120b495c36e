"""The dashboard's number of SQL queries does not grow with the portfolio (issue 7 bar: the same
at 100 and 100,000 accounts, at most 15), cold and from the cache. 100,000 is tests/perf's."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Category
from planning.models import DevelopmentStage
from scoring.health.runs import health_recalculate_all
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    OpportunityFactory,
    PlanFactory,
    StageChangeFactory,
    SurveyFactory,
    TransactionFactory,
    score,
    shipped_criteria_set,
    uniform_values,
)

pytestmark = pytest.mark.django_db

URL = reverse("scoring:dashboard")
MAX_QUERIES = 16
# The session (read from the database), the signed-in user, the filter form's choices (tiers;
# managers for directors only), the figures (queries.dashboard: 10) and the top bar's unread
# count.
COLD = {"director": 15, "owner": 14}
# From the cache: the session, the signed-in user, the filter form's choices and the unread count.
WARM = {"director": 5, "owner": 4}


def portfolio(owner, size: int):
    criteria_set = shipped_criteria_set()
    for index in range(size):
        account = AccountFactory(
            owner=owner,
            category=Category.KEY if index % 3 == 0 else Category.NORMAL,
            relationship_stage=("early", "mid", "partnership")[index % 3],
        )
        TransactionFactory(account=account, amount=Decimal(1000 + index), gross_margin=Decimal(100))
        if index % 10 == 0:
            score(account, uniform_values(criteria_set, 2 + index % 7, 3 + index % 5))
        if index % 5 == 1:
            PlanFactory(account=account)
            SurveyFactory(account=account, satisfaction_index=Decimal(40 + index % 60))
            ComplaintFactory(account=account)
            StageChangeFactory(account=account, from_stage="early", to_stage="mid")
            OpportunityFactory(account=account, stage=DevelopmentStage.VALUE)
    health_recalculate_all()


@pytest.mark.parametrize("size", [3, 100])
@pytest.mark.parametrize("persona", ["director", "owner"])
def test_the_page_costs_the_same_queries_for_few_and_many_accounts(
    request, client_for, owner, persona, size, django_assert_num_queries
):
    portfolio(owner, size)
    client = client_for(request.getfixturevalue(persona))
    with django_assert_num_queries(COLD[persona]):
        response = client.get(URL)
    assert response.context["data"].total.accounts == size
    with django_assert_num_queries(WARM[persona]):
        client.get(URL)
    assert max(COLD.values()) <= MAX_QUERIES


def test_the_export_costs_no_more_than_the_page(
    client_for, director, owner, django_assert_max_num_queries
):
    portfolio(owner, 12)
    client = client_for(director)
    with django_assert_max_num_queries(COLD["director"]):
        response = client.get(reverse("scoring:dashboard_export"))
    assert response.status_code == 200
