"""Settings for the HTTP load benchmark's gunicorn (bench_70_http): the benchmark child settings made production-like
for what a page costs — DEBUG off, WhiteNoise serving collected, hashed and compressed files from STATIC_ROOT (tests/bench/http_static.py) (no
finders, no autorefresh), one cache key prefix shared by every worker process (the test settings' per-process prefix
would give each worker its own cache)."""

import os

from tests.bench.child_settings import *  # noqa: F403  (settings module)
from tests.bench.child_settings import CACHES, STORAGES

DEBUG = False
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
STORAGES["staticfiles"] = {"BACKEND": "tests.bench.http_static.OwnFilesCompressedStorage"}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
if "KEY_PREFIX" in CACHES["default"] and os.environ.get("BENCH_CACHE_KEY_PREFIX"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["BENCH_CACHE_KEY_PREFIX"]
# Errors of the server go to its log (the benchmark reports a target that does not answer 200, with the log's name).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
    "root": {"level": "WARNING"},
}
