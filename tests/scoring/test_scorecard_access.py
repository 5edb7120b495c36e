"""DESIGN.md §3 on every scorecard URL: outsiders get 404, directors read the tab but never
write, the team and admins edit."""

import pytest
from django.urls import reverse

from scoring.models import ValueScorecard
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.factories import ScorecardFactory

pytestmark = pytest.mark.django_db

NAMES = {"scoring:scorecard", "scoring:scorecard_edit"}


def urls(account):
    return {name: reverse(name, args=[account.pk]) for name in NAMES}


def snapshot():
    return list(
        ValueScorecard.objects.values_list(
            "pk", "current_purchases", "purchase_capacity", "revenue_target", "potential_class"
        ).order_by("pk")
    )


def test_every_scorecard_url_is_covered_by_these_tests():
    assert {n for n in url_names("scoring") if n.startswith("scoring:scorecard")} == NAMES


def test_it_hides_every_scorecard_url_from_a_manager_outside_the_team(
    client_for, outsider, account
):
    ScorecardFactory(account=account, current_purchases=1, purchase_capacity=4)
    assert_hidden_from(client_for(outsider), urls(account).values())


def test_a_director_reads_the_tab_but_cannot_edit_and_nothing_changes(
    client_for, director, account
):
    ScorecardFactory(account=account, current_purchases=1, purchase_capacity=4)
    client = client_for(director)
    page = client.get(urls(account)["scoring:scorecard"])
    assert page.status_code == 200
    assert b'data-testid="scorecard-edit"' not in page.content
    assert client.get(urls(account)["scoring:scorecard_edit"]).status_code == 403
    data = {"current_purchases": "3", "purchase_capacity": "4", "revenue_target": "1"}
    assert_refused(client, {urls(account)["scoring:scorecard_edit"]: data}, unchanged=snapshot)


def test_the_tab_answers_only_get(client_for, owner, account):
    assert client_for(owner).post(urls(account)["scoring:scorecard"]).status_code == 405


@pytest.mark.parametrize("persona", ["owner", "teammate", "admin_user"])
def test_the_team_and_admins_open_and_save_the_form(client_for, request, persona, account):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(urls(account)["scoring:scorecard"]).status_code == 200
    assert client.get(urls(account)["scoring:scorecard_edit"]).status_code == 200
    data = {"purchase_capacity": "2", "row_version": "0"}  # the account has no scorecard yet
    response = client.post(urls(account)["scoring:scorecard_edit"], data)
    assert response.status_code == 302
    assert ValueScorecard.objects.get(account=account).purchase_capacity == 2
