"""Guards the staff areas (settings.STAFF_PATH_PREFIXES: the Wagtail admin and the trainer console).

- A signed-in user the access policy does not let into the area (`policy.may_enter_staff_area`) gets a Japanese
  403 page, never the screen.
- Everyone let in needs a staff session (`mfa.staff_session_response`): TOTP completed in this session, after the
  password; otherwise they are sent to the TOTP step, or to set a device up first.
Anonymous users pass through: each area redirects them to the (allauth) login page itself. Staff screens outside
these prefixes (employer pages, staff certificate downloads) call the same two checks in their views."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from . import messages as msg
from .mfa import staff_session_response
from .policy import may_enter_staff_area

# Paths inside the staff areas that must stay reachable: the login redirect and logout.
_EXEMPT = ("/admin/login/", "/admin/logout/")


class StaffAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.STAFF_PATH_PREFIXES)

    def __call__(self, request):
        path = request.path
        if path.startswith(self.prefixes) and not path.startswith(_EXEMPT):
            user = request.user
            if user.is_authenticated:
                if not may_enter_staff_area(user, path):
                    return render(request, "403.html", {"message": msg.STAFF_ONLY}, status=403)
                response = staff_session_response(request)
                if response is not None:
                    return response
        return self.get_response(request)
