"""Verifiers checking the printed name (initials mode), the holder's reissue after a name change, and the published
Bitstring Status List. Kept apart from views.py, which other changes touch; the rules live in services.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import messages
from .enums import VerificationChannel
from .forms import NameCheckForm, VerifyForm
from .models import Certificate
from .numbering import parse_number
from .ratelimit import limited, too_many_requests
from .services import CertificateError, holder_name_matches, reissue_with_current_name, verify_certificate

NAME_CHECK_GROUP = "certificates.name-check"


def name_check_rate() -> str:
    return getattr(settings, "CERTIFICATE_NAME_CHECK_RATE", "10/m")


@csrf_exempt  # changes nothing (rate-limited look-up), and the anonymous verify page it sits on is cached
@never_cache
@require_POST
def name_check(request, number: str):
    """/verify/<number>/name-check/: 一致 / 不一致 for the name a verifier read on the PDF. The page never shows the
    name; the typed name is neither stored nor logged; rate-limited per client."""
    from .views import _result_response

    if limited(request, group=NAME_CHECK_GROUP, rate=name_check_rate()):
        return too_many_requests(request)
    form = NameCheckForm(request.POST)
    result = verify_certificate(raw_number=number, channel=VerificationChannel.PAGE, record=False)
    extra = {"name_check_form": form, "name_check_done": False}
    if result.found and form.is_valid():
        certificate = result.certificate
        if not certificate.holder_name:
            extra.update(name_check_done=True, name_check_match=False, name_check_message=messages.NAME_CHECK_UNAVAILABLE)
        else:
            match = holder_name_matches(certificate=certificate, typed_name=form.cleaned_data["holder_name"])
            extra.update(
                name_check_done=True,
                name_check_match=match,
                name_check_message=messages.NAME_CHECK_MATCH if match else messages.NAME_CHECK_MISMATCH,
            )
        # A fresh, empty field: the typed name is not echoed back.
        extra["name_check_form"] = NameCheckForm()
    response = _result_response(request, result, VerifyForm(initial={"number": number[:64]}), extra=extra)
    if result.found and not form.is_valid():
        response.status_code = 400
    return response


@login_required
@require_POST
def reissue(request, number: str):
    """The holder asks for a new certificate with their current name (マイページ)."""
    certificate = Certificate.objects.filter(number=parse_number(number) or "-", holder=request.user).first()
    if certificate is None:
        raise Http404
    try:
        new = reissue_with_current_name(certificate=certificate, holder=request.user)
    except CertificateError as exc:
        flash.error(request, exc.message)
        return redirect(reverse("accounts:mypage") + f"#certificate-{certificate.pk}")
    flash.success(request, messages.REISSUE_REQUESTED)
    return redirect(reverse("accounts:mypage") + f"#certificate-{new.pk}")


@require_GET
def status_list(request):
    """The signed BitstringStatusListCredential every credential's credentialStatus points at (revocation)."""
    from .credentials import status_list_jwt

    response = HttpResponse(status_list_jwt(), content_type="application/vc+jwt")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
