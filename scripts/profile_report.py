"""Profile one report screen in-process (pyinstrument, a dev dependency): the first view after the data changed
(the process's plan is stale, the stored plan is applied) and a repeat view, on an existing database.

    PROFILE_DATABASE_NAME=test_tsunagari_i14speed DATABASE_URL=postgres://… PYTHONPATH=. \\
        .venv/bin/python scripts/profile_report.py /admin/reports/regions/pref/01/ [first|repeat|both]

Prints timings of N plain runs of each and one pyinstrument profile of each (text, to stdout). Uses the test
settings; the database must already hold the roll-ups and plans (e.g. one kept by `BENCH_KEEPDB=1 make bench`)."""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def main() -> int:
    import django
    from django.conf import settings

    if os.environ.get("PROFILE_DATABASE_NAME"):
        settings.DATABASES["default"]["NAME"] = os.environ["PROFILE_DATABASE_NAME"]
    django.setup()
    from django.test.utils import setup_test_environment
    from pyinstrument import Profiler

    from lms.accounts.models import User
    from lms.reports import refresh, selectors
    from tests.bench.common import staff_client

    setup_test_environment()
    url = sys.argv[1] if len(sys.argv) > 1 else "/admin/reports/regions/pref/01/"
    which = sys.argv[2] if len(sys.argv) > 2 else "both"
    repeat = int(os.environ.get("PROFILE_REPEAT", "7"))
    user = User.objects.filter(email="bench-officer@example.jp").first()
    if user is None:
        user = User.objects.create_user(email="bench-officer@example.jp", password="x", is_superuser=True)  # noqa: S106
    client = staff_client(user)
    url = f"{url}?fy={selectors.current_fiscal_year()}"
    response = client.get(url)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    for kind in ("first", "repeat"):
        if which not in (kind, "both"):
            continue
        times, cpu = [], []
        for _ in range(repeat):
            if kind == "first":
                refresh.mark_data_changed()
            t0, c0 = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        print(f"{kind}: median {statistics.median(times):.1f} ms (this process's CPU {statistics.median(cpu):.1f} ms), "
              f"all {[round(t) for t in sorted(times)]}, load {os.getloadavg()}")
        if kind == "first":
            refresh.mark_data_changed()
        profiler = Profiler(interval=0.0005)
        profiler.start()
        client.get(url)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False, timeline=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
