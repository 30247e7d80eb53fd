"""The workshop iCal feed, rendered once per filter and kept in the shared cache (issue 20.4: calendar apps poll it).

An entry is (stamp, body, ETag, Last-Modified, expiry). It is served only while

- the workshops' change stamp (`STAMP_KEY`) is the one it was rendered under: publishing, unpublishing, moving,
  renaming or deleting any workshop replaces the stamp (handlers below, connected in events.apps), so every process
  renders a changed feed on its next request;
- no listed workshop has ended since (an ended workshop leaves the feed; the next one past ICAL_LIMIT comes in), and
  WORKSHOP_FEED_CACHE_TTL (default 10 minutes) has not passed.

The stamp and the entry are read in one round trip. While Redis does not answer the feed is rendered each time
(lms.pagecache.read/write never use the per-process fallback). docs/page-cache.md.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils import timezone
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from lms.pagecache import read, wall_clock, write

logger = logging.getLogger(__name__)

STAMP_KEY = "events:workshops:stamp"
ENTRY_PREFIX = "events:ical:"


def enabled() -> bool:
    return bool(getattr(settings, "WORKSHOP_FEED_CACHE_ENABLED", False))


def entry_key(filters: dict, limit: int) -> str:
    raw = repr((sorted(filters.items()), limit))
    return ENTRY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def lookup(filters: dict, limit: int):
    """(body, etag, last_modified) of a valid entry; or (None, stamp) to render and store. stamp None: do not store."""
    key = entry_key(filters, limit)
    values = read([STAMP_KEY, key])
    if values is None:
        return None, None
    stamp = values.get(STAMP_KEY)
    entry = values.get(key)
    if stamp is not None and entry is not None:
        entry_stamp, expires_at, body, etag, last_modified = entry
        if entry_stamp == stamp and wall_clock() < expires_at:
            return (body, etag, last_modified), stamp
    if stamp is None:
        stamp = _ensure_stamp()
    return None, stamp


def store(filters: dict, limit: int, stamp: str | None, *, body: bytes, etag: str, last_modified, workshops) -> None:
    if stamp is None:
        return
    ttl = int(getattr(settings, "WORKSHOP_FEED_CACHE_TTL", 600))
    now = timezone.now()
    ends = [w.ends_at for w in workshops if w.ends_at and w.ends_at > now]
    if ends:
        ttl = min(ttl, int((min(ends) - now).total_seconds()))
    if ttl <= 0:
        return
    write(entry_key(filters, limit), (stamp, wall_clock() + ttl, body, etag, last_modified), ttl)


def _ensure_stamp() -> str | None:
    from django.core.cache import cache

    from lms.pagecache import _shared

    try:
        cache.add(STAMP_KEY, uuid.uuid4().hex, None)
        stamp = cache.get(STAMP_KEY)
    except Exception:  # noqa: BLE001  (a cache error must never fail the feed)
        return None
    return stamp if _shared(cache) else None


def forget() -> None:
    """A workshop changed: every process renders the feeds again (the stamp is replaced now and at commit)."""
    from django.core.cache import cache

    def replace():
        try:
            cache.set(STAMP_KEY, uuid.uuid4().hex, None)
        except Exception:  # noqa: BLE001  (entries then end by their TTL)
            logger.warning("Workshop feed cache: stamp not replaced", exc_info=True)

    replace()
    transaction.on_commit(replace)


def _is_workshop(instance) -> bool:
    from .models import WorkshopPage

    return isinstance(instance, WorkshopPage) or getattr(instance, "specific_class", None) is WorkshopPage


def on_workshop_change(sender, instance=None, **kwargs):
    if _is_workshop(instance):
        forget()


def connect() -> None:
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(on_workshop_change, dispatch_uid=f"events-feed-{id(signal)}")
    post_delete.connect(on_workshop_change, dispatch_uid="events-feed-deleted")
