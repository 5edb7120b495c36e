"""KAM served by a real gunicorn on the test database, and a browser-like HTTP client for it: for
the tests that break a real dependency under a running site (tests/kam/test_redis_down.py,
tests/kam/test_database_reconnect.py).

The site shares the pytest test database (so tests use `transactional_db`: it must see what the
test writes) and needs PostgreSQL; skipped otherwise, a failure under KAM_REQUIRE_BROWSER=1."""

import http.cookiejar
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.celery_workers import _database_url, _require
from tests.conflict_checks import form_data, page_form
from tests.servers import Gunicorn

PASSWORD = "live-site-password"


def site_password(user) -> None:
    """Give `user` a password the site can check: the tests' own hasher (MD5) is not among the
    site's; few PBKDF2 iterations keep the sign-in quick (the site upgrades the hash)."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, uuid.uuid4().hex, iterations=1000)
    user.save(update_fields=["password"])


class Site(Gunicorn):
    """gunicorn serving KAM on a port of its own; its database connections carry
    `application_name` so a test can find (and end) exactly them."""

    def __init__(self, log: Path, *, redis_url: str, extra_env: dict[str, str] | None = None):
        database_url = _database_url()
        _require(database_url is not None, "the live site needs DATABASE_URL=postgres://…")
        self.application_name = f"kam-live-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "DATABASE_URL": f"{database_url}?application_name={self.application_name}",
            "REDIS_URL": redis_url,
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "KAM_PLAIN_STATIC": "1",
            "EMAIL_BACKEND": "console",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "kam.settings",
            **(extra_env or {}),
        }
        super().__init__(log, env)


class Browser:
    """Keeps cookies and sends the CSRF token as a browser's form would. Every answer is kept
    in `statuses` as (method, path, status), so a test can say "no 500 anywhere"."""

    def __init__(self, site: Site):
        self.site = site
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.statuses: list[tuple[str, str, int]] = []

    def _open(self, method: str, path: str, data: bytes | None, headers: dict):
        request = urllib.request.Request(
            self.site.base + path, data=data, headers=headers, method=method
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                status, url, body = response.status, response.geturl(), response.read()
        except urllib.error.HTTPError as error:
            status, url, body = error.code, self.site.base + path, error.read()
        self.statuses.append((method, path, status))
        return status, urllib.parse.urlsplit(url).path, body.decode("utf-8", "replace")

    def get(self, path: str):
        """(status, final path after redirects, HTML)."""
        return self._open("GET", path, None, {})

    def post(self, path: str, fields: dict[str, list[str] | str]):
        data = urllib.parse.urlencode(
            [(k, v) for k, vs in fields.items() for v in ([vs] if isinstance(vs, str) else vs)]
        ).encode()
        return self._open("POST", path, data, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_file(self, path: str, fields: dict[str, str], name: str, filename: str, data: bytes):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            for key, value in {**fields, "csrfmiddlewaretoken": self.csrf_token()}.items()
        ]
        body = (
            "".join(parts).encode()
            + (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self._open(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def csrf_token(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def submit(self, path: str, action_suffix: str | None, edit: dict[str, str]):
        """Open `path`, fill its form (the one whose action ends `action_suffix`, else the one
        with a row_version) as a person would, change `edit`, and send it."""
        status, final, html = self.get(path)
        assert status == 200, (path, status)
        action, form = page_form(html, self.site.base + final, action_suffix)
        return self.post(urllib.parse.urlsplit(action).path, form_data(form, edit))

    def sign_in(self, username: str) -> None:
        status, _, _ = self.get("/login/")
        assert status == 200
        status, final, _ = self.post(
            "/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf_token()},
        )
        assert status == 200 and final != "/login/", f"sign-in failed ({status} at {final})"
