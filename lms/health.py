"""Health of the components the site depends on. Used by /healthz and `make bench`."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001  (any failure means "down"; the class name is reported, not data)
        return False, type(exc).__name__
    return True, connection.vendor


def check_cache() -> tuple[bool, str]:
    """Redis itself when the cache is on Redis: its local fallback keeps pages up, but it is still an outage."""
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        ping_redis = getattr(cache, "ping_redis", None)
        if ping_redis is not None:
            ping_redis()
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return ok, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def check_broker() -> tuple[bool, str]:
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return True, "eager"
    from lms.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, "redis"


def health_report() -> tuple[bool, dict]:
    """(all up?, {component: {ok, detail}})."""
    components = {
        "database": check_database(),
        "cache": check_cache(),
        "broker": check_broker(),
    }
    report = {name: {"ok": ok, "detail": detail} for name, (ok, detail) in components.items()}
    return all(ok for ok, _ in components.values()), report
