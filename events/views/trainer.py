"""The trainer console (/trainer/): my workshops, the roster with attendance ticks and walk-ins, exports, the rotating
check-in QR code, closing the workshop (certificates for every attendee, with progress) and cancelling it.

The staff middleware lets only trainers (with two-factor authentication) in; each workshop is looked up through
`selectors.get_manageable_workshop`, so a trainer gets 404 for another region's workshop."""

from __future__ import annotations

import base64
import io

import qrcode
from django.conf import settings
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
from ..exports import plan_xlsx, report_xlsx, roster_csv
from ..forms import CancelWorkshopForm
from ..models import Registration, WorkshopIndexPage

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
    index_page = WorkshopIndexPage.objects.order_by("path").first()
    add_url = reverse("wagtailadmin_pages:add", args=("events", "workshoppage", index_page.pk)) if index_page else ""
    context = {"upcoming": upcoming, "past": past, "add_url": add_url}
    return TemplateResponse(request, "events/trainer/index.html", context)


@never_cache
@login_required
def workshop(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    order = request.GET.get("order") if request.GET.get("order") in selectors.ROSTER_ORDERS else "furigana"
    q = request.GET.get("q", "")[:50]
    registrations = selectors.roster(workshop, order=order, q=q)
    active = [r for r in registrations if not r.is_cancelled]
    from ..forms import PaperParticipantForm, SignInSheetForm

    paper = list(workshop.paper_participants.select_related("municipality__prefecture").order_by("furigana", "id"))
    context = {
        "workshop": workshop,
        "order": order,
        "orders": selectors.ROSTER_ORDERS,
        "paperwork": selectors.paperwork_dates(workshop),
        "today": timezone.localdate(),
        "q": q,
        "paper": paper,
        "paper_form": PaperParticipantForm(),
        "import_form": SignInSheetForm(),
        "registrations": active,
        "cancelled": [r for r in registrations if r.is_cancelled],
        "counts": {
            "confirmed": sum(1 for r in active if r.status == "confirmed"),
            "waitlisted": sum(1 for r in active if r.is_waitlisted),
            "attended": sum(1 for r in active if r.is_attended),
            "paper": len(paper),
        },
        "walk_in_codes": services.active_walk_in_codes(workshop),
        "walk_in_url": settings.SITE_URL.rstrip("/") + reverse("events_short:walk_in_code"),
        "attendance_open": workshop.attendance_is_open(by_trainer=True),
        "check_in_open": workshop.attendance_is_open() and workshop.live,
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
    """Issue a one-time code for one walk-in, who types it on their own phone (the trainer looks up no account)."""
    workshop = _workshop_or_404(request, pk)
    try:
        code = services.issue_walk_in_code(workshop=workshop, by=request.user)
    except services.WorkshopError as exc:
        flash.error(request, exc.message)
    else:
        flash.success(request, messages.WALK_IN_CODE_ISSUED % {"code": code.code})
    return redirect(_roster_url(workshop) + "#walk-in")


def _filename(workshop, what: str, ext: str) -> str:
    """A file name that says which workshop and date: 20261210_鳥取市つながりサポーター養成講座_名簿.csv."""
    import re

    day = timezone.localtime(workshop.starts_at).strftime("%Y%m%d")
    title = re.sub(r'[\\/:*?"<>|\s]+', "", workshop.title)[:40]
    return f"{day}_{title}_{what}.{ext}"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def roster_export(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    order = request.GET.get("order") if request.GET.get("order") in selectors.ROSTER_ORDERS else "furigana"
    registrations = selectors.roster(workshop, order=order)
    encoding = "shift_jis" if request.GET.get("encoding") == "sjis" else "utf-8"
    content = roster_csv(registrations, encoding=encoding)
    return _download(content, f"text/csv; charset={encoding}", _filename(workshop, "名簿", "csv"))


@require_GET
@login_required
def plan_export(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    return _download(plan_xlsx(workshop, selectors.roster(workshop), selectors.paper_participants(workshop)), XLSX, _filename(workshop, "開催計画", "xlsx"))


@require_GET
@login_required
def report_export(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    return _download(report_xlsx(workshop, selectors.roster(workshop), selectors.paper_participants(workshop)), XLSX, _filename(workshop, "実施報告", "xlsx"))


# --- Check-in QR ---------------------------------------------------------------------------------------------------


def _checkin_code(request, workshop) -> dict:
    now = timezone.now()
    token = services.make_checkin_token(workshop=workshop, now=now)
    url = settings.SITE_URL.rstrip("/") + reverse("events_short:check_in", args=[token])
    image = qrcode.make(url, box_size=10, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return {
        "url": url,
        "image": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(),
        "expires_at": services.checkin_token_expires_at(now).isoformat(),
        "seconds_left": max(0, int((services.checkin_token_expires_at(now) - now).total_seconds())),
        "attended": Registration.objects.attended().filter(workshop_id=workshop.pk).count(),
        "rotate_seconds": services.CHECKIN_ROTATE_SECONDS,
        "open": workshop.attendance_is_open(now) and workshop.live,
    }


@never_cache
@login_required
def check_in_screen(request, pk: int):
    workshop = _workshop_or_404(request, pk)
    context = {
        "workshop": workshop,
        "code": _checkin_code(request, workshop),
        "walk_in_url": settings.SITE_URL.rstrip("/") + reverse("events_short:walk_in_code"),
    }
    return TemplateResponse(request, "events/trainer/check_in_screen.html", context)


@never_cache
@require_GET
@login_required
def check_in_code(request, pk: int):
    """The current code as JSON: the screen fetches it every few seconds and swaps the image when it changes."""
    workshop = _workshop_or_404(request, pk)
    return JsonResponse(_checkin_code(request, workshop))


# --- Paper participants -------------------------------------------------------------------------------------------


def _paper_or_404(workshop, participant_pk: int):
    from ..models import PaperParticipant

    participant = PaperParticipant.objects.filter(workshop_id=workshop.pk, pk=participant_pk).first()
    if participant is None:
        raise Http404
    return participant


@require_POST
@login_required
def paper_add(request, pk: int):
    from ..forms import PaperParticipantForm

    workshop = _workshop_or_404(request, pk)
    form = PaperParticipantForm(request.POST)
    if form.is_valid():
        try:
            participant = services.add_paper_participant(workshop=workshop, by=request.user, **form.values())
        except services.WorkshopError as exc:
            flash.error(request, exc.message)
        else:
            flash.success(request, messages.PAPER_ADDED % {"name": participant.full_name})
            return redirect(_roster_url(workshop) + "#paper")
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                flash.error(request, error)
    return redirect(_roster_url(workshop) + "#paper")


@require_POST
@login_required
def paper_import(request, pk: int):
    from ..forms import SignInSheetForm
    from ..imports import ImportRefused, read_sign_in_sheet

    workshop = _workshop_or_404(request, pk)
    form = SignInSheetForm(request.POST, request.FILES)
    errors: list[str] = []
    if not form.is_valid():
        errors = [str(e) for e in form.errors.get("file", [])]
    else:
        try:
            rows = read_sign_in_sheet(form.cleaned_data["file"])
            created = services.import_paper_participants(workshop=workshop, by=request.user, rows=rows)
        except ImportRefused as exc:
            errors = exc.errors
        except services.WorkshopError as exc:
            errors = [str(exc.message)]
        else:
            flash.success(request, messages.IMPORT_DONE % {"count": len(created)})
            return redirect(_roster_url(workshop) + "#paper")
    context = {"workshop": workshop, "errors": errors}
    return TemplateResponse(request, "events/trainer/import_report.html", context, status=400)


@require_GET
@login_required
def paper_template(request, pk: int, kind: str):
    from ..imports import template_csv, template_xlsx

    workshop = _workshop_or_404(request, pk)
    if kind == "xlsx":
        return _download(template_xlsx(), XLSX, _filename(workshop, "紙の名簿ひな形", "xlsx"))
    return _download(template_csv(), "text/csv; charset=utf-8", _filename(workshop, "紙の名簿ひな形", "csv"))


@require_POST
@login_required
def paper_delete(request, pk: int, participant_pk: int):
    workshop = _workshop_or_404(request, pk)
    participant = _paper_or_404(workshop, participant_pk)
    name = participant.full_name
    services.delete_paper_participant(participant=participant, by=request.user)
    flash.success(request, messages.PAPER_DELETED % {"name": name})
    return redirect(_roster_url(workshop) + "#paper")


@never_cache
@require_GET
@login_required
def paper_certificates(request, pk: int):
    """Printable 修了証 (A4) and a wallet card per paper participant, each with its one-time claim code."""
    workshop = _workshop_or_404(request, pk)
    from certificates.rendering import data_url, qr_png

    from ..paper_certificates import assign_printed_number, verification_url

    participants = list(
        workshop.paper_participants.filter(claimed_at__isnull=True, printed_revoked_at__isnull=True)
        .select_related("municipality__prefecture")
        .order_by("furigana", "id")
    )
    only = request.GET.get("p", "")
    if only.isdigit():
        participants = [p for p in participants if p.pk == int(only)]
    sheets = []
    for participant in participants:
        assign_printed_number(participant)  # recorded before printed numbers existed: numbered on the day printed
        url = verification_url(participant)
        sheets.append({"p": participant, "verify_url": url, "qr": data_url(qr_png(url), "image/png")})
    context = {
        "workshop": workshop,
        "sheets": sheets,
        "verify_page_url": settings.SITE_URL.rstrip("/") + reverse("certificates:verify"),
        "claim_url": settings.SITE_URL.rstrip("/") + reverse("events_short:claim"),
    }
    return TemplateResponse(request, "events/trainer/paper_certificates.html", context)


@require_POST
@login_required
def paper_revoke(request, pk: int, participant_pk: int):
    """Withdraw a printed 修了証 (printed in error or for the wrong person), with a reason: the verify page answers
    失効 and the claim code stops working."""
    from ..paper_certificates import revoke_printed_certificate

    workshop = _workshop_or_404(request, pk)
    participant = _paper_or_404(workshop, participant_pk)
    try:
        revoke_printed_certificate(participant=participant, reason=request.POST.get("reason", ""), by=request.user)
    except services.WorkshopError as exc:
        flash.error(request, exc.message)
    else:
        flash.success(request, messages.PRINTED_REVOKED_DONE % {"name": participant.full_name})
    return redirect(_roster_url(workshop) + "#paper")


# --- Changing the date, time, place or capacity -------------------------------------------------------------------


@never_cache
@login_required
def change(request, pk: int):
    """Change the date, time, place, URL or capacity. The first POST shows what changes and who will be told (names);
    the trainer then confirms. Bad input (into the past, before the registration window, below the seats given)
    is shown on the form and nothing is saved."""
    from django.core.exceptions import ValidationError

    from ..forms import ChangeWorkshopForm

    workshop = _workshop_or_404(request, pk)
    if workshop.is_cancelled:
        flash.info(request, messages.ALREADY_CANCELLED)
        return redirect(_roster_url(workshop))
    form = ChangeWorkshopForm.for_workshop(workshop, request.POST if request.method == "POST" else None)
    context = {"workshop": workshop, "form": form, "preview": None}
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        changes, people, errors = services.preview_workshop_change(workshop=workshop, **fields)
        for field, field_errors in errors.items():
            for error in field_errors:
                form.add_error(field if field in form.fields else None, error)
        if not errors and request.POST.get("confirm") == "1":
            try:
                services.change_workshop(workshop=workshop, by=request.user, **fields)
            except services.WorkshopError as exc:
                flash.info(request, exc.message)
            except ValidationError as exc:
                for error in exc.messages:
                    flash.error(request, error)
            else:
                flash.success(request, messages.CHANGE_SAVED % {"count": len(people) if changes else 0})
            return redirect(_roster_url(workshop))
        if not errors:
            context["preview"] = {"changes": changes, "people": people}
    return TemplateResponse(request, "events/trainer/change.html", context, status=400 if form.errors else 200)


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
            "status_label": closing.status_label,  # 「中断しました。再開します」 once the worker's lease expired
            "interrupted": closing.interrupted,
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
            services.cancel_workshop(workshop=workshop, by=request.user, reason=form.cleaned_data["reason"])
        except services.WorkshopError as exc:
            flash.error(request, exc.message)
        else:
            flash.success(request, messages.WORKSHOP_CANCELLED_BY_TRAINER)
        return redirect(_roster_url(workshop))
    registered = Registration.objects.active().filter(workshop_id=workshop.pk).count()
    return TemplateResponse(
        request, "events/trainer/cancel.html", {"workshop": workshop, "form": form, "registered": registered}
    )
