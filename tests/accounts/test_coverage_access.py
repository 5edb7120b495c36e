"""DESIGN.md §3 on every coverage URL: outsiders get 404, directors look but do not touch."""

import pytest
from django.urls import reverse

from accounts.models import Coverage
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.factories import AccountFactory, CoverageFactory, StakeholderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stakeholder(account):
    return StakeholderFactory(account=account, name="Liu Yang")


def coverage_urls(account, stakeholder, user):
    return {
        "accounts:coverage": reverse("accounts:coverage", args=[account.pk]),
        "accounts:coverage_edit": reverse(
            "accounts:coverage_edit", args=[account.pk, stakeholder.pk, user.pk]
        ),
    }


def snapshot():
    return list(
        Coverage.objects.values_list(
            "pk", "stakeholder_id", "user_id", "strength", "last_contact"
        ).order_by("pk")
    )


def test_every_coverage_url_is_covered_by_these_tests(account, stakeholder, owner):
    names = {n for n in url_names("accounts") if n.startswith("accounts:coverage")}
    assert names == set(coverage_urls(account, stakeholder, owner))


def test_it_hides_every_coverage_url_from_a_manager_outside_the_team(
    client_for, outsider, account, stakeholder, owner
):
    CoverageFactory(stakeholder=stakeholder, user=owner)
    before = snapshot()
    assert_hidden_from(client_for(outsider), coverage_urls(account, stakeholder, owner).values())
    assert snapshot() == before


def test_a_director_sees_the_matrix_but_every_post_is_refused(
    client_for, director, account, stakeholder, owner, teammate
):
    CoverageFactory(stakeholder=stakeholder, user=owner, strength=1)
    client = client_for(director)
    assert client.get(reverse("accounts:coverage", args=[account.pk])).status_code == 200
    posts = {
        reverse("accounts:coverage_edit", args=[account.pk, stakeholder.pk, user.pk]): {
            "strength": "3",
            "last_contact": "",
            "row_version": "0",
        }
        for user in (owner, teammate)
    }
    assert_refused(client, posts, unchanged=snapshot)
    assert client.get(next(iter(posts))).status_code == 403


@pytest.mark.parametrize("persona", ["owner", "teammate", "admin_user"])
def test_the_team_and_admins_may_edit(client_for, request, persona, account, stakeholder, owner):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("accounts:coverage_edit", args=[account.pk, stakeholder.pk, owner.pk])
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"strength": "2", "last_contact": "", "row_version": "0"}).status_code
        == 302
    )
    assert Coverage.objects.get().strength == 2


def test_a_stakeholder_of_another_account_is_a_404(client_for, owner, account):
    elsewhere = StakeholderFactory(account=AccountFactory(owner=owner))
    url = reverse("accounts:coverage_edit", args=[account.pk, elsewhere.pk, owner.pk])
    client = client_for(owner)
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"strength": "2", "last_contact": "", "row_version": "0"}).status_code
        == 404
    )
    assert not Coverage.objects.exists()


def test_a_user_not_on_the_team_in_the_url_is_a_404(
    client_for, owner, account, stakeholder, outsider, director
):
    client = client_for(owner)
    for user in (outsider, director):
        url = reverse("accounts:coverage_edit", args=[account.pk, stakeholder.pk, user.pk])
        assert client.get(url).status_code == 404
        assert (
            client.post(url, {"strength": "2", "last_contact": "", "row_version": "0"}).status_code
            == 404
        )
    assert not Coverage.objects.exists()


def test_unknown_ids_answer_404(client_for, owner, account, stakeholder):
    client = client_for(owner)
    assert client.get(reverse("accounts:coverage", args=[999999])).status_code == 404
    url = reverse("accounts:coverage_edit", args=[account.pk, 999999, owner.pk])
    assert client.get(url).status_code == 404
    url = reverse("accounts:coverage_edit", args=[account.pk, stakeholder.pk, 999999])
    assert client.get(url).status_code == 404
