"""Embedded default for `make run`: SQLite, eager Celery, e-mail to the console, DEBUG on."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

from .base import *  # noqa: E402,F403  (settings module: import everything from base)
from .base import env  # noqa: E402

# A development-only key; production.py refuses to start without a real SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-dev-only-not-for-production")  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
DEMO_DATA_ALLOWED = True
# Development/demo tools (synthetic learners, the reports' demo figures): never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # noqa: F405
DEMO_SEEDERS = [*DEMO_SEEDERS, "devtools.reports_demo.seed_reports"]  # noqa: F405
CERTIFICATE_SIGNING_KEY_AUTOGENERATE = True  # var/keys/, generated on first use; production requires the variable
