"""Beat: publish the work the broker could not take when it was queued."""

from celery import shared_task


@shared_task(name="lms.outbox.tasks.drain_outbox", ignore_result=True)
def drain_outbox() -> dict:
    from .services import drain

    return drain()
