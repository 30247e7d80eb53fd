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

from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from lms.accounts.models import User
from lms.reports import refresh, selectors

SCREENS = {
    "prefecture_tottori": "/admin/reports/regions/pref/31/",
    "municipality_tottori_city": "/admin/reports/regions/muni/312011/",
    "prefecture_tokyo": "/admin/reports/regions/pref/13/",
    "prefecture_hokkaido": "/admin/reports/regions/pref/01/",
    "national": "/admin/reports/regions/nation/",
    "municipality_chiyoda": "/admin/reports/regions/muni/131016/",
    "xlsx_prefecture_tokyo": "/admin/reports/regions/pref/13/export/?format=xlsx&",
}


def _time(client: Client, url: str, repeat: int, *, data_changed: bool) -> tuple[float, float]:
    assert client.get(url).status_code == 200, url  # warm, and never time an error page
    times = []
    for _ in range(repeat):
        if data_changed:
            refresh.mark_data_changed()
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.9) - 1)]


def run(ctx) -> dict:
    user = User.objects.filter(email="bench-officer@example.jp").first()
    if user is None:
        user = User.objects.create_user(email="bench-officer@example.jp", password="x", is_superuser=True)  # noqa: S106
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(user)
    fy = selectors.current_fiscal_year()
    figures = {}
    repeat = max(5, min(ctx.repeat, 15))
    for name, url in SCREENS.items():
        joiner = "" if url.endswith("&") else "?"
        median, p90 = _time(client, f"{url}{joiner}fy={fy}", repeat, data_changed=True)
        figures[f"report_screen_{name}_median_ms"] = round(median, 1)
        figures[f"report_screen_{name}_p90_ms"] = round(p90, 1)
        warm, _p90 = _time(client, f"{url}{joiner}fy={fy}", repeat, data_changed=False)
        figures[f"report_screen_{name}_warm_median_ms"] = round(warm, 1)
    return figures
