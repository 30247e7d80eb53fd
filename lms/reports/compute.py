"""Who is counted, and the raw rows turned into roll-up cells (read only: lms.reports.refresh writes them).

A learner cell is (month, city, age band, occupation field) with the counters of lms.reports.models.COUNTER_FIELDS; a
quiz cell is (fiscal year, city, module, question); a workshop cell is (month, the workshop's city). Learners are
put in the city they live in now (a ward's city); only counted learners (`counted_filter`) are in any cell."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, DateField, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone

from .models import COUNTER_FIELDS
from .periods import JST, fiscal_year_of


class LearnerCellKey(NamedTuple):
    month: dt.date
    city: str
    prefecture: str
    age_band: str
    occupation: str | None


class QuizCellKey(NamedTuple):
    fiscal_year: int
    city: str
    prefecture: str
    module_id: int  # the module's page id (never its position)
    question_key: str  # "" = the whole module


class ModuleCellKey(NamedTuple):
    month: dt.date
    city: str
    prefecture: str
    module_id: int  # the module's page id (never its position)


class WorkshopCellKey(NamedTuple):
    month: dt.date
    city: str
    prefecture: str


class QuizCounts(NamedTuple):
    first_attempts: int
    first_correct: int


class WorkshopCounts(NamedTuple):
    held: int
    attendance: int


def month_of(field: str):
    return Trunc(field, "month", output_field=DateField(), tzinfo=JST)


# --- what is counted ------------------------------------------------------------------------------------------


def course_modules():
    """The primary course and its live modules' page ids in their current order. Roll-ups are keyed by these ids;
    only the report's layout uses the order (第N章 = position N)."""
    from courses.selectors import get_primary_course, live_modules

    course = get_primary_course()
    if course is None:
        return None, []
    return course, list(live_modules(course_path=course.path, depth=course.depth).values_list("id", flat=True))


def verified_email_exists(user_ref: str):
    """A verified e-mail address (allauth) exists for the user at `user_ref` (an OuterRef path)."""
    from allauth.account.models import EmailAddress

    return Exists(EmailAddress.objects.filter(user_id=OuterRef(user_ref), verified=True))


def counted_filter(prefix: str = "") -> Q:
    """Who is counted (the one rule; docs/reports-data.md): a learner whose account is active and not deleted, whose
    e-mail address is verified, and who consented to statistics. An unverified sign-up counts nowhere, so junk
    accounts cannot move a town's figures."""
    return (
        Q(
            **{
                f"{prefix}profile__consent_statistics": True,
                f"{prefix}deleted_at__isnull": True,
                f"{prefix}is_active": True,
            }
        )
        & verified_email_exists(f"{prefix[:-2]}_id" if prefix else "pk")
    )


def _learner(prefix: str, codes: list[str] | None):
    """Filter and annotations that put a raw row in its learner's cell: counted learners only (counted_filter), by
    the city they live in now (a ward's city). `codes`: only learners living in these municipalities (see
    with_wards), or None for everyone."""
    filters = counted_filter(prefix)
    if codes is not None:
        # One list of codes on the profile (not "code or parent"): the database can then go from the profile's
        # municipality index to the learners' rows instead of scanning a month of the whole country.
        filters &= Q(**{f"{prefix}profile__municipality_id__in": codes})
    annotations = {
        "r_city": Coalesce(F(f"{prefix}profile__municipality__parent_id"), F(f"{prefix}profile__municipality_id")),
        "r_pref": F(f"{prefix}profile__municipality__prefecture_id"),
        "r_age": F(f"{prefix}profile__age_band"),
        "r_occ": F(f"{prefix}profile__occupation"),
    }
    return filters, annotations


def with_wards(cities: Iterable[str] | None) -> list[str] | None:
    """The cities' codes and their wards' codes."""
    from lms.regions.models import Municipality

    if cities is None:
        return None
    cities = list(cities)
    return sorted({*cities, *Municipality.objects.filter(parent_id__in=cities).values_list("code", flat=True)})


def _in_period(field: str, start, end) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lt": end})
    return q


