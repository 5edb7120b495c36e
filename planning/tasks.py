"""Celery tasks of the planning app: thin wrappers over services (settings' beat schedule names
"planning.tasks.send_daily_digests")."""

import datetime

from celery import shared_task

from planning.reminders import services


class DigestIncomplete(Exception):
    """Some users' digests could not be written (their tracebacks are logged above)."""


@shared_task(acks_late=True)
def send_daily_digests(today: str | None = None) -> dict[str, int]:
    """List the day's digest in the app for each user and queue its e-mail (accounts.mail sends
    it). Idempotent: a retry or a second run the same day creates and queues nothing. `today` is
    an ISO date (for tests and reruns).

    Each user's notifications are their own transaction, so a worker killed midway leaves the
    users done done; the message delivered again does the others. Its time limit is in
    kam/settings.py. A run in which some users' digests could not be written fails, after doing
    everyone else's, so the failure is reported (ADMINS, Sentry) rather than passed as success.
    Mail that cannot be sent is not such a failure: the mail queue retries it and shows it."""
    day = datetime.date.fromisoformat(today) if today else None
    totals = services.digests_send_daily(day)
    if totals["failed"] or totals["mail_failed"]:
        raise DigestIncomplete(
            f"{totals['failed']} of {totals['users']} users got no notifications and "
            f"{totals['mail_failed']} no e-mail: {totals}"
        )
    return totals
