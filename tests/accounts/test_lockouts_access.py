"""The sign-in lockouts page is a KAM admin's: managers and directors are refused (403, as on the
other admin-only pages: the page exists for everyone, its content is the admin's), and a refused
lift or unblock leaves the records alone."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.access_checks import assert_refused, url_names

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
ROUTES = {"accounts:lockouts", "accounts:lockout_lift", "accounts:lockout_unblock"}


@pytest.fixture
def attempt(db):
    return AccessAttempt.objects.create(
        username="u",
        ip_address=ADDRESS,
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
        failures_since_start=40,
        attempt_time=timezone.now(),
    )


def snapshot():
    return list(AccessAttempt.objects.values_list("pk", "failures_since_start").order_by("pk"))


def test_every_lockout_url_is_covered_by_these_tests():
    assert {n for n in url_names("accounts") if n.startswith("accounts:lockout")} == ROUTES


@pytest.mark.parametrize("persona", ["owner", "director"])
def test_managers_and_directors_are_refused(request, client_for, persona, attempt):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("accounts:lockouts"), {"username": "u"}).status_code == 403
    assert_refused(
        client,
        {
            reverse("accounts:lockout_lift"): {"username": "u"},
            reverse("accounts:lockout_unblock"): {"ip_address": ADDRESS},
            reverse("accounts:lockouts"): {},
        },
        snapshot,
    )


def test_an_anonymous_visitor_is_sent_to_sign_in(client, attempt):
    for name in ROUTES:
        response = client.post(reverse(name), {"username": "u", "ip_address": ADDRESS})
        assert response.status_code == 302 and "/login/" in response.url
    assert snapshot() == [(attempt.pk, 40)]


def test_the_admin_page_answers_get_only_and_the_actions_post_only(client_for, admin_user, attempt):
    admin = client_for(admin_user)
    assert admin.post(reverse("accounts:lockouts")).status_code == 405
    assert admin.get(reverse("accounts:lockout_lift")).status_code == 405
    assert admin.get(reverse("accounts:lockout_unblock")).status_code == 405
    assert admin.post(reverse("accounts:lockout_unblock"), {"ip_address": "x"}).status_code == 400
    assert snapshot() == [(attempt.pk, 40)]


def test_the_nav_shows_the_page_to_admins_only(client_for, admin_user, director):
    url = reverse("accounts:lockouts")
    assert url in client_for(admin_user).get(reverse("accounts:list")).content.decode()
    assert url not in client_for(director).get(reverse("accounts:list")).content.decode()


@pytest.mark.parametrize("rows", [1, 40])
def test_the_page_reads_a_bounded_number_of_queries(
    client_for, admin_user, django_assert_max_num_queries, rows
):
    now = timezone.now()
    AccessAttempt.objects.bulk_create(
        AccessAttempt(
            username="u" if n % 2 else f"guess{n}",
            ip_address=f"203.0.113.{n % 20}",
            user_agent=f"agent {n}",
            get_data="",
            post_data="",
            http_accept="",
            path_info="/login/",
            failures_since_start=31,
            attempt_time=now,
        )
        for n in range(rows)
    )
    admin = client_for(admin_user)
    with django_assert_max_num_queries(12):
        response = admin.get(reverse("accounts:lockouts"), {"username": "u"})
    assert response.status_code == 200
    assert len(response.context["blocked"]) == min(rows, 20)
