"""Reads for the home app's pages and the footer. Every "today" is a date in Asia/Tokyo (TIME_ZONE)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from .enums import CampaignPhase
from .models import CampaignIndexPage, CampaignPage, ConsultationPeriod, ConsultationResource


def running_campaign(*, on: dt.date) -> CampaignPage | None:
    """The live, public campaign whose period covers `on` (the home page's banner)."""
    return CampaignPage.objects.live().public().running_on(on).order_by("-starts_on").first()


@dataclass(frozen=True)
class CampaignListing:
    """A campaign as listed on a given day: its phase and, before it starts, the countdown."""

    page: CampaignPage
    phase: CampaignPhase
    days_until_start: int


@dataclass(frozen=True)
class CampaignsByPhase:
    running: list[CampaignListing]
    upcoming: list[CampaignListing]
    archive: list[CampaignListing]

    def __bool__(self) -> bool:
        return bool(self.running or self.upcoming or self.archive)


def campaigns_by_phase(*, index: CampaignIndexPage, on: dt.date) -> CampaignsByPhase:
    """The index page's live campaigns: running, upcoming (soonest first), and the archive (newest first)."""
    pages = CampaignPage.objects.child_of(index).live().public().order_by("starts_on")
    listings = [CampaignListing(page, page.phase_on(on), page.days_until_start(on)) for page in pages]
    return CampaignsByPhase(
        running=[item for item in listings if item.phase == CampaignPhase.RUNNING],
        upcoming=[item for item in listings if item.phase == CampaignPhase.UPCOMING],
        archive=[item for item in reversed(listings) if item.phase == CampaignPhase.ENDED],
    )


@dataclass(frozen=True)
class ResourceStatus:
    """A consultation window as shown on a given day."""

    resource: ConsultationResource
    open_now: bool
    current_period: ConsultationPeriod | None
    next_period: ConsultationPeriod | None
    in_annual_closure: bool = False

    @property
    def is_time_limited(self) -> bool:
        return not self.resource.always_available


def _status(resource: ConsultationResource, on: dt.date) -> ResourceStatus:
    periods = sorted(resource.periods.all(), key=lambda p: p.starts_on)  # prefetched
    current = next((p for p in periods if p.starts_on <= on <= p.ends_on), None)
    upcoming = next((p for p in periods if p.starts_on > on), None)
    closure = resource.closed_for_annual_closure(on)
    return ResourceStatus(
        resource=resource,
        # Open only on positive data: always available (outside its entered yearly closure), or an entered period
        # covers the day. No period covering the day never makes a window "closed": the page says when it runs.
        open_now=not closure and (resource.always_available or current is not None),
        current_period=current,
        next_period=upcoming,
        in_annual_closure=closure,
    )


def windows_missing_next_season(*, on: dt.date) -> list[ConsultationResource]:
    """Time-limited windows with no entered period that covers `on` or starts later: the editors' dashboard warns
    about them (the site then shows the seeds' words on when they run, never "closed")."""
    resources = ConsultationResource.objects.filter(always_available=False).prefetch_related("periods")
    return [r for r in resources if not any(p.ends_on >= on for p in r.periods.all())]


def consultation_statuses(
    *, on: dt.date, resources: Iterable[ConsultationResource] | None = None
) -> list[ResourceStatus]:
    """Every consultation window (or the given ones, in their order) with whether it is open on `on`.

    Time-limited windows such as the #9999 dial are always listed with what the seeds say about when they run,
    so visitors learn of them outside their periods too; only those whose period covers `on` are marked open."""
    if resources is None:
        resources = ConsultationResource.objects.prefetch_related("periods")
    else:
        resources = [r for r in resources if r is not None]  # a chosen snippet may have been deleted since
        prefetch_related_objects(resources, "periods")
    return [_status(resource, on) for resource in resources]


FOOTER_CACHE_VERSION_KEY = "home:consultation:version"


def footer_consultation_statuses(*, on: dt.date) -> list[ResourceStatus]:
    """`consultation_statuses` for the footer of every page, cached per day: the windows change rarely, and the
    footer must not add queries to every page (the course pages have a fixed query budget). Any save or delete of a
    window or one of its periods bumps the version (home.signal_handlers), so editors' changes show at once."""
    from django.core.cache import cache

    version = cache.get_or_set(FOOTER_CACHE_VERSION_KEY, 1, None)
    key = f"home:consultation:footer:{version}:{on.isoformat()}"
    statuses = cache.get(key)
    if statuses is None:
        statuses = consultation_statuses(on=on)
        cache.set(key, statuses, 24 * 3600)
    return statuses


def forget_footer_consultation_statuses() -> None:
    from django.core.cache import cache

    try:
        cache.incr(FOOTER_CACHE_VERSION_KEY)
    except ValueError:  # not set yet: nothing cached under an old version
        cache.set(FOOTER_CACHE_VERSION_KEY, 1, None)
