"""Staff screens in the Wagtail admin: find a certificate, see it, revoke it (required reason; who and when are
kept), or issue a new one to the holder of a revoked one. Staff reach /admin/ only with a role and TOTP (MFA gate)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from lms.accounts import policy

from . import messages
from .forms import RevokeForm
from .models import Certificate
from .numbering import parse_number
from .services import CertificateError, reissue_certificate, revoke_certificate

VIEW_PERMISSION = "certificates.view_certificate"
REVOKE_PERMISSION = "certificates.revoke_certificate"


def _require(request, permission):
    """The access policy decides (`may_manage_certificates`: the certificates app's model permissions)."""
    action = permission.split(".", 1)[1].removesuffix("_certificate")
    if not policy.may_manage_certificates(request.user, action):
        raise PermissionDenied


def index(request):
    _require(request, VIEW_PERMISSION)
    query = (request.GET.get("q") or "").strip()[:100]
    certificates = Certificate.objects.select_related("holder").order_by("-issued_at", "-id")
    if query:
        number = parse_number(query)
        condition = Q(holder_name__icontains=query) | Q(holder__email__iexact=query)
        if number:
            condition |= Q(number=number)
        certificates = certificates.filter(condition)
    return render(
        request,
        "certificates/admin/index.html",
        {"certificates": certificates[:100], "query": query, "total": Certificate.objects.count()},
    )


@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    _require(request, VIEW_PERMISSION)
    certificate = get_object_or_404(
        Certificate.objects.select_related("holder", "revoked_by").annotate(verification_count=Sum("verifications__count", default=0)),
        pk=pk,
    )
    form = RevokeForm()
    if request.method == "POST":
        _require(request, REVOKE_PERMISSION)
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                revoke_certificate(certificate=certificate, reason=form.cleaned_data["reason"], revoked_by=request.user)
            except CertificateError as exc:
                flash.error(request, exc.message)
            else:
                flash.success(request, messages.REVOKED_DONE)
            return redirect("certificates_admin:detail", pk=certificate.pk)
    return render(
        request,
        "certificates/admin/detail.html",
        {
            "certificate": certificate,
            "form": form,
            "can_revoke": request.user.has_perm(REVOKE_PERMISSION),
            "has_valid": Certificate.objects.valid()
            .filter(holder=certificate.holder_id, course=certificate.course_id)
            .exists(),
        },
    )


@require_POST
def reissue(request, pk: int):
    _require(request, REVOKE_PERMISSION)
    certificate = get_object_or_404(Certificate, pk=pk)
    try:
        new = reissue_certificate(certificate=certificate)
    except CertificateError as exc:
        flash.error(request, exc.message)
        return redirect("certificates_admin:detail", pk=certificate.pk)
    flash.success(request, messages.REISSUED_DONE)
    return redirect("certificates_admin:detail", pk=new.pk)
