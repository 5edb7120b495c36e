"""Errors reach someone: a server error or a failed Celery task is mailed to ADMINS (and sent to
Sentry when SENTRY_DSN is set), without what people typed; the 500 page says only what is true.

The Chinese page is checked against whatever the catalogue says for the English text (the same
text until it is translated), so these tests hold before and after translation."""

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from kam.views import server_error
from scoring.surveys import tokens
from scoring.tasks import carry_over_scores
from tests.factories import SurveyFactory
from tests.kam.test_settings import assert_refused, load_settings, production_env, run_python

ROOT = Path(settings.BASE_DIR)
FAILURE_URL = "/test-failure/"
PRIVATE_NOTE = "plays golf with the CFO on Sundays"
NOT_SAVED = "What you were saving may not have been saved."
CHECK_FIRST = (
    "Before you try again, open the page and check whether your change is there, so that nothing "
    "is saved twice."
)
TRY_AGAIN = "Please try again in a moment."
REPORTED = "The error has been reported to the people who run KAM."
TELL_SOMEONE = "If it happens again, tell the people who run KAM what you were doing and when"
# What the page used to claim whatever happened.
UNTRUE = ("the team has been told", "Nothing you entered was lost")


@pytest.fixture
def failing_client(client_for, owner):
    """A signed-in client on KAM's URLs plus one that raises, seeing the 500 page as a browser
    would instead of the exception."""
    client = client_for(owner)
    client.raise_request_exception = False
    return client


pytestmark = pytest.mark.urls("tests.kam.error_urls")


def page(response) -> str:
    assert response.status_code == 500
    return response.content.decode()


# --- Mail to ADMINS ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_server_error_is_mailed_to_the_admins(settings, failing_client):
    settings.ADMINS = ["Ops Team <ops@example.com>", "lead@example.com"]

    failing_client.post(FAILURE_URL, {"private_note": PRIVATE_NOTE})

    (message,) = mail.outbox
    assert message.to == ["Ops Team <ops@example.com>", "lead@example.com"]
    assert message.subject.startswith("[KAM] ERROR")
    assert FAILURE_URL in message.subject
    assert "SaveFailedHalfway" in message.body
    assert "the database went away while saving" in message.body


@pytest.mark.django_db
def test_the_mailed_report_leaves_out_what_was_typed_and_passwords(settings, failing_client):
    settings.ADMINS = ["ops@example.com"]
    settings.DATABASE_URL = "postgres://kam:hunter2-db-password@db:5432/kam"

    failing_client.post(FAILURE_URL, {"private_note": PRIVATE_NOTE})

    (message,) = mail.outbox
    assert "private_note" in message.body  # the field's name, not its value
    assert PRIVATE_NOTE not in message.body
    assert "hunter2-db-password" not in message.body
    assert settings.SECRET_KEY not in message.body


@pytest.mark.django_db
def test_nothing_is_mailed_without_admins(settings, failing_client):
    settings.ADMINS = []

    response = failing_client.post(FAILURE_URL, {"private_note": PRIVATE_NOTE})

    assert response.status_code == 500
    assert mail.outbox == []


# --- The 500 page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_after_a_failed_save_the_page_says_it_may_not_have_been_saved(settings, failing_client):
    settings.ADMINS, settings.SENTRY_DSN = [], ""

    body = page(failing_client.post(FAILURE_URL, {"private_note": PRIVATE_NOTE}))

    assert "Something went wrong on our side" in body
    assert NOT_SAVED in body and CHECK_FIRST in body
    assert TELL_SOMEONE in body and REPORTED not in body
    assert TRY_AGAIN not in body
    assert not any(claim in body for claim in UNTRUE)


@pytest.mark.django_db
def test_a_failed_page_asks_to_try_again_and_claims_no_report_nobody_gets(settings, failing_client):
    settings.ADMINS, settings.SENTRY_DSN = [], ""

    body = page(failing_client.get(FAILURE_URL))

    assert TRY_AGAIN in body
    assert NOT_SAVED not in body and REPORTED not in body
    assert TELL_SOMEONE in body
    assert not any(claim in body for claim in UNTRUE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("admins", "dsn"),
    [(["ops@example.com"], ""), ([], "https://public@sentry.example.com/1")],
    ids=["admins", "sentry"],
)
def test_the_page_says_the_error_was_reported_when_someone_gets_it(
    settings, failing_client, admins, dsn
):
    settings.ADMINS, settings.SENTRY_DSN = admins, dsn

    body = page(failing_client.get(FAILURE_URL))

    assert REPORTED in body
    assert TELL_SOMEONE not in body


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_page_is_in_chinese_for_a_chinese_reader(settings, failing_client, method):
    settings.ADMINS = ["ops@example.com"]

    response = getattr(failing_client, method)(FAILURE_URL, HTTP_ACCEPT_LANGUAGE="zh-hans")

    body = page(response)
    assert '<html lang="zh-hans">' in body
    expected = [REPORTED, *((NOT_SAVED, CHECK_FIRST) if method == "post" else (TRY_AGAIN,))]
    with translation.override("zh-hans"):
        for text in ["Something went wrong on our side", *expected]:
            assert translation.gettext(text) in body


def test_the_page_itself_makes_no_queries(rf):
    # Without the django_db mark any query raises: the page must not need the database that may
    # be what failed.
    response = server_error(rf.post("/accounts/1/edit/"))

    assert response.status_code == 500
    assert NOT_SAVED in response.content.decode()


