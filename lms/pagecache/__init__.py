"""Full-page cache for anonymous visitors (issue 20.3: the campaign page at 00:00 on 1 May).

What is cached: the rendered HTML of the pages that opt in with `mark_cacheable` (the home page, the campaign index
and campaign pages, standard pages, the course landing page, module pages and the workshop listing), for anonymous
visitors only, in Django's shared cache (Redis). `PageCacheMiddleware` answers a later anonymous GET of the same URL
from it without running the view. docs/page-cache.md says the whole of it; in short:

- Never for anyone with a session cookie (signed in or carrying state such as a check-in or messages), a messages
  cookie or an Authorization header, and never a response that sets a cookie, used the CSRF token, is not a 200, or
  says private / no-store / no-cache.
- One generation token in the shared cache (`GENERATION_KEY`) is part of every entry's validity: publishing,
  unpublishing, moving or deleting any page and saving a snippet or setting shown on pages replace it, so every
  process stops serving every old entry at once (the next request reads the new token). There is no per-process copy.
- Each entry lives at most `PAGE_CACHE_TTL` seconds (default 60) and never past the next midnight in Asia/Tokyo: the
  pages show "today" (the campaign's phase and countdown, which consultation windows are open), and the day is part
  of the key too. Seat counts and the certified-supporter count are the only figures that may lag, by at most the TTL.
- While Redis does not answer, nothing is read from or written to the page cache (the per-process fallback of
  lms/cache.py never holds pages, as a purge from another process could not reach it): pages are rendered as usual.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
ENTRY_PREFIX = "pagecache:page:"
HEADER = "X-Page-Cache"  # hit / miss / skip, for tests, the benchmark and operators (no personal data)
TRACKING_PARAMS_PREFIXES = ("utm_",)
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "yclid", "_ga", "_gl"})


@dataclass(frozen=True)
class Hints:
    """What a view said about its response: which query parameters it reads (others make the URL uncacheable) and an
    optional shorter lifetime."""

    query_params: frozenset[str] = frozenset()
    max_age: int | None = None


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE_ENABLED", False))


def mark_cacheable(request, response, *, query_params=(), max_age: int | None = None):
    """Let the page cache store `response` — only when the visitor is anonymous and this is not a preview. The
    middleware still checks everything else (cookies, CSRF, status, Cache-Control)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return response
    if getattr(request, "is_preview", False):
        return response
    response.page_cache_hints = Hints(frozenset(query_params), max_age)
    return response


class CachedPageMixin:
    """For Wagtail page models whose anonymous rendering is the same for everyone: `serve` marks the response
    cacheable. `page_cache_query_params` names the GET parameters the page reads (none by default)."""

    page_cache_query_params: tuple[str, ...] = ()

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        return mark_cacheable(request, response, query_params=self.page_cache_query_params)


# --- the shared cache, without its per-process fallback ---------------------------------------------------------------


def _cache():
    from django.core.cache import cache

    return cache


def _shared(cache) -> bool:
    """False while lms.cache.FallbackRedisCache answers from local memory (Redis down): the page cache then stays out.
    Other backends (local memory in development and tests) count as shared within their one process."""
    return getattr(cache, "redis_available", True)


def read(keys: list[str]) -> dict | None:
    """get_many from the shared cache, or None when it did not answer from Redis."""
    cache = _cache()
    if not _shared(cache):
        return None
    try:
        values = cache.get_many(keys)
    except Exception:  # noqa: BLE001  (a cache error must never fail a page)
        logger.warning("Page cache: read failed", exc_info=True)
        return None
    return values if _shared(cache) else None


def write(key: str, value, timeout: int) -> None:
    cache = _cache()
    if not _shared(cache):
        return
    try:
        cache.set(key, value, timeout)
    except Exception:  # noqa: BLE001
        logger.warning("Page cache: write failed", exc_info=True)


def new_generation() -> str:
    return uuid.uuid4().hex


def current_generation(values: dict) -> str | None:
    return values.get(GENERATION_KEY)


def ensure_generation() -> str | None:
    """The current token, creating one when there is none (first use, flushed or evicted cache)."""
    cache = _cache()
    if not _shared(cache):
        return None
    try:
        cache.add(GENERATION_KEY, new_generation(), None)
        value = cache.get(GENERATION_KEY)
    except Exception:  # noqa: BLE001
        logger.warning("Page cache: generation read failed", exc_info=True)
        return None
    return value if _shared(cache) else None


def purge(reason: str = "") -> None:
    """Make every cached page stale in every process: a new generation token in the shared cache. When the shared
    cache cannot be reached the token cannot be replaced — nothing is served from the page cache then either, and the
    old entries expire within PAGE_CACHE_TTL; the failure is logged."""
    cache = _cache()
    try:
        cache.set(GENERATION_KEY, new_generation(), None)
    except Exception:  # noqa: BLE001
        logger.warning("Page cache: purge failed (%s)", reason, exc_info=True)
        return
    if not _shared(cache):
        logger.warning("Page cache: purge (%s) could not reach Redis; entries expire within PAGE_CACHE_TTL", reason)


# --- keys and lifetimes -----------------------------------------------------------------------------------------------


def is_tracking_param(name: str) -> bool:
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PARAMS_PREFIXES)


def query_for_key(request) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The query string as the key sees it: tracking parameters dropped, names sorted, values in order."""
    return tuple(
        sorted((name, tuple(request.GET.getlist(name))) for name in request.GET if not is_tracking_param(name))
    )


def entry_key(request, today: dt.date) -> str:
    raw = "|".join(
        [request.scheme, request.get_host(), request.path, repr(query_for_key(request)), today.isoformat()]
    )
    return ENTRY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def seconds_to_midnight(now: dt.datetime | None = None) -> int:
    """Seconds until the next 00:00 in the site's time zone (Asia/Tokyo)."""
    local = timezone.localtime(now or timezone.now())
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min, tzinfo=local.tzinfo)
    return max(1, int((midnight - local).total_seconds()))


def lifetime(hints: Hints, now: dt.datetime | None = None) -> int:
    ttl = int(getattr(settings, "PAGE_CACHE_TTL", 60))
    if hints.max_age is not None:
        ttl = min(ttl, hints.max_age)
    return max(0, min(ttl, seconds_to_midnight(now)))


def wall_clock() -> float:
    return time.time()
