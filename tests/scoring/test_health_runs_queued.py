"""A recalculation or a retry asked for while the broker is unreachable is saved in the outbox
(accounts.outbox), and the health runs page says so plainly instead of following a run that has
not started. The broker is a real closed port (tests/celery_workers.py, unreachable_broker)."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import outbox
from accounts.models import ImportJob, ImportKind, OutboxMessage
from accounts.signals import records_imported
from scoring.models import HealthRun, RunStatus, RunTrigger, Survey
from scoring.surveys.signals import survey_changed

pytestmark = pytest.mark.django_db(transaction=True)

SAVED = "Saved: the recalculation will run when the background queue is back."


def test_recalculate_now_with_the_broker_down_says_it_is_saved(
    client_for, admin_user, unreachable_broker
):
    client = client_for(admin_user)

    response = client.post(reverse("scoring:health_recalculate"))

    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(SAVED in message for message in said), said
    waiting = OutboxMessage.objects.get()
    assert waiting.task == "scoring.tasks.recalculate_health" and waiting.published_at is None
    assert waiting.args == [RunTrigger.ADMIN, admin_user.pk]
    html = client.get(reverse("scoring:health_runs")).content.decode()
    assert 'data-testid="runs-queued"' in html
    assert "is saved: it will run when the background queue is back" in html
    assert 'hx-trigger="every 2s"' not in html, "nothing runs: nothing to follow"


def test_a_retry_with_the_broker_down_is_shown_saved_not_starting(
    client_for, admin_user, unreachable_broker
):
    now = timezone.now()
    run = HealthRun.objects.create(
        trigger=RunTrigger.NIGHTLY,
        as_of=now.date(),
        attempt=1,
        status=RunStatus.INTERRUPTED,
        started_at=now - datetime.timedelta(minutes=10),
        finished_at=now - datetime.timedelta(minutes=9),
    )
    client = client_for(admin_user)

    response = client.post(reverse("scoring:health_run_retry", args=[run.pk]))

    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(SAVED in message for message in said), said
    assert outbox.is_waiting("scoring.tasks.retry_health_run", run.pk)
    html = client.get(reverse("scoring:health_runs")).content.decode()
    assert 'data-testid="run-retry-queued"' in html
    assert 'data-testid="run-retry-waiting"' not in html


def test_with_the_broker_up_the_page_says_the_run_started(client_for, admin_user):
    response = client_for(admin_user).post(reverse("scoring:health_recalculate"))

    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("Recalculation started" in message for message in said), said
    assert not outbox.pending().exists()


# --- Asked for from below: the signals health receives (scoring.apps connects them) ------------


def test_imported_transactions_queue_a_full_recalculation(admin_user, unreachable_broker):
    with transaction.atomic():
        for kind in (ImportKind.TRANSACTIONS, ImportKind.ACCOUNTS):
            job = SimpleNamespace(kind=kind, user_id=admin_user.pk)
            records_imported.send(sender=ImportJob, job=job, account_ids=[])

    waiting = OutboxMessage.objects.get()
    assert waiting.task == "scoring.tasks.recalculate_health"
    assert waiting.args == [RunTrigger.IMPORT, admin_user.pk]


def test_a_changed_survey_queues_its_account_recalculation(account, unreachable_broker):
    with transaction.atomic():
        survey_changed.send(sender=Survey, account_id=account.pk)

    waiting = OutboxMessage.objects.get()
    assert waiting.task == "scoring.tasks.recalculate_account_health"
    assert waiting.args == [account.pk]
