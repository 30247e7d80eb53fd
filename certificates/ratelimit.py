"""Per-client rate limits of certificate look-ups (django-ratelimit on the default cache: Redis when REDIS_URL is
set, so every web process shares the counters)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def client_key(group, request) -> str:
    """The client's address; behind N trusted reverse proxies (ALLAUTH_TRUSTED_PROXY_COUNT), the address the
    nearest untrusted hop reported in X-Forwarded-For. Used only as a counter key, never stored."""
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def limited(request, *, group: str, rate: str) -> bool:
    """Count this request against the client's limit; True when it is over."""
    return is_ratelimited(request, group=group, key=client_key, rate=rate, increment=True)


def too_many_requests(request):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response
