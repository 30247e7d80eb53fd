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


@shared_task(name="lms.tasks.send_moderation_notice", ignore_result=True)
def send_moderation_notice(kind: str, state_id: int, user_id: int | None = None, key: str = "") -> None:
    """A moderation e-mail (承認の依頼 / 承認されました / 修正の依頼), queued after the workflow action commits
    (lms.moderation.connect_notices_after_commit)."""
    from lms.moderation import send_notice

    send_notice(kind, state_id, user_id, key)
