"""Issue 16: a mail server that is down costs nobody their in-app notifications. The digest runs
with the SMTP host on a real closed port: every user's notifications are written, every e-mail
waits in the queue with the connection error, admins see it; then a real SMTP server starts on
that port and the queue delivers each e-mail exactly once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import mail
from accounts.access import ACCOUNT_MANAGER
from accounts.models import MailStatus, OutgoingMail
from planning.models import Notification
from planning.tasks import send_daily_digests
from tests.factories import (
    AccountFactory,
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
)
from tests.smtp_server import SmtpServer, free_port, smtp_mailers

pytestmark = pytest.mark.django_db

USERS = 12


@pytest.fixture
def port(settings):
    number = free_port()
    settings.MAILERS = smtp_mailers(number)
    return number


@pytest.fixture
def managers(db):
    today = timezone.localdate()
    users = []
    for i in range(USERS):
        user = UserFactory(username=f"manager{i}", role=ACCOUNT_MANAGER)
        plan = PlanFactory(account=AccountFactory(owner=user), owner=user)
        ActionFactory(
            objective=ObjectiveFactory(plan=plan),
            owner=user,
            description=f"Call back customer {i}",
            due_on=today - timedelta(days=2),
        )
        users.append(user)
    return users


def test_with_the_mail_server_down_every_notification_is_written_and_the_mail_waits(
    port, managers, admin_user, client_for, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    # The task as the worker runs it; the commits' callbacks run the sender (Celery in process).
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        totals = send_daily_digests.apply(args=[today.isoformat()]).get()

    assert len(callbacks) == 1  # one request to send them all, after the last user's commit
    assert (totals["failed"], totals["mail_failed"], totals["queued"]) == (0, 0, USERS)
    assert totals["notifications"] == USERS
    for user in managers:
        (notification,) = Notification.objects.filter(user=user)
        assert "Call back customer" in notification.text
    rows = list(OutgoingMail.objects.order_by("pk"))
    assert sorted(row.to[0] for row in rows) == sorted(user.email for user in managers)
    for row in rows:
        assert (row.status, row.attempts, row.kind) == (MailStatus.PENDING, 1, "digest")
        assert "ConnectionRefusedError" in row.last_error
        assert row.next_attempt_at > timezone.now()  # waits a minute before the next attempt

    # Admins see them, with the error, and a count on the health runs page.
    client = client_for(admin_user)
    page = client.get(reverse("accounts:mail")).content.decode()
    assert page.count('data-testid="mail-row"') == USERS
    assert page.count('data-status="retrying"') == USERS
    assert "ConnectionRefusedError" in page
    runs = client.get(reverse("scoring:health_runs")).content.decode()
    assert 'data-testid="mail-trouble"' in runs and f"0 failed, {USERS} waiting" in runs

    # The server is back: the next run after the delay delivers everything, exactly once.
    later = timezone.now() + mail.retry_delay(1)
    with SmtpServer(port) as server:
        assert mail.send_pending_mail(now=later)["sent"] == USERS
        assert mail.send_pending_mail(now=later + timedelta(days=2))["sent"] == 0
        with django_capture_on_commit_callbacks(execute=True):
            again = send_daily_digests.apply(args=[today.isoformat()]).get()
    assert again["queued"] == 0  # the same day: nothing queued twice

    received = sorted(r for message in server.messages for r in message.recipients)
    assert received == sorted(user.email for user in managers)
    for message in server.messages:
        assert message.message["Subject"] == f"KAM: 1 thing due on {today.isoformat()}"
        assert "Call back customer" in message.message.get_body(("plain",)).get_content()
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
    page = client.get(reverse("accounts:mail")).content.decode()
    assert 'data-testid="mail-row"' not in page
    assert (
        'data-testid="mail-trouble"'
        not in client.get(reverse("scoring:health_runs")).content.decode()
    )
