"""The Django cache on Redis that degrades instead of failing (issue 15).

django-redis talks to Redis (short socket timeouts from OPTIONS). When Redis does not answer, a page must not fail:
Wagtail's site root paths, the footer, search, the verification page and the rate limits all read the cache. Treating
the error as a miss (django-redis's IGNORE_EXCEPTIONS) would keep pages up but silently switch every rate limit off
(a counter that is never stored never reaches its limit). So each operation that fails on Redis is answered by a
per-process local-memory cache instead: pages keep working and rate limits stay in force per process (a limit of
N per minute becomes at most N per minute per web process while Redis is away).

After a failure Redis is not asked again for `RETRY_AFTER` seconds (default 5), so an unreachable Redis costs one
connect timeout per process per interval, not one per cache call. Values written to the fallback during an outage
are not copied back; they are caches and counters that expire anyway.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError as RedisResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_ERRORS = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError, RedisResponseError, socket.timeout, OSError)

class FallbackRedisCache(RedisCache):
    """django-redis's RedisCache, answered from local memory while Redis is unreachable (see the module doc)."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        options["IGNORE_EXCEPTIONS"] = False  # we handle them: fall back rather than pretend a miss
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._fallback = LocMemCache(
            f"redis-fallback-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "KEY_PREFIX": params.get("KEY_PREFIX", ""), "OPTIONS": {}},
        )
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def redis_available(self) -> bool:
        """False while this process is answering from the fallback (until the retry time passes)."""
        return time.monotonic() >= self._down_until

    def ping_redis(self) -> None:
        """Ask Redis itself (never the fallback); raises when it does not answer. Used by /healthz."""
        try:
            self.client.get_client(write=True).ping()
        except REDIS_ERRORS as exc:
            self._mark_down(exc)
            raise
        with self._lock:
            self._down_until = 0.0  # it answers again: use it from now on

    def _mark_down(self, exc: BaseException) -> None:
        with self._lock:
            first = self.redis_available
            self._down_until = time.monotonic() + self.retry_after
        if first:
            logger.warning(
                "Cache: Redis did not answer (%s); answering from local memory for %.0f s.",
                type(exc).__name__,
                self.retry_after,
            )

    def _call(self, name, *args, **kwargs):
        if self.redis_available:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_ERRORS as exc:
                self._mark_down(exc)
        return getattr(self._fallback, name)(*args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def decr(self, *args, **kwargs):
        return self._call("decr", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def get_or_set(self, *args, **kwargs):
        return self._call("get_or_set", *args, **kwargs)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")
