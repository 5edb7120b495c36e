"""Celery tasks of the project's wiring (settings' beat schedule names them
"kam.tasks.clear_expired_sessions")."""

from importlib import import_module

from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True)
def clear_expired_sessions() -> None:
    """Nightly: delete the sessions that have expired (what `manage.py clearsessions` does), so the
    session table holds only the last SESSION_COOKIE_AGE's sign-ins. Idempotent."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
