"""The filtered iCal feed from the feed cache (issue 20.4, events/feed_cache.py): rendered once per filter, rendered
again at once when a workshop changes or a listed one ends, with ETag / Last-Modified / 304 as before."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar

from events import feed_cache
from events.views import public
from tests.accounts.factories import KYOTO_CITY, TOTTORI_CITY

from .factories import make_workshop

pytestmark = pytest.mark.django_db

FEED = "/workshops/ical/"


@pytest.fixture(autouse=True)
def feed_cache_on(settings):
    settings.WORKSHOP_FEED_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def renders(monkeypatch):
    """How many times the feed was rendered (build_calendar called by the listing feed)."""
    calls = []
    real = public.build_calendar

    def counting(workshops, **kwargs):
        calls.append(len(list(workshops)))
        return real(workshops, **kwargs)

    monkeypatch.setattr(public, "build_calendar", counting)
    return calls


def summaries(response) -> list[str]:
    return [str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]


def test_the_same_filter_is_rendered_once_and_answers_the_same_bytes(client, renders):
    make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY)
    make_workshop(title="京都市の講座", municipality=KYOTO_CITY)
    first = client.get(FEED, {"prefecture": "31"})
    second = client.get(FEED, {"prefecture": "31"})
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]
    assert summaries(second) == ["鳥取市の講座"]
    assert len(renders) == 1
    other = client.get(FEED, {"prefecture": "26"})  # another filter: its own entry
    assert summaries(other) == ["京都市の講座"]
    assert len(renders) == 2


def test_a_cached_feed_still_answers_304_to_a_polling_calendar(client, renders):
    make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY)
    first = client.get(FEED, {"prefecture": "31"})
    again = client.get(FEED, {"prefecture": "31"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content) == (304, b"")
    assert client.get(FEED, {"prefecture": "31"}, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert len(renders) == 1


def test_a_published_change_is_in_the_next_feed(client, renders):
    workshop = make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY)
    etag = client.get(FEED, {"prefecture": "31"})["ETag"]
    workshop.title = "鳥取市の講座（会場変更）"
    workshop.save_revision().publish()
    changed = client.get(FEED, {"prefecture": "31"}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert summaries(changed) == ["鳥取市の講座（会場変更）"]


def test_a_new_unpublished_or_deleted_workshop_changes_the_feed_at_once(client):
    kept = make_workshop(title="残る講座", municipality=TOTTORI_CITY, starts_in=dt.timedelta(days=3))
    assert summaries(client.get(FEED)) == ["残る講座"]
    added = make_workshop(title="追加した講座", municipality=TOTTORI_CITY, starts_in=dt.timedelta(days=5))
    assert summaries(client.get(FEED)) == ["残る講座", "追加した講座"]
    added.unpublish()
    assert summaries(client.get(FEED)) == ["残る講座"]
    another = make_workshop(title="消す講座", municipality=TOTTORI_CITY, starts_in=dt.timedelta(days=6))
    assert summaries(client.get(FEED)) == ["残る講座", "消す講座"]
    another.delete()
    assert summaries(client.get(FEED)) == [kept.title]


def test_a_listed_workshop_that_ends_leaves_the_cached_feed(client, renders, settings):
    settings.WORKSHOP_FEED_CACHE_TTL = 3 * 24 * 3600  # so that only the end of the workshop ends the entry
    now = timezone.now()
    with time_machine.travel(now, tick=False) as traveller:
        make_workshop(title="明日の講座", starts_in=dt.timedelta(days=1), duration=dt.timedelta(hours=2))
        make_workshop(title="来週の講座", starts_in=dt.timedelta(days=7))
        assert summaries(client.get(FEED)) == ["明日の講座", "来週の講座"]
        traveller.shift(dt.timedelta(days=1, hours=1))  # the first is under way: still listed, from the cache
        assert summaries(client.get(FEED)) == ["明日の講座", "来週の講座"]
        assert len(renders) == 1
        traveller.shift(dt.timedelta(hours=1, minutes=1))  # it has ended
        assert summaries(client.get(FEED)) == ["来週の講座"]


def test_a_change_by_another_process_is_seen_at_once(client, renders):
    make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY)
    client.get(FEED)
    cache.set(feed_cache.STAMP_KEY, "from-another-process", None)
    client.get(FEED)
    assert len(renders) == 2


def test_with_redis_down_the_feed_still_answers(client, settings, renders):
    make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY)
    settings.CACHES = {
        "default": {
            "BACKEND": "lms.cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "KEY_PREFIX": "feed-down",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.05, "SOCKET_TIMEOUT": 0.05, "RETRY_AFTER": 5},
        }
    }
    for _ in range(2):
        response = client.get(FEED)
        assert response.status_code == 200 and summaries(response) == ["鳥取市の講座"]
    assert len(renders) == 2  # rendered each time, never from a per-process copy


def test_the_page_cache_answers_the_feed_and_its_304s(client, renders, settings):
    """With the page cache on (production), a repeated feed request is answered before routing, and a polling
    calendar's revalidation gets its 304 from the stored ETag / Last-Modified; a publish shows in the next feed."""
    settings.PAGE_CACHE_ENABLED = True
    workshop = make_workshop(title="鳥取市の講座", municipality=TOTTORI_CITY)
    first = client.get(FEED, {"prefecture": "31"})
    assert first["X-Page-Cache"] == "miss"
    second = client.get(FEED, {"prefecture": "31"})
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    assert second["ETag"] == first["ETag"] and "no-cache" in second["Cache-Control"]
    revalidated = client.get(FEED, {"prefecture": "31"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (revalidated.status_code, revalidated.content, revalidated["X-Page-Cache"]) == (304, b"", "hit")
    since = client.get(FEED, {"prefecture": "31"}, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert len(renders) == 1

    workshop.title = "鳥取市の講座（会場変更）"
    workshop.save_revision().publish()
    changed = client.get(FEED, {"prefecture": "31"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and summaries(changed) == ["鳥取市の講座（会場変更）"]