def test_the_page_still_answers_when_its_template_cannot_render(settings, rf, tmp_path):
    # A deployment whose static files were never collected: {% static %} raises.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    response = server_error(rf.post("/accounts/1/edit/"))

    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "kam-navbar" not in body  # the plain fallback, not the template


# --- Settings ---------------------------------------------------------------------------------


def settings_value(expression: str, **environment: str) -> str:
    script = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = run_python(["-c", script], production_env(**environment))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_admins_are_read_from_the_environment():
    value = settings_value(
        "settings.ADMINS", ADMINS='Ops Team <ops@example.com>, "Li, Na" <na@example.cn>, x@y.org'
    )

    assert value == "['Ops Team <ops@example.com>', '\"Li, Na\" <na@example.cn>', 'x@y.org']"


def test_admins_default_to_nobody():
    assert settings_value("settings.ADMINS") == "[]"


@pytest.mark.parametrize(
    "value",
    [
        "ops",  # no domain
        "Ops <ops@example.com",  # no closing bracket
        "ops@example.com lead@example.com",  # two addresses without a comma
        "ops@example.com; lead@example.com",  # the wrong separator
        "Ops ops@example.com",  # a name without brackets
    ],
)
def test_admins_that_are_not_addresses_are_refused(value):
    assert_refused(load_settings(production_env(ADMINS=value)), "ADMINS")


def test_a_malformed_sentry_dsn_is_refused():
    assert_refused(load_settings(production_env(SENTRY_DSN="sentry.example.com")), "SENTRY_DSN")


def test_sentry_is_not_even_imported_without_a_dsn():
    assert settings_value("__import__('sys').modules.get('sentry_sdk') is None") == "True"


def test_secret_key_fallbacks_are_read_from_the_environment():
    value = settings_value("settings.SECRET_KEY_FALLBACKS", SECRET_KEY_FALLBACKS="old-1, old-2")

    assert value == "['old-1', 'old-2']"


@pytest.mark.django_db
def test_a_survey_link_made_under_a_key_in_the_fallbacks_still_opens(settings, account):
    survey = SurveyFactory(account=account)
    settings.SECRET_KEY = "the-old-key-" * 4
    token = tokens.make_token(survey)

    settings.SECRET_KEY = "the-new-key-" * 4
    assert tokens.read_token(token) is None  # a new key alone: the link is dead
    settings.SECRET_KEY_FALLBACKS = ["the-old-key-" * 4]
    assert tokens.read_token(token) == (survey.pk, survey.link_nonce)


# --- Sentry and Celery, for real --------------------------------------------------------------


class _Collector(BaseHTTPRequestHandler):
    """Stands in for Sentry's ingest endpoint: keeps every envelope posted to it."""

    envelopes: list[str]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.envelopes.append(body.decode(errors="replace"))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_collector():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://public@127.0.0.1:{server.server_address[1]}/1", server.envelopes
    server.shutdown()
    server.server_close()


def error_events(envelopes: list[str]) -> list[dict]:
    events = []
    for envelope in envelopes:
        for line in envelope.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and "exception" in item:
                events.append(item)
    return events


def test_with_a_dsn_a_server_error_goes_to_sentry_without_personal_data(sentry_collector):
    dsn, envelopes = sentry_collector
    script = f"""
import django, sentry_sdk
django.setup()
from django.conf import settings
from django.test import Client
settings.ROOT_URLCONF = "tests.kam.error_urls"
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a-session-cookie-value"
response = client.post("{FAILURE_URL}", {{"private_note": "{PRIVATE_NOTE}"}})
print(response.status_code)
sentry_sdk.flush(timeout=10)
"""
    environment = production_env(
        SENTRY_DSN=dsn,
        SENTRY_ENVIRONMENT="drill",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        KAM_PLAIN_STATIC="1",
    )

    result = run_python(["-c", script], environment)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "500"
    (event,) = error_events(envelopes)
    assert event["exception"]["values"][-1]["type"] == "SaveFailedHalfway"
    assert event["environment"] == "drill"
    sent = json.dumps(event)
    assert PRIVATE_NOTE not in sent
    assert "a-session-cookie-value" not in sent
    assert "user" not in event or "ip_address" not in event["user"]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_failed_task_in_a_real_worker_is_mailed_and_sent_to_sentry(
    sentry_collector, celery_workers
):
    dsn, envelopes = sentry_collector
    process, log = celery_workers({"ADMINS": "Ops <ops@example.com>", "SENTRY_DSN": dsn})

    # A task handed something it cannot use fails in the worker (the id is not a number).
    carry_over_scores.apply_async(("not-a-number",), queue=celery_workers.queue)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        output = log.read_text()
        if "raised unexpected" in output and "Subject: [KAM] ERROR" in output and envelopes:
            break
        assert process.poll() is None, output
        time.sleep(0.5)
    output = log.read_text()
    # The worker's mail backend is "console": the message the admins get, printed.
    assert output.count("Subject: [KAM] ERROR") == 1, output
    assert "To: Ops <ops@example.com>" in output
    assert "scoring.tasks.carry_over_scores" in output
    (event,) = error_events(envelopes)
    assert event["exception"]["values"][-1]["type"] == "ValueError"


def test_the_variables_are_in_the_readmes_configuration_table():
    # ADMINS is read by envaddresses, which test_settings' search for documented names misses.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("ADMINS", "SECRET_KEY_FALLBACKS", "SENTRY_DSN", "SENTRY_ENVIRONMENT"):
        assert f"| `{name}` |" in readme, name
