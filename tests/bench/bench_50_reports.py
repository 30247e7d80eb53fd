"""Regional reports at scale: the selectors the prefecture screen and the national screen call, timed in-process on
synthetic learners (median and p90 of 30 runs each), with the row counts they read, the time to make the learners,
to rebuild the roll-ups and to compute the disclosure plans, and whether a minute refresh completes while the
nightly rebuild runs.

`REPORTS_BENCH_LEARNERS` is the size: 20,000 by default (`make bench`); a comma-separated list measures each size in
turn on the same database, growing it, and prints the read-cost ratio of the largest to the smallest — e.g.
`REPORTS_BENCH_LEARNERS=1000000,3000000` with DATABASE_URL pointing at PostgreSQL (issue 20: the screens read
roll-ups whose size depends on areas × months × bands, not on learners: ratio ≤ 1.3). With several sizes the whole
screens are timed too at each size (bench_51_report_screens' figures, first view after a change and repeat view).
On PostgreSQL learners beyond the first 100,000 are copied in SQL (devtools.synth.clone_synthetic).
`REPORTS_BENCH_PLANS=screens` computes only the plans the timed screens need (the current fiscal year of the
prefectures they show) instead of every prefecture and year."""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time

from django.conf import settings
from django.db import connection, connections
from django.db.models import Max, Sum

from courses.seeding import seed_course
from devtools import synth
from lms.accounts.models import LearnerProfile, User
from lms.reports import plans, refresh, selectors
from lms.reports.models import (
    CityLearnerMonth,
    CityQuizYear,
    CityWorkshopMonth,
    CountedLearner,
    NationLearnerMonth,
    PrefectureLearnerMonth,
    PrefectureQuizYear,
    SuppressionPlan,
)

PREFECTURE = "13"  # 東京都: the most municipalities with learners
SCREEN_PREFECTURES = ("01", "13", "31")  # the prefectures bench_51 shows (北海道, 東京都, 鳥取県)


def prefecture_report(fy: int) -> None:
    """What the prefecture screen reads: the prefecture, the nation beside it, quiz rates, the municipality table."""
    area = selectors.area_for_prefecture(PREFECTURE)
    selectors.fiscal_years_available()
    selectors.figures(area, fy)
    selectors.figures(selectors.area_for_nation(), fy)
    selectors.quiz_first_attempts(area, fy)
    selectors.municipality_table(PREFECTURE, fy)


def national_report(fy: int) -> None:
    """What the national screen reads: the nation, quiz rates, the 47-prefecture table."""
    area = selectors.area_for_nation()
    selectors.fiscal_years_available()
    selectors.figures(area, fy)
    selectors.quiz_first_attempts(area, fy)
    selectors.prefecture_table(fy)


def municipality_report(fy: int) -> None:
    area = selectors.area_for_municipality("131016")
    selectors.figures(area, fy)
    selectors.figures(selectors.area_for_prefecture(area.prefecture_code), fy)
    selectors.figures(selectors.area_for_nation(), fy)
    selectors.quiz_first_attempts(area, fy)


def _time(function, fy: int, repeat: int) -> tuple[float, float]:
    function(fy)  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        function(fy)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.9) - 1)]


def sizes() -> list[int]:
    raw = os.environ.get("REPORTS_BENCH_LEARNERS", "20000")
    return sorted({int(part.replace("_", "")) for part in raw.split(",") if part.strip()})


def grow_to(learners: int) -> float | None:
    """Make synthetic learners until the database holds `learners` profiles; seconds taken (None: nothing made)."""
    existing = LearnerProfile.objects.count()
    if existing >= learners:  # (a kept database may already hold them)
        return None
    t0 = time.perf_counter()
    synth.synthesise(count=learners - existing, seed=1 + existing)
    return round(time.perf_counter() - t0, 1)


