"""The public workshop pages: the listing and its iCal feed, one workshop (register, cancel, iCal) and check-in."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

from lms.pagecache import mark_cacheable

from .. import feed_cache, messages, selectors, services
from ..calendar import absolute_url, build_calendar
from ..forms import WorkshopFilterForm
from ..models import WorkshopIndexPage, WorkshopPage

PER_PAGE = 20
ICAL_LIMIT = 500
CHECKIN_SESSION_KEY = "events_checkin_scanned"


def _private(response):
    """Pages carrying a person's registration (or ordered by where they live) must never sit in a shared cache."""
    patch_cache_control(response, private=True, no_cache=True, no_store=True)
    return response


def login_url_for(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


# --- Listing ------------------------------------------------------------------------------------------------------


LISTING_PARAMS = ("q", "prefecture", "municipality", "month", "format", "page")


def _filter_form(request) -> WorkshopFilterForm:
    keys = LISTING_PARAMS[:-1]
    data = {key: request.GET.get(key, "") for key in keys if request.GET.get(key)}
    return WorkshopFilterForm(data or None)


def workshop_listing(request, index: WorkshopIndexPage):
    form = _filter_form(request)
    filters = form.filters()
    near = selectors.learner_municipality(request.user)
    paginator = Paginator(selectors.listing(filters=filters, near=near), PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = {key: value for key, value in (form.data or {}).items() if value}
    context = index.get_context(request)
    context.update(
        {
            "form": form,
            "filters": filters,
            "page_obj": page_obj,
            "workshops": list(page_obj.object_list),
            "near": near,
            "query_string": urlencode(query),
            "ical_url": index.get_url(request) + index.reverse_subpage("ical") + (f"?{urlencode(query)}" if query else ""),
        }
    )
    response = TemplateResponse(request, "events/workshop_index_page.html", context)
    if request.user.is_authenticated:  # ordered by where the learner lives
        return _private(response)
    return mark_cacheable(request, response, query_params=LISTING_PARAMS)


def workshop_list_ical(request, index: WorkshopIndexPage):
    """The filtered feed, from the feed cache when nothing changed since it was rendered (events/feed_cache.py)."""
    filters = _filter_form(request).filters()
    cached, stamp = feed_cache.lookup(filters, ICAL_LIMIT) if feed_cache.enabled() else (None, None)
    if cached is not None:
        body, etag, last_modified = cached
    else:
        workshops = list(selectors.listing(filters=filters)[:ICAL_LIMIT])
        body = build_calendar(workshops, name="つながりサポーター 講座・研修会")
        etag, last_modified = _validators(body, workshops)
        feed_cache.store(filters, ICAL_LIMIT, stamp, body=body, etag=etag, last_modified=last_modified, workshops=workshops)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="workshops.ics"'
    # The same for everyone: the page cache may answer the next request (and its 304s) without routing or queries.
    response = mark_cacheable(request, response, query_params=LISTING_PARAMS[:-1])
    return _conditional_response(request, response, etag, last_modified)


def _validators(body: bytes, workshops) -> tuple[str, int | None]:
    """ETag (of the bytes) and Last-Modified (the newest change of a listed workshop)."""
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    changed = [w.last_published_at or w.first_published_at for w in workshops if (w.last_published_at or w.first_published_at)]
    return etag, (int(max(changed).timestamp()) if changed else None)


def _conditional(request, response, body: bytes, workshops):
    """ETag and Last-Modified so that calendar apps, which poll feeds, get 304 Not Modified when nothing changed."""
    etag, last_modified = _validators(body, workshops)
    return _conditional_response(request, response, etag, last_modified)


def _conditional_response(request, response, etag: str, last_modified: int | None):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, no_cache=True)  # stored, but revalidated every time (304 when unchanged)
    return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)


# --- One workshop -------------------------------------------------------------------------------------------------


def workshop_detail(request, workshop: WorkshopPage):
    page_url = workshop.get_url(request) or ""  # empty in the admin's preview of a new workshop
    registration = selectors.registration_for(workshop=workshop, user=request.user)
    taken = selectors.seats_taken(workshop)
    seats_left = max(0, workshop.capacity - taken)
    url = absolute_url(workshop, request)
    now = timezone.now()
    context = workshop.get_context(request)
    context.update(
        {
            "registration": registration,
            "waitlist_position": services.waitlist_position(registration) if registration else None,
            "seats_left": seats_left,
            "is_full": seats_left == 0,
            "registration_open": workshop.registration_is_open(now),
            "not_yet_open": bool(workshop.registration_opens_at and now < workshop.registration_opens_at),
            "has_ended": workshop.has_ended(now),
            "show_online_url": bool(registration and registration.is_confirmed and workshop.online_url),
            "structured_data": selectors.structured_data(workshop, url=url, seats_left=seats_left),
            "ical_url": page_url + workshop.reverse_subpage("ical"),
            "register_url": page_url + workshop.reverse_subpage("register"),
            "cancel_url": page_url + workshop.reverse_subpage("cancel"),
            "accept_offer_url": page_url + workshop.reverse_subpage("accept_offer"),
            "login_url": login_url_for(page_url),
        }
    )
    return _private(TemplateResponse(request, "events/workshop_page.html", context))


