"""Background jobs people wait for (an import's check and write, a health recalculation) hold a
lease, so a job whose worker died is noticed within minutes instead of showing "running" forever
(DESIGN.md §6: a worker dies mid-job).

- The job's model is `Leased`: `heartbeat_at`, written while the job runs, and `attempt`, the
  number of the current try. A task carries the attempt it was queued for and does nothing when
  the job has moved on to another (a message the broker delivers again after a retry).
- The task runs its work inside `heartbeat(Model, pk)`: a thread of its own writes `heartbeat_at`
  every `BEAT_SECONDS` on its own database connection, so each beat is committed at once even
  while the job's own transaction is open, and stops when the work ends or the process dies.
- A running job whose last beat is older than `settings.KAM_JOB_LEASE_SECONDS` is dead: each
  job's app marks it interrupted (on its pages and from the `reap-dead-jobs` beat job), says what
  was and was not written, and offers its owner retry and cancel.

The broker's own redelivery (its visibility timeout) is a last resort, not what people wait for.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def lease_seconds() -> int:
    return settings.KAM_JOB_LEASE_SECONDS


def beat_seconds() -> float:
    """Four beats a lease: one delayed beat (a busy database) does not end a live job."""
    return lease_seconds() / 4


class Leased(models.Model):
    heartbeat_at = models.DateTimeField(
        _("last sign of life"), null=True, blank=True, editable=False
    )
    attempt = models.PositiveIntegerField(_("attempt"), default=0, editable=False)

    class Meta:
        abstract = True

    def lease_expired(self, now: datetime.datetime | None = None) -> bool:
        """No sign of life for a whole lease (a job that has not beaten yet counts from
        `started`, given by `lease_started_at()`)."""
        last = self.heartbeat_at or self.lease_started_at()
        if last is None:
            return False
        now = now or timezone.now()
        return now - last > datetime.timedelta(seconds=lease_seconds())

    def lease_started_at(self) -> datetime.datetime | None:
        return None


def expired_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """Jobs whose last beat is older than this are dead."""
    return (now or timezone.now()) - datetime.timedelta(seconds=lease_seconds())


@contextlib.contextmanager
def heartbeat(model, pk: int, *, every: float | None = None):
    """Beat for job `pk` of `model` while the block runs."""
    every = beat_seconds() if every is None else every
    stop = threading.Event()

    def beat_until_stopped():
        try:
            while True:
                _beat(model, pk)
                if stop.wait(every):
                    return
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat_until_stopped, name=f"heartbeat-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 10)


def _beat(model, pk: int) -> None:
    try:
        model._base_manager.filter(pk=pk).update(heartbeat_at=timezone.now())
    except DatabaseError as error:
        # A beat that cannot be written (the database is busy or restarting; SQLite, under
        # `make run`, while the job itself writes) is only late: the lease allows for three more
        # before anyone calls the job dead. Known and harmless, so one line without a traceback.
        logger.warning("heartbeat of %s %s could not be written: %s", model.__name__, pk, error)
