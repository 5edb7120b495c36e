"""Expired sessions are cleared by a nightly Celery beat job (kam.tasks.clear_expired_sessions)."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from kam.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db


def session(*, expires_in: timedelta) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["signed_in"] = True
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )
    return store.session_key


def test_it_deletes_expired_sessions_and_keeps_live_ones():
    expired = session(expires_in=-timedelta(minutes=1))
    long_expired = session(expires_in=-timedelta(days=400))
    live = session(expires_in=timedelta(hours=11))

    clear_expired_sessions.delay().get()

    remaining = set(Session.objects.values_list("session_key", flat=True))
    assert remaining == {live}
    assert not {expired, long_expired} & remaining


def test_a_second_run_removes_nothing():
    session(expires_in=-timedelta(days=1))
    live = session(expires_in=timedelta(hours=1))
    clear_expired_sessions.delay().get()

    clear_expired_sessions.delay().get()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]


def test_it_runs_nightly_from_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == clear_expired_sessions.name == "kam.tasks.clear_expired_sessions"
