"""Celery tasks of the reports: the every-minute refresh of the roll-ups (CELERY_BEAT_SCHEDULE) and the nightly
rebuild. Each recomputes, after the roll-ups are committed (so the refresh lock is not held meanwhile), the
disclosure plans of the prefectures and years whose figures changed (lms.reports.plans), so report requests never
audit."""

from celery import shared_task

from . import plans, refresh


def refresh_with_plans() -> dict:
    result = refresh.refresh()
    if result.get("rebuilt"):
        result.update(plans.refresh_all_plans())
    else:
        result.update(plans.refresh_plans(tuple(key) for key in result.get("changed", ())))
    return result


def rebuild_with_plans() -> dict:
    result = refresh.rebuild_all()
    result.update(plans.refresh_all_plans())
    return result


@shared_task(name="lms.reports.tasks.refresh_report_rollups", ignore_result=True)
def refresh_report_rollups() -> dict:
    """Recompute the report cells of learners whose records changed since the last run, then their plans."""
    return refresh_with_plans()


@shared_task(name="lms.reports.tasks.rebuild_report_rollups", ignore_result=True)
def rebuild_report_rollups() -> dict:
    """Nightly: recompute everything from raw rows (heals anything the minute refresh could have missed)."""
    return rebuild_with_plans()