def row_counts() -> dict:
    return {
        "city_learner_rows": CityLearnerMonth.objects.count(),
        "prefecture_learner_rows": PrefectureLearnerMonth.objects.count(),
        "nation_learner_rows": NationLearnerMonth.objects.count(),
        "city_quiz_rows": CityQuizYear.objects.count(),
        "prefecture_quiz_rows": PrefectureQuizYear.objects.count(),
        "workshop_rows": CityWorkshopMonth.objects.count(),
        "counted_learner_rows": CountedLearner.objects.count(),
    }


def table_bytes() -> dict:
    """PostgreSQL: disk used by the raw tables and the roll-ups (with indexes), in MB."""
    if connection.vendor != "postgresql":
        return {}
    from certificates.models import Certificate
    from courses.models import Enrolment, ModuleProgress, QuizAttempt

    raw = [User, LearnerProfile, Enrolment, ModuleProgress, QuizAttempt, Certificate]
    rolled = [CityLearnerMonth, PrefectureLearnerMonth, NationLearnerMonth, CityQuizYear, PrefectureQuizYear,
              CityWorkshopMonth, CountedLearner]  # fmt: skip

    def total(models) -> float:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT SUM(pg_total_relation_size(c::regclass)) FROM unnest(%s::text[]) AS c",
                [[m._meta.db_table for m in models]],
            )
            return round(float(cursor.fetchone()[0] or 0) / 1e6, 1)

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        database = round(float(cursor.fetchone()[0]) / 1e6, 1)
    return {"raw_tables_mb": total(raw), "rollup_tables_mb": total(rolled), "database_mb": database}


def rebuild_beside_refresh(dirty: int = 20) -> dict:
    """The nightly rebuild in one thread (its own database connection) and, while it runs, a minute refresh of
    `dirty` learners marked dirty: how long the refresh took, and whether it finished before the rebuild did."""
    done = {}

    def rebuild():
        try:
            t0 = time.perf_counter()
            refresh.rebuild_all()
            done["rebuild_s"] = time.perf_counter() - t0
            done["rebuild_end"] = time.perf_counter()
        finally:
            connections.close_all()

    users = list(CountedLearner.objects.order_by("user_id").values_list("user_id", flat=True)[:dirty])
    thread = threading.Thread(target=rebuild)
    t_start = time.perf_counter()
    thread.start()
    time.sleep(1.0)  # the rebuild is under way (it reads for minutes at 1,000,000 learners)
    refresh.mark_dirty(users)
    t0 = time.perf_counter()
    result = refresh.refresh()
    refresh_end = time.perf_counter()
    thread.join()
    return {
        "rebuild_beside_refresh_rebuild_s": round(done.get("rebuild_s", float("nan")), 1),
        "rebuild_beside_refresh_refresh_s": round(refresh_end - t0, 2),
        "rebuild_beside_refresh_refresh_learners": result.get("learners"),
        "rebuild_beside_refresh_refresh_done_before_rebuild": refresh_end < done.get("rebuild_end", 0),
        "rebuild_beside_refresh_refresh_started_after_s": round(t0 - t_start, 1),
    }


