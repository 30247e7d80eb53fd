"""The one module that writes the report roll-ups (lms.reports.models), always by recomputing cells from raw rows
(lms.reports.compute says who is counted and what each cell holds).

A cell is (month, city). `rebuild_all()` recomputes every cell in one pass per raw table; `refresh()` — run every
minute by Celery beat (or `run_scheduled_jobs` in `make run`) — recomputes only the cells of learners marked dirty
(signal_handlers.py marks them in the transaction that changes their records; a scan of enrolment start times
catches the one write path that sends no signal), for both the city they are counted in now and the one they were
counted in before, so moves, withdrawn consent and deleted accounts leave the old cells. Recomputing is idempotent:
running either twice leaves the same rows."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from .compute import (
    LearnerCellKey,
    ModuleCellKey,
    QuizCellKey,
    QuizCounts,
    compute_learner_cells,
    compute_module_cells,
    compute_paper_cells,
    compute_quiz_cells,
    compute_workshop_cells,
    counted_filter,
    month_of,
)
from .models import (
    COUNTER_FIELDS,
    CityLearnerMonth,
    CityModuleMonth,
    CityQuizYear,
    CityWorkshopMonth,
    CountedLearner,
    CountedPaperCell,
    DirtyLearner,
    NationLearnerMonth,
    PrefectureLearnerMonth,
    PrefectureModuleMonth,
    PrefectureQuizYear,
    RollupState,
)
from .periods import fiscal_year_bounds, fiscal_year_of, month_bounds

logger = logging.getLogger(__name__)

SCAN_MARGIN = dt.timedelta(minutes=2)  # a transaction that stamped a time may commit a little later
BATCH = 5000
WATERMARK = "scan_watermark"
LAST_REBUILD = "last_rebuild"
# Moves forward whenever any figure a report shows may have changed (roll-ups, workshops, population): screens key
# their computed suppression plans on it (lms.reports.plans.cached_prefecture_plan).
DATA_CHANGED = "data_changed"

Cell = tuple[dt.date, str]  # (first day of month, city code)


# --- writing cells ------------------------------------------------------------------------------------------


def insert_rows(model, columns: tuple[str, ...] | list[str], rows: Iterable[tuple]) -> None:
    """Insert plain rows fast: COPY on PostgreSQL, executemany on SQLite. No signals, no per-row objects. `model`: a
    model or a table name."""
    rows = list(rows)
    if not rows:
        return
    table = model if isinstance(model, str) else model._meta.db_table
    names = ", ".join(connection.ops.quote_name(column) for column in columns)  # "primary" is a keyword
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        adapt = connection.ops.adapt_datetimefield_value
        rows = [tuple(adapt(v) if isinstance(v, dt.datetime) else v for v in row) for row in rows]
        placeholders = ", ".join(["%s"] * len(columns))
        for offset in range(0, len(rows), BATCH):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608 (fixed names)
                rows[offset : offset + BATCH],
            )


LEARNER_COLUMNS = ("month", "municipality_code", "prefecture_code", "age_band", "occupation", *COUNTER_FIELDS)
QUIZ_COLUMNS = (
    "fiscal_year", "municipality_code", "prefecture_code", "module_id", "question_key", "first_attempts",
    "first_correct",
)  # fmt: skip
MODULE_COLUMNS = ("month", "municipality_code", "prefecture_code", "module_id", "passed")


def _write_city_rows(
    learner_cells: dict[LearnerCellKey, dict[str, int]],
    quiz_cells: dict[QuizCellKey, QuizCounts],
    module_cells: dict[ModuleCellKey, int] | None = None,
    tables: tuple = (CityLearnerMonth, CityQuizYear, CityModuleMonth),
) -> None:
    """Insert the cells' rows into the city tables (or into `tables`, the rebuild's staging tables)."""
    insert_rows(
        tables[0],
        LEARNER_COLUMNS,
        (
            (key.month, key.city, key.prefecture, key.age_band, key.occupation or "",
             *(counts[name] for name in COUNTER_FIELDS))
            for key, counts in learner_cells.items()
            if any(counts.values())
        ),
    )  # fmt: skip
    insert_rows(
        tables[1],
        QUIZ_COLUMNS,
        (
            (key.fiscal_year, key.city, key.prefecture, key.module_id, key.question_key, *counts)
            for key, counts in quiz_cells.items()
        ),
    )
    insert_rows(
        tables[2],
        MODULE_COLUMNS,
        ((key.month, key.city, key.prefecture, key.module_id, n) for key, n in (module_cells or {}).items() if n),
    )


def _sum_into(
    target, source, *, period: str, keys: list[str], sums: list[str], periods=None, prefectures=None, by="prefecture_code"
):
    """Recompute rows of `target` as sums of the rows of `source` grouped by period, `by` (the prefecture; None for
    the nation) and keys — all rows, or only the given periods and prefectures — in SQL."""
    where, params = [], []
    if periods is not None:
        where.append(f"{period} IN ({', '.join(['%s'] * len(periods))})")
        params += list(periods)
    if prefectures is not None:
        where.append(f"prefecture_code IN ({', '.join(['%s'] * len(prefectures))})")
        params += list(prefectures)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    group = [period, *([by] if by else []), *keys]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {target._meta.db_table} {clause}", params)  # noqa: S608 (fixed names)
        cursor.execute(
            f"INSERT INTO {target._meta.db_table} ({', '.join(group + sums)}) "  # noqa: S608 (fixed names)
            f"SELECT {', '.join(group)}, {', '.join(f'SUM({s})' for s in sums)} "
            f"FROM {source._meta.db_table} {clause} GROUP BY {', '.join(group)}",
            params,
        )


def _sum_prefecture_learners(months=None, prefectures=None) -> None:
    _sum_into(
        PrefectureLearnerMonth,
        CityLearnerMonth,
        period="month",
        keys=["age_band", "occupation"],
        sums=list(COUNTER_FIELDS),
        periods=months,
        prefectures=prefectures,
    )
    _sum_into(
        NationLearnerMonth,
        PrefectureLearnerMonth,
        period="month",
        keys=["age_band", "occupation"],
        sums=list(COUNTER_FIELDS),
        periods=months,
        by=None,
    )


def _sum_prefecture_modules(months=None, prefectures=None) -> None:
    _sum_into(
        PrefectureModuleMonth,
        CityModuleMonth,
        period="month",
        keys=["module_id"],
        sums=["passed"],
        periods=months,
        prefectures=prefectures,
    )


def _sum_prefecture_quiz(years=None, prefectures=None) -> None:
    _sum_into(
        PrefectureQuizYear,
        CityQuizYear,
        period="fiscal_year",
        keys=["module_id", "question_key"],
        sums=["first_attempts", "first_correct"],
        periods=years,
        prefectures=prefectures,
    )


def recompute_workshops() -> set[tuple[str, int]]:
    """Workshops held and attendance (lms.reports.compute.compute_workshop_cells), written whole: the table has one
    row per city and month with workshops, so this is one small query. Writes only when something changed, and
    answers the (prefecture, fiscal year) pairs whose figures changed."""
    cells = compute_workshop_cells()
    wanted = {(key.month, key.city, key.prefecture, n.held, n.attendance) for key, n in cells.items()}
    stored = set(
        CityWorkshopMonth.objects.values_list(
            "month", "municipality_code", "prefecture_code", "workshops_held", "attendance"
        )
    )
    if wanted == stored:
        return set()
    changed = {(pref, fiscal_year_of(month)) for month, _city, pref, _h, _a in wanted ^ stored}
    with transaction.atomic():
        CityWorkshopMonth.objects.all().delete()
        CityWorkshopMonth.objects.bulk_create(
            CityWorkshopMonth(
                month=key.month,
                municipality_code=key.city,
                prefecture_code=key.prefecture,
                workshops_held=n.held,
                attendance=n.attendance,
            )
            for key, n in cells.items()
        )
    return changed


# --- the learner snapshot -----------------------------------------------------------------------------------


def _current_areas(user_ids: list[int]) -> dict[int, CountedLearner]:
    from lms.accounts.models import LearnerProfile

    found = {}
    rows = (
        LearnerProfile.objects.filter(user_id__in=user_ids)
        .annotate(
            r_city=Coalesce(F("municipality__parent_id"), F("municipality_id")),
            r_pref=F("municipality__prefecture_id"),
            r_counted=ExpressionWrapper(counted_filter("user__"), output_field=BooleanField()),
        )
        .values_list("user_id", "r_counted", "r_city", "r_pref", "age_band", "occupation")
    )
    for user_id, counted, city, pref, age, occ in rows:
        counted = bool(counted)
        found[user_id] = CountedLearner(
            user_id=user_id,
            counted=counted,
            municipality_code=city if counted else "",
            prefecture_code=pref if counted else "",
            age_band=age if counted else "",
            occupation=occ if counted else "",
        )
    for user_id in user_ids:
        found.setdefault(user_id, CountedLearner(user_id=user_id, counted=False))
    return found


def _save_snapshots(areas: Iterable[CountedLearner]) -> None:
    areas = list(areas)
    CountedLearner.objects.filter(user_id__in=[a.user_id for a in areas]).delete()
    CountedLearner.objects.bulk_create([a for a in areas if a.counted], batch_size=BATCH)


def _event_months(user_ids: list[int]) -> dict[int, set[dt.date]]:
    """Every month in which any of these users has something counted (any table, counted or not)."""
    from certificates.models import Certificate
    from courses.models import Enrolment, ModuleProgress, QuizAttempt
    from lms.accounts.models import User

    months: dict[int, set[dt.date]] = defaultdict(set)
    sources = (
        (User.objects.filter(pk__in=user_ids), "pk", "date_joined"),
        (Enrolment.objects.filter(user_id__in=user_ids), "user_id", "started_at"),
        (Enrolment.objects.filter(user_id__in=user_ids, completed_at__isnull=False), "user_id", "completed_at"),
        (ModuleProgress.objects.filter(user_id__in=user_ids, passed_at__isnull=False), "user_id", "passed_at"),
        (QuizAttempt.objects.filter(user_id__in=user_ids), "user_id", "submitted_at"),
        (Certificate.objects.filter(holder_id__in=user_ids), "holder_id", "issued_at"),
    )
    for queryset, user_field, time_field in sources:
        for user_id, month in queryset.annotate(r_month=month_of(time_field)).values_list(user_field, "r_month").distinct():
            months[user_id].add(month)
    return months


def _paper_changes() -> set[Cell]:
    """The (month, city) cells whose paper participants' completions changed since the last refresh, with the
    snapshot (CountedPaperCell) brought up to date. A small query: paper participants are few."""
    wanted = {
        (key.month, key.city, key.prefecture, key.age_band, key.occupation or "", n)
        for key, n in compute_paper_cells().items()
    }
    columns = ("month", "municipality_code", "prefecture_code", "age_band", "occupation", "completed")
    stored = set(CountedPaperCell.objects.values_list(*columns))
    if wanted == stored:
        return set()
    CountedPaperCell.objects.all().delete()
    CountedPaperCell.objects.bulk_create(CountedPaperCell(**dict(zip(columns, row, strict=True))) for row in wanted)
    return {(month, city) for month, city, *_rest in wanted ^ stored}


# --- entry points ---------------------------------------------------------------------------------------------


def recent_user_ids(queryset, user_field: str, time_field: str, since: dt.datetime) -> set[int]:
    """Users of the rows stamped at or after `since`, read from the newest rows backwards by primary key (an index),
    in growing windows, so the scan costs the same at any table size. A row whose id is much older than its stamp
    (a transaction open for minutes) can be missed: the nightly rebuild puts it right."""
    top = queryset.aggregate(top=Max("pk"))["top"]
    if top is None:
        return set()
    span = 256
    while True:
        rows = list(queryset.filter(pk__gt=top - span).values_list(user_field, time_field))
        stamps = [moment for _user, moment in rows if moment is not None]
        if top - span <= 0 or (stamps and min(stamps) < since):
            return {user for user, moment in rows if moment is not None and moment >= since}
        span *= 4


def mark_dirty(user_ids: Iterable[int]) -> None:
    """Note learners whose counted records changed; the next refresh recomputes their cells."""
    DirtyLearner.objects.bulk_create([DirtyLearner(user_id=user_id) for user_id in set(user_ids) if user_id])


def _lock_state(key: str) -> RollupState:
    state, _created = RollupState.objects.get_or_create(key=key)
    return RollupState.objects.select_for_update().get(pk=state.pk)


SNAPSHOT_COLUMNS = "user_id, counted, prefecture_code, municipality_code, age_band, occupation"


def _snapshot_select() -> tuple[str, list]:
    """SELECT of the CountedLearner row of every counted learner (SNAPSHOT_COLUMNS)."""
    from allauth.account.models import EmailAddress

    from lms.accounts.models import LearnerProfile, User
    from lms.regions.models import Municipality

    profile, user, municipality, email = (
        m._meta.db_table for m in (LearnerProfile, User, Municipality, EmailAddress)
    )
    return (
        "SELECT p.user_id AS user_id, %s AS counted, m.prefecture_id AS prefecture_code, "  # noqa: S608 (fixed names)
        "COALESCE(m.parent_id, m.code) AS municipality_code, p.age_band AS age_band, p.occupation AS occupation "
        f"FROM {profile} p JOIN {user} u ON u.id = p.user_id JOIN {municipality} m ON m.code = p.municipality_id "
        "WHERE p.consent_statistics = %s AND u.deleted_at IS NULL AND u.is_active = %s "
        f"AND EXISTS (SELECT 1 FROM {email} e WHERE e.user_id = u.id AND e.verified = %s)",
        [True, True, True, True],
    )


@transaction.atomic
def mark_data_changed() -> None:
    """Move the data version forward (strictly, even if the clock has not moved, e.g. under a frozen test clock)."""
    state, _created = RollupState.objects.get_or_create(key=DATA_CHANGED)
    now = timezone.now()
    if state.value is not None and now <= state.value:
        now = state.value + dt.timedelta(microseconds=1)
    RollupState.objects.filter(pk=state.pk).update(value=now)


def data_version() -> tuple:
    """What a computed report depends on besides its area and year: the data (DATA_CHANGED), the live quiz modules
    (their question texts and order) and the suppression threshold."""
    from django.conf import settings

    from courses.models import ModulePage

    changed = RollupState.objects.filter(key=DATA_CHANGED).values_list("value", flat=True).first()
    modules = ModulePage.objects.live().aggregate(latest=Max("last_published_at"))
    order = tuple(ModulePage.objects.live().order_by("path").values_list("pk", flat=True))  # 第N章 = position N
    return (changed, order, modules["latest"], settings.REPORT_SUPPRESSION_THRESHOLD)


# The rebuild's staging tables (temporary: this connection only), filled while it reads, copied in while it writes.
STAGING = {"learners": "reports_rebuild_city_learner", "quiz": "reports_rebuild_city_quiz",
           "modules": "reports_rebuild_city_module", "counted": "reports_rebuild_counted"}  # fmt: skip
# A rebuild in progress: RollupState REBUILDING holds the moment it started reading; a refresh meanwhile keeps the
# marks it processed (the rebuild may overwrite what the refresh wrote with what it read before).
# Whether that rebuild is still alive: on PostgreSQL the rebuild holds a session advisory lock (REBUILD_LOCK_KEY) on
# its own connection for as long as it runs, so a rebuild whose process was killed (SIGKILL, OOM, a lost machine) is
# seen as gone the moment its connection closes — the next refresh deletes its marks again and the next rebuild
# starts at once, no lease to wait out. On SQLite (development, one process) there is no such lock: the mark is
# trusted for REBUILD_LEASE, the longest a rebuild may take.
REBUILDING = "rebuild_running"
REBUILD_LEASE = dt.timedelta(hours=3)
REBUILD_LOCK_KEY = 7_140_001  # pg_advisory_lock key of the report rebuild (any constant unique in this database)


def _advisory() -> bool:
    return connection.vendor == "postgresql"


def _try_rebuild_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REBUILD_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _unlock_rebuild() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [REBUILD_LOCK_KEY])


def _rebuild_alive_elsewhere() -> bool:
    """PostgreSQL: whether another connection holds the rebuild's lock (a live rebuild), without taking it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = 0 AND objid = %s AND objsubid = 1 AND pid <> pg_backend_pid() "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))",
            [REBUILD_LOCK_KEY],
        )
        return bool(cursor.fetchone()[0])


