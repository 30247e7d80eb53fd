"""The e-mail that tells a holder their certificate was issued (online completion or a workshop), in Japanese, text
and HTML, from templates/certificates/email/issued_*."""

from __future__ import annotations

from lms.emails import build_email, stable_message_id

from .dates import both
from .enums import CertificateSource


def build_issued_email(*, certificate):
    from .services import verification_url

    profile = getattr(certificate.holder, "profile", None)
    workshop = certificate.workshop
    context = {
        "name": certificate.holder_name or (profile.full_name if profile else "") or certificate.holder.email,
        "certificate": certificate,
        "issued_on": both(certificate.issued_at),
        "verify_url": verification_url(certificate),
        "from_workshop": certificate.source == CertificateSource.WORKSHOP,
        "workshop_title": workshop.title if workshop is not None else "",
    }
    message = build_email("certificates/email/issued", to=[certificate.holder.email], context=context)
    message.extra_headers["Message-ID"] = stable_message_id(f"certificate-issued.{certificate.pk}")
    return message
