"""iCalendar (.ics) for workshops: one workshop, a filtered list, and the attachment of the e-mails.

Times are written in UTC (calendar apps show them in the reader's zone). The online URL appears only in the
attachment sent to a confirmed attendee, never in the public feeds."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar, Event

PRODID = "-//Tsunagari//Workshops//JA"


def _host() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.SITE_URL).hostname or "tsunagari.example.jp"


def absolute_url(workshop, request=None) -> str:
    url = workshop.get_url(request) or ""
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def workshop_uid(workshop) -> str:
    return f"workshop-{workshop.pk}@{_host()}"


def _sequence(workshop) -> int:
    published = workshop.last_published_at or workshop.first_published_at
    return int(published.timestamp()) if published else 0


def workshop_event(workshop, *, include_online_url: bool = False, cancelled: bool = False) -> Event:
    """One VEVENT. `cancelled`: the event is cancelled for this person (they cancelled their registration), as for
    everyone when the workshop itself is cancelled."""
    cancelled = cancelled or workshop.is_cancelled
    event = Event()
    event.add("uid", workshop_uid(workshop))
    # The time the workshop last changed, not "now": the same data gives the same bytes, so a polling calendar
    # app gets 304 Not Modified from the feed's ETag (events.views.public._conditional).
    event.add("dtstamp", workshop.last_published_at or workshop.first_published_at or timezone.now())
    event.add("sequence", _sequence(workshop))
    event.add("dtstart", workshop.starts_at)
    event.add("dtend", workshop.ends_at)
    summary = workshop.title
    if workshop.is_cancelled:
        summary = f"【中止】{summary}"
    event.add("summary", summary)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    url = absolute_url(workshop)
    event.add("url", url)
    location = " ".join(part for part in (workshop.venue_name, workshop.venue_address) if part)
    if workshop.is_online and not location:
        location = "オンライン"
    if location:
        event.add("location", location)
    lines = [" ".join(strip_tags(workshop.description).split())]
    if workshop.organiser:
        lines.append(f"主催: {workshop.organiser}")
    if include_online_url and workshop.online_url:
        lines.append(f"参加用URL: {workshop.online_url}")
    lines.append(url)
    event.add("description", "\n".join(line for line in lines if line))
    return event


def build_calendar(
    workshops: Iterable, *, include_online_url: bool = False, method: str = "PUBLISH", name: str = "", cancelled: bool = False
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for workshop in workshops:
        calendar.add_component(workshop_event(workshop, include_online_url=include_online_url, cancelled=cancelled))
    return calendar.to_ical()


def workshop_attachment(workshop, *, include_online_url: bool, cancelled: bool = False) -> bytes:
    """The .ics attached to an e-mail: REQUEST-free PUBLISH for a place, CANCEL for a cancelled workshop or a
    registration the person cancelled (calendar apps then remove the event they added from the earlier e-mail)."""
    cancelled = cancelled or workshop.is_cancelled
    method = "CANCEL" if cancelled else "PUBLISH"
    return build_calendar([workshop], include_online_url=include_online_url, method=method, cancelled=cancelled)
