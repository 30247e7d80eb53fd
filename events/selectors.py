"""Reads for workshops: the public listing (filters, the learner's area first), a learner's registrations, the
trainer console (scoped), the figures of the plan and report, and the lists for the home and campaign pages.

Every list here runs a fixed number of queries whatever its length."""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import strip_tags

from lms.accounts.enums import AgeBand, OccupationField
from lms.accounts.policy import roster_workshops
from lms.regions.models import Municipality, Prefecture

from .enums import SEAT_TAKING_STATUSES, RegistrationStatus, WorkshopFormat
from .models import Registration, WorkshopClosing, WorkshopPage

FORMAT_FILTERS = {
    WorkshopFormat.IN_PERSON: (WorkshopFormat.IN_PERSON, WorkshopFormat.HYBRID),
    WorkshopFormat.ONLINE: (WorkshopFormat.ONLINE, WorkshopFormat.HYBRID),
    WorkshopFormat.HYBRID: (WorkshopFormat.HYBRID,),
}
def _count_subquery(statuses) -> Coalesce:
    counted = (
        Registration.objects.filter(workshop=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_seat_counts(queryset: QuerySet) -> QuerySet:
    """Annotate `seats_taken` (confirmed + attended) and `waitlisted_count`."""
    return queryset.annotate(
        seats_taken=_count_subquery(SEAT_TAKING_STATUSES),
        waitlisted_count=_count_subquery([RegistrationStatus.WAITLISTED]),
    )


def municipality_q(code: str, lookup: str = "municipality") -> Q:
    """A municipality, or a designated city with its wards."""
    return Q(**{f"{lookup}_id": code}) | Q(**{f"{lookup}__parent_id": code})


def filter_workshops(queryset: QuerySet, filters: dict) -> QuerySet:
    """Apply the listing's validated filters (q, prefecture, municipality, month, format): never raw GET data."""
    if filters.get("q"):
        q = filters["q"]
        queryset = queryset.filter(
            Q(title__icontains=q)
            | Q(description__icontains=q)
            | Q(venue_name__icontains=q)
            | Q(venue_address__icontains=q)
            | Q(organiser__icontains=q)
            | Q(municipality__name__icontains=q)
        )
    if filters.get("prefecture"):
        queryset = queryset.filter(municipality__prefecture_id=filters["prefecture"])
    if filters.get("municipality"):
        queryset = queryset.filter(municipality_q(filters["municipality"]))
    if filters.get("month"):
        year, month = filters["month"]
        first = dt.date(year, month, 1)
        last = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
        queryset = queryset.in_period(first, last)
    if filters.get("format"):
        queryset = queryset.filter(format__in=FORMAT_FILTERS[WorkshopFormat(filters["format"])])
    return queryset


def proximity_order(near: Municipality | None):
    """0 for the learner's own municipality (or its city), 1 for the rest of their prefecture, 2 elsewhere."""
    if near is None:
        return Value(2)
    city = near.parent_id or near.code
    return Case(
        When(municipality_q(city), then=Value(0)),
        When(municipality__prefecture_id=near.prefecture_id, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def listing(*, filters: dict | None = None, near: Municipality | None = None, now: dt.datetime | None = None) -> QuerySet:
    """Upcoming published workshops for the public list: filtered, the learner's area first, then by start."""
    queryset = WorkshopPage.objects.upcoming(now).select_related("municipality__prefecture")
    queryset = filter_workshops(queryset, filters or {})
    return with_seat_counts(queryset).annotate(proximity=proximity_order(near)).order_by("proximity", "starts_at", "pk")


def learner_municipality(user) -> Municipality | None:
    """Where a signed-in learner lives (with its prefecture, in one query); None for anyone else."""
    if not user.is_authenticated:
        return None
    from lms.accounts.models import LearnerProfile

    profile = LearnerProfile.objects.select_related("municipality__prefecture").filter(user_id=user.pk).first()
    return profile.municipality if profile is not None else None


# --- One workshop ----------------------------------------------------------------------------------------------


def seats_taken(workshop: WorkshopPage) -> int:
    return Registration.objects.filter(workshop_id=workshop.pk, status__in=SEAT_TAKING_STATUSES).count()


def registration_for(*, workshop: WorkshopPage, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.active().filter(workshop_id=workshop.pk, user=user).first()


def structured_data(workshop: WorkshopPage, *, url: str, seats_left: int | None) -> str:
    """schema.org Event as JSON-LD, safe to put inside <script> (no "<", ">" or "&" left unescaped)."""
    municipality = workshop.municipality
    mode = {
        WorkshopFormat.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
        WorkshopFormat.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
        WorkshopFormat.HYBRID: "https://schema.org/MixedEventAttendanceMode",
    }[WorkshopFormat(workshop.format)]
    locations = []
    if workshop.format != WorkshopFormat.ONLINE:
        locations.append(
            {
                "@type": "Place",
                "name": workshop.venue_name,
                "address": {
                    "@type": "PostalAddress",
                    "addressCountry": "JP",
                    "addressRegion": municipality.prefecture.name,
                    "addressLocality": municipality.name,
                    "streetAddress": workshop.venue_address,
                },
            }
        )
    if workshop.format != WorkshopFormat.IN_PERSON:
        locations.append({"@type": "VirtualLocation", "url": url})  # the join URL is for confirmed attendees only
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": workshop.title,
        "description": " ".join(strip_tags(workshop.description).split())[:500],
        "startDate": timezone.localtime(workshop.starts_at).isoformat(),
        "endDate": timezone.localtime(workshop.ends_at).isoformat(),
        "eventStatus": "https://schema.org/EventCancelled" if workshop.is_cancelled else "https://schema.org/EventScheduled",
        "eventAttendanceMode": mode,
        "location": locations[0] if len(locations) == 1 else locations,
        "organizer": {"@type": "Organization", "name": workshop.organiser},
        "maximumAttendeeCapacity": workshop.capacity,
        "url": url,
        "inLanguage": "ja",
    }
    if seats_left is not None:
        data["remainingAttendeeCapacity"] = max(0, seats_left)
    if workshop.trainer_name:
        data["performer"] = {"@type": "Person", "name": workshop.trainer_name}
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- A learner's registrations (マイページ) --------------------------------------------------------------------


def learner_registrations(user, *, now: dt.datetime | None = None, past_limit: int = 5):
    """(upcoming, recent past) registrations of a learner, without cancelled ones."""
    now = now or timezone.now()
    base = Registration.objects.active().filter(user=user).select_related("workshop__municipality__prefecture", "certificate")
    upcoming = list(base.filter(workshop__ends_at__gt=now).order_by("workshop__starts_at", "id"))
    past = list(base.filter(workshop__ends_at__lte=now).order_by("-workshop__starts_at", "-id")[:past_limit])
    return upcoming, past


# --- Trainer console ---------------------------------------------------------------------------------------------


def trainer_workshops(user, *, now: dt.datetime | None = None, past_limit: int = 30):
    """(upcoming, recent past) workshops whose roster the user may see (`policy.roster_workshops`: the workshop's
    own trainers), with their counts; drafts included."""
    now = now or timezone.now()
    base = with_seat_counts(
        roster_workshops(user, WorkshopPage.objects.all()).select_related("municipality__prefecture")
    ).annotate(attended_count=_count_subquery([RegistrationStatus.ATTENDED]))
    upcoming = list(base.filter(ends_at__gt=now).order_by("starts_at", "pk"))
    past = list(base.filter(ends_at__lte=now).order_by("-starts_at", "-pk")[:past_limit])
    return upcoming, past


def get_manageable_workshop(user, pk: int) -> WorkshopPage | None:
    """The workshop if `user` may run it and see its roster (`policy.may_see_roster`), else None."""
    return (
        roster_workshops(user, WorkshopPage.objects.filter(pk=pk))
        .select_related("municipality__prefecture")
        .first()
    )


ROSTER_ORDERS = {"furigana": "50音順（ふりがな）", "registered": "申し込み順"}


def roster(workshop: WorkshopPage, *, order: str = "furigana", q: str = "") -> list[Registration]:
    """Everyone registered, in a stable order the trainer chooses — 50音順 of furigana or registration order — that
    never depends on attendance, so ticking never moves a row. `q` narrows to names or furigana containing it."""
    queryset = Registration.objects.filter(workshop_id=workshop.pk).select_related(
        "user__profile__municipality__prefecture", "certificate"
    )
    q = " ".join((q or "").split())[:50]
    if q:
        compact = q.replace(" ", "")
        queryset = queryset.filter(
            Q(user__profile__full_name__icontains=q) | Q(user__profile__furigana__icontains=q)
            | Q(user__profile__full_name__icontains=compact) | Q(user__profile__furigana__icontains=compact)
        )
    if order == "registered":
        return list(queryset.order_by("registered_at", "id"))
    return list(queryset.order_by("user__profile__furigana", "id"))


@dataclass
class WorkshopFigures:
    """The numbers of one workshop, defined once for the roster, 開催計画 and 実施報告 so they always agree.

    registrants: people who applied online (not cancelled) — walk-ins and paper participants never count here;
    confirmed / waitlisted: of those, with a seat / waiting; cancellations: registrations cancelled;
    attendees: attended registrations + paper participants (walk_ins and paper are parts of it);
    absentees: registrants with a seat who did not attend; in_city / out_city: attendees living in the workshop's
    city (a ward counts as its city) or elsewhere; certificates: issued to accounts."""

    registrants: int
    confirmed: int
    waitlisted: int
    cancellations: int
    attendees: int
    walk_ins: int
    paper: int
    absentees: int
    in_city: int
    out_city: int
    certificates: int


def workshop_figures(workshop: WorkshopPage, registrations, paper=()) -> WorkshopFigures:
    from .enums import RegistrationSource

    paper = list(paper)
    online = [r for r in registrations if r.source == RegistrationSource.ONLINE and not r.is_cancelled]
    attended = [r for r in registrations if r.is_attended]
    city = workshop.municipality.parent_id or workshop.municipality_id

    def lives_in_city(municipality) -> bool:
        return municipality is not None and (municipality.parent_id or municipality.pk) == city

    homes = [getattr(getattr(r.user, "profile", None), "municipality", None) for r in attended]
    homes += [p.municipality for p in paper]
    in_city = sum(1 for m in homes if lives_in_city(m))
    return WorkshopFigures(
        registrants=len(online),
        confirmed=sum(1 for r in online if r.is_confirmed),
        waitlisted=sum(1 for r in online if r.is_waitlisted),
        cancellations=sum(1 for r in registrations if r.is_cancelled),
        attendees=len(attended) + len(paper),
        walk_ins=sum(1 for r in attended if r.source == RegistrationSource.WALK_IN),
        paper=len(paper),
        absentees=sum(1 for r in online if r.status == RegistrationStatus.CONFIRMED),
        in_city=in_city,
        out_city=len(homes) - in_city,
        certificates=sum(1 for r in attended if r.certificate_id),
    )


# Paperwork dates the console reminds the trainer of (issue 17.7: a plan a month before, a report within two weeks).


def paperwork_dates(workshop: WorkshopPage) -> dict:
    """When the 開催計画 and 実施報告 are due (settings EVENTS_PLAN_DUE_DAYS_BEFORE / EVENTS_REPORT_DUE_DAYS_AFTER:
    issue 17's "a month before" and "within two weeks after" by default)."""
    from django.conf import settings

    before = settings.EVENTS_PLAN_DUE_DAYS_BEFORE
    after = settings.EVENTS_REPORT_DUE_DAYS_AFTER
    return {
        "plan_due": timezone.localtime(workshop.starts_at - dt.timedelta(days=before)).date(),
        "report_due": timezone.localtime(workshop.ends_at + dt.timedelta(days=after)).date(),
        "plan_days_before": before,
        "report_days_after": after,
    }


def paper_participants(workshop: WorkshopPage) -> list:
    return list(workshop.paper_participants.select_related("municipality__prefecture").order_by("furigana", "id"))


def counted_paper_participants() -> QuerySet:
    """The paper participants the regional reports (lms.reports) may count: those who agreed on the sheet to be
    counted (the same consent rule as for accounts), of workshops not cancelled. Deleting a participant on request
    removes them here, so from the figures at the next refresh."""
    from .enums import WorkshopStatus
    from .models import PaperParticipant

    return PaperParticipant.objects.filter(consent_statistics=True).exclude(workshop__status=WorkshopStatus.CANCELLED)


def paper_completions_for_reports() -> QuerySet:
    """Paper participants who count as workshop completions in the regional reports: counted (above), of a workshop
    that has started (the sheet is their attendance, and their printed 修了証 needs no closing run), and not claimed
    into an account (a claimed certificate completes the course for that account, which is then counted as itself)."""
    return counted_paper_participants().filter(claimed_at__isnull=True, workshop__starts_at__lte=timezone.now())


def paper_attendance_for_reports(workshops: QuerySet | None = None) -> QuerySet:
    """For the regional reports (lms.reports): people who attended on paper and agreed on the sheet to be counted,
    as rows of (workshop id, workshop municipality, participant municipality, age band, occupation, n). Cancelled
    workshops are left out. The reports add these to the workshop attendance they count from registrations;
    they carry no account, so they never appear in account-based figures."""
    queryset = counted_paper_participants()
    if workshops is not None:
        queryset = queryset.filter(workshop__in=workshops)
    return (
        queryset.values("workshop_id", "workshop__municipality_id", "municipality_id", "age_band", "occupation")
        .annotate(n=Count("pk"))
        .order_by("workshop_id", "municipality_id", "age_band", "occupation")
    )


def closing_for(workshop: WorkshopPage) -> WorkshopClosing | None:
    return WorkshopClosing.objects.filter(workshop_id=workshop.pk).first()


@dataclass
class Breakdown:
    """Counts of people by age band (rows) and occupation field (columns), with totals."""

    rows: list[tuple[str, list[int], int]]
    column_labels: list[str]
    column_totals: list[int]
    total: int


def breakdown(registrations) -> Breakdown:
    occupations = [*OccupationField.choices, ("", "未回答")]
    columns = [value for value, _label in occupations]
    table: OrderedDict[str, list[int]] = OrderedDict((band, [0] * len(columns)) for band, _label in AgeBand.choices)
    for registration in registrations:
        # a registration (its user's profile) or a paper participant (who carries the fields themselves)
        profile = getattr(registration.user, "profile", None) if hasattr(registration, "user") else registration
        band = profile.age_band if profile else ""
        occupation = profile.occupation if profile else ""
        if band not in table:
            table.setdefault(band, [0] * len(columns))
        table[band][columns.index(occupation if occupation in columns else "")] += 1
    labels = dict(AgeBand.choices)
    rows = [(str(labels.get(band, "未回答")), counts, sum(counts)) for band, counts in table.items()]
    column_totals = [sum(counts[i] for counts in table.values()) for i in range(len(columns))]
    return Breakdown(rows, [str(label) for _value, label in occupations], column_totals, sum(column_totals))


# --- Home page and campaign pages -------------------------------------------------------------------------------


def upcoming_near(*, user, limit: int = 6, now: dt.datetime | None = None) -> list[WorkshopPage]:
    """The next workshops, the signed-in learner's municipality and prefecture first."""
    return list(listing(near=learner_municipality(user), now=now)[:limit])


@dataclass
class PrefectureWorkshops:
    prefecture: Prefecture
    workshops: list[WorkshopPage]


def workshops_by_prefecture(*, start: dt.date, end: dt.date) -> tuple[list[PrefectureWorkshops], list[tuple[Prefecture, int]]]:
    """Published workshops starting from `start` to `end`, grouped by prefecture (in code order), and a grid of all
    47 prefectures with their counts (for the campaign page)."""
    workshops = list(
        WorkshopPage.objects.published()
        .in_period(start, end)
        .select_related("municipality__prefecture")
        .order_by("municipality__prefecture_id", "starts_at", "pk")
    )
    groups: OrderedDict[str, PrefectureWorkshops] = OrderedDict()
    for workshop in workshops:
        prefecture = workshop.municipality.prefecture
        groups.setdefault(prefecture.code, PrefectureWorkshops(prefecture, [])).workshops.append(workshop)
    grid = [(prefecture, len(groups[prefecture.code].workshops) if prefecture.code in groups else 0) for prefecture in Prefecture.objects.all()]
    return list(groups.values()), grid
