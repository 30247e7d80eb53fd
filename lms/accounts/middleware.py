"""Guards the staff areas (settings.STAFF_PATH_PREFIXES: the Wagtail admin and the trainer console).

- A signed-in user without a staff role gets a Japanese 403 page, never the screen.
- A staff user without TOTP MFA is sent to set it up first (allauth's TOTP activation), so no staff screen is
  reachable on a password alone. Wagtail's own login is routed through allauth in lms/urls.py, so MFA, rate limits
  and e-mail verification apply to the admin login too.
Anonymous users pass through: each area redirects them to the (allauth) login page itself."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from . import messages as msg
from .enums import Role

# Paths inside the staff areas that must stay reachable: the login redirect and logout.
_EXEMPT = ("/admin/login/", "/admin/logout/")


def staff_area_allowed(user, path: str) -> bool:
    """May this signed-in user enter the staff area that `path` belongs to?"""
    if user.is_superuser:
        return True
    if path.startswith("/trainer/"):
        return user.role_assignments.filter(role=Role.TRAINER).exists()
    if path.startswith("/admin/"):
        return user.has_perm("wagtailadmin.access_admin")
    return False


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.STAFF_PATH_PREFIXES)

    def __call__(self, request):
        path = request.path
        if path.startswith(self.prefixes) and not path.startswith(_EXEMPT):
            user = request.user
            if user.is_authenticated:
                if not staff_area_allowed(user, path):
                    return render(request, "403.html", {"message": msg.STAFF_ONLY}, status=403)
                if settings.STAFF_MFA_REQUIRED and not user_has_totp(user):
                    messages.warning(request, msg.MFA_REQUIRED)
                    return redirect(f"{reverse('mfa_activate_totp')}?next={path}")
        return self.get_response(request)
