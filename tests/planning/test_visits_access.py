"""DESIGN.md §3 on every visit URL: outsiders get 404, directors look but do not touch."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Coverage
from planning.models import Visit
from tests.access_checks import assert_hidden_from, assert_refused, url_names
from tests.factories import AccountFactory, StakeholderFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(account, owner):
    visit = VisitFactory(account=account, starts_at=timezone.now() - timedelta(days=1))
    visit.attendees.set([StakeholderFactory(account=account)])
    visit.our_attendees.set([owner])
    return visit


def visit_urls(account, visit):
    def url(name, *extra):
        return reverse(f"planning:{name}", args=[account.pk, *extra])

    return {
        "planning:visits": url("visits"),
        "planning:visit_create": url("visit_create"),
        "planning:visit_detail": url("visit_detail", visit.pk),
        "planning:visit_edit": url("visit_edit", visit.pk),
        "planning:visit_report": url("visit_report", visit.pk),
        "planning:visit_cancel": url("visit_cancel", visit.pk),
        "planning:visit_next_step_done": url("visit_next_step_done", visit.pk),
    }


def snapshot():
    visits = list(Visit.objects.values().order_by("pk"))
    people = list(Visit.attendees.through.objects.values_list("visit_id", "stakeholder_id"))
    coverage = list(Coverage.objects.values_list("pk", "last_contact").order_by("pk"))
    return visits, people, coverage


def test_every_visit_url_is_covered_by_these_tests(account, visit):
    names = {n for n in url_names("planning") if n.startswith("planning:visit")}
    assert names == set(visit_urls(account, visit))


def test_it_hides_every_visit_url_from_a_manager_outside_the_team(
    client_for, outsider, account, visit
):
    before = snapshot()
    assert_hidden_from(client_for(outsider), visit_urls(account, visit).values())
    assert snapshot() == before


def test_a_director_reads_visits_but_every_post_is_refused(client_for, director, account, visit):
    client = client_for(director)
    urls = visit_urls(account, visit)
    for name in ("planning:visits", "planning:visit_detail"):
        response = client.get(urls[name])
        assert response.status_code == 200
        assert "Report the visit" not in response.content.decode()
    posts = {
        urls["planning:visit_create"]: {"objective": "x", "starts_at": "2030-01-01T10:00"},
        urls["planning:visit_edit"]: {"objective": "changed", "starts_at": "2030-01-01T10:00"},
        urls["planning:visit_report"]: {"outcome": "x", "commitment": "direct"},
        urls["planning:visit_cancel"]: {},
        urls["planning:visit_next_step_done"]: {},
    }
    assert_refused(client, posts, unchanged=snapshot)
    for name in ("planning:visit_create", "planning:visit_edit", "planning:visit_report"):
        assert client.get(urls[name]).status_code == 403


@pytest.mark.parametrize("persona", ["owner", "teammate", "admin_user"])
def test_the_team_and_admins_may_prepare_and_report(client_for, request, persona, account, visit):
    client = client_for(request.getfixturevalue(persona))
    urls = visit_urls(account, visit)
    for name in ("planning:visit_create", "planning:visit_edit", "planning:visit_report"):
        assert client.get(urls[name]).status_code == 200
    response = client.post(urls["planning:visit_cancel"], {"row_version": visit.row_version})
    assert response.status_code == 302
    assert Visit.objects.get().status == "cancelled"


def test_a_visit_of_another_account_is_a_404(client_for, owner, account):
    elsewhere = VisitFactory(account=AccountFactory(owner=owner))
    client = client_for(owner)
    before = snapshot()
    for name in ("visit_detail", "visit_edit", "visit_report", "visit_cancel"):
        url = reverse(f"planning:{name}", args=[account.pk, elsewhere.pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert snapshot() == before


def test_unknown_ids_answer_404(client_for, owner, account):
    client = client_for(owner)
    assert client.get(reverse("planning:visits", args=[999999])).status_code == 404
    for name in ("visit_detail", "visit_edit", "visit_report", "visit_next_step_done"):
        url = reverse(f"planning:{name}", args=[account.pk, 999999])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
