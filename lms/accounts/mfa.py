"""Two-factor authentication for staff, decided in one place (docs/access-policy.md, "Staff sessions").

- **Per session.** A staff screen needs a session in which a second factor (TOTP, or one of its recovery codes) was
  completed after the password. allauth records every authentication step of the session
  (`allauth.account.authentication.get_authentication_records`); `session_completed_mfa` reads those records. A TOTP
  device merely existing is not enough: a session signed in with the password alone (by any route) is sent to the
  TOTP step (allauth's `mfa_reauthenticate`) first. `staff_session_response` is the one check; the staff-area
  middleware, `staff_session_required` and the views that serve staff and non-staff alike all call it.
- **First enrolment** of a TOTP device needs more than the password: a one-time link e-mailed to the account's
  address, opened in the same browser session within 30 minutes (`start_enrolment` / `confirm_enrolment`). allauth's
  activation view is wrapped by `enrolment_required` (lms/urls.py). Adding the device counts as completing TOTP in
  that session (the user typed a code from it).
- **Notifications.** The account's address is told (in Japanese) whenever a device is added or removed: allauth's
  security notifications (ACCOUNT_EMAIL_NOTIFICATIONS, templates in lms/templates/mfa/email/).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from functools import wraps
from urllib.parse import quote

from allauth.account.adapter import get_adapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme

from . import messages as msg

SECOND_FACTORS = {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
FIRST_FACTORS = {"password", "password_reset", "code", "socialaccount"}
DEVICE_TYPES = {Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN}

ENROLMENT_LINK_SECONDS = 30 * 60
ENROLMENT_WINDOW_SECONDS = 15 * 60
ENROLMENT_RESEND_SECONDS = 60
_TOKEN_KEY = "lms_mfa_enrolment_token"  # noqa: S105  (a session key, not a secret)
_SENT_AT_KEY = "lms_mfa_enrolment_sent_at"
_NEXT_KEY = "lms_mfa_enrolment_next"
_ALLOWED_UNTIL_KEY = "lms_mfa_enrolment_allowed_until"


# --- Is this a staff session? ------------------------------------------------------------------------------------


def session_completed_mfa(request) -> bool:
    """Did the signed-in user complete a second factor, after a first one, in this session, with an authenticator
    they still have? (A device removed since then no longer counts.)"""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    cached = request.__dict__.get("_lms_session_completed_mfa")
    if cached is not None:
        return cached
    first_seen = False
    used: set[int] = set()
    for record in get_authentication_records(request, user):
        method = record.get("method")
        if method in FIRST_FACTORS:
            first_seen = True
        elif method == "mfa" and first_seen and record.get("type") in SECOND_FACTORS and record.get("id"):
            used.add(record["id"])
    result = bool(used) and Authenticator.objects.filter(user=user, pk__in=used, type__in=SECOND_FACTORS).exists()
    request.__dict__["_lms_session_completed_mfa"] = result
    return result


def has_device(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=DEVICE_TYPES).exists()


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return value
    return ""


def staff_session_response(request):
    """None if this request may reach a staff screen; otherwise where to go first: the TOTP step (a device exists)
    or setting one up (none yet). The only place that decides it."""
    if session_completed_mfa(request):
        return None
    next_url = quote(request.get_full_path(), safe="/?=&")
    if has_device(request.user):
        messages.warning(request, msg.MFA_STEP_REQUIRED)
        return redirect(f"{reverse('mfa_reauthenticate')}?next={next_url}")
    messages.warning(request, msg.MFA_REQUIRED)
    return redirect(f"{reverse('accounts:mfa_enrol')}?next={next_url}")


def staff_session_required(view):
    """For views that are staff screens as a whole: sign in first, then the staff session check."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response = staff_session_response(request)
        if response is not None:
            return response
        return view(request, *args, **kwargs)

    return wrapper


# --- First enrolment ---------------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_enrolment(request, next_url: str = "") -> bool:
    """E-mail a one-time enrolment link to the signed-in user's address. False if one was sent less than a minute
    ago (nothing is sent again)."""
    session = request.session
    now = time.time()
    if now - session.get(_SENT_AT_KEY, 0) < ENROLMENT_RESEND_SECONDS:
        return False
    token = secrets.token_urlsafe(32)
    session[_TOKEN_KEY] = _hash(token)
    session[_SENT_AT_KEY] = now
    session[_NEXT_KEY] = _safe_next(request, next_url)
    link = request.build_absolute_uri(reverse("accounts:mfa_enrol_confirm", args=[token]))
    get_adapter(request).send_mail(
        "accounts/email/mfa_enrolment_link",
        request.user.email,
        {"user": request.user, "link": link, "minutes": ENROLMENT_LINK_SECONDS // 60},
    )
    return True


def confirm_enrolment(request, token: str) -> bool:
    """The e-mailed link, opened in the session that asked for it: allows adding a device for 15 minutes. One use."""
    session = request.session
    expected = session.get(_TOKEN_KEY)
    sent_at = session.get(_SENT_AT_KEY, 0)
    if not expected or time.time() - sent_at > ENROLMENT_LINK_SECONDS:
        return False
    if not constant_time_compare(expected, _hash(token)):
        return False
    session.pop(_TOKEN_KEY, None)
    session[_ALLOWED_UNTIL_KEY] = time.time() + ENROLMENT_WINDOW_SECONDS
    return True


def enrolment_next(request) -> str:
    return request.session.get(_NEXT_KEY, "")


def enrolment_allowed(request) -> bool:
    """May this session add a device now? Users who already have one may (allauth asks them to re-authenticate);
    a first device needs the e-mailed link."""
    if has_device(request.user):
        return True
    return request.session.get(_ALLOWED_UNTIL_KEY, 0) > time.time()


def enrolment_required(view):
    """Wraps allauth's TOTP activation view: a first device needs the e-mailed link (`confirm_enrolment`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not enrolment_allowed(request):
            messages.warning(request, msg.MFA_ENROLMENT_LINK_REQUIRED)
            return redirect("accounts:mfa_enrol")
        before = set(Authenticator.objects.filter(user=request.user, type__in=DEVICE_TYPES).values_list("pk", flat=True))
        response = view(request, *args, **kwargs)
        if request.method == "POST":
            added = Authenticator.objects.filter(user=request.user, type__in=DEVICE_TYPES).exclude(pk__in=before).first()
            if added is not None:
                # The user just typed a code from the new device: this session has completed TOTP.
                record_authentication(request, request.user, "mfa", id=added.pk, type=added.type, enrolled=True)
                request.session.pop(_ALLOWED_UNTIL_KEY, None)
                request.__dict__.pop("_lms_session_completed_mfa", None)
        return response

    return wrapper
