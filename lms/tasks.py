"""Site-wide periodic work."""

from celery import shared_task


@shared_task(name="lms.tasks.publish_scheduled_pages", ignore_result=True)
def publish_scheduled_pages() -> None:
    """Publish and unpublish Wagtail pages whose go-live / expiry time has passed (run every minute by beat).

    Wagtail's command is idempotent: a page already published is not published twice. The people behind each page
    that went live are told by e-mail (lms.moderation)."""
    from lms.moderation import publish_scheduled_and_notify

    publish_scheduled_and_notify()


@shared_task(name="lms.tasks.ping", ignore_result=True)
def ping(value: str) -> str:
    """Round trip used by the real-worker tests: leaves "pong:<value>" in the cache for a minute (no task has a
    result backend, so the answer travels through the shared cache)."""
    from django.core.cache import cache

    answer = f"pong:{value}"
    cache.set(f"celery-ping:{value}", answer, 60)
    return answer
