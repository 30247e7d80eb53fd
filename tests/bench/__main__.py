"""`make bench`: one JSON object of figures on stdout.

Creates a throw-away test database (SQLite by default, PostgreSQL when DATABASE_URL is set), loads the regions, then
runs every `tests/bench/bench_*.py` module's `run(ctx)` in name order and merges the dicts they return. Progress goes
to stderr so stdout stays one JSON object. `BENCH_ONLY=certificates,search` runs only the modules whose names contain
one of those words. `BENCH_KEEPDB=1` keeps the test database between runs (the 1,000,000-learner report data takes
many minutes to make): it is reused when it exists and not destroyed at the end (on SQLite it is the file
`$TMPDIR/tsunagari-bench-keep.sqlite3`)."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import time


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from lms.regions.services import load_packaged_regions
    from tests.bench import common

    setup_test_environment()
    keep = os.environ.get("BENCH_KEEPDB", "") not in ("", "0")
    if keep and connection.vendor == "sqlite":
        import tempfile

        connection.settings_dict.setdefault("TEST", {})["NAME"] = os.path.join(
            tempfile.gettempdir(), "tsunagari-bench-keep.sqlite3"
        )
    old_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keep)
    figures: dict = {
        "database": connection.vendor,
        "redis": bool(os.environ.get("REDIS_URL")),
        "python": sys.version.split()[0],
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        load_packaged_regions()
        import tests.bench as package

        names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_"))
        only = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]
        if only:
            names = [name for name in names if any(word in name for word in only)]
            figures["bench_only"] = only
        for name in names:
            module = importlib.import_module(f"tests.bench.{name}")
            print(f"bench: {name} …", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            figures.update(module.run(common.Context()))
            print(f"bench: {name} done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    figures["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    figures["bench_total_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