def rebuild_in_progress(now: dt.datetime | None = None) -> bool:
    started = RollupState.objects.filter(key=REBUILDING).values_list("value", flat=True).first()
    if started is None:
        return False
    if _advisory():
        return _rebuild_alive_elsewhere()
    return (now or timezone.now()) - started < REBUILD_LEASE


@transaction.atomic
def _claim_rebuild(started: dt.datetime) -> bool:
    state = _lock_state(REBUILDING)
    if _advisory():
        # A mark left by a killed rebuild holds no lock: taken over at once.
        if not _try_rebuild_lock():
            return False
    elif state.value is not None and started - state.value < REBUILD_LEASE:
        return False
    state.value = started
    state.save(update_fields=["value"])
    return True


def _release_rebuild(started: dt.datetime) -> None:
    RollupState.objects.filter(key=REBUILDING, value=started).update(value=None)


def _drop_staging() -> None:
    with connection.cursor() as cursor:
        for table in STAGING.values():
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _stage() -> None:
    """The rebuild's read: every learner and quiz cell from the raw rows and the counted-learner snapshot, into the
    staging tables (no lock held: the minute refresh runs meanwhile)."""
    _drop_staging()
    with connection.cursor() as cursor:
        for key, model, columns in (
            ("learners", CityLearnerMonth, LEARNER_COLUMNS),
            ("quiz", CityQuizYear, QUIZ_COLUMNS),
            ("modules", CityModuleMonth, MODULE_COLUMNS),
        ):
            names = ", ".join(columns)
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING[key]} AS "  # noqa: S608 (fixed names)
                f"SELECT {names} FROM {model._meta.db_table} WHERE 1 = 0"
            )
        select, params = _snapshot_select()
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGING['counted']} AS {select}", params)
    learner_cells = compute_learner_cells()
    quiz_cells = compute_quiz_cells()
    module_cells = compute_module_cells()
    _write_city_rows(
        learner_cells, quiz_cells, module_cells, tables=(STAGING["learners"], STAGING["quiz"], STAGING["modules"])
    )


