"""gunicorn as production runs it (gunicorn.conf.py; README, "Web server limits"): the config
loads and sets each limit, and the real server, on the test database, writes logs (its access log
and the site's own) in which survey links and calendar-feed tokens are masked while other requests
are logged whole.

The site runs in a subprocess on the test database, so that must be PostgreSQL (DATABASE_URL);
without it these tests are skipped (KAM_REQUIRE_BROWSER=1 makes that a failure, as in CI)."""

import datetime
import http.client
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kam.log_masking import MASK, mask_secret_urls
from scoring.models import SurveyChannel, SurveyStatus
from scoring.surveys.tokens import make_token
from tests.celery_workers import _database_url, _require
from tests.factories import SurveyFactory
from tests.servers import Gunicorn

ROOT = Path(settings.BASE_DIR)
CONFIG = ROOT / "gunicorn.conf.py"
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", str(CONFIG), "kam.wsgi"]


def site_env(**overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kam.settings",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "EMAIL_BACKEND": "console",
    }
    for name in ("WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)
    env.update(overrides)
    return env


# --- The configuration ----------------------------------------------------------------------


def printed_config(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*GUNICORN, "--print-config"],
        cwd=ROOT,
        env=site_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_config_loads_and_sets_each_limit():
    result = printed_config()

    assert result.returncode == 0, result.stderr
    values = dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, flags=re.MULTILINE))
    assert values["worker_class"] == "sync"
    assert values["workers"] == "3"
    assert values["timeout"] == "30"
    assert values["graceful_timeout"] == "30"
    assert values["keepalive"] == "5"
    assert values["max_requests"] == "1000"
    assert values["max_requests_jitter"] == "200"
    assert values["limit_request_line"] == "4094"
    assert values["limit_request_fields"] == "100"
    assert values["limit_request_field_size"] == "8190"
    assert values["forwarded_allow_ips"] == "['127.0.0.1', '::1']"
    assert values["accesslog"] == "-"
    assert values["logger_class"] == "kam.log_masking.MaskingLogger"
    assert values["preload_app"] == "False"


def test_the_worker_count_and_trusted_proxies_follow_the_environment():
    result = printed_config(WEB_CONCURRENCY="5", FORWARDED_ALLOW_IPS="10.0.0.0/8")

    assert result.returncode == 0, result.stderr
    assert re.search(r"^workers\s+= 5$", result.stdout, flags=re.MULTILINE)
    assert re.search(r"^forwarded_allow_ips\s+= \['10.0.0.0/8'\]$", result.stdout, re.MULTILINE)


def test_a_worker_count_below_one_stops_gunicorn_naming_the_variable():
    result = printed_config(WEB_CONCURRENCY="0")

    assert result.returncode != 0
    assert "WEB_CONCURRENCY='0': expected a whole number of at least 1" in result.stderr


def test_every_variable_the_config_reads_is_documented():
    names = set(re.findall(r'"([A-Z][A-Z0-9_]+)"', CONFIG.read_text(encoding="utf-8")))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert {"WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"} <= names
    assert not sorted(name for name in names if f"`{name}`" not in readme)


def test_docker_compose_and_systemd_start_gunicorn_with_the_config():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    unit = (ROOT / "deploy" / "systemd" / "kam-web.service").read_text(encoding="utf-8")

    command = '["gunicorn", "--config", "gunicorn.conf.py", "kam.wsgi"]'
    assert f"CMD {command}" in dockerfile
    assert f"command: {command}" in compose
    assert "gunicorn --config /opt/kam/app/gunicorn.conf.py" in unit


# --- What is masked -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_mask_covers_the_token_urls_django_makes():
    token = make_token(SurveyFactory())
    feed_token = secrets.token_urlsafe(32)
    survey_url = reverse("scoring:survey_answer", kwargs={"token": token})
    feed_url = reverse("my:calendar_feed", kwargs={"token": feed_token})

    for url in (survey_url, feed_url, f"https://kam.example.com{survey_url}?lang=en"):
        masked = mask_secret_urls(url)
        assert MASK in masked and token not in masked and feed_token not in masked, masked
    assert mask_secret_urls(feed_url) == feed_url.replace(feed_token, MASK)
    login_next = f"/login/?next={quote(survey_url, safe='')}"
    assert quote(token, safe="") not in mask_secret_urls(login_next)


@pytest.mark.django_db
def test_the_other_routes_are_logged_whole(account):
    for url in (
        reverse("my:calendar"),
        reverse("my:calendar_reset"),
        reverse("scoring:survey_create", args=[account.pk]),
        reverse("scoring:survey_indicators"),
        reverse("accounts:list") + "?q=shanghai&s=1",
        "/static/css/kam.css",
        "/healthz",
    ):
        assert mask_secret_urls(url) == url


# --- The real server ------------------------------------------------------------------------


