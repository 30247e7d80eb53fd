"""The trainer console (/trainer/): my workshops, the roster with attendance ticks and walk-ins, exports, the rotating
check-in QR code, closing the workshop (certificates for every attendee, with progress) and cancelling it.

The staff middleware lets only trainers (with two-factor authentication) in; each workshop is looked up through
`selectors.get_manageable_workshop`, so a trainer gets 404 for another region's workshop."""

from __future__ import annotations

import base64
import io
from urllib.parse import urlencode

import qrcode
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lms.ids import parse_ids

from .. import messages, selectors, services
from ..calendar import absolute_url
from ..exports import plan_xlsx, report_xlsx, roster_csv
from ..forms import CancelWorkshopForm, WalkInForm
from ..models import Registration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workshop_or_404(request, pk: int):
    workshop = selectors.get_manageable_workshop(request.user, pk)
    if workshop is None:
        raise Http404(messages.WORKSHOP_OUT_OF_SCOPE)
    return workshop


def _roster_url(workshop) -> str:
    return reverse("events_trainer:workshop", args=[workshop.pk])


@never_cache
@login_required
def index(request):
    upcoming, past = selectors.trainer_workshops(request.user)
    return TemplateResponse(request, "events/trainer/index.html", {"upcoming": upcoming, "past": past})


@never_cache
@login_required
def workshop(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    registrations = selectors.roster(workshop)
    active = [r for r in registrations if not r.is_cancelled]
    context = {
        "workshop": workshop,
        "registrations": active,
        "cancelled": [r for r in registrations if r.is_cancelled],
        "counts": {
            "confirmed": sum(1 for r in active if r.status == "confirmed"),
            "waitlisted": sum(1 for r in active if r.is_waitlisted),
            "attended": sum(1 for r in active if r.is_attended),
        },
        "walk_in_form": WalkInForm(),
        "closing": selectors.closing_for(workshop),
        "now": timezone.now(),
        "public_url": workshop.get_url(request) if workshop.live else "",
        "edit_url": reverse("wagtailadmin_pages:edit", args=[workshop.pk]),
    }
    return TemplateResponse(request, "events/trainer/workshop.html", context)


@require_POST
@login_required
def attendance(request, pk: int):
    """The roster's ticks: `shown` lists the rows on the form, `attended` the ticked ones."""
    workshop = _workshop_or_404(request, pk)
    shown = parse_ids(request.POST.getlist("shown"))
    ticked = parse_ids(request.POST.getlist("attended")) & shown
    errors = []
    for registration in Registration.objects.filter(workshop_id=workshop.pk, pk__in=shown).select_related("user__profile"):
        wanted = registration.pk in ticked
        if wanted == registration.is_attended:
            continue
        try:
            services.set_attendance(registration=registration, attended=wanted, by=request.user)
        except services.WorkshopError as exc:
            name = registration.user.profile.full_name if hasattr(registration.user, "profile") else ""
            errors.append(f"{name}: {exc.message}")
    for error in errors:
        flash.error(request, error)
    if not errors:
        flash.success(request, messages.ATTENDANCE_SAVED)
    return redirect(_roster_url(workshop))


@require_POST
@login_required
def walk_in(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    form = WalkInForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("email", []):
            flash.error(request, error)
        return redirect(_roster_url(workshop) + "#walk-in")
    try:
        registration = services.add_walk_in(workshop=workshop, email=form.cleaned_data["email"], by=request.user)
    except services.WorkshopError as exc:
        flash.error(request, exc.message)
    else:
        profile = getattr(registration.user, "profile", None)
        flash.success(request, messages.WALK_IN_ADDED % {"name": profile.full_name if profile else registration.user.email})
    return redirect(_roster_url(workshop) + "#walk-in")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def roster_export(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    registrations = [r for r in selectors.roster(workshop) if not r.is_cancelled]
    return _download(roster_csv(registrations), "text/csv; charset=utf-8", f"roster-{workshop.pk}.csv")


@require_GET
@login_required
def plan_export(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    return _download(plan_xlsx(workshop, selectors.roster(workshop)), XLSX, f"plan-{workshop.pk}.xlsx")


@require_GET
@login_required
def report_export(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    return _download(report_xlsx(workshop, selectors.roster(workshop)), XLSX, f"report-{workshop.pk}.xlsx")


# --- Check-in QR ---------------------------------------------------------------------------------------------------


def _checkin_code(request, workshop) -> dict:
    now = timezone.now()
    token = services.make_checkin_token(workshop=workshop, now=now)
    url = absolute_url(workshop, request) + workshop.reverse_subpage("checkin") + "?" + urlencode({"t": token})
    image = qrcode.make(url, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return {
        "url": url,
        "image": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(),
        "expires_at": services.checkin_token_expires_at(now).isoformat(),
        "rotate_seconds": services.CHECKIN_ROTATE_SECONDS,
        "open": workshop.check_in_is_open(now) and workshop.live,
    }


@never_cache
@login_required
def check_in_screen(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    context = {"workshop": workshop, "code": _checkin_code(request, workshop)}
    return TemplateResponse(request, "events/trainer/check_in_screen.html", context)


@never_cache
@require_GET
@login_required
def check_in_code(request, pk: int):
    """The current code as JSON: the screen fetches it every few seconds and swaps the image when it changes."""
    workshop = _workshop_or_404(request, pk)
    code = _checkin_code(request, workshop)
    code["attended"] = Registration.objects.attended().filter(workshop_id=workshop.pk).count()
    return JsonResponse(code)


# --- Closing and cancelling ---------------------------------------------------------------------------------------


@require_POST
@login_required
def close(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    try:
        services.request_workshop_closing(workshop=workshop, by=request.user)
    except services.WorkshopError as exc:
        flash.error(request, exc.message)
    else:
        flash.success(request, messages.CLOSE_QUEUED)
    return redirect(_roster_url(workshop) + "#closing")


@never_cache
@require_GET
@login_required
def closing_status(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    closing = selectors.closing_for(workshop)
    if closing is None:
        return JsonResponse({"status": None})
    return JsonResponse(
        {
            "status": closing.status,
            "status_label": closing.get_status_display(),
            "total": closing.total,
            "processed": closing.processed,
            "issued": closing.issued,
            "already_certified": closing.already_certified,
            "failed": closing.failed,
            "percent": closing.percent,
            "in_progress": closing.in_progress,
        }
    )


@never_cache
@login_required
def cancel(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    if workshop.is_cancelled:
        flash.info(request, messages.ALREADY_CANCELLED)
        return redirect(_roster_url(workshop))
    form = CancelWorkshopForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_workshop(workshop=workshop, by=request.user)
        except services.WorkshopError as exc:
            flash.error(request, exc.message)
        else:
            flash.success(request, messages.WORKSHOP_CANCELLED_BY_TRAINER)
        return redirect(_roster_url(workshop))
    registered = Registration.objects.active().filter(workshop_id=workshop.pk).count()
    return TemplateResponse(
        request, "events/trainer/cancel.html", {"workshop": workshop, "form": form, "registered": registered}
    )
