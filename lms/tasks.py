"""Site-wide periodic work."""

from celery import shared_task


@shared_task(name="lms.tasks.publish_scheduled_pages", ignore_result=True)
def publish_scheduled_pages() -> None:
    """Publish and unpublish Wagtail pages whose go-live / expiry time has passed (run every minute by beat).

    Wagtail's command is idempotent: a page already published is not published twice. The people behind each page
    that went live are told by e-mail (lms.moderation)."""
    from lms.moderation import publish_scheduled_and_notify

    publish_scheduled_and_notify()


@shared_task(name="lms.tasks.ping")
def ping(value: str) -> str:
    """Round trip used by /healthz-style checks and the real-worker tests."""
    return f"pong:{value}"
