"""The embedded default's stand-in for Celery beat: runs every CELERY_BEAT_SCHEDULE entry in-process when it is due
(scheduled publishing every minute, reminders, roll-ups). Production runs `celery beat` instead. Every job is
idempotent, so each also runs once at start-up."""

import logging
import time

from celery.schedules import maybe_schedule
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from lms.celery import app

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the Celery beat schedule in-process (for `make run`); use `celery beat` in production."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit")

    def handle(self, *args, **options):
        app.loader.import_default_modules()  # autodiscovers every app's tasks.py
        schedules = {
            name: (entry, maybe_schedule(entry["schedule"], app=app))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        last_run = {}
        while True:
            for name, (entry, schedule) in schedules.items():
                last = last_run.get(name)
                if last is not None and not schedule.is_due(last).is_due:
                    continue
                last_run[name] = schedule.now()
                try:
                    app.tasks[entry["task"]].apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
                except Exception:  # one failing job must not stop the others; logged, and tried again when due
                    logger.exception("Scheduled job %s failed", name)
                finally:
                    close_old_connections()
            if options["once"]:
                return
            time.sleep(5)
