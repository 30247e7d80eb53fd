"""Regional report screens: the whole page as an officer gets it (scope check, the prefecture-wide suppression plan,
tables, SVG charts, template) and the XLSX export, timed in-process through the test client on the synthetic
learners bench_50_reports made (median and p90). Where the screens add to the selectors' time: the plan reads every
municipality of the prefecture at once and decides suppression for all of them. Each process keeps the plan until the
roll-ups change (lms.reports.plans.cached_prefecture_plan), so two figures per screen: `…_median_ms` is the first
view after a refresh changed the data (the process's copy is stale, every request here: the request reads the
figures and applies the disclosure plan the refresh job stored, lms.reports.plans), `…_warm_median_ms` a view while
the data is unchanged (the usual case between two refreshes a minute apart)."""

from __future__ import annotations

import statistics
import time

from django.test import Client

from lms.accounts.models import LearnerProfile, User
from lms.reports import refresh, selectors
from tests.bench.common import staff_client

SCREENS = {
    "prefecture_tottori": "/admin/reports/regions/pref/31/",
    "municipality_tottori_city": "/admin/reports/regions/muni/312011/",
    "prefecture_tokyo": "/admin/reports/regions/pref/13/",
    "prefecture_hokkaido": "/admin/reports/regions/pref/01/",
    "national": "/admin/reports/regions/nation/",
    "municipality_chiyoda": "/admin/reports/regions/muni/131016/",
    "xlsx_prefecture_tokyo": "/admin/reports/regions/pref/13/export/?format=xlsx&",
}


def _time(client: Client, url: str, repeat: int, *, data_changed: bool) -> tuple[float, float, float]:
    """Median and p90 wall time, and the median CPU time of this process (on SQLite that includes the database: the
    cost of the request on an idle CPU, which a loaded machine's wall time hides)."""
    assert client.get(url).status_code == 200, url  # warm, and never time an error page
    times, cpu = [], []
    for _ in range(repeat):
        if data_changed:
            refresh.mark_data_changed()
        t0, c0 = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.9) - 1)], statistics.median(cpu)


# Screens whose first view is timed through the whole plan too (bench_51 and at each size).
WHOLE_PLAN_TOO = ("prefecture_hokkaido", "municipality_tottori_city")

# The screens bench_50_reports times at each size when given several (REPORTS_BENCH_LEARNERS=1000000,3000000).
SCALE_SCREENS = {
    name: SCREENS[name]
    for name in ("prefecture_tottori", "municipality_tottori_city", "prefecture_tokyo", "prefecture_hokkaido", "national")
}


def run(ctx) -> dict:
    return measure_screens(ctx, SCREENS)


def measure_screens(ctx, screens: dict) -> dict:
    user = User.objects.filter(email="bench-officer@example.jp").first()
    if user is None:
        user = User.objects.create_user(email="bench-officer@example.jp", password="x", is_superuser=True)  # noqa: S106
    client = staff_client(user)
    fy = selectors.current_fiscal_year()
    figures = {"report_screens_learners": LearnerProfile.objects.count()}
    repeat = max(5, min(ctx.repeat, 15))
    for name, url in screens.items():
        joiner = "" if url.endswith("&") else "?"
        median, p90, cpu = _time(client, f"{url}{joiner}fy={fy}", repeat, data_changed=True)
        figures[f"report_screen_{name}_median_ms"] = round(median, 1)
        figures[f"report_screen_{name}_p90_ms"] = round(p90, 1)
        figures[f"report_screen_{name}_cpu_median_ms"] = round(cpu, 1)
        warm, _p90, warm_cpu = _time(client, f"{url}{joiner}fy={fy}", repeat, data_changed=False)
        figures[f"report_screen_{name}_warm_median_ms"] = round(warm, 1)
        figures[f"report_screen_{name}_warm_cpu_median_ms"] = round(warm_cpu, 1)
        if name in WHOLE_PLAN_TOO:
            # The same first view through the whole plan (every municipality's cells, as before the partial plans),
            # in the same run: the ratio is what the partial plan saves, whatever the machine's load.
            from lms.reports import plans

            partial = plans.partial_plan
            plans.partial_plan = lambda *args: None
            try:
                whole, _p90, whole_cpu = _time(client, f"{url}{joiner}fy={fy}", repeat, data_changed=True)
            finally:
                plans.partial_plan = partial
            figures[f"report_screen_{name}_whole_plan_median_ms"] = round(whole, 1)
            figures[f"report_screen_{name}_whole_plan_cpu_median_ms"] = round(whole_cpu, 1)
    return figures
