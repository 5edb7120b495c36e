"""Issue 16: the survey link's e-mail is sent by a worker, not in the request. The web process's
mail server is a real closed port: the request still succeeds at once and only queues the mail
(nobody tried the server). Then a real SMTP server starts on that port, and a real Celery worker
takes the send task the request's commit published, and delivers the mail once."""

import time

import pytest
from django.urls import reverse

from accounts.models import MailStatus, OutgoingMail
from scoring.models import Survey
from tests.factories import StakeholderFactory
from tests.smtp_server import SmtpServer, free_port, smtp_mailers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]

TIMEOUT = 20


def test_the_request_queues_the_link_and_a_worker_sends_it(
    celery_workers, settings, client_for, owner, account
):
    port = free_port()
    settings.MAILERS = smtp_mailers(port)  # were the request to send, it would fail here
    respondent = StakeholderFactory(account=account, name="Liu Yang", email="liu.yang@example.cn")

    started = time.monotonic()
    response = client_for(owner).post(
        reverse("scoring:survey_send", args=[account.pk]),
        {"respondent": respondent.pk, "language": "en", "expires_in": "14"},
    )
    took = time.monotonic() - started

    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()
    assert took < 5
    queued = OutgoingMail.objects.get()
    assert (queued.key, queued.to) == (f"survey:{survey.pk}", ["liu.yang@example.cn"])
    # Nobody tried the mail server: no attempt, no error.
    assert (queued.status, queued.attempts, queued.last_error) == (MailStatus.PENDING, 0, "")

    with SmtpServer(port) as server:
        process, log = celery_workers(
            {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
        )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            assert process.poll() is None, f"the worker died:\n{log.read_text()}"
            queued.refresh_from_db()
            if queued.status == MailStatus.SENT:
                break
            time.sleep(0.25)
        else:
            pytest.fail(f"the worker did not send the mail in {TIMEOUT}s:\n{log.read_text()}")

    (received,) = server.messages
    assert received.recipients == ["liu.yang@example.cn"]
    body = received.message.get_body(("plain",)).get_content()
    assert "Liu Yang" in body and "/s/" in body
    assert queued.attempts == 1
