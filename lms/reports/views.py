"""Regional report screens in the Wagtail admin (/admin/reports/regions/…) and their CSV / XLSX downloads.

Access: Wagtail's admin gate (login, `access_admin`) and lms.accounts.middleware (TOTP) come first; then every view
asks the access policy (`lms.accounts.policy.report_scope(user)`, the officer scope) about the region in its own URL, so a region
outside the officer's scope — by URL, picker value, export link or any parameter — gets 403 and never data. No view
reads a region from a query parameter: the picker only redirects to a URL that is checked again."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lms.accounts.policy import may_see_reports, report_scope
from lms.regions.models import Municipality, Prefecture

from . import exports, messages, selectors
from .forms import ReportPickerForm, region_choices
from .layout import area_url, build_report
from .periods import fiscal_year_label

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def refuse_with_403(view):
    """Wagtail's admin turns PermissionDenied into a redirect to the dashboard; a report refused answers 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            message = str(exc) or messages.OUT_OF_SCOPE
            return render(request, "403.html", {"message": message}, status=403)

    return wrapper


def require_officer(user) -> None:
    if not may_see_reports(user):
        raise PermissionDenied(messages.NOT_AN_OFFICER)


def scoped_area(user, level: str, code: str = "") -> selectors.Area:
    """The area of a report URL if `user` may see it: 404 for an unknown region, 403 outside the scope."""
    require_officer(user)
    scope = report_scope(user)
    if level == selectors.NATION:
        if not scope.covers_nation():
            raise PermissionDenied(messages.OUT_OF_SCOPE)
        return selectors.area_for_nation()
    if level == selectors.PREFECTURE:
        try:
            area = selectors.area_for_prefecture(code)
        except Prefecture.DoesNotExist:
            raise Http404 from None
        if not scope.covers_prefecture(area.code):
            raise PermissionDenied(messages.OUT_OF_SCOPE)
        return area
    try:
        area = selectors.area_for_municipality(code)
    except Municipality.DoesNotExist:
        raise Http404 from None
    if not scope.covers_municipality(Municipality.objects.get(code=area.code)):
        raise PermissionDenied(messages.OUT_OF_SCOPE)
    return area


def chosen_fiscal_year(request) -> tuple[int, str]:
    """`?fy=2026` if it is one of the years with data; otherwise the current year and a message saying so."""
    available = selectors.fiscal_years_available()
    default = selectors.current_fiscal_year()
    raw = request.GET.get("fy")
    if raw is None or raw == "":
        return default, ""
    try:
        fy = int(raw.strip())
    except (TypeError, ValueError):
        fy = None
    if fy not in available:
        return default, str(messages.BAD_FISCAL_YEAR).format(fy=default)
    return fy, ""


@never_cache
@require_GET
@refuse_with_403
def index(request):
    """The picker. Submitting it redirects to the report's own URL (which checks the scope again)."""
    require_officer(request.user)
    form = ReportPickerForm(request.GET or None, user=request.user)
    if request.GET and form.is_valid():
        region, fy = form.cleaned_data["region"], form.cleaned_data["fy"]
        if region == "nation":
            return redirect(area_url(selectors.area_for_nation(), fy))
        level, code = region.split(":", 1)
        area = (
            selectors.area_for_prefecture(code) if level == "pref" else selectors.area_for_municipality(code)
        )
        return redirect(area_url(area, fy))
    choices = region_choices(request.user)
    return render(
        request,
        "reports/index.html",
        {"form": form, "page_title": "地域別レポート", "has_regions": bool(choices)},
    )


def _report_context(request, level: str, code: str):
    area = scoped_area(request.user, level, code)
    fy, fy_error = chosen_fiscal_year(request)
    report = build_report(area, fy)
    form = ReportPickerForm(
        initial={"region": _choice_value(area), "fy": fy},
        user=request.user,
    )
    return area, fy, fy_error, report, form


def _choice_value(area: selectors.Area) -> str:
    if area.level == selectors.NATION:
        return "nation"
    return f"{'pref' if area.level == selectors.PREFECTURE else 'muni'}:{area.code}"


@never_cache
@require_GET
@refuse_with_403
def report(request, level: str, code: str = ""):
    area, fy, fy_error, report, form = _report_context(request, level, code)
    scope = report_scope(request.user)
    breadcrumbs = []
    if area.level == selectors.MUNICIPALITY and scope.covers_prefecture(area.prefecture_code):
        breadcrumbs.append((report.prefecture.name, area_url(report.prefecture, fy)))
    if area.level != selectors.NATION and scope.covers_nation():
        breadcrumbs.insert(0, ("全国", area_url(selectors.area_for_nation(), fy)))
    base = area_url(area)
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "form": form,
            "fy_error": fy_error,
            "page_title": f"地域別レポート：{area.name}",
            "period": fiscal_year_label(fy),
            "breadcrumbs": breadcrumbs,
            "csv_url": f"{base}export/?format=csv&fy={fy}",
            "xlsx_url": f"{base}export/?format=xlsx&fy={fy}",
        },
    )


@never_cache
@require_GET
@refuse_with_403
def export(request, level: str, code: str = ""):
    area = scoped_area(request.user, level, code)
    fmt = request.GET.get("format", "")
    if fmt not in CONTENT_TYPES:
        flash.error(request, messages.BAD_EXPORT_FORMAT)
        return redirect(area_url(area))
    fy, fy_error = chosen_fiscal_year(request)
    if fy_error:
        flash.error(request, fy_error)
        return redirect(area_url(area))
    report = build_report(area, fy)
    body = exports.report_csv(report) if fmt == "csv" else exports.report_xlsx(report)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(report, fmt)}"'
    response["Cache-Control"] = "no-store, private"
    return response
