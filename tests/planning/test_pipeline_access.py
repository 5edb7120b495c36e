"""DESIGN.md §3 on every pipeline URL: outsiders get 404, directors look but do not touch."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.models import Opportunity, OpportunityStageChange
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

ACCOUNT_URLS = {"planning:pipeline", "planning:opportunity_list", "planning:opportunity_create"}
OPPORTUNITY_URLS = {
    "planning:opportunity_detail",
    "planning:opportunity_edit",
    "planning:opportunity_criteria",
    "planning:opportunity_move",
    "planning:opportunity_lost",
}
NAMES = ACCOUNT_URLS | OPPORTUNITY_URLS


def urls(account, opportunity):
    found = {name: reverse(name, args=[account.pk]) for name in ACCOUNT_URLS}
    found.update(
        {name: reverse(name, args=[account.pk, opportunity.pk]) for name in OPPORTUNITY_URLS}
    )
    return found


def posts(account, opportunity):
    u = urls(account, opportunity)
    close = (timezone.localdate() + timedelta(days=30)).isoformat()
    figures = {"name": "Taken", "value": "1", "probability": "50", "expected_close": close}
    return {
        u["planning:opportunity_create"]: figures,
        u["planning:opportunity_edit"]: figures,
        u["planning:opportunity_criteria"]: {"criteria": ["need_confirmed"]},
        u["planning:opportunity_move"]: {"to_stage": "information", "reason": "Because."},
        u["planning:opportunity_lost"]: {"lost_reason": "Price."},
    }


def snapshot():
    return (
        list(Opportunity.objects.values_list("pk", "name", "stage", "criteria_met").order_by("pk")),
        OpportunityStageChange.objects.count(),
    )


@pytest.fixture
def opportunity(account):
    return OpportunityFactory(account=account)


def test_every_pipeline_url_is_covered_by_these_tests():
    mine = {
        n
        for n in url_names("planning")
        if n.startswith(("planning:opportunit", "planning:pipeline"))
    }
    assert mine == NAMES


def test_it_hides_every_pipeline_url_from_a_manager_outside_the_team(
    client_for, outsider, account, opportunity
):
    assert_hidden_from(client_for(outsider), urls(account, opportunity).values())


def test_a_director_cannot_post_and_nothing_changes(client_for, director, account, opportunity):
    assert_refused(client_for(director), posts(account, opportunity), snapshot)


def test_a_director_reads_the_board_list_and_opportunity(
    client_for, director, account, opportunity
):
    client = client_for(director)
    u = urls(account, opportunity)
    for name in ("planning:pipeline", "planning:opportunity_list", "planning:opportunity_detail"):
        assert client.get(u[name]).status_code == 200
    assert client.get(u["planning:opportunity_create"]).status_code == 403
    assert client.get(u["planning:opportunity_edit"]).status_code == 403


def test_the_team_and_admins_may_post(
    client_for, owner, teammate, admin_user, account, opportunity
):
    u = urls(account, opportunity)
    for user in (owner, teammate, admin_user):
        opportunity.refresh_from_db()
        response = client_for(user).post(
            u["planning:opportunity_criteria"],
            {"criteria": ["need_confirmed"], "row_version": opportunity.row_version},
        )
        assert response.status_code == 302
        assert "changed this" not in str(list(response.wsgi_request._messages))


def test_unknown_account_ids_answer_404(client_for, owner, opportunity):
    client = client_for(owner)
    for name in ACCOUNT_URLS:
        assert client.get(reverse(name, args=[999999])).status_code == 404
    for name in OPPORTUNITY_URLS:
        assert client.get(reverse(name, args=[999999, opportunity.pk])).status_code == 404
