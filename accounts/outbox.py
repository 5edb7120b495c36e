"""Celery work that survives a broker outage: a transactional outbox (DESIGN.md §6).

`enqueue(task, *args, **kwargs)` is how every service asks for background work (`task`: the task,
or its name, "scoring.tasks.warm_dashboards", when the tasks module sits above the caller's layer
and so may not be imported by it: DESIGN.md §2). It writes an
OutboxMessage in the caller's transaction and, once that commits, publishes it at once with a
single quick try. If the broker is unreachable the row stays pending and the request goes on: the
relay (`relay()`: a beat task every 30 s, and each worker as it starts) publishes it once Redis is
back. After a failed publish this process does not try the broker again for a few seconds (a
circuit breaker), so while Redis is down a request pays no connection attempt.

A row is marked published only after the broker accepted it; the relay locks the rows it sends
(SELECT … FOR UPDATE SKIP LOCKED), so two relays never send one row at once. A row may still be
sent twice (a crash between the publish and the mark), always with the same Celery task id: the
tasks are idempotent (kam/settings.py, Celery section). Published rows are deleted after a day.

Without a broker (no REDIS_URL, tasks run eagerly) nothing is written: the task runs in-process
after the commit, as `.delay()` did.
"""

import logging
import threading
import time
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.utils import timezone
from kombu import Connection, pools

from accounts.models import OutboxMessage

logger = logging.getLogger(__name__)

# After a failed publish, this process leaves the broker alone for this long.
BREAKER_SECONDS = 10.0
# Rows the relay locks and sends per transaction.
RELAY_BATCH = 200
# Published rows are kept this long (for a look at what was sent), then deleted by the relay.
KEEP_PUBLISHED = timedelta(days=1)


class _Breaker:
    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + BREAKER_SECONDS

    def close(self) -> None:
        with self._lock:
            self._open_until = 0.0


breaker = _Breaker()


# Seconds a publish may wait for the broker to connect or to answer: a Redis that accepts the
# connection and then hangs would otherwise hold the request for ever (kombu sets no read timeout).
PUBLISH_TIMEOUT = 1.0
_connections: dict[str, Connection] = {}
_connections_lock = threading.Lock()


def _producers(app):
    """The pool of producers the outbox publishes with: on connections of their own whose socket
    operations time out after PUBLISH_TIMEOUT (the workers' connections keep Celery's settings)."""
    url = app.conf.broker_write_url or app.conf.broker_url
    with _connections_lock:
        connection = _connections.get(url)
        if connection is None:
            timeouts = dict.fromkeys(("socket_connect_timeout", "socket_timeout"), PUBLISH_TIMEOUT)
            connection = app.connection_for_write(url, transport_options=timeouts)
            _connections[url] = connection
    return pools.producers[connection]


def _runs_eagerly(task) -> bool:
    return bool(task.app.conf.task_always_eager)


def registered_task(name: str):
    """The task registered under `name`. A process that has not imported the task's module yet
    (a web process) runs Celery's autodiscovery of every app's tasks.py first; an unknown name
    raises KeyError, so a misspelt name fails where it is asked for."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def enqueue(task, *args, **kwargs) -> OutboxMessage | None:
    """Ask for `task(*args, **kwargs)` once the current transaction commits (at once outside
    one); `task` is a task or its registered name. The arguments must be JSON (primary keys,
    strings, numbers). Returns the outbox row, or None when tasks run eagerly (no broker)."""
    if isinstance(task, str):
        task = registered_task(task)
    if _runs_eagerly(task):
        transaction.on_commit(lambda: task.delay(*args, **kwargs))
        return None
    message = OutboxMessage.objects.create(task=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: publish_now(message.pk), robust=True)
    return message


def _publish(message: OutboxMessage) -> bool:
    """One quick try to hand `message` to the broker; True when it took it."""
    try:
        task = registered_task(message.task)
        with _producers(task.app).acquire(block=True, timeout=PUBLISH_TIMEOUT) as producer:
            # One connection attempt: kombu would otherwise retry for broker_connection_timeout
            # with two-second sleeps between tries.
            producer.connection.ensure_connection(max_retries=0)
            task.apply_async(
                args=message.args,
                kwargs=message.kwargs,
                task_id=str(message.task_id),
                retry=False,
                producer=producer,
            )
    except Exception as exc:  # the broker's errors come from kombu, redis-py or the socket
        breaker.trip()
        message.attempts += 1
        message.last_error = f"{exc.__class__.__name__}: {exc}"[:200]
        logger.warning(
            "Could not publish %s (%s); it waits in the outbox for the relay",
            message.task,
            exc.__class__.__name__,
        )
        return False
    breaker.close()
    message.published_at = timezone.now()
    return True


def publish_now(pk: int) -> bool:
    """After the commit that wrote it: publish row `pk` unless the breaker is open or another
    process is sending it. Never raises: the row stays pending for the relay."""
    if breaker.is_open():
        return False
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, published_at__isnull=True)
                .first()
            )
            if message is None:
                return False
            published = _publish(message)
            message.save(update_fields=["published_at", "attempts", "last_error"])
            return published
    except Exception:
        logger.exception("Outbox row %s left for the relay", pk)
        return False


def relay() -> int:
    """Publish every pending row, oldest first, until one fails; delete the rows published more
    than KEEP_PUBLISHED ago. Safe to run in several processes at once. Returns how many rows it
    published."""
    published = 0
    while True:
        with transaction.atomic():
            batch = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(published_at__isnull=True)
                .order_by("pk")[:RELAY_BATCH]
            )
            sent = []
            for message in batch:
                ok = _publish(message)
                sent.append(message)
                if not ok:
                    break
            OutboxMessage.objects.bulk_update(sent, ["published_at", "attempts", "last_error"])
        done = sum(1 for message in sent if message.published_at)
        published += done
        if len(batch) < RELAY_BATCH or done < len(sent):
            break
    OutboxMessage.objects.filter(published_at__lt=timezone.now() - KEEP_PUBLISHED).delete()
    return published


def pending():
    return OutboxMessage.objects.filter(published_at__isnull=True)


def is_pending(message: OutboxMessage) -> bool:
    """Whether `message` (from enqueue) still waits for the broker."""
    return pending().filter(pk=message.pk).exists()


def is_waiting(task, *args) -> bool:
    """Whether work for `task` (a task or its name) whose arguments start with `args` waits in
    the outbox for the broker."""
    lookups = {f"args__{index}": value for index, value in enumerate(args)}
    return pending().filter(task=getattr(task, "name", task), **lookups).exists()


def oldest_pending_age() -> timedelta | None:
    """How long the oldest pending row has waited (None: nothing waits)."""
    oldest = pending().order_by("created_at").values_list("created_at", flat=True).first()
    return None if oldest is None else timezone.now() - oldest
