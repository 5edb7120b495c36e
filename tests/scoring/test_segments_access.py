"""DESIGN.md §3 on every segment URL: every role reads the ranking; only admins add, edit, score
or delete a segment (403 for the others, nothing changes). Query counts pinned."""

import pytest
from django.urls import reverse

from scoring.models import Segment, SegmentScore, SetKind
from tests.access_checks import assert_refused, url_names
from tests.factories import SegmentFactory, SegmentScoreFactory, shipped_criteria_set

pytestmark = pytest.mark.django_db

NAMES = {
    "scoring:segment_list",
    "scoring:segment_create",
    "scoring:segment_edit",
    "scoring:segment_score",
    "scoring:segment_delete",
}


@pytest.fixture
def segment():
    criteria_set = shipped_criteria_set(SetKind.SEGMENT)
    segment = SegmentFactory(name="Government")
    SegmentScoreFactory(segment=segment, criterion=criteria_set.criteria.first(), value=9)
    return segment


def urls(segment):
    return {
        "scoring:segment_list": reverse("scoring:segment_list"),
        "scoring:segment_create": reverse("scoring:segment_create"),
        "scoring:segment_edit": reverse("scoring:segment_edit", args=[segment.pk]),
        "scoring:segment_score": reverse("scoring:segment_score", args=[segment.pk]),
        "scoring:segment_delete": reverse("scoring:segment_delete", args=[segment.pk]),
    }


def snapshot():
    return (
        list(Segment.objects.values_list("pk", "name", "description").order_by("pk")),
        list(SegmentScore.objects.values_list("pk", "value").order_by("pk")),
    )


def test_every_segment_url_is_covered_by_these_tests(segment):
    assert {n for n in url_names("scoring") if n.startswith("scoring:segment")} == NAMES
    assert set(urls(segment)) == NAMES


@pytest.mark.parametrize("persona", ["owner", "outsider", "director", "admin_user"])
def test_every_role_reads_the_ranking(client_for, request, persona, segment):
    response = client_for(request.getfixturevalue(persona)).get(reverse("scoring:segment_list"))
    assert response.status_code == 200
    assert (b'data-testid="segment-score"' in response.content) == (persona == "admin_user")


@pytest.mark.parametrize("persona", ["owner", "director"])
def test_only_admins_change_segments(client_for, request, persona, segment):
    client = client_for(request.getfixturevalue(persona))
    u = urls(segment)
    for name in NAMES - {"scoring:segment_list"}:
        assert client.get(u[name]).status_code == 403, name
    assert_refused(
        client,
        {
            u["scoring:segment_create"]: {"name": "Health"},
            u["scoring:segment_edit"]: {"name": "Changed", "row_version": segment.row_version},
            u["scoring:segment_score"]: {"market_size": "1", "row_version": segment.row_version},
            u["scoring:segment_delete"]: {"row_version": segment.row_version},
        },
        unchanged=snapshot,
    )


def test_an_admin_opens_every_segment_page(client_for, admin_user, segment):
    client = client_for(admin_user)
    for name, url in urls(segment).items():
        assert client.get(url).status_code == 200, name


def test_an_unknown_segment_is_404_for_admins_only(client_for, admin_user, owner, segment):
    missing = reverse("scoring:segment_edit", args=[segment.pk + 1000])
    assert client_for(admin_user).get(missing).status_code == 404
    assert client_for(owner).get(missing).status_code == 403


def _segments(count):
    criteria = list(shipped_criteria_set(SetKind.SEGMENT).criteria.all())
    for n in range(count):
        segment = SegmentFactory(name=f"Segment {n:02d}")
        SegmentScore.objects.bulk_create(
            SegmentScore(segment=segment, criterion=c, value=(n + i) % 11)
            for i, c in enumerate(criteria)
        )


@pytest.mark.parametrize("count", [3, 30])
def test_the_ranking_page_runs_a_fixed_number_of_queries(
    client_for, director, count, django_assert_max_num_queries
):
    _segments(count)
    client = client_for(director)
    client.get(reverse("scoring:segment_list"))  # warm the session and role caches
    with django_assert_max_num_queries(7):  # with the session and the unread count
        response = client.get(reverse("scoring:segment_list"))
    assert response.content.count(b'data-testid="segment-row"') == count
