from django.http import Http404, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .models import Municipality, Prefecture


@require_GET
@cache_control(public=True, max_age=3600)
def prefecture_municipalities(request, code: str):
    """Active municipalities of one prefecture, for the dependent select of the sign-up and profile forms.

    Wards of designated cities are left out unless `?wards=1` (a resident picks the city)."""
    try:
        prefecture = Prefecture.objects.get(code=code)
    except Prefecture.DoesNotExist as exc:
        raise Http404("都道府県が見つかりません。") from exc
    qs = Municipality.objects.in_prefecture(prefecture.code)
    qs = qs.active() if request.GET.get("wards") == "1" else qs.selectable()
    return JsonResponse(
        {
            "prefecture": {"code": prefecture.code, "name": prefecture.name},
            "municipalities": [
                {"code": code, "name": name, "kind": kind} for code, name, kind in qs.values_list("code", "name", "kind")
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
