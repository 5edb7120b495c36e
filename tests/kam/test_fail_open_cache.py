"""The cache fails open (kam/cache.py): with Redis unreachable every call answers as an empty
cache would, quickly, and the outage is logged once rather than once per call. Real faults: a
closed port (refused at once) and a port that accepts but never answers (black-holed)."""

import logging
import socket
import time

import pytest

from kam.cache import FailOpenRedisCache, outage_of
from tests.servers import free_port

OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def fail_open_cache(location: str) -> FailOpenRedisCache:
    cache = FailOpenRedisCache(location, {"OPTIONS": OPTIONS, "KEY_PREFIX": "test"})
    cache.outage.reset()
    return cache


@pytest.fixture
def refused():
    return fail_open_cache(f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def black_holed():
    """A Redis that takes the connection and then says nothing: the listen backlog completes the
    handshake, nobody ever reads."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield fail_open_cache(f"redis://127.0.0.1:{listener.getsockname()[1]}/0")


def test_a_closed_port_is_a_miss_and_set_does_not_raise(refused):
    started = time.monotonic()

    assert refused.get("key") is None
    assert refused.get("key", "fallback") == "fallback"
    refused.set("key", "value", 60)
    assert refused.add("key", "value", 60) is False
    assert refused.delete("key") is False
    assert refused.get_many(["a", "b"]) == {}
    assert refused.set_many({"a": 1, "b": 2}) == ["a", "b"]
    refused.delete_many(["a", "b"])
    assert refused.has_key("key") is False
    assert refused.touch("key") is False
    assert refused.get_or_set("key", lambda: "computed", 60) == "computed"
    with pytest.raises(ValueError):
        refused.incr("counter")

    assert time.monotonic() - started < 1


def test_a_black_holed_redis_costs_one_timeout_then_nothing(black_holed):
    started = time.monotonic()
    assert black_holed.get("key", "fallback") == "fallback"
    first = time.monotonic() - started

    started = time.monotonic()
    for _ in range(20):
        black_holed.set("key", "value", 60)
        assert black_holed.get("key") is None
    later = time.monotonic() - started

    assert 0.4 <= first < 1, "the first call waits out the half-second socket timeout, no more"
    assert later < 0.1, "during the pause after a failure Redis is not tried again"


def test_redis_is_tried_again_after_the_pause(refused, monkeypatch):
    refused.get("key")
    assert refused.outage.is_paused()

    monkeypatch.setattr(refused.outage, "paused_until", time.monotonic() - 1)

    assert not refused.outage.is_paused()
    refused.get("key")
    assert refused.outage.is_paused(), "the next call tried Redis and failed again"


def test_the_outage_is_logged_once_not_once_per_call(refused, monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="kam.cache")
    for _ in range(10):
        monkeypatch.setattr(refused.outage, "paused_until", 0.0)
        refused.get("key")

    warnings = [r for r in caplog.records if r.name == "kam.cache"]
    assert len(warnings) == 1
    assert "ConnectionError" in warnings[0].getMessage()


def test_an_outage_of_one_redis_does_not_pause_another():
    down = fail_open_cache(f"redis://127.0.0.1:{free_port()}/0")
    down.get("key")

    assert down.outage.is_paused()
    assert not outage_of("redis://127.0.0.1:6379/1").is_paused()


def test_the_working_cache_still_caches(settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: the site's cache is in memory")
    cache = fail_open_cache(settings.REDIS_URL)

    cache.set("fail-open-check", {"n": 1}, 30)

    assert cache.get("fail-open-check") == {"n": 1}
    assert cache.add("fail-open-check", 2, 30) is False
    assert cache.delete("fail-open-check") is True
