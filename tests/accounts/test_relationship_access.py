"""DESIGN.md §3 on every relationship and stage URL: outsiders get 404, directors look but do not
touch."""

import pytest
from django.urls import reverse

from accounts.models import Account, StageAssessment, StageChange
from tests.access_checks import assert_hidden_from, assert_refused, url_names

pytestmark = pytest.mark.django_db

NAMES = {
    "accounts:relationship",
    "accounts:relationship_profile",
    "accounts:stage_change",
    "accounts:stage_assessment",
}


def urls(account):
    return {name: reverse(name, args=[account.pk]) for name in NAMES}


def posts(account):
    u = urls(account)
    version = {"row_version": account.row_version}
    return {
        u["accounts:stage_change"]: {
            "to_stage": "mid",
            "target_stage": "partnership",
            "rationale": "Met their CFO.",
            **version,
        },
        u["accounts:stage_assessment"]: {
            "signs": ["first_orders", "single_contact"],
            "row_version": 0,
        },
        u["accounts:relationship_profile"]: {
            "seller_intent": "high",
            "buyer_intent": "high",
            **version,
        },
    }


def snapshot():
    return (
        list(
            Account.objects.values_list(
                "pk",
                "relationship_stage",
                "target_stage",
                "seller_intent",
                "buyer_intent",
                "decision_style",
            ).order_by("pk")
        ),
        StageChange.objects.count(),
        StageAssessment.objects.count(),
    )


def test_every_relationship_url_is_covered_by_these_tests():
    mine = {
        n
        for n in url_names("accounts")
        if n.startswith(("accounts:relationship", "accounts:stage"))
    }
    assert mine == NAMES


def test_it_hides_every_relationship_url_from_a_manager_outside_the_team(
    client_for, outsider, account
):
    assert_hidden_from(client_for(outsider), urls(account).values())


def test_a_director_sees_the_tab_without_the_forms(client_for, director, account):
    client = client_for(director)
    response = client.get(reverse("accounts:relationship", args=[account.pk]))
    assert response.status_code == 200
    assert b'data-testid="stage-ladder"' in response.content
    assert b'data-testid="stage-form"' not in response.content
    checklist = client.get(reverse("accounts:stage_assessment", args=[account.pk]))
    assert checklist.status_code == 200
    assert b"Save assessment" not in checklist.content


def test_a_director_cannot_post_and_nothing_changes(client_for, director, account):
    assert_refused(client_for(director), posts(account), snapshot)


def test_the_team_and_admins_may_post(client_for, owner, teammate, admin_user, account):
    for user in (owner, teammate, admin_user):
        latest = StageAssessment.objects.filter(account=account).order_by("-pk").first()
        response = client_for(user).post(
            reverse("accounts:stage_assessment", args=[account.pk]),
            {"signs": ["first_orders"], "row_version": latest.pk if latest else 0},
        )
        assert response.status_code == 302
    assert StageAssessment.objects.filter(account=account).count() == 3


def test_unknown_account_ids_answer_404(client_for, owner):
    client = client_for(owner)
    for name in NAMES:
        assert client.get(reverse(name, args=[999999])).status_code == 404
