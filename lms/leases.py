"""Leases for long-running status rows (issue 15): a worker running a workshop closing or a certificate render
stamps its row as it goes (heartbeat); a row whose last stamp is older than WORK_LEASE_SECONDS (default 2 minutes)
lost its worker (killed, out of memory, host gone) and the beat sweep takes it over. Redelivery by the broker would
only come after the visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS), far longer."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORK_LEASE_SECONDS)


def lease_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Stamps older than this belong to a dead worker."""
    return (now or timezone.now()) - lease()


def lease_expired(stamp: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    return stamp is None or stamp < lease_cutoff(now)


# --- E-mail notices: claimed with a lease, marked sent after the SMTP server took the message ----------------------
#
# A notice row (unique per e-mail) is claimed before sending (`claimed_at`) and marked `sent_at` after the SMTP call
# returned; a failed send releases the claim. A worker that dies between the claim and the mark leaves a claim with
# no `sent_at`: after NOTICE_LEASE_SECONDS a sweep queues the e-mail again and the new run retakes the claim. The lease
# is longer than a send task may live (NOTICE_TASK_TIME_LIMIT, Celery's hard limit kills it), so a live sender's claim
# is never retaken. What is left: a worker dying after the SMTP server accepted the message and before `sent_at` is
# written (milliseconds) sends it a second time, with the same Message-ID (lms.emails.stable_message_id), which many
# mail clients show once — at least once, not exactly once (docs/reliability.md).

NOTICE_TASK_TIME_LIMIT = 120  # seconds: the hard time limit of every task that sends one notice


def notice_lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.NOTICE_LEASE_SECONDS)


def notice_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Claims older than this (with no `sent_at`) belong to a sender that died."""
    return (now or timezone.now()) - notice_lease()


def claim_notice(model, *, now: dt.datetime | None = None, **lookup):
    """Claim the e-mail identified by `lookup` (the model's unique fields): insert its row claimed, or retake an unsent
    row whose claim expired. Returns the row, claimed by this caller, or None: sent already, or another sender holds
    a live claim."""
    from django.db import IntegrityError, transaction

    now = now or timezone.now()
    try:
        with transaction.atomic():
            return model.objects.create(**lookup, claimed_at=now)
    except IntegrityError:
        pass
    if not model.objects.filter(**lookup, sent_at__isnull=True, claimed_at__lt=notice_cutoff(now)).update(claimed_at=now):
        return None
    return model.objects.get(**lookup)


def mark_notice_sent(row) -> bool:
    """Record that the SMTP server took the message (only while the claim is still this caller's)."""
    return bool(
        type(row).objects.filter(pk=row.pk, claimed_at=row.claimed_at, sent_at__isnull=True).update(sent_at=timezone.now())
    )


def release_notice(row) -> None:
    """The send failed: drop the claim so a retry sends it (a row that is someone else's by now is left alone)."""
    type(row).objects.filter(pk=row.pk, claimed_at=row.claimed_at, sent_at__isnull=True).delete()
