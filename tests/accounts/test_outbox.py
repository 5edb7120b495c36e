"""The outbox (accounts.outbox): Celery work is written with the transaction that asks for it,
published after the commit, kept while the broker is unreachable and relayed once it is back.

Real parts: the Redis broker of the test run (REDIS_URL; skipped without it, a failure under
KAM_REQUIRE_BROWSER=1) on a queue of the test's own, whose messages the test reads back, and a
closed port as the unreachable broker."""

import json
import socket
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone

from accounts import outbox
from accounts.models import OutboxMessage
from kam.celery import app
from kam.tasks import clear_expired_sessions
from scoring.tasks import recalculate_account_health, warm_dashboards
from tests.celery_workers import _require, use_broker


@pytest.fixture
def broker(settings):
    """The real broker, not eager, on a queue of this test's own: `broker.messages()` are the
    messages waiting there (the Celery task ids and names)."""
    import redis

    _require(bool(settings.REDIS_URL), "REDIS_URL is not set: no broker for the outbox")
    queue = f"kam-outbox-test-{uuid.uuid4().hex[:12]}"
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    outbox.breaker.close()
    client = redis.Redis.from_url(settings.REDIS_URL)

    class Broker:
        name = queue

        @staticmethod
        def messages() -> list[tuple[str, str]]:
            found = [json.loads(raw) for raw in client.lrange(queue, 0, -1)]
            return [(m["headers"]["id"], m["headers"]["task"]) for m in found]

    yield Broker
    client.delete(queue)
    client.close()
    app.conf.task_always_eager, app.conf.task_default_queue = eager, default_queue
    outbox.breaker.close()


@pytest.fixture
def broker_down(broker, unreachable_broker):
    """The broker is a closed port (connection refused) until the test ends."""


@pytest.mark.django_db(transaction=True)
def test_committed_work_is_published_at_once_and_marked(broker):
    with transaction.atomic():
        message = outbox.enqueue(recalculate_account_health, 42)
        assert broker.messages() == [], "nothing is sent before the commit"

    message.refresh_from_db()
    assert message.published_at is not None
    assert broker.messages() == [(str(message.task_id), "scoring.tasks.recalculate_account_health")]


@pytest.mark.django_db(transaction=True)
def test_work_asked_for_in_a_rolled_back_transaction_is_never_sent(broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(recalculate_account_health, 42)
        raise RuntimeError("the change failed")

    assert not OutboxMessage.objects.exists()
    assert broker.messages() == []


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_work_waits_and_the_request_pays_little(broker, broker_down):
    started = time.monotonic()
    first = outbox.enqueue(recalculate_account_health, 1)
    tried = time.monotonic() - started
    started = time.monotonic()
    later = [outbox.enqueue(recalculate_account_health, n) for n in range(2, 12)]
    skipped = time.monotonic() - started

    first.refresh_from_db()
    assert first.published_at is None
    assert first.attempts == 1 and "Error" in first.last_error
    assert tried < 1.5, f"one quick try, no publish retries: {tried:.2f} s"
    assert skipped < 0.5, f"the open breaker spares the next requests the broker: {skipped:.2f} s"
    assert all(m.attempts == 0 for m in OutboxMessage.objects.filter(pk__in=[m.pk for m in later]))
    assert outbox.pending().count() == 11
    assert outbox.is_waiting(recalculate_account_health, 1)
    assert not outbox.is_waiting(recalculate_account_health, 99)


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_accepts_and_never_answers_costs_a_request_about_a_second(broker):
    real = app.conf.broker_url
    with socket.socket() as hung:  # the kernel completes the handshake; nobody ever reads
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        use_broker(f"redis://127.0.0.1:{hung.getsockname()[1]}/0")
        try:
            started = time.monotonic()
            message = outbox.enqueue(recalculate_account_health, 1)
            waited = time.monotonic() - started
        finally:
            use_broker(real)

    message.refresh_from_db()
    assert message.published_at is None and "Timeout" in message.last_error
    assert waited < 2.5, f"{waited:.2f} s"


@pytest.mark.django_db(transaction=True)
def test_the_relay_stops_at_the_first_failure_and_sends_everything_once_the_broker_is_back(
    broker, broker_down
):
    messages = [OutboxMessage.objects.create(task=warm_dashboards.name) for _ in range(5)]

    assert outbox.relay() == 0
    attempts = dict(OutboxMessage.objects.values_list("pk", "attempts"))
    assert attempts[messages[0].pk] == 1 and sum(attempts.values()) == 1

    use_broker(_real_url())
    assert outbox.relay() == 5
    assert not outbox.pending().exists()
    assert sorted(broker.messages()) == sorted(
        (str(m.task_id), "scoring.tasks.warm_dashboards") for m in messages
    )


def _real_url() -> str:
    from django.conf import settings

    return settings.CELERY_BROKER_URL


@pytest.mark.django_db(transaction=True)
def test_relays_running_at_once_send_each_row_exactly_once(broker, monkeypatch):
    monkeypatch.setattr(outbox, "RELAY_BATCH", 7)
    rows = [OutboxMessage(task=warm_dashboards.name) for _ in range(60)]
    OutboxMessage.objects.bulk_create(rows)
    counts, start = [], threading.Barrier(3)

    def relay():
        try:
            start.wait()
            counts.append(outbox.relay())
        finally:
            connection.close()

    threads = [threading.Thread(target=relay) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    sent = [task_id for task_id, _ in broker.messages()]
    assert sum(counts) == 60
    assert len(sent) == 60 and len(set(sent)) == 60
    assert set(sent) == {str(t) for t in OutboxMessage.objects.values_list("task_id", flat=True)}
    assert not outbox.pending().exists()


@pytest.mark.django_db
def test_the_relay_deletes_rows_published_more_than_a_day_ago(broker):
    old = OutboxMessage.objects.create(
        task=warm_dashboards.name, published_at=timezone.now() - timedelta(days=2)
    )
    recent = OutboxMessage.objects.create(task=warm_dashboards.name, published_at=timezone.now())

    outbox.relay()

    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk}
    assert old.pk != recent.pk


@pytest.mark.django_db
def test_without_a_broker_the_task_runs_in_process_after_the_commit(
    django_capture_on_commit_callbacks,
):
    assert app.conf.task_always_eager  # as `make run` (no REDIS_URL), and tests/conftest.py
    Session.objects.create(
        session_key="expired", session_data="", expire_date=timezone.now() - timedelta(days=1)
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert outbox.enqueue(clear_expired_sessions) is None
        assert Session.objects.filter(session_key="expired").exists(), "not before the commit"

    assert len(callbacks) == 1
    assert not Session.objects.filter(session_key="expired").exists()
    assert not OutboxMessage.objects.exists()
