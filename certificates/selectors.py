"""Reads across certificates, holders and organisations."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Max, Prefetch, Sum

from .enums import CertificateStatus
from .models import Certificate, CertificateVerification

CERTIFIED_COUNT_CACHE_KEY = "certificates:certified-supporters"
CERTIFIED_COUNT_TTL = 60  # seconds: the home page's "live" count may lag by up to a minute


def count_certified_supporters() -> int:
    """Distinct people holding a valid certificate, nationwide (cached briefly; issuing does not clear it, revoking
    and erasing do)."""
    value = cache.get(CERTIFIED_COUNT_CACHE_KEY)
    if value is None:
        value = Certificate.objects.valid().values("holder").distinct().count()
        cache.set(CERTIFIED_COUNT_CACHE_KEY, value, CERTIFIED_COUNT_TTL)
    return value


def forget_certified_count() -> None:
    cache.delete(CERTIFIED_COUNT_CACHE_KEY)


def holder_certificates(user):
    """The holder's certificates, newest first, with how often and when (latest ten minutes with look-ups) each was
    verified. Look-ups counted in Redis show after the next flush (certificates/verifications.py); this process's own
    unwritten counts (no Redis) are written first."""
    from .verifications import flush_local_counts

    flush_local_counts()
    recent = CertificateVerification.objects.order_by("-verified_at", "-id")
    certificates = list(
        Certificate.objects.for_holder(user)
        .select_related("course")
        .annotate(verification_count=Sum("verifications__count", default=0), last_verified_at=Max("verifications__verified_at"))
        .prefetch_related(Prefetch("verifications", queryset=recent, to_attr="all_verifications"))
    )
    for certificate in certificates:
        certificate.recent_verifications = _by_minute(certificate.all_verifications)[:10]
    return certificates


def _by_minute(rows):
    """Rows of the same minute and channel (written by different flushes) as one, with their counts summed."""
    merged: dict = {}
    for row in rows:
        key = (row.verified_at, row.channel)
        if key in merged:
            merged[key].count += row.count
        else:
            merged[key] = row
    return list(merged.values())


def organisation_members(organisation):
    """Staff who linked themselves to the organisation (and consented), each with their valid certificates."""
    from lms.accounts.models import LearnerProfile

    valid = Certificate.objects.filter(status=CertificateStatus.VALID).order_by("-issued_at")
    return list(
        LearnerProfile.objects.filter(employer=organisation, consent_employer_share=True, user__is_active=True)
        .select_related("user")
        .prefetch_related(Prefetch("user__certificates", queryset=valid, to_attr="valid_certificates"))
        .order_by("furigana", "pk")
    )


ISSUER_NAME_CACHE_KEY = "certificates:issuer-name"


def get_issuer_settings():
    """The issuer shown on certificates (the default site's setting; defaults when there is no site yet)."""
    from wagtail.models import Site

    from .models import CertificateIssuerSettings

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    if site is None:
        return CertificateIssuerSettings()
    return CertificateIssuerSettings.for_site(site)


def get_issuer_name() -> str:
    """The issuer's name for verification pages and the API, cached (cleared when staff save the setting)."""
    name = cache.get(ISSUER_NAME_CACHE_KEY)
    if name is None:
        name = get_issuer_settings().issuer_name
        cache.set(ISSUER_NAME_CACHE_KEY, name, 3600)
    return name


def forget_issuer_name(**kwargs) -> None:
    cache.delete(ISSUER_NAME_CACHE_KEY)