def compute_learner_cells(*, start=None, end=None, cities=None) -> dict[LearnerCellKey, dict[str, int]]:
    """{cell: {counter: n}} for [start, end) and the given cities (None = all)."""
    from certificates.enums import CertificateStatus
    from certificates.models import Certificate
    from courses.enums import Channel
    from courses.models import Enrolment
    from lms.accounts.models import User

    course, _module_ids = course_modules()
    codes = with_wards(cities)
    cells: dict = defaultdict(lambda: dict.fromkeys(COUNTER_FIELDS, 0))
    dims = ("r_month", "r_city", "r_pref", "r_age", "r_occ")

    def add(queryset, time_field, prefix, counter_of):
        filters, annotations = _learner(prefix, codes)
        rows = (
            queryset.filter(filters, _in_period(time_field, start, end))
            .annotate(r_month=month_of(time_field), **annotations)
            .values(*dims, *counter_of.extra)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counter = counter_of(row)
            if counter:
                cells[LearnerCellKey(*(row[d] for d in dims))][counter] += row["n"]

    def fixed(name):
        def counter(row):
            return name

        counter.extra = ()
        return counter

    add(User.objects.filter(profile__isnull=False), "date_joined", "", fixed("registered"))
    for key, n in compute_paper_cells(start=start, end=end, cities=cities).items():
        cells[key]["completed_workshop"] += n
    if course is not None:
        enrolments = Enrolment.objects.filter(course=course)
        add(enrolments, "started_at", "user__", fixed("started"))

        def by_channel(row):
            return "completed_workshop" if row["channel"] == Channel.WORKSHOP else "completed_online"

        by_channel.extra = ("channel",)
        add(enrolments.filter(completed_at__isnull=False), "completed_at", "user__", by_channel)
        add(
            Certificate.objects.filter(course=course, status=CertificateStatus.VALID),
            "issued_at",
            "holder__",
            fixed("certificates_valid"),
        )
    return cells


def compute_paper_cells(*, start=None, end=None, cities=None) -> dict[LearnerCellKey, int]:
    """Workshop completions of paper participants (events.selectors.paper_completions_for_reports: agreed on the sheet,
    workshop started and not cancelled, not claimed into an account), in the cell of where they live (a ward's city),
    their age band and occupation, and the month the workshop was held. They have no account, so they count nowhere
    else (not as registered or started)."""
    from events.selectors import paper_completions_for_reports

    rows = paper_completions_for_reports().filter(_in_period("workshop__starts_at", start, end))
    codes = with_wards(cities)
    if codes is not None:
        rows = rows.filter(municipality_id__in=codes)
    rows = (
        rows.annotate(
            r_month=month_of("workshop__starts_at"),
            r_city=Coalesce(F("municipality__parent_id"), F("municipality_id")),
            r_pref=F("municipality__prefecture_id"),
        )
        .values("r_month", "r_city", "r_pref", "age_band", "occupation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cells: dict[LearnerCellKey, int] = defaultdict(int)
    for row in rows:
        key = (row["r_month"], row["r_city"], row["r_pref"], row["age_band"], row["occupation"] or "")
        cells[LearnerCellKey(*key)] += row["n"]
    return dict(cells)


def compute_module_cells(*, start=None, end=None, cities=None) -> dict[ModuleCellKey, int]:
    """{cell: learners who passed the module in that month} for the live modules of the course, by module id."""
    from courses.models import ModuleProgress

    _course, module_ids = course_modules()
    if not module_ids:
        return {}
    filters, annotations = _learner("user__", with_wards(cities))
    rows = (
        ModuleProgress.objects.filter(
            filters, _in_period("passed_at", start, end), module_id__in=module_ids, passed_at__isnull=False
        )
        .annotate(r_month=month_of("passed_at"), **annotations)
        .values("r_month", "r_city", "r_pref", "module_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cells: dict[ModuleCellKey, int] = defaultdict(int)
    for row in rows:
        cells[ModuleCellKey(row["r_month"], row["r_city"], row["r_pref"], row["module_id"])] += row["n"]
    return dict(cells)


def compute_quiz_cells(*, start=None, end=None, cities=None) -> dict[QuizCellKey, QuizCounts]:
    """{cell: (first attempts, first correct)}; question key "" = the module (correct = passed). A first attempt is
    a learner's earliest at that module. Counted in SQL (the results JSON expanded by jsonb_each_text / json_each),
    so millions of attempts never pass through Python."""
    from courses.models import QuizAttempt

    _course, module_ids = course_modules()
    sums: dict = defaultdict(lambda: [0, 0])
    if not module_ids:
        return {}
    filters, annotations = _learner("user__", with_wards(cities))
    earlier = QuizAttempt.objects.filter(user_id=OuterRef("user_id"), module_id=OuterRef("module_id")).filter(
        Q(submitted_at__lt=OuterRef("submitted_at")) | Q(submitted_at=OuterRef("submitted_at"), pk__lt=OuterRef("pk"))
    )
    first_attempts = (
        QuizAttempt.objects.filter(filters, _in_period("submitted_at", start, end), module_id__in=module_ids)
        .annotate(
            r_month=month_of("submitted_at"),
            r_module=F("module_id"),
            r_passed=F("passed"),
            r_results=F("results"),
            **annotations,
        )
        .filter(~Exists(earlier))
        .values("r_month", "r_city", "r_pref", "r_module", "r_passed", "r_results")
        .order_by()
    )
    inner, params = first_attempts.query.sql_with_params()
    group = "fa.r_month, fa.r_city, fa.r_pref, fa.r_module"
    if connection.vendor == "postgresql":
        expand, is_true = "jsonb_each_text(fa.r_results) AS kv", "kv.value = 'true'"
    else:
        expand, is_true = "json_each(fa.r_results) AS kv", "kv.value = 1"
    # One statement: the first attempts are found once (a CTE used twice is materialised) and counted per module and
    # per question.
    sql = (
        f"WITH fa AS ({inner}) "  # noqa: S608 (fixed names; values are parameters)
        f"SELECT {group}, '' AS question_key, COUNT(*), SUM(CASE WHEN fa.r_passed THEN 1 ELSE 0 END) "
        f"FROM fa GROUP BY {group} "
        f"UNION ALL SELECT {group}, kv.key, COUNT(*), SUM(CASE WHEN {is_true} THEN 1 ELSE 0 END) "
        f"FROM fa CROSS JOIN {expand} GROUP BY {group}, kv.key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for month, city, pref, module_id, key, attempts, correct in cursor.fetchall():
            if isinstance(month, str):  # SQLite returns the truncated date as text
                month = dt.date.fromisoformat(month[:10])
            elif isinstance(month, dt.datetime):
                month = month.date()
            cell = sums[QuizCellKey(fiscal_year_of(month), city, pref, module_id, key)]
            cell[0] += attempts
            cell[1] += correct or 0
    return {key: QuizCounts(*value) for key, value in sums.items()}


def compute_workshop_cells() -> dict[WorkshopCellKey, WorkshopCounts]:
    """Workshops held (started, not cancelled) and their attendance, per (start month, the workshop's city).
    Attendance counts who is counted everywhere else: attended registrations of counted learners (counted_filter)
    and paper participants who agreed on the sheet (events.selectors.paper_attendance_for_reports)."""
    from events.enums import RegistrationStatus, WorkshopStatus
    from events.models import Registration, WorkshopPage
    from events.selectors import paper_attendance_for_reports

    started = WorkshopPage.objects.filter(starts_at__lte=timezone.now()).exclude(status=WorkshopStatus.CANCELLED)
    rows = (
        started.annotate(
            r_month=month_of("starts_at"),
            r_city=Coalesce(F("municipality__parent_id"), F("municipality_id")),
            r_pref=F("municipality__prefecture_id"),
        )
        .values_list("pk", "r_month", "r_city", "r_pref")
        .order_by()
    )
    attended: dict[int, int] = defaultdict(int)
    registrations = Registration.objects.filter(
        counted_filter("user__"), workshop__in=started, status=RegistrationStatus.ATTENDED
    )
    for workshop_id, n in registrations.values_list("workshop_id").annotate(n=Count("pk")).order_by():
        attended[workshop_id] += n
    for row in paper_attendance_for_reports(started):
        attended[row["workshop_id"]] += row["n"]
    sums: dict = defaultdict(lambda: [0, 0])
    for workshop_id, month, city, pref in rows:
        sums[WorkshopCellKey(month, city, pref)][0] += 1
        sums[WorkshopCellKey(month, city, pref)][1] += attended[workshop_id]
    return {key: WorkshopCounts(*value) for key, value in sums.items()}