def workshop_register(request, workshop: WorkshopPage):
    if request.method != "POST":
        return redirect(workshop.get_url(request))
    if not request.user.is_authenticated:
        flash.info(request, messages.LOGIN_TO_REGISTER)
        return redirect(login_url_for(workshop.get_url(request)))
    try:
        registration = services.register_for_workshop(workshop=workshop, user=request.user)
    except services.WorkshopError as exc:
        flash.error(request, exc.message)
    else:
        if registration.is_waitlisted:
            position = services.waitlist_position(registration)
            flash.warning(request, messages.REGISTERED_WAITLISTED % {"position": position})
        else:
            flash.success(request, messages.REGISTERED_CONFIRMED)
    return HttpResponseRedirect(workshop.get_url(request))


def workshop_cancel_registration(request, workshop: WorkshopPage):
    if request.method != "POST":
        return redirect(workshop.get_url(request))
    if not request.user.is_authenticated:
        return redirect(login_url_for(workshop.get_url(request)))
    registration = selectors.registration_for(workshop=workshop, user=request.user)
    if registration is None:
        flash.error(request, messages.NOT_REGISTERED)
        return HttpResponseRedirect(workshop.get_url(request))
    if request.POST.get("confirm") != "yes":
        # Cancelling gives the seat away (to the first on the waitlist): confirm first, without JavaScript.
        return _confirm_cancellation(request, workshop, registration)
    try:
        services.cancel_registration(registration=registration, user=request.user)
    except services.WorkshopError as exc:
        flash.error(request, exc.message)
    else:
        flash.success(request, messages.REGISTRATION_CANCELLED)
    return HttpResponseRedirect(workshop.get_url(request))


def _confirm_cancellation(request, workshop: WorkshopPage, registration):
    from django.shortcuts import render
    from django.utils import timezone

    starts = timezone.localtime(workshop.starts_at)
    points = [f"講座：{workshop.title}（{starts:%Y年%-m月%-d日 %H:%M}〜）"]
    if registration.is_waitlisted:
        points.append("キャンセル待ちの順番はなくなります。")
    else:
        points.append("あなたの席は、キャンセル待ちの方に繰り上げられます。もう一度申し込んでも、同じ席に戻れるとは限りません。")
    return render(
        request,
        "confirm.html",
        {
            "title": "申し込みを取り消しますか",
            "lead": "次の講座への申し込みを取り消します。",
            "points": points,
            "action": workshop.get_url(request) + workshop.reverse_subpage("cancel"),
            "confirm_label": "申し込みを取り消す",
            "cancel_url": workshop.get_url(request),
            "cancel_label": "取り消さずに戻る",
        },
    )


def workshop_accept_offer(request, workshop: WorkshopPage):
    if request.method != "POST":
        return redirect(workshop.get_url(request))
    if not request.user.is_authenticated:
        return redirect(login_url_for(workshop.get_url(request)))
    registration = selectors.registration_for(workshop=workshop, user=request.user)
    if registration is None:
        flash.error(request, messages.OFFER_NOT_FOUND)
        return HttpResponseRedirect(workshop.get_url(request))
    try:
        services.accept_offer(registration=registration, user=request.user)
    except services.WorkshopError as exc:
        flash.error(request, exc.message)
    else:
        flash.success(request, messages.OFFER_ACCEPTED)
    return HttpResponseRedirect(workshop.get_url(request))


def workshop_ical(request, workshop: WorkshopPage):
    body = build_calendar([workshop])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="workshop-{workshop.pk}.ics"'
    return _conditional(request, response, body, [workshop])


# --- Check-in -----------------------------------------------------------------------------------------------------


def _scanned_at(request, workshop: WorkshopPage) -> dt.datetime | None:
    data = request.session.get(CHECKIN_SESSION_KEY) or {}
    if data.get("w") != workshop.pk:
        return None
    try:
        return dt.datetime.fromtimestamp(float(data.get("at")), tz=dt.UTC)
    except (TypeError, ValueError):
        return None


