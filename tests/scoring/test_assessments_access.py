"""DESIGN.md §3 on every Scores URL: outsiders get 404, directors read but never score, the team
and admins score."""

import pytest
from django.urls import reverse

from scoring.assessments.queries import scoring_base
from scoring.criteria.queries import published_set
from scoring.models import Assessment, CriterionScore
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.factories import score, uniform_values

pytestmark = pytest.mark.django_db

NAMES = {"scoring:scores", "scoring:score_create", "scoring:score_detail"}


@pytest.fixture
def assessment(account):
    return score(account, uniform_values(published_set(), 6, 6))


def urls(assessment):
    a = assessment.account_id
    return {
        "scoring:scores": reverse("scoring:scores", args=[a]),
        "scoring:score_create": reverse("scoring:score_create", args=[a]),
        "scoring:score_detail": reverse("scoring:score_detail", args=[a, assessment.pk]),
    }


def score_post(criteria_set, account):
    data = {"version": criteria_set.pk, "note": "changed", "row_version": scoring_base(account)[0]}
    data.update(uniform_values(criteria_set, 9, 9))
    return data


def snapshot():
    return (
        list(Assessment.objects.values_list("pk", "is_current", "note").order_by("pk")),
        CriterionScore.objects.count(),
    )


def test_every_score_url_is_covered_by_these_tests():
    # "scorecard" is the Value tab's prefix, not this part's.
    names = {
        n
        for n in url_names("scoring")
        if n.startswith("scoring:score") and not n.startswith("scoring:scorecard")
    }
    assert names == NAMES


def test_it_hides_every_score_url_from_a_manager_outside_the_team(client_for, outsider, assessment):
    assert set(urls(assessment)) == NAMES
    before = snapshot()
    assert_hidden_from(client_for(outsider), urls(assessment).values())
    response = client_for(outsider).post(
        urls(assessment)["scoring:score_create"], score_post(published_set(), assessment.account)
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_a_director_reads_the_scores_but_cannot_score(client_for, director, assessment):
    client = client_for(director)
    for name in ("scoring:scores", "scoring:score_detail"):
        assert client.get(urls(assessment)[name]).status_code == 200, name
    assert client.get(urls(assessment)["scoring:score_create"]).status_code == 403
    assert_refused(
        client,
        {urls(assessment)["scoring:score_create"]: score_post(published_set(), assessment.account)},
        unchanged=snapshot,
    )


@pytest.mark.parametrize("persona", ["owner", "teammate", "admin_user"])
def test_the_team_and_admins_can_score(client_for, request, persona, assessment):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for url in urls(assessment).values():
        assert client.get(url).status_code == 200, url
    response = client.post(
        urls(assessment)["scoring:score_create"], score_post(published_set(), assessment.account)
    )
    assert response.status_code == 302
    current = Assessment.objects.get(account=assessment.account, is_current=True)
    assert current.pk != assessment.pk and current.scored_by == user
    assert current.note == "changed"


def test_a_missing_assessment_is_a_404(client_for, owner, assessment):
    client = client_for(owner)
    url = reverse("scoring:score_detail", args=[assessment.account_id, assessment.pk + 999])
    assert client.get(url).status_code == 404
