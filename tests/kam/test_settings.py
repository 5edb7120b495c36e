"""The settings file: production-safe defaults, loud failures on bad values, a strict CSP.

Settings are read once per process, so what depends on the environment runs in a subprocess.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)
SETTINGS_SOURCE = (BASE_DIR / "kam" / "settings.py").read_text(encoding="utf-8")

# Test-friendly defaults pyproject's pytest `env` sets (plain HTTP, unhashed static files): a
# production check must see the settings' own defaults instead.
TEST_OVERRIDES = re.compile(
    r"^(SECURE_.*|SESSION_COOKIE_SECURE|CSRF_COOKIE_SECURE|KAM_PLAIN_STATIC)$"
)


def production_env(**overrides: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not TEST_OVERRIDES.match(name)}
    env.update(
        DJANGO_SETTINGS_MODULE="kam.settings",
        DEBUG="0",
        # 64 characters from a 64-symbol alphabet: long and varied enough for security.W009.
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="kam.example.com",
    )
    env.pop("KAM_DEMO_MODE", None)
    env.update(overrides)
    return env


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run_python(["-c", "import django; django.setup()"], env)


# --- Deployment check -----------------------------------------------------------------------


def test_the_deployment_check_is_clean_with_debug_off():
    # Django 6.1's check opens the database: DATABASE_URL stays as the environment has it
    # (unset → the SQLite default).
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env()
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "?: (security." not in output, output


def test_production_defaults_are_secure():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.KAM_DEMO_MODE, s.STORAGES['staticfiles']['BACKEND'])"
    )

    result = run_python(["-c", script], production_env())

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "False",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


# --- Failing loudly -------------------------------------------------------------------------


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode != 0, "settings loaded although they should not"
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    for word in words:
        assert word in last_line, last_line


def test_the_production_environment_itself_loads():
    # The control for the refusals below: only the one bad variable makes them fail.
    assert load_settings(production_env()).returncode == 0


def test_a_missing_secret_key_with_debug_off_is_refused():
    env = production_env()
    del env["SECRET_KEY"]

    assert_refused(load_settings(env), "SECRET_KEY")


def test_an_empty_secret_key_with_debug_off_is_refused():
    assert_refused(load_settings(production_env(SECRET_KEY="")), "SECRET_KEY")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("SECURE_SSL_REDIRECT", "sometimes"),
        ("KAM_DEMO_MODE", "2"),
        ("AXES_FAILURE_LIMIT", "five"),
        ("SECURE_HSTS_SECONDS", "1y"),
        ("EMAIL_PORT", "smtp"),
    ],
)
def test_a_malformed_value_is_refused_naming_the_variable(name, value):
    env = production_env(EMAIL_BACKEND="smtp", **{name: value})

    assert_refused(load_settings(env), name, value)


def test_a_currency_that_is_not_an_iso_code_is_refused():
    assert_refused(load_settings(production_env(KAM_CURRENCY="euro")), "KAM_CURRENCY")


def test_an_unknown_mail_backend_is_refused():
    assert_refused(load_settings(production_env(EMAIL_BACKEND="sendmail")), "EMAIL_BACKEND")


def test_a_malformed_database_url_is_refused():
    assert_refused(load_settings(production_env(DATABASE_URL="nosuchdb://x")), "DATABASE_URL")


# --- Behind the TLS proxy -------------------------------------------------------------------


def proxy_ssl_header(**overrides: str) -> subprocess.CompletedProcess:
    env = production_env()
    env.pop("KAM_PROXY_SSL_HEADER", None)
    env.update(overrides)
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(repr(s.SECURE_PROXY_SSL_HEADER))"
    )
    return run_python(["-c", script], env)


def test_without_a_proxy_header_django_believes_only_the_servers_scheme():
    result = proxy_ssl_header()

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("X-Forwarded-Proto", "('HTTP_X_FORWARDED_PROTO', 'https')"),
        ("  x-forwarded-proto ", "('HTTP_X_FORWARDED_PROTO', 'https')"),
        ("X-Forwarded-Proto:", "('HTTP_X_FORWARDED_PROTO', 'https')"),
        ("X-Forwarded-Ssl: on", "('HTTP_X_FORWARDED_SSL', 'on')"),
        ("", "None"),
    ],
)
def test_the_proxy_header_follows_the_environment(value, expected):
    result = proxy_ssl_header(KAM_PROXY_SSL_HEADER=value)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    "value", ["X_Forwarded_Proto", "X-Forwarded-Proto https", ": https", "X-Proto: a b"]
)
def test_a_malformed_proxy_header_is_refused(value):
    assert_refused(proxy_ssl_header(KAM_PROXY_SSL_HEADER=value), "KAM_PROXY_SSL_HEADER")


@pytest.mark.django_db
def test_with_the_header_set_django_takes_https_from_the_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True

    behind_proxy = Client().get(reverse("login"), headers={"x-forwarded-proto": "https"})
    plain = Client().get(reverse("login"))

    assert behind_proxy.status_code == 200
    assert plain.status_code == 301 and plain["Location"].startswith("https://")


@pytest.mark.django_db
def test_without_it_a_forged_header_does_not_make_a_request_secure(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get(reverse("login"), headers={"x-forwarded-proto": "https"})

    assert response.status_code == 301 and response["Location"].startswith("https://")


# --- Content-Security-Policy ----------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def script_tags(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)


@pytest.mark.django_db
def test_a_page_carries_a_strict_csp_with_a_nonce(client_for, owner, account):
    response = client_for(owner).get(reverse("accounts:list"))

    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    directives = csp_directives(response)
    nonces = [v for v in directives["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]

    # Every script on the page carries exactly that nonce.
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    tags = script_tags(response.content.decode())
    assert tags
    for tag in tags:
        assert f'nonce="{nonce}"' in tag, tag


@pytest.mark.django_db
def test_each_response_gets_a_fresh_nonce(client_for, owner):
    client = client_for(owner)
    first = client.get(reverse("accounts:list"))["Content-Security-Policy"]
    second = client.get(reverse("accounts:list"))["Content-Security-Policy"]

    assert first != second


@pytest.mark.django_db
def test_the_login_page_has_no_inline_style_and_only_nonced_scripts(client, settings):
    settings.KAM_DEMO_MODE = True  # the demo-login card too

    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert not re.search(r"\sstyle\s*=", html, flags=re.IGNORECASE)
    assert "<style" not in html.lower()
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    tags = script_tags(html)
    assert tags
    for tag in tags:
        assert re.search(r'\snonce="[^"]+"', tag), tag


# --- Documentation --------------------------------------------------------------------------


def environment_variables_read_by_settings() -> set[str]:
    pattern = r'(?:env(?:bool|int|list|addresses|header)|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]*)"'
    return set(re.findall(pattern, SETTINGS_SOURCE))


def test_every_environment_variable_is_documented_in_the_readme():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    names = environment_variables_read_by_settings()

    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DEBUG"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"README.md's configuration table lacks {missing}"