def workshop_check_in(request, workshop: WorkshopPage, token: str | None = None):
    """Opened from the QR code on the trainer's screen, on the attendee's own phone: records their attendance.

    Someone not signed in is asked to sign in first; the code they scanned is remembered for a few minutes (it would
    expire while they log in), and checked again when they come back. Someone signed in without a seat is offered to
    confirm themselves as a walk-in (a POST from their own phone: nobody else can do it for them)."""
    token = token if token is not None else request.POST.get("t") or request.GET.get("t", "")
    now = timezone.now()
    if not request.user.is_authenticated:
        if services.checkin_token_is_valid(workshop=workshop, token=token, now=now):
            request.session[CHECKIN_SESSION_KEY] = {"w": workshop.pk, "at": now.timestamp()}
        flash.info(request, messages.LOGIN_TO_CHECK_IN)
        return redirect(login_url_for(request.get_full_path()))
    scanned_at = _scanned_at(request, workshop)
    if scanned_at is None and services.checkin_token_is_valid(workshop=workshop, token=token, now=now):
        # kept so the walk-in confirmation a moment later still counts after the code on the screen rotated
        request.session[CHECKIN_SESSION_KEY] = {"w": workshop.pk, "at": now.timestamp()}
        scanned_at = now
    context = workshop.get_context(request)
    context["token"] = token
    try:
        if request.method == "POST":
            registration = services.check_in_as_walk_in(
                workshop=workshop, user=request.user, token=token, scanned_at=scanned_at
            )
            message = messages.WALK_IN_RECORDED
        else:
            registration, newly = services.check_in(
                workshop=workshop, user=request.user, token=token, scanned_at=scanned_at
            )
            message = messages.CHECKIN_DONE if newly else messages.CHECKIN_ALREADY
    except services.NotRegisteredForCheckIn:
        context.update({"ok": False, "offer_walk_in": True, "message": messages.WALK_IN_CONFIRM_PROMPT})
        return _private(TemplateResponse(request, "events/check_in.html", context))
    except services.WorkshopError as exc:
        context.update({"ok": False, "message": exc.message})
        return _private(TemplateResponse(request, "events/check_in.html", context, status=400))
    request.session.pop(CHECKIN_SESSION_KEY, None)
    context.update({"ok": True, "message": message, "registration": registration})
    return _private(TemplateResponse(request, "events/check_in.html", context))


# --- Short URLs: /c/<token>/ (the QR code) and /c/ (the walk-in code) --------------------------------------------


def short_check_in(request, token: str):
    """The check-in QR code's short ASCII URL; the token names the workshop."""
    workshop = services.workshop_for_checkin_token(token)
    if workshop is None:
        context = {"ok": False, "message": messages.CHECKIN_CODE_INVALID, "page": None}
        return _private(TemplateResponse(request, "events/check_in.html", context, status=404))
    return workshop_check_in(request, workshop, token=token)


WALK_IN_CODE_RATE = "10/15m"  # wrong or right, per signed-in person: a million codes cannot be tried


def enter_walk_in_code(request):
    """/c/: a walk-in types the code the trainer read out, on their own phone, signed in."""
    from django_ratelimit.core import is_ratelimited

    from ..forms import WalkInCodeForm

    if not request.user.is_authenticated:
        flash.info(request, messages.LOGIN_TO_ENTER_CODE)
        return redirect(login_url_for(request.get_full_path()))
    form = WalkInCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        limited = is_ratelimited(
            request, group="events.walk_in_code", key="user", rate=WALK_IN_CODE_RATE, method="POST", increment=True
        )
        if limited:
            form.add_error("code", messages.WALK_IN_CODE_TOO_MANY)
            status = 429
        else:
            try:
                registration = services.redeem_walk_in_code(code=form.cleaned_data["code"], user=request.user)
            except services.WorkshopError as exc:
                form.add_error("code", exc.message)
                status = 400
            else:
                context = registration.workshop.get_context(request)
                context.update({"ok": True, "message": messages.WALK_IN_RECORDED, "registration": registration})
                return _private(TemplateResponse(request, "events/check_in.html", context))
    elif request.method == "POST":
        status = 400
    return _private(TemplateResponse(request, "events/walk_in_code.html", {"form": form}, status=status))


CLAIM_RATE = "10/15m"


def claim_certificate(request):
    """/c/claim/: someone who attended on paper signs up and types the code printed on their 修了証."""
    from django_ratelimit.core import is_ratelimited

    from ..forms import ClaimCodeForm

    if not request.user.is_authenticated:
        flash.info(request, messages.CLAIM_LOGIN)
        return redirect(login_url_for(request.get_full_path()))
    form = ClaimCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if is_ratelimited(request, group="events.claim", key="user", rate=CLAIM_RATE, method="POST", increment=True):
                form.add_error("code", messages.CLAIM_TOO_MANY)
                status = 429
            else:
                try:
                    services.claim_paper_certificate(code=form.cleaned_data["code"], user=request.user)
                except services.WorkshopError as exc:
                    form.add_error("code", exc.message)
                else:
                    flash.success(request, messages.CLAIM_DONE)
                    return redirect("accounts:mypage")
    return _private(TemplateResponse(request, "events/claim.html", {"form": form}, status=status))
