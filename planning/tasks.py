"""Celery tasks of the planning app: thin wrappers over services (settings' beat schedule names
"planning.tasks.send_daily_digests")."""

import datetime

from celery import shared_task

from planning.reminders import services


@shared_task(acks_late=True)
def send_daily_digests(today: str | None = None) -> dict[str, int]:
    """E-mail each user the day's digest and list it in the app. Idempotent: a retry or a second
    run the same day creates and sends nothing. `today` is an ISO date (for tests and reruns).

    Each user's digest is its own transaction, so a worker killed midway leaves the users done
    done; the message delivered again sends to the others. Its time limit (30 minutes: one
    conversation with the mail server per user) is in kam/settings.py."""
    day = datetime.date.fromisoformat(today) if today else None
    return services.send_daily_digests(day)
