"""Settings for processes the certificate benchmark starts (gunicorn, a Celery worker): the test settings, pointed at
the benchmark's throw-away database and signing key, with a URLconf that adds a bare "hello" view, and a rate limit
high enough that the load generator is never refused (the limiter still runs, so its cost is measured)."""

import os

from lms.settings.test import *  # noqa: F403  (settings module)
from lms.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["BENCH_DATABASE_NAME"]
CERTIFICATE_SIGNING_KEY_FILE = os.environ["BENCH_SIGNING_KEY_FILE"]
ROOT_URLCONF = "tests.bench.child_urls"
CERTIFICATE_VERIFY_RATE = "100000000/m"
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", MEDIA_ROOT)  # noqa: F405
if os.environ.get("BENCH_CERTIFICATE_FILES_ROOT"):
    STORAGES["certificates"]["OPTIONS"]["location"] = os.environ["BENCH_CERTIFICATE_FILES_ROOT"]  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = False
if os.environ.get("BENCH_CACHE_KEY_PREFIX") and CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache":  # noqa: F405
    # The parent's prefix (the test settings' default has the process id, which differs in every gunicorn worker):
    # the workers then share the rate-limit counters and the pending verification counts the parent flushes.
    CACHES["default"]["KEY_PREFIX"] = os.environ["BENCH_CACHE_KEY_PREFIX"]  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Production (PostgreSQL) keeps its connections (CONN_MAX_AGE in lms/settings/base.py); SQLite's default of a new
    # connection per request re-reads the whole schema on every request that touches the database.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
# The servers the benchmarks start run as production does: anonymous pages from the page cache (lms/pagecache).
PAGE_CACHE_ENABLED = True
WORKSHOP_FEED_CACHE_ENABLED = True
