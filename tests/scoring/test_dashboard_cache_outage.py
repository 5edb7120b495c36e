"""The dashboard's cache while the cache is unreachable (a real closed port): figures are computed
afresh, never served stale, and a change made during the outage still retires the figures cached
before it once the cache is back."""

import socket

import pytest
from django.core.cache import cache, caches

from scoring.dashboard import cache as dashboard_cache

pytestmark = pytest.mark.django_db


def closed_cache(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    working = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "kam.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    caches["default"].outage.reset()
    return working


def test_while_the_cache_is_down_every_figure_is_computed_afresh(settings):
    closed_cache(settings)
    computed = []

    for _ in range(3):
        key = f"dashboard:{dashboard_cache.current_version()}:all:test"
        dashboard_cache.get_or_compute(key, lambda: computed.append(1) or {"n": 1})

    assert len(computed) == 3


def test_a_change_made_while_the_cache_was_down_retires_the_old_figures_once_it_is_back(
    settings, monkeypatch
):
    monkeypatch.setattr(dashboard_cache, "_unrecorded_change", False)
    before = dashboard_cache.current_version()
    cache.set(f"dashboard:{before}:all:test", {"stale": True})
    working = closed_cache(settings)

    dashboard_cache.replace_version()  # a change commits; its new token is lost

    settings.CACHES = working
    after = dashboard_cache.current_version()
    assert after != before
    assert dashboard_cache.current_version() == after, "replaced once, then stable"
