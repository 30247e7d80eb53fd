"""Regional reports: the selectors the prefecture screen and the national screen call, timed in-process on synthetic
learners (median and p90 of 30 runs each), with the row counts they read.

Default size 20,000 learners for `make bench`; `REPORTS_BENCH_LEARNERS=1000000` (on PostgreSQL) for the issue's scale
target: prefecture ≤ 300 ms, national ≤ 500 ms median."""

from __future__ import annotations

import os
import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.db.models import Max, Sum

from courses.seeding import seed_course
from lms.accounts.models import LearnerProfile
from lms.reports import plans, refresh, selectors
from lms.reports.models import (
    CityLearnerMonth,
    CityQuizYear,
    NationLearnerMonth,
    PrefectureLearnerMonth,
    PrefectureQuizYear,
    SuppressionPlan,
)

PREFECTURE = "13"  # 東京都: the most municipalities with learners


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


def run(ctx) -> dict:
    learners = int(os.environ.get("REPORTS_BENCH_LEARNERS", "20000"))
    seed_course()
    settings.DEMO_DATA_ALLOWED = True
    synth_s = None
    if LearnerProfile.objects.count() < learners:  # (a kept database may already hold them)
        t0 = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("synth_learners", count=learners, seed=1, no_rollups=True, stdout=quiet)
        synth_s = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    refresh.rebuild_all()
    rebuild_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    planned = plans.refresh_all_plans()  # what the nightly rebuild task does next: every prefecture's plan
    plans_s = time.perf_counter() - t0
    audit = SuppressionPlan.objects.aggregate(longest=Max("seconds"), solves=Sum("solves"))
    fy = selectors.current_fiscal_year()
    figures = {
        "reports_learners": LearnerProfile.objects.count(),
        "reports_synth_s": synth_s,
        "reports_rebuild_rollups_s": round(rebuild_s, 1),
        "reports_plans_computed": planned["plans"],
        "reports_plans_all_s": round(plans_s, 1),
        "reports_plan_longest_audit_s": audit["longest"],
        "reports_plan_solves": audit["solves"],
        "reports_plans_budget_exhausted": SuppressionPlan.objects.filter(budget_exhausted=True).count(),
        "reports_city_learner_rows": CityLearnerMonth.objects.count(),
        "reports_prefecture_learner_rows": PrefectureLearnerMonth.objects.count(),
        "reports_nation_learner_rows": NationLearnerMonth.objects.count(),
        "reports_city_quiz_rows": CityQuizYear.objects.count(),
        "reports_prefecture_quiz_rows": PrefectureQuizYear.objects.count(),
    }
    for name, function in (
        ("prefecture", prefecture_report),
        ("national", national_report),
        ("municipality", municipality_report),
    ):
        median, p90 = _time(function, fy, ctx.repeat)
        figures[f"reports_{name}_median_ms"] = round(median, 2)
        figures[f"reports_{name}_p90_ms"] = round(p90, 2)
    return figures
