"""The region and fiscal-year picker: only regions within the officer's scope are offered, and a value outside it
is refused like any unknown value (the view checks the scope again on the report's own URL)."""

from __future__ import annotations

from django import forms

from lms.accounts.policy import report_scope
from lms.regions.enums import MunicipalityKind

from . import messages, selectors


def region_choices(user) -> list:
    """("nation" | "pref:31" | "muni:312011", label) grouped by prefecture. A national officer is offered the
    nation and the 47 prefectures (each prefecture report links to its municipalities); others every municipality
    of their prefectures and their own cities."""
    scope = report_scope(user)
    if scope.is_empty:
        return []
    if scope.national:
        prefectures = [(f"pref:{p.code}", p.name) for p in scope.prefectures()]
        return [("nation", "全国"), ("都道府県", prefectures)]
    groups: dict[str, tuple[str, list]] = {}
    for prefecture in scope.prefectures():
        groups[prefecture.code] = (
            prefecture.name,
            [(f"pref:{prefecture.code}", f"{prefecture.name}（全体）")],
        )
    # Wards are never reports (they are counted in their city): only cities, towns and villages are offered.
    municipalities = (
        scope.municipalities()
        .filter(is_active=True)
        .exclude(kind=MunicipalityKind.WARD)
        .select_related("prefecture")
        .order_by("code")
    )
    for municipality in municipalities:
        name, group = groups.setdefault(municipality.prefecture_id, (municipality.prefecture.name, []))
        group.append((f"muni:{municipality.code}", municipality.name))
    return [groups[code] for code in sorted(groups)]


def fiscal_year_choices() -> list[tuple[int, str]]:
    return [(fy, f"{fy}年度（令和{fy - 2018}年度）") for fy in selectors.fiscal_years_available()]


class ReportPickerForm(forms.Form):
    region = forms.ChoiceField(
        label="地域",
        error_messages={"invalid_choice": messages.CHOOSE_REGION, "required": messages.CHOOSE_REGION},
    )
    fy = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(user)
        self.fields["fy"].choices = fiscal_year_choices()
