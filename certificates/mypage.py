"""マイページ panels: the holder's certificates, and linking to an employer organisation."""

from __future__ import annotations

from lms.accounts.enums import Role

from .enums import NameDisplay
from .forms import InviteCodeForm
from .names import initials
from .selectors import holder_certificates
from .services import name_changed_since_issue, verification_url

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def linkedin_add_url(certificate) -> str:
    """LinkedIn's add-to-profile link for a certification: name, issuer, issue year and month, number and the
    verification URL (prefilled; the holder confirms on LinkedIn)."""
    from urllib.parse import urlencode

    from . import dates
    from .selectors import get_issuer_name

    issued = dates.local_date(certificate.issued_at)
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": f"{certificate.course_title} 修了証",
        "organizationName": get_issuer_name(),
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": verification_url(certificate),
        "certId": certificate.number,
    }
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(query)}"


def certificates_panel(request):
    if not request.user.is_authenticated:
        return None
    certificates = holder_certificates(request.user)
    if not certificates:
        return None
    for certificate in certificates:
        certificate.share_url = verification_url(certificate)
        certificate.initials = initials(certificate.holder_name, certificate.holder_furigana)
        if certificate.is_valid:
            certificate.linkedin_url = linkedin_add_url(certificate)
            certificate.name_changed = name_changed_since_issue(certificate)
    return "certificates/mypage_panel.html", {"certificates": certificates, "name_choices": NameDisplay.choices}


def organisation_panel(request):
    user = request.user
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    admin_of = user.role_assignments.filter(role=Role.EMPLOYER_ADMIN).exists()
    if profile is None and not admin_of:
        return None
    linked = profile.employer if profile is not None and profile.consent_employer_share else None
    return "certificates/organisation_panel.html", {
        "organisation": linked,
        "form": InviteCodeForm(),
        "admin_of": admin_of,
    }


def completion_certificate(request, course):
    """The holder's valid certificate for `course`, for the course's completion page."""
    from .models import Certificate

    if not request.user.is_authenticated:
        return None
    certificate = Certificate.objects.valid().for_holder(request.user).filter(course=course).first()
    if certificate is None:
        return "certificates/completion.html", {"certificate": None}
    certificate.share_url = verification_url(certificate)
    return "certificates/completion.html", {"certificate": certificate}
