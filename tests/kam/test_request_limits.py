"""What one request may send (settings.py, "Request bodies"; README, "Web server limits"): a
request over a limit gets KAM's own page — 413 for its size, 400 for one Django cannot read — and
never a 500."""

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

TOO_LARGE = "That was more than KAM takes in one request"


def post_form(client: Client, url: str, fields: dict, **extra):
    """As a browser posts a form without a file: URL-encoded."""
    return client.post(
        url, urlencode(fields), content_type="application/x-www-form-urlencoded", **extra
    )


def test_the_limits_are_the_ones_the_readme_explains():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 10
    # Larger uploads go to a temporary file as they arrive, not into the worker's memory.
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 1_048_576
    # The import's own cap, which the proxy's client_max_body_size (32 MB) must let through.
    from accounts.imports.services import MAX_FILE_BYTES

    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < MAX_FILE_BYTES < 32 * 1024 * 1024


def test_the_documented_proxy_lets_the_largest_import_through():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    from accounts.imports.services import MAX_FILE_BYTES

    [megabytes] = re.findall(r"client_max_body_size (\d+)m;", readme)
    # The file and the few fields of its form.
    assert int(megabytes) * 1024 * 1024 >= MAX_FILE_BYTES + 64 * 1024


@pytest.mark.django_db
def test_an_oversized_form_gets_the_too_large_page_not_a_500(client_for, owner, account):
    note = "客" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 9 + 1)  # 9 bytes each, URL-encoded

    response = post_form(
        client_for(owner), reverse("accounts:edit", args=[account.pk]), {"name": note}
    )

    assert response.status_code == 413
    body = response.content.decode()
    assert TOO_LARGE in body and "Nothing was saved." in body
    assert "kam-navbar" in body


@pytest.mark.django_db
def test_an_oversized_sign_in_is_refused_the_same_way():
    response = post_form(Client(), reverse("login"), {"username": "x", "password": "p" * 3_000_000})

    assert response.status_code == 413
    assert TOO_LARGE in response.content.decode()


@pytest.mark.django_db
def test_a_flood_of_fields_gets_the_too_large_page(client_for, owner, account):
    fields = {f"field{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = post_form(client_for(owner), reverse("accounts:edit", args=[account.pk]), fields)

    assert response.status_code == 413
    assert TOO_LARGE in response.content.decode()


@pytest.mark.django_db
def test_a_form_just_under_the_limit_is_read(client_for, owner, account):
    # The control: the same request below the limit reaches the view (which answers the form).
    response = post_form(
        client_for(owner), reverse("accounts:edit", args=[account.pk]), {"name": "客" * 100_000}
    )

    assert response.status_code == 200
    assert TOO_LARGE not in response.content.decode()


@pytest.mark.django_db
def test_a_request_django_cannot_read_gets_the_400_page():
    response = Client().get("/", headers={"host": "not-served.example.com"})

    assert response.status_code == 400
    body = response.content.decode()
    assert "KAM could not understand that request" in body and "kam-navbar" in body


@pytest.mark.django_db
def test_the_page_is_in_the_requests_language():
    response = post_form(
        Client(),
        reverse("login"),
        {"username": "x", "password": "p" * 3_000_000},
        headers={"accept-language": "zh-hans"},
    )

    assert response.status_code == 413
    assert '<html lang="zh-hans">' in response.content.decode()