class Site(Gunicorn):
    """gunicorn started as the Dockerfile starts it (with gunicorn.conf.py; one worker, on a free
    local port)."""

    def __init__(self, log: Path, **env: str):
        database_url = _database_url()
        if database_url is None:
            _require(False, "gunicorn needs a shared database: run with DATABASE_URL=postgres://…")
        super().__init__(
            log, site_env(DATABASE_URL=database_url, DATABASE_POOL="0", **env), "--config", CONFIG
        )

    def get(self, path: str, **headers: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    def stop(self, seconds: float = 40) -> str:
        return super().stop(seconds)


@pytest.fixture
def start_site(tmp_path):
    sites = []

    def start(**env: str) -> Site:
        site = Site(tmp_path / f"gunicorn-{len(sites)}.log", **env)
        sites.append(site)
        site.wait_until_up()
        return site

    yield start
    for site in sites:
        site.stop()


def access_lines(output: str, path_part: str) -> list[str]:
    return [line for line in output.splitlines() if f' "GET {path_part}' in line]


@pytest.mark.django_db(transaction=True)
def test_survey_links_and_feed_tokens_are_masked_in_the_access_log(start_site, account):
    survey = SurveyFactory(
        account=account,
        channel=SurveyChannel.LINK,
        status=SurveyStatus.SENT,
        answered_on=None,
        satisfaction_index=None,
        link_expires_at=timezone.now() + datetime.timedelta(days=14),
    )
    token = make_token(survey)
    survey_url = reverse("scoring:survey_answer", kwargs={"token": token})
    feed_token = secrets.token_urlsafe(32)  # a feed reset long ago: its URL still arrives
    site = start_site()

    assert site.get(survey_url).status == 200  # the stakeholder opens the link
    assert site.get(survey_url + "?lang=zh-hans").status == 200
    # The page's own files carry the link as their Referer.
    referer = f"http://127.0.0.1:{site.port}{survey_url}"
    assert site.get("/static/css/kam.css", Referer=referer).status == 200
    assert site.get(f"/calendar/{feed_token}.ics").status == 404
    assert site.get(f"/login/?next={quote(survey_url, safe='')}").status == 200
    assert site.get("/healthz", **{"X-Forwarded-For": "203.0.113.9"}).status == 200
    output = site.stop()

    assert token not in output and quote(token, safe="") not in output
    assert feed_token not in output
    survey_lines = access_lines(output, f"/s/{MASK}/")
    assert len(survey_lines) == 2, output
    assert f'"GET /s/{MASK}/?lang=zh-hans HTTP/1.1" 200' in survey_lines[1]
    [static] = access_lines(output, "/static/css/kam.css")
    assert f'"{referer.replace(token, MASK)}"' in static
    [feed] = access_lines(output, "/calendar/")
    assert f'"GET /calendar/{MASK}.ics HTTP/1.1" 404' in feed
    # The site's own log names the path of a request that failed: masked too (settings.LOGGING).
    assert f"Not Found: /calendar/{MASK}.ics" in output
    [login] = access_lines(output, "/login/")
    assert f"next=%2Fs%2F{MASK}%2F" in login
    # An ordinary request is logged whole, in the combined format plus time and forwarded-for.
    [health] = [line for line in access_lines(output, "/healthz") if "203.0.113.9" in line]
    assert re.fullmatch(
        r'127\.0\.0\.1 - - \[[^]]+\] "GET /healthz HTTP/1\.1" 200 \d+ "-" "[^"]*" \d+ms '
        r'"203\.0\.113\.9"',
        health,
    ), health


@pytest.mark.django_db(transaction=True)
def test_gunicorn_refuses_a_request_line_over_its_limit(start_site):
    site = start_site()

    response = site.get("/accounts/?q=" + "x" * 5000)
    within = site.get("/accounts/?q=" + "x" * 3000)

    assert response.status == 414  # gunicorn's own answer: the request never reached Django
    assert within.status == 302  # the control: to the sign-in page
    output = site.stop()
    assert '"GET /accounts/?q=' + "x" * 3000 in output


@pytest.mark.django_db(transaction=True)
def test_https_from_the_trusted_proxy_is_believed_and_from_anyone_else_is_not(start_site):
    """KAM_PROXY_SSL_HEADER unset: Django takes the scheme from gunicorn, which believes
    X-Forwarded-Proto only from FORWARDED_ALLOW_IPS (here, the proxy on this machine)."""
    behind_proxy = start_site(SECURE_SSL_REDIRECT="1")
    elsewhere = start_site(SECURE_SSL_REDIRECT="1", FORWARDED_ALLOW_IPS="192.0.2.1")

    trusted = behind_proxy.get("/login/", **{"X-Forwarded-Proto": "https"})
    forged = elsewhere.get("/login/", **{"X-Forwarded-Proto": "https"})

    assert trusted.status == 200
    assert forged.status == 301 and forged.getheader("Location").startswith("https://")
