"""The outgoing mail queue (accounts.mail) against a real SMTP server on a real port: a closed
port is the mail server that is down; tests/smtp_server.py is the one that is up."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts import mail
from accounts.models import MailStatus, OutgoingMail
from tests.smtp_server import SmtpServer, free_port, smtp_mailers

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def port(settings):
    number = free_port()
    settings.MAILERS = smtp_mailers(number)
    return number


def queue(n=1, **changes):
    """n mails queued, due from T0 (the tests' clock)."""
    queued = [
        mail.queue_mail(
            key=f"test:{i}",
            kind="test",
            to=[f"user{i}@example.cn"],
            subject=f"Subject {i}",
            text=f"Body {i}",
            **changes,
        )
        for i in range(n)
    ]
    OutgoingMail.objects.update(next_attempt_at=T0)
    for row in queued:
        row.next_attempt_at = T0
    return queued


def test_the_delay_doubles_from_a_minute_up_to_four_hours():
    minutes = [mail.retry_delay(n).total_seconds() / 60 for n in range(1, mail.MAX_ATTEMPTS)]
    assert minutes == [1, 2, 4, 8, 16, 32, 64, 128, 240, 240, 240, 240, 240]


def test_a_mail_is_queued_once_per_key():
    first = mail.queue_mail(key="k", kind="test", to=["a@example.cn"], subject="S", text="T")
    again = mail.queue_mail(key="k", kind="test", to=["b@example.cn"], subject="S2", text="T2")
    assert first is not None and again is None
    assert list(OutgoingMail.objects.values_list("to", "subject")) == [(["a@example.cn"], "S")]


def test_while_the_server_is_down_a_mail_is_retried_with_backoff_then_given_up(port):
    (queued,) = queue()
    now = T0
    schedule = []
    for attempt in range(1, mail.MAX_ATTEMPTS + 1):
        # A moment before it is due, nothing is tried.
        assert mail.send_pending_mail(now=now - dt.timedelta(seconds=1)) == {
            "sent": 0,
            "retrying": 0,
            "failed": 0,
        }
        totals = mail.send_pending_mail(now=now)
        queued.refresh_from_db()
        assert queued.attempts == attempt
        assert "ConnectionRefusedError" in queued.last_error
        if attempt < mail.MAX_ATTEMPTS:
            assert totals == {"sent": 0, "retrying": 1, "failed": 0}
            assert queued.status == MailStatus.PENDING and queued.is_retrying
            assert queued.next_attempt_at == now + mail.retry_delay(attempt)
            schedule.append(queued.next_attempt_at - now)
            now = queued.next_attempt_at
        else:
            assert totals == {"sent": 0, "retrying": 0, "failed": 1}
            assert queued.status == MailStatus.FAILED
    # Given up about a day after the first attempt, and never tried again by itself.
    assert dt.timedelta(hours=20) < now - T0 < dt.timedelta(hours=28)
    assert mail.send_pending_mail(now=now + dt.timedelta(days=30))["failed"] == 0
    queued.refresh_from_db()
    assert queued.attempts == mail.MAX_ATTEMPTS


def test_a_mail_retried_after_the_server_is_back_is_delivered_once(port):
    queue(3)
    mail.send_pending_mail(now=T0 + dt.timedelta(minutes=1))
    assert set(OutgoingMail.objects.values_list("attempts", flat=True)) == {1}

    with SmtpServer(port) as server:
        assert mail.send_pending_mail(now=T0 + dt.timedelta(seconds=90))["sent"] == 0  # not due
        totals = mail.send_pending_mail(now=T0 + dt.timedelta(minutes=3))
        mail.send_pending_mail(now=T0 + dt.timedelta(days=1))  # nothing left to send

    assert totals == {"sent": 3, "retrying": 0, "failed": 0}
    assert sorted(m.recipients[0] for m in server.messages) == [
        "user0@example.cn",
        "user1@example.cn",
        "user2@example.cn",
    ]
    assert server.connections == 1  # one connection for the whole batch
    rows = OutgoingMail.objects.order_by("pk")
    assert {(row.status, row.last_error) for row in rows} == {(MailStatus.SENT, "")}
    assert all(row.sent_at is not None for row in rows)


def test_a_refused_address_does_not_hold_up_the_others(port):
    queue(3)
    with SmtpServer(port, refuse=("user1@example.cn",)) as server:
        totals = mail.send_pending_mail()
    assert totals == {"sent": 2, "retrying": 1, "failed": 0}
    assert sorted(m.recipients[0] for m in server.messages) == [
        "user0@example.cn",
        "user2@example.cn",
    ]
    refused = OutgoingMail.objects.get(key="test:1")
    assert refused.is_retrying and "SMTPRecipientsRefused" in refused.last_error


def test_the_message_has_its_text_and_html(port):
    mail.queue_mail(
        key="k", kind="test", to=["a@example.cn"], subject="Hi 你好", text="Plain", html="<p>H</p>"
    )
    with SmtpServer(port) as server:
        mail.send_pending_mail()
    (received,) = server.messages
    message = received.message
    assert message["Subject"] == "Hi 你好"
    assert message.get_body(("plain",)).get_content().strip() == "Plain"
    assert message.get_body(("html",)).get_content().strip() == "<p>H</p>"


def test_a_claimed_mail_is_left_alone_until_its_lease_runs_out(port):
    """A worker that died mid-send: its mail is taken again once the lease is over."""
    queue(1)
    now = timezone.now()
    (claimed,) = mail._claim(now)  # the worker that then died
    assert mail._claim(now + dt.timedelta(minutes=1)) == []
    assert mail.retry_now(mail=claimed) is False  # an admin's retry does not take it either
    with SmtpServer(port) as server:
        assert mail.send_pending_mail(now=now + mail.LEASE - dt.timedelta(seconds=1))["sent"] == 0
        assert mail.send_pending_mail(now=now + mail.LEASE)["sent"] == 1
    assert len(server.messages) == 1
    claimed.refresh_from_db()
    assert claimed.status == MailStatus.SENT and claimed.attempts == 2


def test_retry_now_brings_a_failed_mail_back_for_one_more_attempt(port):
    (queued,) = queue()
    OutgoingMail.objects.filter(pk=queued.pk).update(
        status=MailStatus.FAILED, attempts=mail.MAX_ATTEMPTS, last_error="ConnectionRefusedError"
    )
    assert mail.retry_now(mail=queued) is True
    queued.refresh_from_db()
    assert queued.status == MailStatus.PENDING and queued.next_attempt_at <= timezone.now()

    assert mail.send_pending_mail() == {"sent": 0, "retrying": 0, "failed": 1}  # still down
    with SmtpServer(port) as server:
        mail.retry_now(mail=queued)
        assert mail.send_pending_mail()["sent"] == 1
    assert len(server.messages) == 1


def test_a_sent_mail_cannot_be_retried(port):
    queue(1)
    with SmtpServer(port):
        mail.send_pending_mail()
    assert mail.retry_now(mail=OutgoingMail.objects.get()) is False


def test_the_console_mailer_prints_queued_mail_right_after_the_commit(
    settings, capsys, django_capture_on_commit_callbacks
):
    """`make run`: Celery runs in process and the mailer prints, so the mail shows at once."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        queue(1)
        assert "Subject 0" not in capsys.readouterr().out  # not before the commit
    assert "Subject: Subject 0" in capsys.readouterr().out
    assert OutgoingMail.objects.get().status == MailStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_every_mail_exactly_once(port):
    if connection.vendor != "postgresql":
        pytest.skip("SELECT … FOR UPDATE SKIP LOCKED needs PostgreSQL")
    # Written directly: queue_mail would send each at once (no test transaction holds it back).
    OutgoingMail.objects.bulk_create(
        OutgoingMail(key=f"k{i}", kind="test", to=[f"user{i}@example.cn"], subject="S", text="T")
        for i in range(60)
    )
    results = []

    def worker():
        try:
            results.append(mail.send_pending_mail())
        finally:
            connection.close()

    with SmtpServer(port) as server:
        threads = [threading.Thread(target=worker) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    recipients = [m.recipients[0] for m in server.messages]
    assert sorted(recipients) == sorted(f"user{i}@example.cn" for i in range(60))
    assert sum(r["sent"] for r in results) == 60
    assert set(OutgoingMail.objects.values_list("status", "attempts")) == {(MailStatus.SENT, 1)}


def test_sent_and_given_up_mail_is_deleted_after_its_retention_and_waiting_mail_never(settings):
    settings.KAM_MAIL_RETENTION_DAYS = 30
    sent, failed, retrying, recent = queue(4)
    OutgoingMail.objects.filter(pk=sent.pk).update(status=MailStatus.SENT, sent_at=T0)
    OutgoingMail.objects.filter(pk=failed.pk).update(status=MailStatus.FAILED, attempts=14)
    OutgoingMail.objects.filter(pk=retrying.pk).update(attempts=3)
    OutgoingMail.objects.exclude(pk=recent.pk).update(created_at=T0)
    OutgoingMail.objects.filter(pk=recent.pk).update(
        status=MailStatus.SENT, created_at=T0 + dt.timedelta(days=20)
    )

    assert mail.delete_old_mail(now=T0 + dt.timedelta(days=31)) == 2
    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {retrying.pk, recent.pk}
    assert mail.delete_old_mail(now=T0 + dt.timedelta(days=31)) == 0
