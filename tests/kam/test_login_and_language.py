import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_language_choice_is_remembered_for_the_user(client_for, owner):
    client = client_for(owner)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/accounts/"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.language == "zh-hans"

    # A new browser: signing in brings the language back.
    fresh = Client()
    response = fresh.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert fresh.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    page = fresh.get(reverse("accounts:list"))
    assert '<html lang="zh-hans">' in page.content.decode()


def test_an_unknown_language_is_ignored(client_for, owner):
    client_for(owner).post(reverse("set_language"), {"language": "klingon"})
    owner.refresh_from_db()
    assert owner.language == ""


def test_the_login_page_switches_language_without_signing_in(client):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/login/"})
    assert response.status_code == 302
    assert client.get(reverse("login")).status_code == 200


def test_repeated_failed_logins_lock_the_account(owner, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": "owner", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_the_demo_logins_show_only_in_demo_mode(client, settings):
    settings.KAM_DEMO_MODE = False
    assert b"kam-demo-2026" not in client.get(reverse("login")).content
    settings.KAM_DEMO_MODE = True
    assert b"kam-demo-2026" in client.get(reverse("login")).content


def test_home_sends_a_manager_to_my_week_and_directors_and_admins_to_the_dashboard(
    client_for, owner, director, admin_user
):
    response = client_for(owner).get("/")
    assert response.status_code == 302 and response.url == reverse("my:week")
    response = client_for(director).get("/")
    assert response.status_code == 302 and response.url == reverse("scoring:dashboard")
    response = client_for(admin_user).get("/")
    assert response.status_code == 302 and response.url == reverse("scoring:dashboard")


def test_forms_carry_a_csrf_token(client_for, owner, account):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("accounts:edit", args=[account.pk]), {"name": "x"})
    assert response.status_code == 403
    page = client.get(reverse("accounts:edit", args=[account.pk])).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert "X-CSRFToken" in page  # htmx requests send it as a header
