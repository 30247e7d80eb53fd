"""Celery tasks of the reports: the every-minute refresh of the roll-ups (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import rollups


@shared_task(name="lms.reports.tasks.refresh_report_rollups", ignore_result=True)
def refresh_report_rollups() -> dict:
    """Recompute the report cells of learners whose records changed since the last run. Idempotent."""
    return rollups.refresh()


@shared_task(name="lms.reports.tasks.rebuild_report_rollups", ignore_result=True)
def rebuild_report_rollups() -> dict:
    """Nightly: recompute everything from raw rows (heals anything the minute refresh could have missed)."""
    return rollups.rebuild_all()
