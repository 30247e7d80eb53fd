"""Leases for long-running status rows (issue 15): a worker running a workshop closing or a certificate render
stamps its row as it goes (heartbeat); a row whose last stamp is older than WORK_LEASE_SECONDS (default 2 minutes)
lost its worker (killed, out of memory, host gone) and the beat sweep takes it over. Redelivery by the broker would
only come after the visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS), far longer."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORK_LEASE_SECONDS)


def lease_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Stamps older than this belong to a dead worker."""
    return (now or timezone.now()) - lease()


def lease_expired(stamp: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    return stamp is None or stamp < lease_cutoff(now)
