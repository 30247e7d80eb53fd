"""Background work of certificates (Celery)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from lms.leases import NOTICE_TASK_TIME_LIMIT

logger = logging.getLogger(__name__)

# Every render task: retried on database or disk errors with backoff; acknowledged late (idempotent, safe to redeliver).
RENDER_TASK_OPTIONS = {
    "bind": True,
    "autoretry_for": (OperationalError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
    "acks_late": True,
}


def _render_one(certificate_id: int, kind: str) -> str:
    from .models import Certificate
    from .services import FILE_KINDS, render_file

    try:
        certificate = render_file(certificate_id=certificate_id, kind=kind)
    except Certificate.DoesNotExist:
        logger.warning("Certificate %s no longer exists; nothing to render.", certificate_id)
        return "missing"
    return getattr(certificate, FILE_KINDS[kind].status)


@shared_task(**RENDER_TASK_OPTIONS)
def render_certificate_files(self, certificate_id: int) -> str:
    """Render and store a certificate's 修了証 PDF (the card is rendered on first download). Idempotent: a second run
    keeps the file of the first."""
    return _render_one(certificate_id, "pdf")


@shared_task(**RENDER_TASK_OPTIONS)
def render_certificate_card(self, certificate_id: int) -> str:
    """Render and store the wallet card (low priority: the holder's first download renders it otherwise)."""
    return _render_one(certificate_id, "card")


@shared_task(**RENDER_TASK_OPTIONS)
def render_certificate_batch(self, certificate_ids: list[int], kind: str = "pdf") -> dict:
    """Render many certificates' files in one task (services.render_batch): queued by `batched_renders` when a
    workshop closing issues many at once. Redelivered or retried, it renders only what is not done yet."""
    from .services import render_batch

    return render_batch(certificate_ids=certificate_ids, kind=kind)


@shared_task(name="certificates.tasks.render_pending_certificates", ignore_result=True)
def render_pending_certificates(older_than_seconds: int = 300, limit: int = 500) -> int:
    """Sweep (Celery beat): queue rendering for certificates still pending or failed a while after issue — e.g. when
    the broker was down at commit time. Rendering is idempotent, so a certificate queued twice is rendered once."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    from lms.leases import lease_cutoff

    from .enums import RenderStatus
    from .models import Certificate

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    # Also renders left `running` by a worker that died (lease expired, lms/leases.py): taken over, not left an hour.
    dead = lease_cutoff()
    ids = list(
        Certificate.objects.filter(
            Q(render_status__in=[RenderStatus.PENDING, RenderStatus.FAILED], issued_at__lte=cutoff)
            | Q(render_status=RenderStatus.RUNNING, render_started_at__lt=dead)
            | Q(render_status=RenderStatus.RUNNING, render_started_at__isnull=True, issued_at__lt=dead),
            personal_data_erased_at__isnull=True,
        )
        .order_by("issued_at")
        .values_list("pk", flat=True)[:limit]
    )
    for certificate_id in ids:
        render_certificate_files.delay(certificate_id)
    # Cards whose render failed or was killed mid-way are rendered again (never-asked-for cards stay on demand).
    card_ids = list(
        Certificate.objects.filter(
            card_status__in=[RenderStatus.FAILED, RenderStatus.RUNNING],
            issued_at__lte=cutoff,
            personal_data_erased_at__isnull=True,
        )
        .order_by("issued_at")
        .values_list("pk", flat=True)[:limit]
    )
    for certificate_id in card_ids:
        render_certificate_card.delay(certificate_id)
    return len(ids)


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    acks_late=True,
    # killed before its claim's lease ends, so a live sender is never doubled (lms/leases.py)
    time_limit=NOTICE_TASK_TIME_LIMIT,
    soft_time_limit=NOTICE_TASK_TIME_LIMIT - 20,
)
def send_certificate_issued_notice(self, certificate_id: int) -> bool:
    """E-mail the holder that their certificate was issued; sent at most once (see services.send_issued_notice)."""
    from .services import send_issued_notice

    return send_issued_notice(certificate_id=certificate_id)


@shared_task
def send_pending_issued_notices() -> int:
    """Sweep (Celery beat): queue the issued e-mail of recent certificates whose e-mail was never sent."""
    from .services import pending_issued_notice_ids

    ids = pending_issued_notice_ids()
    for certificate_id in ids:
        send_certificate_issued_notice.delay(certificate_id)
    return len(ids)


@shared_task(name="certificates.tasks.flush_verification_counts", ignore_result=True)
def flush_verification_counts() -> int:
    """Celery beat: write the look-ups counted in Redis to CertificateVerification (idempotent: a retried or
    overlapping flush writes each batch once; certificates/verifications.py)."""
    from .verifications import flush_verification_counts as flush

    return flush()
