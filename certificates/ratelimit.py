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


VERIFY_GROUP = "certificates.verify"


def limited(request, *, group: str, rate: str) -> bool:
    """Count this request against the client's limit; True when it is over. Single look-ups (the verification page,
    the API, a paper participant's page) share the verification page's own counter (certificates/verifications.py),
    which it reads in the same Redis round trip as its answer."""
    if group == VERIFY_GROUP:
        from .verifications import over_verify_limit

        return over_verify_limit(request, rate=rate)
    return is_ratelimited(request, group=group, key=client_key, rate=rate, increment=True)


def too_many_requests(request, message=None):
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = "60"
    return response


# --- The bulk budget: numbers, not requests ---------------------------------------------------------------------
# One bulk request may carry 1,000 numbers, so counting requests would let one client look up 10,000 numbers a
# minute at CERTIFICATE_BULK_RATE=10/m. Bulk look-ups (page and API together) spend CERTIFICATE_BULK_NUMBERS_RATE,
# one unit per number, in a fixed window per client; a request that does not fit the rest of the window is refused
# whole (nothing is looked up or recorded).

BULK_NUMBERS_GROUP = "certificates.bulk-numbers"
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """django-ratelimit's syntax ("2000/h", "100/10m") → (count, seconds)."""
    count, _, period = rate.partition("/")
    unit = period[-1:]
    multiplier = int(period[:-1]) if period[:-1] else 1
    if not count.isdigit() or unit not in _PERIODS:
        raise ValueError(f"invalid rate: {rate!r}")
    return int(count), multiplier * _PERIODS[unit]


def _budget_key(request, group: str, seconds: int) -> str:
    import hashlib
    import time

    window = int(time.time()) // seconds
    client = hashlib.sha256(client_key(group, request).encode()).hexdigest()[:32]
    return f"ratelimit-numbers:{group}:{seconds}:{window}:{client}"


def budget_left(request, *, group: str, rate: str) -> int:
    from django.core.cache import cache

    limit, seconds = parse_rate(rate)
    return max(0, limit - int(cache.get(_budget_key(request, group, seconds)) or 0))


def spend_budget(request, *, group: str, rate: str, amount: int) -> bool:
    """Spend `amount` units of the client's budget; False (and nothing spent) when they do not fit."""
    from django.core.cache import cache

    limit, seconds = parse_rate(rate)
    if amount > limit:
        return False
    key = _budget_key(request, group, seconds)
    cache.add(key, 0, timeout=seconds + 1)
    try:
        used = cache.incr(key, amount)
    except ValueError:  # the key expired between add and incr
        cache.add(key, amount, timeout=seconds + 1)
        used = amount
    if used > limit:
        cache.decr(key, amount)
        return False
    return True
