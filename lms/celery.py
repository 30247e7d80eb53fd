"""The one Celery app. Configured from Django settings (CELERY_* in lms/settings/base.py): tasks run eagerly in-process
when REDIS_URL is unset (embedded default), and on Redis when it is set. Production settings unless
DJANGO_SETTINGS_MODULE says otherwise (a worker started bare must not run with development defaults); `make worker`
and `make beat` choose development explicitly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
