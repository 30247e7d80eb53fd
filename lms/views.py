import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