def measure(ctx, learners: int, *, screens: bool) -> dict:
    figures = {"learners": LearnerProfile.objects.count(), "load_average": [round(x, 2) for x in os.getloadavg()]}
    figures["synth_s"] = grow_to(learners)
    figures["learners"] = LearnerProfile.objects.count()
    if figures["synth_s"] is not None or os.environ.get("REPORTS_BENCH_REBUILD", "1") != "0":
        t0 = time.perf_counter()
        rebuilt = refresh.rebuild_all()
        figures["rebuild_rollups_s"] = round(time.perf_counter() - t0, 1)
        figures["rebuild_read_s"] = rebuilt.get("rebuild_read_s")
        figures["rebuild_write_s"] = rebuilt.get("rebuild_write_s")
    fy = selectors.current_fiscal_year()
    t0 = time.perf_counter()
    if os.environ.get("REPORTS_BENCH_PLANS", "all") == "screens":
        planned = plans.refresh_plans((code, fy) for code in SCREEN_PREFECTURES)
    else:  # what the nightly rebuild task does next: every prefecture's plan
        planned = plans.refresh_all_plans()
    figures["plans_computed"] = planned["plans"]
    figures["plans_s"] = round(time.perf_counter() - t0, 1)
    audit = SuppressionPlan.objects.aggregate(longest=Max("seconds"), solves=Sum("solves"))
    figures["plan_longest_audit_s"] = audit["longest"]
    figures["plan_solves"] = audit["solves"]
    figures["plans_budget_exhausted"] = SuppressionPlan.objects.filter(budget_exhausted=True).count()
    figures.update(row_counts())
    figures.update(table_bytes())
    t0 = time.perf_counter()
    refresh.refresh()
    figures["refresh_nothing_to_do_s"] = round(time.perf_counter() - t0, 2)
    some = list(CountedLearner.objects.order_by("user_id").values_list("user_id", flat=True)[:20])
    refresh.mark_dirty(some)
    t0 = time.perf_counter()
    result = refresh.refresh()
    figures["refresh_20_dirty_s"] = round(time.perf_counter() - t0, 2)
    figures["refresh_20_dirty_cells"] = result.get("cells")
    for name, function in (
        ("prefecture", prefecture_report),
        ("national", national_report),
        ("municipality", municipality_report),
    ):
        median, p90 = _time(function, fy, ctx.repeat)
        figures[f"{name}_median_ms"] = round(median, 2)
        figures[f"{name}_p90_ms"] = round(p90, 2)
    if screens:
        from tests.bench import bench_51_report_screens

        figures.update(bench_51_report_screens.measure_screens(ctx, bench_51_report_screens.SCALE_SCREENS))
    figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(f"bench: reports at {figures['learners']:,} learners: {figures}", file=sys.stderr, flush=True)
    return figures


RATIO_KEYS = (
    "prefecture_median_ms",
    "national_median_ms",
    "municipality_median_ms",
    "report_screen_prefecture_tokyo_median_ms",
    "report_screen_prefecture_tokyo_warm_median_ms",
    "report_screen_prefecture_hokkaido_median_ms",
    "report_screen_prefecture_hokkaido_warm_median_ms",
    "report_screen_national_median_ms",
    "report_screen_national_warm_median_ms",
)


def run(ctx) -> dict:
    seed_course()
    settings.DEMO_DATA_ALLOWED = True
    wanted = sizes()
    if os.environ.get("REPORTS_BENCH_GROW_ONLY"):  # make the learners of a kept database (BENCH_KEEPDB=1) only
        t0 = time.perf_counter()
        grow_to(wanted[0])
        return {"reports_grown_to": LearnerProfile.objects.count(), "reports_grow_s": round(time.perf_counter() - t0, 1)}
    if len(wanted) == 1:
        measured = measure(ctx, wanted[0], screens=False)
        figures = {f"reports_{key}": value for key, value in measured.items()}
        figures["reports_learners"] = measured["learners"]
    else:
        figures = {}
        runs = []
        for learners in wanted:
            measured = measure(ctx, learners, screens=True)
            runs.append(measured)
            figures.update({f"reports_{learners}_{key}": value for key, value in measured.items()})
            if learners == wanted[0] and os.environ.get("REPORTS_BENCH_CONCURRENT", "1") != "0":
                # At the first size (the rebuild at the largest takes long enough to be run once).
                figures.update({f"reports_{learners}_{k}": v for k, v in rebuild_beside_refresh().items()})
        small, large = runs[0], runs[-1]
        label = f"{large['learners'] // 1000}k_vs_{small['learners'] // 1000}k"
        for key in RATIO_KEYS:
            if small.get(key) and large.get(key):
                figures[f"reports_read_ratio_{label}_{key.removesuffix('_median_ms')}"] = round(
                    large[key] / small[key], 2
                )
        for key in ("city_learner_rows", "city_quiz_rows", "counted_learner_rows", "rebuild_rollups_s"):
            if small.get(key):
                figures[f"reports_growth_{label}_{key}"] = round(large[key] / small[key], 2)
        return figures
    if os.environ.get("REPORTS_BENCH_CONCURRENT", "1") != "0":
        figures.update({f"reports_{k}": v for k, v in rebuild_beside_refresh().items()})
    return figures
