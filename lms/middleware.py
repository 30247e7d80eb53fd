"""Project-wide request guards that belong to no single app.

`OutOfRangeIdMiddleware`: an `<int:…>` URL parameter beyond what a database id can hold (signed 64 bits) names no
row, so the request gets a 404 before any view runs. Without it, a 2**63 in a trainer-console URL reached SQLite as
a Python int it cannot bind (OverflowError → 500), and some Wagtail admin views answered 200/302 for it."""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.http import Http404

from lms.ids import is_database_id


class OutOfRangeIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and not is_database_id(value):
                raise Http404
        return None


class RequestBodyLimitMiddleware:
    """Refuses a request body that is too large with a 413 before anything parses it (it sits before the CSRF
    middleware, which would read the form). Two rules, both on the declared Content-Length:

    - any body that is not a multipart upload: at most DATA_UPLOAD_MAX_MEMORY_SIZE (Django's own check raises
      RequestDataTooBig only when a view reads the body, which gave an English 400 and, in the JSON API, an HTML
      page);
    - the paths in settings.REQUEST_BODY_LIMITS (e.g. the certificate bulk check): at most their own cap, whatever
      the content type.

    The answer is Japanese: JSON under /api/, the 413 page elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length:
            limit = settings.REQUEST_BODY_LIMITS.get(request.path_info)
            if limit is None and not request.content_type.startswith("multipart/"):
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if limit is not None and length > limit:
                return request_too_large(request, limit)
        return self.get_response(request)


def request_too_large(request, limit: int):
    from django.http import JsonResponse
    from django.shortcuts import render

    from lms import messages

    text = str(messages.REQUEST_TOO_LARGE).format(limit=_size(limit))
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": text}, status=413, json_dumps_params={"ensure_ascii": False})
    return render(request, "413.html", {"message": text}, status=413)


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.1f} MB".replace(".0 ", " ")
    return f"{limit // 1024} KB"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware (settings.CONTENT_SECURITY_POLICY on every response), extended at its documented
    hook: under settings.CSP_RELAXED_PATH_PREFIXES (the Wagtail admin, whose widgets use inline scripts and styles)
    script-src and style-src also allow 'unsafe-inline'. Every other directive stays as configured."""

    RELAXED = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}

    def get_policy_parts(self, request, response, report_only=False):
        from django.conf import settings

        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(tuple(settings.CSP_RELAXED_PATH_PREFIXES)):
            update = dict(parts.update or {})
            for directive, sources in self.RELAXED.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts


class AdminAssetCachingMiddleware:
    """Two requests every admin screen makes again on each visit, which Wagtail answers with `never_cache` like all
    its admin URLs (issue 19.4): the icon sprite (65 KB, fetched by icons.js on every page although its URL carries
    the hash of its content, `?h=…`) and the JavaScript translation catalogue (a blocking `<script>` in the page's
    head). The sprite under its current hash is immutable; the catalogue (translations, nothing personal) is kept
    for an hour by this browser only — it follows the user's admin language, and a new translation reaches an open
    browser within the hour. Every other admin response keeps Wagtail's headers."""

    PATHS = ("/admin/sprite/", "/admin/jsi18n/")
    SPRITE_MAX_AGE = 365 * 24 * 3600
    CATALOGUE_MAX_AGE = 3600

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path_info
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or path not in self.PATHS:
            return response
        if path == "/admin/sprite/":
            from wagtail.admin.icons import get_icon_sprite_hash

            if request.GET.get("h") != get_icon_sprite_hash():
                return response
            cache_control = f"private, max-age={self.SPRITE_MAX_AGE}, immutable"
        else:
            from django.utils.cache import patch_vary_headers

            cache_control = f"private, max-age={self.CATALOGUE_MAX_AGE}"
            patch_vary_headers(response, ("Cookie",))
        response["Cache-Control"] = cache_control
        if response.has_header("Expires"):
            del response["Expires"]
        return response
