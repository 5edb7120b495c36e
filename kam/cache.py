"""The cache, failing open: Redis down is a cache miss, never an error page (DESIGN.md §6).

Every operation of Django's RedisCache that meets a Redis connection or timeout error logs a
warning (at most one a minute per process, with how many it held back) and answers as an empty
cache would: `get` the default, `add` and `delete` False, `set` nothing. After a failure the cache
does not try Redis again for a few seconds, so while Redis is unreachable (or black-holed, where
each try waits out the socket timeout) a page does not pay one attempt per cache call.

Nothing KAM keeps only in the cache is needed for correctness: sessions are in the database, the
dashboard recomputes on a miss, an import's progress bar waits for its next report.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

FAILURES = (RedisConnectionError, RedisTimeoutError)
# After a failure, calls answer as a miss without trying Redis for this long.
PAUSE_SECONDS = 5.0
# At most one warning in this long; the next one says how many failures it stands for.
WARN_EVERY_SECONDS = 60.0


class _Outage:
    """When Redis last failed in this process, and the warnings about it."""

    def __init__(self):
        self._lock = threading.Lock()
        self.paused_until = 0.0
        self._warned_at = None
        self._held_back = 0

    def is_paused(self) -> bool:
        return time.monotonic() < self.paused_until

    def failed(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self.paused_until = now + PAUSE_SECONDS
            if self._warned_at is not None and now - self._warned_at < WARN_EVERY_SECONDS:
                self._held_back += 1
                return
            held_back, self._held_back, self._warned_at = self._held_back, 0, now
        logger.warning(
            "Cache unavailable (%s in %s): answering as a miss; %d more failures since the "
            "last warning",
            exc.__class__.__name__,
            operation,
            held_back,
        )

    def reset(self) -> None:
        with self._lock:
            self.paused_until, self._warned_at, self._held_back = 0.0, None, 0


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def outage_of(location: str) -> _Outage:
    """The outage record shared by every cache (one per thread) on the same Redis servers."""
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def _fails_open(on_failure):
    """Wrap a cache method: on a Redis failure (or during the pause after one) return
    `on_failure(*args, **kwargs)` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self.outage.is_paused():
                return on_failure(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except FAILURES as exc:
                self.outage.failed(method.__name__, exc)
                return on_failure(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _false(*args, **kwargs):
    return False


def _none(*args, **kwargs):
    return None


def _empty(*args, **kwargs):
    return {}


def _all_failed(data, *args, **kwargs):
    return list(data)


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable)")


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache that answers as an empty cache while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.outage = outage_of(",".join(self._servers))

    get = _fails_open(_default)(RedisCache.get)
    add = _fails_open(_false)(RedisCache.add)
    set = _fails_open(_none)(RedisCache.set)
    touch = _fails_open(_false)(RedisCache.touch)
    delete = _fails_open(_false)(RedisCache.delete)
    has_key = _fails_open(_false)(RedisCache.has_key)
    incr = _fails_open(_missing)(RedisCache.incr)
    get_many = _fails_open(_empty)(RedisCache.get_many)
    set_many = _fails_open(_all_failed)(RedisCache.set_many)
    delete_many = _fails_open(_none)(RedisCache.delete_many)
    clear = _fails_open(_false)(RedisCache.clear)
