"""The backup and restore drill (README, "Backup and restore"), as an operator would run it:
seed a PostgreSQL database, `manage.py backup` it, `manage.py restore` it into a new database,
start the site on that one with gunicorn and check over HTTP that the data, a survey link sent
before the backup and a calendar feed are all there — and that a site started under another
SECRET_KEY loses exactly what the README says (survey links, sign-ins) and nothing else.

Needs PostgreSQL and its client tools (CI has both); skipped on SQLite, whose copy is tested in
test_backup_commands.py."""

import html
import http.cookiejar
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.servers import Gunicorn

ROOT = Path(settings.BASE_DIR)
DRILL_KEY = "drill-secret-key-made-for-this-backup-test-only-0123456789abcdef"
OTHER_KEY = "another-secret-key-as-on-a-machine-where-the-old-one-was-lost-987"
# What the seeding process prints on its last line, as JSON, for the checks after the restore.
SEED = """
import json
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from accounts.models import Account, User
from planning.feeds.queries import feed_visits
from planning.feeds.services import feed_token_issue
from scoring.models import Survey, SurveyStatus
from scoring.surveys.tokens import make_token

call_command("migrate", verbosity=0)
with override_settings(KAM_DEMO_MODE=True):  # seed_demo runs on a demo site only
    call_command("seed_demo", accounts=4, verbosity=0)
survey = Survey.objects.filter(
    status=SurveyStatus.SENT, link_expires_at__gt=timezone.now()
).first()
user = next(u for u in User.objects.order_by("pk") if feed_visits(u).exists())
feed, token = feed_token_issue(user=user)
print(json.dumps({
    "survey_url": reverse("scoring:survey_answer", args=[make_token(survey)]),
    "respondent": survey.respondent_name,
    "feed_url": reverse("my:calendar_feed", kwargs={"token": token}),
    "feed_visits": feed_visits(user).count(),
    "accounts": list(Account.objects.values_list("name", flat=True)),
}))
"""
COUNTED = ("accounts_account", "accounts_transaction", "accounts_stakeholder")

pytestmark = pytest.mark.timeout(180)


def _server_settings() -> dict:
    db = connection.settings_dict
    return {
        "host": db.get("HOST") or "localhost",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }


def _url(database: str) -> str:
    server = _server_settings()
    auth = server["user"] or ""
    if server["password"]:
        auth += ":" + urllib.parse.quote(server["password"], safe="")
    return f"postgres://{auth}@{server['host']}:{server['port']}/{database}"


def _admin(sql: str) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **_server_settings()) as admin:
        admin.execute(sql)


def _count(database: str, table: str) -> int:
    with psycopg.connect(dbname=database, **_server_settings()) as db:
        return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


@pytest.fixture
def databases():
    """Two new databases beside the test database: the one backed up and the one restored into."""
    if connection.vendor != "postgresql":
        pytest.skip("the drill runs on PostgreSQL: set DATABASE_URL=postgres://…")
    for tool in ("pg_dump", "pg_restore", "psql"):
        assert shutil.which(tool), f"{tool} is needed (PostgreSQL's client tools)"
    base = connection.settings_dict["NAME"]
    names = (f"{base}_drill_source", f"{base}_drill_restored")
    for name in names:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{name}"')
    yield names
    for name in names:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database: str, secret_key: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"REDIS_URL", "ADMINS", "SENTRY_DSN", "SECRET_KEY_FALLBACKS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kam.settings",
        DATABASE_URL=_url(database),
        DATABASE_POOL="0",
        SECRET_KEY=secret_key,
        DEBUG="0",
        KAM_DEMO_MODE="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        KAM_PLAIN_STATIC="1",
        EMAIL_BACKEND="console",
    )
    return env


def manage(*args: str, database: str, secret_key: str = DRILL_KEY):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(database, secret_key),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def serve(database: str, secret_key: str, log: Path) -> Gunicorn:
    """The site served by gunicorn on a port of its own, on `database` with `secret_key`."""
    return Gunicorn(log, environment(database, secret_key))


