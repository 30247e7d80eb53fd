"""Background work of workshops (Celery): e-mails, reminders, and closing a workshop (certificates for attendees).

Each task takes ids, calls one service and is safe to run twice."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.db import OperationalError

from lms.leases import NOTICE_TASK_TIME_LIMIT

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, smtplib.SMTPException, ConnectionError, TimeoutError)


# A task that sends one notice is killed after NOTICE_TASK_TIME_LIMIT, less than the notice lease, so its claim is never
# retaken while it may still send (lms/leases.py).
NOTICE_LIMITS = {"time_limit": NOTICE_TASK_TIME_LIMIT, "soft_time_limit": NOTICE_TASK_TIME_LIMIT - 20}


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=600, max_retries=8, acks_late=True,
             **NOTICE_LIMITS)
def send_registration_notice(self, registration_id: int, kind: str) -> bool:
    """One e-mail about one registration, once per kind (RegistrationNotice, claimed with a lease)."""
    from .services import send_registration_notice as send

    return send(registration_id=registration_id, kind=kind)


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def notify_workshop_cancelled(self, workshop_id: int) -> int:
    """Queue the cancellation e-mail to everyone registered for a cancelled workshop."""
    from .services import queue_cancellation_notices

    return queue_cancellation_notices(workshop_id=workshop_id)


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def notify_workshop_changed(self, change_id: int) -> int:
    """Queue the change e-mail to everyone confirmed or waitlisted for a changed workshop."""
    from .services import queue_change_notices

    return queue_change_notices(change_id=change_id)


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=600, max_retries=8, acks_late=True,
             **NOTICE_LIMITS)
def send_change_notice(self, change_id: int, registration_id: int) -> bool:
    """One change e-mail to one person, once per change (WorkshopChangeNotice, claimed with a lease)."""
    from .services import send_change_notice as send

    return send(change_id=change_id, registration_id=registration_id)


@shared_task(name="events.tasks.expire_waitlist_offers", ignore_result=True)
def expire_waitlist_offers() -> int:
    """Every 5 minutes (CELERY_BEAT_SCHEDULE): lapsed waitlist offers pass to the next person."""
    from .services import expire_waitlist_offers as expire

    return expire()


@shared_task(name="events.tasks.retry_unsent_notices", ignore_result=True)
def retry_unsent_notices() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): notices whose sender died between claiming and sending are queued again."""
    from .services import retry_unsent_notices as retry

    return retry()


@shared_task(name="events.tasks.send_workshop_reminders", ignore_result=True)
def send_workshop_reminders() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): the day-before reminders that are due."""
    from .services import queue_due_reminders

    return queue_due_reminders()


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=300, max_retries=5, acks_late=True)
def close_workshop(self, closing_id: int) -> str:
    """Issue completion and certificates to a workshop's attendees, recording progress on the status row."""
    from .models import WorkshopClosing
    from .services import run_workshop_closing

    try:
        closing = run_workshop_closing(closing_id=closing_id)
    except WorkshopClosing.DoesNotExist:
        logger.warning("Workshop closing %s no longer exists.", closing_id)
        return "missing"
    return closing.status


@shared_task(name="events.tasks.resume_interrupted_closings", ignore_result=True)
def resume_interrupted_closings() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): closings whose worker died (lease expired) are queued again and resume
    where they stopped."""
    from .services import resume_interrupted_closings as resume

    return resume()
