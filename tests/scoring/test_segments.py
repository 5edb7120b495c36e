"""Segment scoring (issue 5, item 4): the ranking table reproduces DESIGN.md §5 through the
queries and on the page, and admins score segments with the scale enforced."""

import re

import pytest
from django.urls import reverse

from accounts.access import KAM_ADMIN
from scoring import defaults
from scoring.models import Segment, SegmentScore, SetKind
from scoring.segments import queries, services
from tests.access_checks import assert_field_error
from tests.factories import SegmentFactory, UserFactory, shipped_criteria_set

pytestmark = pytest.mark.django_db


def score_segment(segment, criteria_set, values, actor=None):
    """Score through the service from a form loaded now, as an admin unless `actor` is given
    (only admins score segments)."""
    fresh = Segment.objects.get(pk=segment.pk)
    return services.segment_score(
        actor=actor or UserFactory(role=KAM_ADMIN),
        segment=fresh,
        criteria_set=criteria_set,
        values_by_code=values,
        expected_version=fresh.row_version,
    )


def reference_segments(actor=None):
    """The three segments of DESIGN.md §5, scored through the service."""
    criteria_set = shipped_criteria_set(SetKind.SEGMENT)
    codes = [row[0] for row in defaults.SEGMENT_CRITERIA]
    segments = {}
    for name, name_zh, industry, values in defaults.REFERENCE_SEGMENTS:
        segment = SegmentFactory(name=name, name_zh_hans=name_zh, industry=industry)
        score_segment(segment, criteria_set, dict(zip(codes, values, strict=True)), actor)
        segments[name] = segment
    return segments


def test_the_ranking_reproduces_the_design_table():
    reference_segments()
    table = queries.segment_ranking()
    assert [(r.segment.name, r.total, r.rank) for r in table.ranked] == [
        ("Government", 42, 1),
        ("Education", 32, 2),
        ("Finance", 28, 3),
    ]
    assert table.average == 34
    assert [r.segment.name for r in table.ranked if r.at_or_above_average] == ["Government"]
    # Negative criteria show their weighted value, as the design table does.
    government = table.ranked[0]
    assert [c.weighted for c in government.cells] == [9, 7, 7, -3, -3, 9, 7, 9]
    assert [c.criterion.code for c in government.cells] == [r[0] for r in defaults.SEGMENT_CRITERIA]


def test_the_page_shows_the_design_table(client_for, owner):
    reference_segments()
    response = client_for(owner).get(reverse("scoring:segment_list"))
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(
        r'data-testid="segment-row" data-segment="(\w+)" data-rank="(\d*)" data-total="(-?\d*)" '
        r'data-above-average="(\w+)"',
        html,
    )
    assert rows == [
        ("Government", "1", "42", "true"),
        ("Education", "2", "32", "false"),
        ("Finance", "3", "28", "false"),
    ]
    assert "<strong>34</strong>" in html
    assert 'data-average="34"' in html  # the chart's average line
    assert html.count('data-testid="segment-bar"') == 3
    finance = html[html.index('data-segment="Finance"') :]
    cells = re.findall(r'data-testid="segment-cell" data-code="\w+"[^>]*>\s*(-?\d+)', finance)
    assert cells[:8] == ["9", "3", "9", "-9", "-7", "9", "7", "7"]


