"""The outgoing mail page: admins only (DESIGN.md §3: managers and directors get 403, like the
health runs page), failed and retrying mail with its last error, "retry now", and a bounded
number of queries however much mail is waiting."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import MailStatus, OutgoingMail
from tests.access_checks import assert_refused, url_names

pytestmark = pytest.mark.django_db

NAMES = {"accounts:mail", "accounts:mail_retry"}


def make_mail(i, **fields):
    values = {
        "key": f"digest:{i}:2026-03-02",
        "kind": "digest",
        "to": [f"user{i}@example.cn"],
        "subject": f"KAM: {i} things due",
        "text": "…",
        "status": MailStatus.PENDING,
        "attempts": 2,
        "next_attempt_at": timezone.now() + dt.timedelta(minutes=2),
        "last_error": "ConnectionRefusedError: [Errno 111] Connection refused",
    }
    return OutgoingMail.objects.create(**(values | fields))


@pytest.fixture
def troubled():
    return {
        "retrying": make_mail(1),
        "failed": make_mail(2, status=MailStatus.FAILED, attempts=14, last_error="SMTP 554"),
        "waiting": make_mail(3, attempts=0, last_error="", next_attempt_at=timezone.now()),
        "sent": make_mail(4, status=MailStatus.SENT, attempts=1, last_error=""),
    }


def snapshot():
    return list(OutgoingMail.objects.order_by("pk").values_list("status", "next_attempt_at"))


def test_every_mail_url_is_covered_by_these_tests():
    assert {n for n in url_names("accounts") if n.startswith("accounts:mail")} == NAMES


@pytest.mark.parametrize("persona", ["owner", "outsider", "director"])
def test_managers_and_directors_are_refused(client_for, request, persona, troubled):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("accounts:mail")).status_code == 403
    retry = reverse("accounts:mail_retry", args=[troubled["failed"].pk])
    assert client.get(retry).status_code == 403
    assert_refused(client, {retry: {}, reverse("accounts:mail"): {}}, unchanged=snapshot)
    assert b'data-testid="nav-mail"' not in client.get(reverse("accounts:list")).content


def test_signed_out_visitors_are_sent_to_sign_in(client, troubled):
    for url in (
        reverse("accounts:mail"),
        reverse("accounts:mail_retry", args=[troubled["failed"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_an_admin_sees_failed_and_retrying_mail_with_the_error(client_for, admin_user, troubled):
    client = client_for(admin_user)
    response = client.get(reverse("accounts:mail"))

    assert response.status_code == 200
    html = response.content.decode()
    rows = [m.pk for m in response.context["mails"]]
    assert rows == [troubled["failed"].pk, troubled["retrying"].pk]  # failed first
    assert 'data-status="failed"' in html and 'data-status="retrying"' in html
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in html
    assert "user1@example.cn" in html and "user4@example.cn" not in html
    assert response.context["counts"] == {"failed": 1, "retrying": 1}
    assert b'data-testid="nav-mail"' in client.get(reverse("accounts:list")).content
    assert client.post(reverse("accounts:mail")).status_code == 405


def test_retry_now_sends_the_mail_again_at_once(
    client_for, admin_user, troubled, django_capture_on_commit_callbacks
):
    from django.core import mail

    failed = troubled["failed"]
    client = client_for(admin_user)
    url = reverse("accounts:mail_retry", args=[failed.pk])
    assert client.get(url).status_code == 405

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302 and response["Location"] == reverse("accounts:mail")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Another attempt to send this e-mail starts now."]
    failed.refresh_from_db()
    # The test mailer takes it (the closed port and the real server: test_mail_queue.py).
    assert failed.status == MailStatus.SENT and failed.attempts == 15
    assert [m.to for m in mail.outbox if m.subject == failed.subject] == [failed.to]


def test_retrying_a_sent_mail_changes_nothing(client_for, admin_user, troubled):
    sent = troubled["sent"]
    response = client_for(admin_user).post(reverse("accounts:mail_retry", args=[sent.pk]))
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["This e-mail is being sent or was sent already."]
    sent.refresh_from_db()
    assert sent.status == MailStatus.SENT


@pytest.mark.parametrize("pk", ["999999", "0"])
def test_an_unknown_mail_is_404(client_for, admin_user, pk):
    response = client_for(admin_user).post(f"/accounts/mail/{pk}/retry/")
    assert response.status_code == 404


def test_nothing_failing_says_so(client_for, admin_user):
    html = client_for(admin_user).get(reverse("accounts:mail")).content.decode()
    assert "No e-mail is failing." in html and 'data-testid="mail-row"' not in html


@pytest.mark.parametrize("rows", [2, 150])
def test_the_page_reads_a_bounded_number_of_queries(
    client_for, admin_user, rows, django_assert_max_num_queries
):
    for i in range(rows):
        make_mail(i, status=MailStatus.FAILED if i % 3 == 0 else MailStatus.PENDING)
    client = client_for(admin_user)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("accounts:mail"))
    assert len(response.context["mails"]) == min(rows, 100)
    if rows > 100:
        assert "The first 100 are shown." in response.content.decode()


def test_the_health_runs_page_counts_mail_in_trouble(client_for, admin_user, troubled):
    html = client_for(admin_user).get(reverse("scoring:health_runs")).content.decode()
    assert 'data-testid="mail-trouble"' in html
    assert "Outgoing mail: 1 failed, 1 waiting to be retried." in html
    assert reverse("accounts:mail") in html
