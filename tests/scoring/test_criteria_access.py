"""DESIGN.md §3 on every criteria URL: everyone signed in reads the criteria; only KAM admins
open the editing pages or change anything (403 for managers and directors, nothing changes)."""

import pytest
from django.urls import reverse

from scoring.criteria import services
from scoring.models import CriteriaSet, Criterion, SetKind
from tests.access_checks import assert_refused, url_names
from tests.factories import shipped_criteria_set

pytestmark = pytest.mark.django_db

NAMES = {
    "scoring:criteria_list",
    "scoring:criteria_detail",
    "scoring:criteria_draft_create",
    "scoring:criteria_edit",
    "scoring:criteria_draft_delete",
    "scoring:criteria_preview",
    "scoring:criteria_publish",
    "scoring:criteria_criterion_create",
    "scoring:criteria_criterion_edit",
    "scoring:criteria_criterion_delete",
}
READ = ("scoring:criteria_list", "scoring:criteria_detail")
# Pages that show a form or admin-only figures: GET is refused too.
EDIT_PAGES = (
    "scoring:criteria_edit",
    "scoring:criteria_draft_delete",
    "scoring:criteria_preview",
    "scoring:criteria_publish",
    "scoring:criteria_criterion_create",
    "scoring:criteria_criterion_edit",
)


@pytest.fixture
def draft(admin_user):
    shipped_criteria_set()
    return services.criteria_draft_start(kind=SetKind.ACCOUNT, actor=admin_user)[0]


def urls(draft):
    s, c = draft.pk, draft.criteria.first().pk
    return {
        "scoring:criteria_list": reverse("scoring:criteria_list"),
        "scoring:criteria_detail": reverse("scoring:criteria_detail", args=[s]),
        "scoring:criteria_draft_create": reverse(
            "scoring:criteria_draft_create", args=[SetKind.SEGMENT]
        ),
        "scoring:criteria_edit": reverse("scoring:criteria_edit", args=[s]),
        "scoring:criteria_draft_delete": reverse("scoring:criteria_draft_delete", args=[s]),
        "scoring:criteria_preview": reverse("scoring:criteria_preview", args=[s]),
        "scoring:criteria_publish": reverse("scoring:criteria_publish", args=[s]),
        "scoring:criteria_criterion_create": reverse("scoring:criteria_criterion_create", args=[s]),
        "scoring:criteria_criterion_edit": reverse("scoring:criteria_criterion_edit", args=[s, c]),
        "scoring:criteria_criterion_delete": reverse(
            "scoring:criteria_criterion_delete", args=[s, c]
        ),
    }


def posts(draft):
    u = urls(draft)
    criterion = {
        "code": "digital_maturity",
        "dimension": "attractiveness",
        "name": "Digital maturity",
        "weight": "4",
        "scale_min": "0",
        "scale_max": "10",
        "position": "1",
    }
    return {
        u["scoring:criteria_draft_create"]: {},
        u["scoring:criteria_edit"]: {
            "name": "Changed",
            "attractiveness_threshold": "40",
            "advantage_threshold": "40",
        },
        u["scoring:criteria_draft_delete"]: {},
        u["scoring:criteria_publish"]: {"change_note": "Why not."},
        u["scoring:criteria_criterion_create"]: criterion,
        u["scoring:criteria_criterion_edit"]: {**criterion, "code": "x", "weight": "9"},
        u["scoring:criteria_criterion_delete"]: {},
    }


def snapshot():
    return (
        list(
            CriteriaSet.objects.values_list(
                "pk", "status", "name", "attractiveness_threshold", "advantage_threshold"
            ).order_by("pk")
        ),
        list(Criterion.objects.values_list("pk", "code", "weight", "name").order_by("pk")),
    )


def test_every_criteria_url_is_covered_by_these_tests(draft):
    assert {n for n in url_names("scoring") if n.startswith("scoring:criteria")} == NAMES
    assert set(urls(draft)) == NAMES


@pytest.mark.parametrize("persona", ["owner", "outsider", "director", "admin_user"])
def test_every_role_reads_the_criteria(client_for, request, persona, draft):
    client = client_for(request.getfixturevalue(persona))
    published = CriteriaSet.objects.get(kind=SetKind.ACCOUNT, status="published")
    for name in READ:
        assert client.get(urls(draft)[name]).status_code == 200, name
    response = client.get(reverse("scoring:criteria_detail", args=[published.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["owner", "director"])
def test_managers_and_directors_cannot_open_the_editing_pages(client_for, request, persona, draft):
    client = client_for(request.getfixturevalue(persona))
    for name in EDIT_PAGES:
        assert client.get(urls(draft)[name]).status_code == 403, name


@pytest.mark.parametrize("persona", ["owner", "director"])
def test_managers_and_directors_cannot_change_anything(client_for, request, persona, draft):
    assert_refused(client_for(request.getfixturevalue(persona)), posts(draft), unchanged=snapshot)


@pytest.mark.parametrize("persona", ["owner", "director"])
def test_the_read_pages_offer_no_editing_to_others(client_for, request, persona, draft):
    client = client_for(request.getfixturevalue(persona))
    detail = client.get(urls(draft)["scoring:criteria_detail"]).content.decode()
    listing = client.get(urls(draft)["scoring:criteria_list"]).content.decode()
    assert 'data-testid="set-publish"' not in detail
    assert 'data-testid="criterion-edit"' not in detail
    assert "start-draft" not in listing and "continue-draft" not in listing


def test_an_admin_opens_every_editing_page(client_for, admin_user, draft):
    client = client_for(admin_user)
    for name in (*READ, *EDIT_PAGES):
        assert client.get(urls(draft)[name]).status_code == 200, name


def test_posting_only_routes_refuse_a_get_from_an_admin(client_for, admin_user, draft):
    client = client_for(admin_user)
    for name in (
        "scoring:criteria_draft_create",
        "scoring:criteria_criterion_delete",
    ):
        assert client.get(urls(draft)[name]).status_code == 405, name
    assert snapshot()


def test_unknown_sets_criteria_and_kinds_are_404(client_for, admin_user, draft):
    client = client_for(admin_user)
    assert client.get(reverse("scoring:criteria_detail", args=[99999])).status_code == 404
    assert client.post(reverse("scoring:criteria_draft_create", args=["nope"])).status_code == 404
    other = shipped_criteria_set(SetKind.SEGMENT).criteria.first()
    url = reverse("scoring:criteria_criterion_edit", args=[draft.pk, other.pk])
    assert client.get(url).status_code == 404
