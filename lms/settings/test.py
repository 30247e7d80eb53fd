"""Test settings: fast hashing, local cache (or Redis when REDIS_URL is set), eager Celery unless a test starts
a real worker (tests/conftest.py), quiet logging. DATABASE_URL selects PostgreSQL; the default is SQLite."""

import os

os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from .base import *  # noqa: E402,F403  (settings module)
from .base import CACHE_URL  # noqa: E402

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105  (tests only)
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests run tasks eagerly; the `celery_worker_live` fixture switches to the real Redis broker when REDIS_URL is set.
CELERY_TASK_ALWAYS_EAGER = True
if CACHE_URL:
    # Each run uses its own key prefix so parallel runs never read each other's rate-limit counters.
    # A process a test starts (tests/test_page_cache_processes.py) is given the parent's prefix to share its cache.
    CACHES["default"]["KEY_PREFIX"] = os.environ.get("TEST_CACHE_KEY_PREFIX") or f"tsunagari-test-{os.getpid()}"  # noqa: F405
# The page cache is off in tests (a test that changes rows without a signal would read an old page); its own tests
# switch it on (tests/test_page_cache.py).
PAGE_CACHE_ENABLED = False
WORKSHOP_FEED_CACHE_ENABLED = False
import tempfile  # noqa: E402

MEDIA_ROOT = os.path.join(tempfile.gettempdir(), f"tsunagari-test-media-{os.getpid()}")
STORAGES["certificates"]["OPTIONS"]["location"] = os.path.join(  # noqa: F405
    tempfile.gettempdir(), f"tsunagari-test-certificates-{os.getpid()}"
)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
DEMO_DATA_ALLOWED = True
# Development/demo tools (synthetic learners, the reports' demo figures): never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
DEMO_SEEDERS = [*DEMO_SEEDERS, "devtools.reports_demo.seed_reports"]  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not ":memory:": the live server used by the browser tests then opens its own connection instead of
    # sharing the test thread's, which is how the real site runs.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"tsunagari-test-{os.getpid()}.sqlite3")
    }
# A signing key generated for this run (never a key in the repository).
CERTIFICATE_SIGNING_KEY_AUTOGENERATE = True
CERTIFICATE_SIGNING_KEY_FILE = os.path.join(tempfile.gettempdir(), f"tsunagari-test-signing-key-{os.getpid()}.pem")

# seed_demo in tests makes no synthetic report learners (tests/reports/test_demo.py asks for a few itself).
DEMO_REPORT_LEARNERS = 0
