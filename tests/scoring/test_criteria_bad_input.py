"""Bad input in the criteria editor: a clear error next to the field, nothing saved, no 500; a
published or archived set never changes; publishing an empty set publishes nothing."""

import pytest
from django.urls import reverse

from scoring.criteria import services
from scoring.models import CriteriaSet, Criterion, SetKind, SetStatus
from tests.access_checks import assert_field_error
from tests.factories import shipped_criteria_set

pytestmark = pytest.mark.django_db

CRITERION = {
    "code": "digital_maturity",
    "dimension": "attractiveness",
    "name": "Digital maturity",
    "name_zh_hans": "数字化成熟度",
    "weight": "4",
    "scale_min": "0",
    "scale_max": "10",
    "low_means": "Paper and fax",
    "high_means": "Fully digital",
    "position": "30",
}
SET = {
    "name": "Key account selection criteria",
    "name_zh_hans": "大客户选择标准",
    "change_note": "More weight on digital maturity.",
    "attractiveness_threshold": "50",
    "advantage_threshold": "50",
}


@pytest.fixture
def published():
    return shipped_criteria_set()


@pytest.fixture
def draft(published, admin_user):
    return services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)[0]


@pytest.fixture
def admin(client_for, admin_user):
    return client_for(admin_user)


def snapshot():
    return (
        list(
            CriteriaSet.objects.values_list(
                "pk", "status", "name", "change_note", "attractiveness_threshold"
            ).order_by("pk")
        ),
        list(
            Criterion.objects.values_list(
                "pk", "code", "weight", "scale_min", "scale_max", "name"
            ).order_by("pk")
        ),
    )


def create_url(criteria_set):
    return reverse("scoring:criteria_criterion_create", args=[criteria_set.pk])


@pytest.mark.parametrize("weight", ["11", "-11"])
def test_a_weight_outside_minus_ten_to_ten_is_refused(admin, draft, weight):
    assert_field_error(
        admin, create_url(draft), {**CRITERION, "weight": weight}, "weight", snapshot
    )


@pytest.mark.parametrize(("low", "high"), [("10", "0"), ("5", "5")])
def test_a_scale_whose_minimum_is_not_below_its_maximum_is_refused(admin, draft, low, high):
    data = {**CRITERION, "scale_min": low, "scale_max": high}
    assert_field_error(admin, create_url(draft), data, "scale_max", snapshot, snippet="lower")


def test_a_duplicate_code_in_the_same_set_is_refused(admin, draft):
    data = {**CRITERION, "code": "market_leadership"}
    assert_field_error(admin, create_url(draft), data, "code", snapshot, snippet="already")


def test_renaming_a_criterion_to_another_ones_code_is_refused(admin, draft):
    criterion = draft.criteria.get(code="reputation")
    url = reverse("scoring:criteria_criterion_edit", args=[draft.pk, criterion.pk])
    data = {**CRITERION, "code": "market_leadership", "row_version": criterion.row_version}
    assert_field_error(admin, url, data, "code", snapshot)


def test_a_code_that_is_not_a_slug_is_refused(admin, draft):
    data = {**CRITERION, "code": "digital maturity!"}
    assert_field_error(admin, create_url(draft), data, "code", snapshot)


@pytest.mark.parametrize("field", ["attractiveness_threshold", "advantage_threshold"])
@pytest.mark.parametrize("value", ["120", "-1"])
def test_a_threshold_outside_0_to_100_is_refused(admin, draft, field, value):
    url = reverse("scoring:criteria_edit", args=[draft.pk])
    data = {**SET, field: value, "row_version": draft.row_version}
    assert_field_error(admin, url, data, field, snapshot)


def test_a_valid_criterion_is_added_to_the_draft(admin, draft):
    response = admin.post(create_url(draft), CRITERION)
    assert response.status_code == 302
    added = draft.criteria.get(code="digital_maturity")
    assert (added.weight, added.name_zh_hans, added.position) == (4, "数字化成熟度", 30)
    assert added.history.first().history_user.username == "kamadmin"


@pytest.mark.parametrize("status", [SetStatus.PUBLISHED, SetStatus.ARCHIVED])
def test_a_published_or_archived_set_is_never_changed(admin, published, status):
    if status == SetStatus.ARCHIVED:
        CriteriaSet.objects.filter(pk=published.pk).update(status=status)
    criterion = published.criteria.first()
    s, c = published.pk, criterion.pk
    attempts = {
        reverse("scoring:criteria_edit", args=[s]): SET,
        reverse("scoring:criteria_criterion_create", args=[s]): CRITERION,
        reverse("scoring:criteria_criterion_edit", args=[s, c]): {**CRITERION, "weight": "9"},
        reverse("scoring:criteria_criterion_delete", args=[s, c]): {},
        reverse("scoring:criteria_draft_delete", args=[s]): {},
        reverse("scoring:criteria_publish", args=[s]): {},
    }
    before = snapshot()
    for url, data in attempts.items():
        response = admin.post(url, data, follow=True)
        assert response.status_code == 200, url
        assert "cannot change" in response.content.decode(), url
    assert snapshot() == before
    # And the read-only page offers no editing.
    page = admin.get(reverse("scoring:criteria_detail", args=[s])).content.decode()
    assert 'data-testid="criterion-edit"' not in page and "Read-only" in page


def test_publishing_an_empty_set_says_why_and_publishes_nothing(admin, draft, published):
    draft.criteria.all().delete()
    before = snapshot()
    response = admin.post(
        reverse("scoring:criteria_publish", args=[draft.pk]),
        {"row_version": draft.row_version, "change_note": "Reweighted."},
        follow=True,
    )
    assert response.status_code == 200
    assert "no criteria" in response.content.decode()
    assert snapshot() == before
    assert CriteriaSet.objects.get(pk=published.pk).status == SetStatus.PUBLISHED


def test_publishing_without_a_weighted_advantage_criterion_says_why(admin, draft):
    draft.criteria.filter(dimension="advantage").update(weight=0)
    before = snapshot()
    response = admin.post(
        reverse("scoring:criteria_publish", args=[draft.pk]),
        {"row_version": draft.row_version, "change_note": "Reweighted."},
        follow=True,
    )
    assert "“Our relative advantage” has no criterion" in response.content.decode()
    assert snapshot() == before


def test_a_segment_draft_has_no_thresholds_to_edit(admin, admin_user):
    shipped_criteria_set(SetKind.SEGMENT)
    draft = services.criteria_draft_start(kind=SetKind.SEGMENT, actor=admin_user)[0]
    url = reverse("scoring:criteria_edit", args=[draft.pk])
    assert "advantage_threshold" not in admin.get(url).content.decode()
    data = {"name": "Segments 2027", "change_note": "Policy weighs more."}
    response = admin.post(url, data | {"row_version": draft.row_version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.change_note) == ("Segments 2027", "Policy weighs more.")