class Browser:
    """Cookies kept per host (127.0.0.1, whatever the port), as a browser keeps them."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str):
        try:
            with self.opener.open(url, timeout=20) as response:
                return response.status, response.geturl(), response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, url, error.headers, error.read()

    def sign_in(self, site: Gunicorn, username: str, password: str) -> None:
        self.get(f"{site.base}/login/")
        csrf = next(c.value for c in self.cookies if c.name == "csrftoken")
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
        ).encode()
        with self.opener.open(f"{site.base}/login/", data=form, timeout=30) as response:
            assert "/login/" not in response.geturl(), "the demo admin could not sign in"


def test_a_backup_restored_into_a_new_database_serves_the_same_site(databases, tmp_path):
    source, restored = databases
    # Both sites boot while the rest runs (they touch the database only when asked a page).
    same_key = serve(restored, DRILL_KEY, tmp_path / "same-key.log")
    other_key = serve(restored, OTHER_KEY, tmp_path / "other-key.log")
    try:
        drill(source, restored, tmp_path, same_key, other_key)
    finally:
        same_key.stop()
        other_key.stop()


def drill(
    source: str, restored: str, tmp_path: Path, same_key: Gunicorn, other_key: Gunicorn
) -> None:
    seeded = json.loads(
        manage("shell", "-c", SEED, database=source).stdout.strip().splitlines()[-1]
    )
    backup = tmp_path / "kam.dump"

    made = manage("backup", "--output", str(backup), database=source)
    done = manage("restore", str(backup), database=restored)

    assert "accounts: 4" in made.stdout
    assert backup.stat().st_mode & 0o077 == 0, "a backup is readable by its owner only"
    assert "tables match the backup" in done.stdout, done.stdout
    assert "accounts: 4 ✓" in done.stdout
    assert "SECRET_KEY differs" not in done.stderr
    for table in COUNTED:
        assert _count(restored, table) == _count(source, table) > 0, table

    same_key.wait_until_up()
    other_key.wait_until_up()
    browser = Browser()

    # Under the same key: the data, the survey link sent before the backup, the feed.
    browser.sign_in(same_key, "admin", "kam-demo-2026")
    status, url, _, body = browser.get(f"{same_key.base}/accounts/")
    assert status == 200 and url.endswith("/accounts/")
    for name in seeded["accounts"]:
        assert html.escape(name) in body.decode(), name
    status, _, _, body = browser.get(same_key.base + seeded["survey_url"])
    assert status == 200
    assert html.escape(seeded["respondent"]) in body.decode()
    status, _, headers, feed = browser.get(same_key.base + seeded["feed_url"])
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    assert feed.count(b"BEGIN:VEVENT") >= seeded["feed_visits"] > 0

    # Under another key: the survey link is dead and the sign-in gone (the README's warning); the
    # calendar feed, whose token is stored rather than signed, still answers.
    status, _, _, _ = browser.get(other_key.base + seeded["survey_url"])
    assert status == 404
    status, url, _, _ = browser.get(f"{other_key.base}/accounts/")
    assert "/login/" in url
    status, _, _, same_feed = browser.get(other_key.base + seeded["feed_url"])
    assert status == 200
    assert same_feed.count(b"BEGIN:VEVENT") == feed.count(b"BEGIN:VEVENT")

    # Over a database that is not empty only when told (the SQLite tests show the refusal), and
    # then the old tables are dropped in the load's own transaction.
    replaced = manage("restore", str(backup), "--replace", "--no-migrate", database=restored)
    assert "tables match the backup" in replaced.stdout, replaced.stdout
    # A file cut short (a copy without its manifest, so nothing checks it first) restores
    # nothing, and what --replace would have dropped is still there.
    cut = tmp_path / "cut.dump"
    cut.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    failed = subprocess.run(
        [sys.executable, "manage.py", "restore", str(cut), "--replace", "--no-migrate"],
        cwd=ROOT,
        env=environment(restored, DRILL_KEY),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode != 0 and "Nothing was restored" in failed.stderr, failed.stderr
    for table in COUNTED:
        assert _count(restored, table) == _count(source, table), table
