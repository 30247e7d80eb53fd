"""Public verification (page, bulk), the holder's downloads and choices, the JWKS, and employers' organisation page.
Views parse input, call one service or selector, and render."""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from lms.accounts import policy
from lms.accounts.mfa import staff_session_response

from . import bulk, messages, signing, verifications
from .enums import VerificationChannel, VerificationOutcome
from .forms import BulkVerifyForm, InviteCodeForm, NameCheckForm, NameDisplayForm, VerifyForm
from .models import Certificate
from .numbering import classify_number, parse_number
from .ratelimit import BULK_NUMBERS_GROUP, budget_left, limited, spend_budget, too_many_requests
from .selectors import get_issuer_name, organisation_members
from .services import (
    CertificateError,
    ensure_files,
    get_or_create_invite,
    link_to_organisation,
    rotate_invite,
    set_name_display,
    unlink_from_organisation,
    verification_result,
)
from .storage import certificate_storage

VERIFY_GROUP = "certificates.verify"
BULK_GROUP = "certificates.bulk"
INVITE_GROUP = "certificates.invite-code"

_OUTCOME_MESSAGES = {
    VerificationOutcome.VALID: messages.VALID,
    VerificationOutcome.REVOKED: messages.REVOKED,
    VerificationOutcome.REISSUED: messages.REISSUED,
    VerificationOutcome.NOT_FOUND: messages.NOT_FOUND,
    VerificationOutcome.MISTYPED: messages.MISTYPED,
    VerificationOutcome.MALFORMED: messages.MALFORMED,
    VerificationOutcome.FORGED: messages.FORGED,
}


