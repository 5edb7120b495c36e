"""The outbox: Celery work written in the transaction that asks for it (accounts.outbox).

A row is written with the change that needs the work, so the work is never lost when the
transaction commits and never sent when it rolls back; it is published to the broker after the
commit, or later by the relay while the broker was unreachable. `task_id` is the Celery task id
of every publication of the row, so a task that recognises its own message (a health run) does
so however often the row is published."""

import uuid

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set only once the broker has accepted the message; pending while empty.
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(published_at__isnull=True),
                name="outbox_pending",
            ),
            models.Index(fields=["published_at"], name="outbox_published_at"),
        ]

    def __str__(self):
        state = "published" if self.published_at else "pending"
        return f"{self.task}{tuple(self.args)} ({state})"
