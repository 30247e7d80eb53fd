"""`PageCacheMiddleware`: answers anonymous GETs from the page cache, and stores the pages that opted in.

It sits right after WhiteNoise and before the session middleware (lms/settings/base.py), so a hit costs one round trip
to Redis (the generation token and the entry in one get_many) and no session, database or template work. The outer
middleware (security headers, CSP, permissions policy) still runs on a hit, so those headers are always current.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from . import (
    GENERATION_KEY,
    HEADER,
    Hints,
    enabled,
    ensure_generation,
    entry_key,
    is_tracking_param,
    lifetime,
    read,
    wall_clock,
    write,
)

# Request cookies that may carry a person's state: a session (signed in, or an anonymous session holding e.g. a
# check-in scan) or messages. The CSRF cookie is only a random secret and no cached page contains a token.
STATE_COOKIES = ("messages",)
# Headers of a stored response that are replayed on a hit; the outer middleware adds the security headers again.
REPLAYED_HEADERS = (
    "Content-Type", "Content-Language", "Content-Disposition", "Vary", "X-Frame-Options", "Cache-Control", "Link",
    "ETag", "Last-Modified",
)


def _excluded(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.PAGE_CACHE_EXCLUDED_PREFIXES)


def request_is_cacheable(request) -> bool:
    if request.method != "GET" or not enabled():
        return False
    if _excluded(request.path_info):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or any(name in cookies for name in STATE_COOKIES):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return True


def response_is_storable(request, response, hints: Hints) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page rendered a CSRF token: it is someone's
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    control = (response.get("Cache-Control") or "").lower()
    # "no-cache" alone (the iCal feed: clients revalidate every time) is kept: this cache is the origin, and a hit
    # answers the revalidation (304) from the stored ETag / Last-Modified.
    if any(word in control for word in ("private", "no-store")):
        return False
    if any(name not in hints.query_params for name in request.GET if not is_tracking_param(name)):
        return False
    return True


def _cdn_headers(response, ttl: int) -> None:
    """With a CDN in front (PAGE_CACHE_CDN_MAX_AGE > 0), let it keep the anonymous page, never past our own expiry."""
    cdn = int(getattr(settings, "PAGE_CACHE_CDN_MAX_AGE", 0))
    if cdn > 0 and ttl > 0:
        patch_cache_control(response, public=True, max_age=0, s_maxage=min(cdn, ttl))



def _conditional(request, response):
    """304 Not Modified for a hit whose stored ETag / Last-Modified the client already has (the iCal feed)."""
    etag = response.get("ETag")
    modified = response.get("Last-Modified")
    if not etag and not modified:
        return response
    last_modified = parse_http_date_safe(modified) if modified else None
    answer = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
    if answer is not response:
        answer[HEADER] = "hit"
    return answer


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request):
            return self.get_response(request)
        now = timezone.now()
        key = entry_key(request, timezone.localdate(now))
        values = read([GENERATION_KEY, key])
        generation = values.get(GENERATION_KEY) if values is not None else None
        entry = values.get(key) if values is not None else None
        if entry is not None and generation is not None:
            entry_generation, expires_at, status, headers, content = entry
            remaining = expires_at - wall_clock()
            if entry_generation == generation and remaining > 0:
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                response["Content-Length"] = str(len(content))  # as CommonMiddleware gives a rendered page
                _cdn_headers(response, int(remaining))
                response[HEADER] = "hit"
                return _conditional(request, response)
        if values is not None and generation is None:
            generation = ensure_generation()  # before rendering: a purge during the render then still counts

        response = self.get_response(request)
        hints = getattr(response, "page_cache_hints", None)
        if hints is None or values is None:
            return response
        if not response_is_storable(request, response, hints):
            response[HEADER] = "skip"
            return response
        ttl = lifetime(hints, now)
        if ttl > 0 and generation is not None:  # the token read before rendering, never one read after
            headers = [(name, response[name]) for name in REPLAYED_HEADERS if response.has_header(name)]
            _cdn_headers(response, ttl)
            write(key, (generation, wall_clock() + ttl, response.status_code, headers, response.content), ttl)
        response[HEADER] = "miss"
        return response
