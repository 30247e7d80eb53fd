"""Background work of certificates (Celery)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def render_certificate_files(self, certificate_id: int) -> str:
    """Render and store a certificate's PDF and wallet card. Idempotent: a second run keeps the files of the first."""
    from .models import Certificate
    from .services import render_certificate_files as render

    try:
        certificate = render(certificate_id=certificate_id)
    except Certificate.DoesNotExist:
        logger.warning("Certificate %s no longer exists; nothing to render.", certificate_id)
        return "missing"
    return certificate.render_status
