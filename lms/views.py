import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lms.health import health_report


@never_cache
@require_GET
def healthz(request):
    """200 with each component's status when all answer; 503 otherwise (load balancers read the code)."""
    ok, report = health_report()
    return JsonResponse({"status": "ok" if ok else "error", **report}, status=200 if ok else 503)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


# The database is unreachable (or, on SQLite, locked for longer than the busy timeout): not a bug of the page.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    """500, or a Japanese maintenance page with 503 and Retry-After when the database is what failed (issue 15).

    No context processors that touch the database: the database may be why we are here."""
    from django.http import HttpResponse, HttpResponseServerError
    from django.template import loader

    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_UNAVAILABLE):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@require_http_methods(["GET", "POST"])
def authenticate_with_password(request, page_view_restriction_id: int, page_id: int):
    """Wagtail's password form for private pages (`_util/authenticate_with_password/…`), with each client's
    attempts rate-limited (settings.PAGE_PASSWORD_RATE; Japanese 429), so a page password cannot be guessed."""
    from wagtail.views import authenticate_with_password as wagtail_view

    from certificates.ratelimit import limited, too_many_requests
    from lms import messages

    if request.method == "POST" and limited(request, group="wagtail.page-password", rate=settings.PAGE_PASSWORD_RATE):
        return too_many_requests(request, messages.PAGE_PASSWORD_TOO_MANY)
    return wagtail_view(request, page_view_restriction_id, page_id)