def _copy_in(model, staging: str, columns: str) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}")  # noqa: S608


def rebuild_all() -> dict:
    """Recompute every roll-up from the raw rows. Idempotent; the snapshot of counted learners is rebuilt too.

    Two phases, so the nightly rebuild never holds up the minute refresh: it **reads** (minutes at a million
    learners) with no lock, into staging tables, then **writes** in one short transaction under the refresh lock —
    the tables replaced from the staging tables in SQL, so readers see the old figures until the new ones are
    complete. What changed while it read is applied again by the next refresh: the marks processed meanwhile are kept
    (rebuild_in_progress), and the scan watermark goes back to when the read began. Only one rebuild at a time
    (REBUILDING): a second one returns {"skipped": True}."""
    started = timezone.now()
    if not _claim_rebuild(started):
        logger.warning("report rebuild: another rebuild is running (started within %s); skipped", REBUILD_LEASE)
        return {"skipped": True}
    timings = {}
    try:
        # Marks visible now are covered by this rebuild; a mark committed later (even if stamped earlier) stays.
        marks = list(DirtyLearner.objects.values_list("pk", flat=True))
        t0 = time.perf_counter()
        _stage()
        timings["read_s"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        with transaction.atomic():
            state = _lock_state(WATERMARK)  # one refresh or rebuild write at a time
            _copy_in(CityLearnerMonth, STAGING["learners"], ", ".join(LEARNER_COLUMNS))
            _copy_in(CityQuizYear, STAGING["quiz"], ", ".join(QUIZ_COLUMNS))
            _copy_in(CityModuleMonth, STAGING["modules"], ", ".join(MODULE_COLUMNS))
            _sum_prefecture_learners()
            _sum_prefecture_modules()
            _sum_prefecture_quiz()
            recompute_workshops()
            _copy_in(CountedLearner, STAGING["counted"], SNAPSHOT_COLUMNS)
            _paper_changes()
            for offset in range(0, len(marks), BATCH):
                DirtyLearner.objects.filter(pk__in=marks[offset : offset + BATCH]).delete()
            # Rows added while it read are scanned again by the next refresh (the scan is by time).
            if state.value is None or state.value > started:
                state.value = started
                state.save(update_fields=["value"])
            RollupState.objects.update_or_create(key=LAST_REBUILD, defaults={"value": started})
            mark_data_changed()
            from .plans import mark_stale

            mark_stale(None)  # any prefecture's figures may have changed; the task computes every plan next
            _release_rebuild(started)
        timings["write_s"] = round(time.perf_counter() - t0, 1)
    finally:
        _release_rebuild(started)
        _drop_staging()
        if _advisory():
            _unlock_rebuild()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The tables were just replaced: give the planner their new sizes (after the lock is released).
        with connection.cursor() as cursor:
            for model in (
                CityLearnerMonth, PrefectureLearnerMonth, NationLearnerMonth, CityModuleMonth, PrefectureModuleMonth,
                CityQuizYear, CountedLearner,
            ):  # fmt: skip
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {
        "city_learner_rows": CityLearnerMonth.objects.count(),
        "prefecture_learner_rows": PrefectureLearnerMonth.objects.count(),
        "city_module_rows": CityModuleMonth.objects.count(),
        "city_quiz_rows": CityQuizYear.objects.count(),
        "prefecture_quiz_rows": PrefectureQuizYear.objects.count(),
        "workshop_rows": CityWorkshopMonth.objects.count(),
        "counted_learners": CountedLearner.objects.count(),
        **{f"rebuild_{key}": value for key, value in timings.items()},
    }


@transaction.atomic
def refresh(*, now: dt.datetime | None = None) -> dict:
    """Bring the roll-ups up to date: recompute the cells of dirty learners (old and new area) and the workshops."""
    from certificates.models import Certificate
    from courses.models import Enrolment, QuizAttempt

    now = now or timezone.now()
    state = _lock_state(WATERMARK)
    if state.value is None:  # never built: build everything once
        figures = rebuild_all()
        return {"rebuilt": True, **figures}

    marks = list(DirtyLearner.objects.values_list("pk", "user_id"))
    user_ids = {user_id for _pk, user_id in marks}
    # Rows that are only ever added: found by scanning the newest rows, no signal needed (module views, quiz
    # attempts with the passes and online completions they make, certificates issued after a workshop).
    since = state.value - SCAN_MARGIN
    user_ids |= recent_user_ids(Enrolment.objects.all(), "user_id", "started_at", since)
    user_ids |= recent_user_ids(QuizAttempt.objects.all(), "user_id", "submitted_at", since)
    user_ids |= recent_user_ids(Certificate.objects.all(), "holder_id", "issued_at", since)
    cells: set[Cell] = set()
    ordered = sorted(user_ids)
    for offset in range(0, len(ordered), BATCH):
        batch = ordered[offset : offset + BATCH]
        before = CountedLearner.objects.in_bulk(batch)
        now_areas = _current_areas(batch)
        months = _event_months(batch)
        for user_id in batch:
            areas = {a.municipality_code for a in (before.get(user_id), now_areas[user_id]) if a and a.counted}
            cells.update((month, city) for month in months.get(user_id, ()) for city in areas)
        _save_snapshots(now_areas.values())
    cells |= _paper_changes()
    changed = recompute_cells(cells) | recompute_workshops()
    if changed:
        from .plans import mark_stale

        mark_data_changed()
        mark_stale(changed)  # until the job has computed them again, no screen takes these plans piecewise
    # While a rebuild reads, its write may replace what this refresh wrote: the marks stay for the next refresh.
    done = [] if rebuild_in_progress(now) else [pk for pk, _user in marks]
    for offset in range(0, len(done), BATCH):
        DirtyLearner.objects.filter(pk__in=done[offset : offset + BATCH]).delete()
    state.value = now
    state.save(update_fields=["value"])
    # The (prefecture, fiscal year) pairs whose disclosure plans the job recomputes next (lms.reports.plans).
    return {"rebuilt": False, "learners": len(user_ids), "cells": len(cells), "changed": sorted(changed)}


def recompute_cells(cells: Iterable[Cell]) -> set[tuple[str, int]]:
    """Recompute the given (month, city) cells from raw rows — learner counters of that month, quiz counters of its
    fiscal year — and their prefecture and national sums. One query per raw table for all the cells (the dirty
    cities' learners over the span of the dirty months), keeping only the dirty cells' results."""
    from lms.regions.models import Municipality

    cells = set(cells)
    if not cells:
        return set()
    cities = {city for _month, city in cells}
    prefecture_of = dict(Municipality.objects.filter(code__in=cities).values_list("code", "prefecture_id"))
    by_month: dict[dt.date, set[str]] = defaultdict(set)
    for month, city in cells:
        by_month[month].add(city)
    start, end = month_bounds(min(by_month))[0], month_bounds(max(by_month))[1]
    learner_cells = {
        key: counts
        for key, counts in compute_learner_cells(start=start, end=end, cities=cities).items()
        if (key.month, key.city) in cells
    }
    module_cells = {
        key: n
        for key, n in compute_module_cells(start=start, end=end, cities=cities).items()
        if (key.month, key.city) in cells
    }
    for month, month_cities in by_month.items():
        CityLearnerMonth.objects.filter(month=month, municipality_code__in=month_cities).delete()
        CityModuleMonth.objects.filter(month=month, municipality_code__in=month_cities).delete()
    _write_city_rows(learner_cells, {}, module_cells)
    _sum_prefecture_learners(sorted(by_month), sorted({prefecture_of[c] for c in cities}))
    _sum_prefecture_modules(sorted(by_month), sorted({prefecture_of[c] for c in cities}))

    quiz_dirty = {(fiscal_year_of(month), city) for month, city in cells}
    by_year: dict[int, set[str]] = defaultdict(set)
    for fy, city in quiz_dirty:
        by_year[fy].add(city)
    start, end = fiscal_year_bounds(min(by_year))[0], fiscal_year_bounds(max(by_year))[1]
    quiz_cells = {
        key: counts
        for key, counts in compute_quiz_cells(start=start, end=end, cities=cities).items()
        if (key.fiscal_year, key.city) in quiz_dirty
    }
    for fy, year_cities in by_year.items():
        CityQuizYear.objects.filter(fiscal_year=fy, municipality_code__in=year_cities).delete()
    _write_city_rows({}, quiz_cells)
    _sum_prefecture_quiz(sorted(by_year), sorted({prefecture_of[c] for c in cities}))
    return {(prefecture_of[city], fy) for fy, city in quiz_dirty}
