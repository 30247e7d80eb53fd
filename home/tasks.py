"""Background work of the home app (Celery)."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5, acks_late=True)
def send_contact_message(self, contact_id: int) -> bool:
    """E-mail a stored お問い合わせ to the operator (at most once; see home.services.send_contact_message)."""
    from .services import send_contact_message as send

    return send(contact_id=contact_id)