def test_the_page_in_chinese_names_the_segments_in_chinese(client_for, owner):
    reference_segments()
    client = client_for(owner)
    response = client.get(reverse("scoring:segment_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "政府" in response.content.decode()


def test_ties_share_a_rank_and_unscored_segments_are_not_ranked():
    criteria_set = shipped_criteria_set(SetKind.SEGMENT)
    for name in ("A", "B", "C"):
        score_segment(
            SegmentFactory(name=name), criteria_set, {"market_size": 8 if name != "C" else 2}
        )
    SegmentFactory(name="Not yet")
    table = queries.segment_ranking()
    assert [(r.segment.name, r.rank) for r in table.ranked] == [("A", 1), ("B", 1), ("C", 3)]
    assert [r.segment.name for r in table.unscored] == ["Not yet"]
    assert table.average == 6  # the unscored segment does not pull it down
    assert not table.ranked[0].is_complete


def test_scores_carry_over_by_code_to_a_new_segment_set():
    old = shipped_criteria_set(SetKind.SEGMENT)
    reference_segments()
    old.status = "archived"
    old.save()
    new = type(old).objects.create(kind=SetKind.SEGMENT, version=2, status="published", name="v2")
    for criterion in old.criteria.all():
        if criterion.code != "policy":  # dropped in v2
            criterion.pk = None
            criterion.criteria_set = new
            criterion.save()
    table = queries.segment_ranking()
    assert [(r.segment.name, r.total) for r in table.ranked] == [
        ("Government", 33),
        ("Education", 23),
        ("Finance", 21),
    ]
    assert all(cell.carried_over for cell in table.ranked[0].cells)
    # Clearing a carried-over score in the new version clears it.
    government = table.ranked[0].segment
    values = queries.segment_values(government, new)
    values["market_size"] = None
    score_segment(government, new, values)
    assert queries.segment_values(government, new)["market_size"] is None


def test_an_admin_scores_a_segment(client_for, admin_user):
    criteria_set = shipped_criteria_set(SetKind.SEGMENT)
    segment = SegmentFactory(name="Healthcare")
    data = {c.code: "5" for c in criteria_set.criteria.all()}
    data["growth"] = ""  # not known
    data["row_version"] = segment.row_version
    response = client_for(admin_user).post(
        reverse("scoring:segment_score", args=[segment.pk]), data
    )
    assert response.status_code == 302
    scores = SegmentScore.objects.filter(segment=segment)
    assert scores.count() == 7 and {s.scored_by for s in scores} == {admin_user}
    row = queries.segment_ranking().ranked[0]
    assert row.total == 5 * 5 - 5 * 2 and row.scored_count == 7


@pytest.mark.parametrize("bad", ["11", "-1", "lots"])
def test_a_bad_score_is_refused_next_to_its_field(client_for, admin_user, bad):
    criteria_set = shipped_criteria_set(SetKind.SEGMENT)
    segment = SegmentFactory(name="Healthcare")
    data = {c.code: "5" for c in criteria_set.criteria.all()}
    data["competition"] = bad
    data["row_version"] = segment.row_version
    assert_field_error(
        client_for(admin_user),
        reverse("scoring:segment_score", args=[segment.pk]),
        data,
        "competition",
        unchanged=lambda: list(SegmentScore.objects.values_list("pk", "value")),
    )


def test_the_service_refuses_a_score_outside_the_scale():
    criteria_set = shipped_criteria_set(SetKind.SEGMENT)
    segment = SegmentFactory(name="Healthcare")
    with pytest.raises(Exception) as error:
        score_segment(segment, criteria_set, {"growth": 11})
    assert "growth" in error.value.message_dict
    assert not SegmentScore.objects.exists()


def test_an_admin_adds_edits_and_deletes_a_segment(client_for, admin_user):
    shipped_criteria_set(SetKind.SEGMENT)
    client = client_for(admin_user)
    response = client.post(
        reverse("scoring:segment_create"),
        {"name": "Healthcare", "name_zh_hans": "医疗", "industry": "", "description": "Hospitals"},
    )
    segment = Segment.objects.get(name="Healthcare")
    assert response["Location"] == reverse("scoring:segment_score", args=[segment.pk])
    assert segment.history.first().history_user == admin_user
    data = {"name": "Health", "row_version": segment.row_version}
    client.post(reverse("scoring:segment_edit", args=[segment.pk]), data)
    segment.refresh_from_db()
    assert segment.name == "Health"
    client.post(
        reverse("scoring:segment_delete", args=[segment.pk]),
        {"row_version": segment.row_version},
    )
    assert not Segment.objects.exists()


def test_a_duplicate_segment_name_is_refused(client_for, admin_user):
    SegmentFactory(name="Finance")
    assert_field_error(
        client_for(admin_user),
        reverse("scoring:segment_create"),
        {"name": "finance"},
        "name",
        unchanged=lambda: Segment.objects.count(),
    )


def test_the_page_says_when_no_segment_exists(client_for, admin_user):
    shipped_criteria_set(SetKind.SEGMENT)
    response = client_for(admin_user).get(reverse("scoring:segment_list"))
    assert b"No segments yet." in response.content