def _result_response(request, result, form=None, *, extra=None):
    status = 200 if result.certificate is not None else 404
    response = render(
        request,
        "certificates/verify.html",
        {
            "form": form or VerifyForm(),
            "result": result,
            "outcome_message": _OUTCOME_MESSAGES[result.outcome],
            "issuer_name": get_issuer_name() if result.found else "",
            "name_check_form": NameCheckForm(),
            **(extra or {}),
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# What never_cache sets, written directly on the verification page's answers (Django's helper parses and rebuilds
# the header on every response: a tenth of a cached answer's time).
_NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


def _not_stored(response):
    response["Expires"] = http_date(time.time())
    response["Cache-Control"] = _NO_STORE
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _answer(request, *, raw_number: str, signature: str | None, form, typed: str, view: str):
    """One look-up: one database read of the facts and one Redis round trip (rate limit, the answer already rendered
    for these facts, the count); rendered only on a miss (certificates/verifications.py). `form` is a callable: a
    reused answer needs none."""
    channel = VerificationChannel.QR if signature is not None else VerificationChannel.PAGE
    number, problem = classify_number(raw_number)
    look = verifications.lookup(request, number=number, signature=signature, channel=channel, typed=typed, view=view)
    if look.over_limit:
        return too_many_requests(request)
    if look.content is not None:
        return _not_stored(HttpResponse(look.content))
    certificate = look.certificate()  # from the same row the answer's key was made of
    result = verification_result(number=number, problem=problem, certificate=certificate, signature=signature)
    response = _result_response(request, result, form())
    if certificate is not None:
        look.store(response.content, counted=result.found, certificate=certificate)
    return _not_stored(response)


def _paper_number(typed: str) -> str:
    """The canonical printed number when `typed` is a paper participant's printed 修了証 number (P-…), else ""."""
    from events.paper_certificates import split_paper_number

    split = split_paper_number(typed)
    if not split:
        return ""
    # A mistyped one goes there too (its page says so), as the letters and hyphens typed.
    return split[0] or "".join(ch for ch in typed.upper() if ch.isascii() and (ch.isalnum() or ch == "-"))


@never_cache
@require_GET
def verify_form(request):
    """/verify/: type a number. Submitting (GET ?number=) shows the answer on the same page."""
    if "number" not in request.GET:
        return render(request, "certificates/verify.html", {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if not form.is_valid():
        return render(request, "certificates/verify.html", {"form": form}, status=400)
    paper = _paper_number(form.cleaned_data["number"])
    if paper:  # a paper participant's printed 修了証 (events/paper_certificates.py)
        return redirect("paper_verify", paper)
    return _answer(
        request, raw_number=form.cleaned_data["number"], signature=None, form=lambda: form,
        typed=request.GET["number"][:64], view="form",
    )


@require_GET
def verify_number(request, number: str):
    """/verify/<number>/: what a QR code opens (with ?s=<signature>), or a shared link (without). Never stored by
    browsers or proxies (_not_stored, as never_cache)."""
    # The form shows the number as typed (not the canonical form), so an unknown and a malformed number get the
    # same page apart from the echo of the input itself.
    return _answer(
        request, raw_number=number, signature=request.GET.get("s"),
        form=lambda: VerifyForm(initial={"number": number[:64]}), typed=number[:64], view="number",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def bulk_verify(request):
    """Employers: paste or upload up to 1,000 numbers; a result table and the same as CSV (?format=csv)."""
    if request.method == "GET":
        return render(request, "certificates/bulk.html", {"form": BulkVerifyForm()})
    # Refused before the numbers are read: too many requests, or no budget left (the body's size is capped by
    # settings.REQUEST_BODY_LIMITS before anything parses it).
    if limited(request, group=BULK_GROUP, rate=settings.CERTIFICATE_BULK_RATE) or not budget_left(
        request, group=BULK_NUMBERS_GROUP, rate=settings.CERTIFICATE_BULK_NUMBERS_RATE
    ):
        return too_many_requests(request)
    form = BulkVerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "certificates/bulk.html", {"form": form}, status=400)
    bulk_input = form.cleaned_data["bulk_input"]
    numbers = form.cleaned_data["parsed_numbers"]
    if not spend_budget(
        request, group=BULK_NUMBERS_GROUP, rate=settings.CERTIFICATE_BULK_NUMBERS_RATE, amount=len(numbers)
    ):
        return too_many_requests(request)
    rows = bulk.verify_input(bulk_input, channel=VerificationChannel.BULK)
    if request.POST.get("format") == "csv":
        response = HttpResponse(bulk.results_csv(bulk_input, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="certificate-verification.csv"'
        return response
    return render(
        request,
        "certificates/bulk.html",
        {
            "form": BulkVerifyForm(),
            "rows": bulk.problems_first(rows),
            "counts": bulk.count_outcomes(rows),
            "with_names": bulk_input.name_column is not None,
            "carried": bulk_input.source,
            "carried_kind": bulk_input.kind,
        },
    )


@require_GET
@cache_control(public=True, max_age=3600)
def jwks(request):
    response = JsonResponse(signing.jwks())
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def achievement(request, course_id: int):
    """The achievement a credential names: the course page."""
    from courses.models import CoursePage

    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    return redirect(course.get_url(request) or "/")


# --- The holder ------------------------------------------------------------------------------------------


class _StaffStepFirst(Exception):
    def __init__(self, response):
        self.response = response


def _certificate_for(request, number: str, *, staff: bool = False) -> Certificate:
    """The certificate if the user is its holder (or, with `staff`, certificate staff in a staff session: the access
    policy's `certificate_access`); 404 otherwise, so other people's numbers reveal nothing."""
    canonical = parse_number(number)
    certificate = Certificate.objects.filter(number=canonical or "-").select_related("course").first()
    if certificate is None or certificate.personal_data_erased_at:
        raise Http404
    access = policy.certificate_access(request.user, certificate)
    if access == policy.HOLDER:
        return certificate
    if access == policy.STAFF and staff:
        response = staff_session_response(request)
        if response is not None:
            raise _StaffStepFirst(response)
        return certificate
    raise Http404


def _file_safe(number: str) -> str:
    return re.sub(r"[^0-9A-Z-]", "_", number)


@never_cache
@login_required
@require_GET
def download(request, number: str, kind: str):
    try:
        certificate = _certificate_for(request, number, staff=True)
    except _StaffStepFirst as step:
        return step.response
    try:
        certificate = ensure_files(certificate=certificate, kind=kind)
    except Exception:
        flash.error(request, messages.FILE_NOT_READY)
        return redirect("accounts:mypage")
    name = certificate.pdf_file if kind == "pdf" else certificate.card_file
    label = "shuryosho" if kind == "pdf" else "supporter-card"
    # Crockford's check symbols * ~ $ = are awkward in file names: written as "_" there.
    handle = certificate_storage().open(name, "rb")
    response = FileResponse(
        handle, as_attachment=True, filename=f"{label}-{_file_safe(certificate.number)}.pdf", content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_GET
def credential(request, number: str):
    """The holder's Open Badges 3.0 / W3C VC, as a JWT (default) or as plain JSON (?format=json)."""
    from .credentials import build_credential, credential_jwt

    certificate = _certificate_for(request, number)
    if request.GET.get("format") == "json":
        response = JsonResponse(build_credential(certificate), json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="credential-{_file_safe(certificate.number)}.json"'
    else:
        response = HttpResponse(credential_jwt(certificate), content_type="application/vc+jwt")
        response["Content-Disposition"] = f'attachment; filename="credential-{_file_safe(certificate.number)}.jwt"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def name_display(request, number: str):
    certificate = _certificate_for(request, number)
    form = NameDisplayForm(request.POST)
    if form.is_valid():
        set_name_display(certificate=certificate, holder=request.user, name_display=form.cleaned_data["name_display"])
        flash.success(request, messages.NAME_DISPLAY_SAVED)
    else:
        flash.error(request, form.errors["name_display"][0])
    return redirect(reverse("accounts:mypage") + f"#certificate-{certificate.pk}")


# --- Organisations ---------------------------------------------------------------------------------------


@login_required
@require_POST
def organisation_link(request):
    # Invite codes are guessable only by trying: each account and each client may try a few an hour
    # (settings.INVITE_CODE_RATE), so many accounts from one address do not multiply the tries.
    if limited(request, group=INVITE_GROUP, rate=settings.INVITE_CODE_RATE) or is_ratelimited(
        request, group=INVITE_GROUP, key="user", rate=settings.INVITE_CODE_RATE, increment=True
    ):
        return too_many_requests(request, messages.INVITE_CODE_TOO_MANY)
    form = InviteCodeForm(request.POST)
    if form.is_valid():
        try:
            organisation = link_to_organisation(
                user=request.user, code=form.cleaned_data["code"], consent_to_share=form.cleaned_data["consent_to_share"]
            )
        except CertificateError as exc:
            flash.error(request, exc.message)
        else:
            flash.success(request, str(messages.LINKED).format(organisation=organisation.name))
    else:
        for errors in form.errors.values():
            flash.error(request, errors[0])
    return redirect(reverse("accounts:mypage") + "#organisation")


@never_cache
@login_required
def organisation_unlink(request):
    """Unlinking cannot be undone (a new invite code is needed to link again): a POST without `confirm=yes` (or a
    GET) shows what will happen and asks to confirm, without JavaScript."""
    back = reverse("accounts:mypage") + "#organisation"
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        unlink_from_organisation(user=request.user)
        flash.success(request, messages.UNLINKED)
        return redirect(back)
    profile = getattr(request.user, "profile", None)
    organisation = profile.employer if profile is not None else None
    if organisation is None:
        return redirect(back)
    return render(
        request,
        "confirm.html",
        {
            "title": "団体との連携を解除しますか",
            "lead": f"{organisation.name}との連携を解除します。",
            "points": [
                "解除すると、あなたの修了状況はこの団体の担当者に表示されなくなります。",
                "もう一度連携するには、団体から新しく招待コードを受け取る必要があります。",
                "修了証そのものは有効なままです。",
            ],
            "action": reverse("certificates:organisation_unlink"),
            "confirm_label": "連携を解除する",
            "cancel_url": back,
        },
    )


@never_cache
@login_required
@require_GET
def organisation_index(request):
    organisations = list(policy.administered_organisations(request.user))
    if not organisations:
        return render(request, "403.html", {"message": messages.NOT_EMPLOYER_ADMIN}, status=403)
    gate = staff_session_response(request)
    if gate is not None:
        return gate
    if len(organisations) == 1:
        return redirect("certificates:organisation", organisation_id=organisations[0].pk)
    return render(request, "certificates/organisation_index.html", {"organisations": organisations})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def organisation_detail(request, organisation_id: int):
    """An employer admin's page: the invite code for staff, and the staff who linked themselves with their
    certification status. Only the organisations the user administers; everyone else gets 403 and no data."""
    organisation = policy.administered_organisations(request.user).filter(pk=organisation_id).first()
    if organisation is None:
        return render(request, "403.html", {"message": messages.NOT_EMPLOYER_ADMIN}, status=403)
    gate = staff_session_response(request)
    if gate is not None:
        return gate
    if request.method == "POST":
        rotate_invite(organisation=organisation, created_by=request.user)
        flash.success(request, messages.INVITE_ROTATED)
        return redirect("certificates:organisation", organisation_id=organisation.pk)
    invite = get_or_create_invite(organisation=organisation, created_by=request.user)
    members = organisation_members(organisation)
    return render(
        request,
        "certificates/organisation.html",
        {
            "organisation": organisation,
            "invite": invite,
            "members": members,
            "certified_count": sum(1 for m in members if m.user.valid_certificates),
        },
    )
