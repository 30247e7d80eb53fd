"""Forms: the workshop page's admin form (region-scoped), the listing filters, and the trainer console's forms."""

from __future__ import annotations

import datetime as dt
import functools

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from lms.accounts.policy import is_page_editor as is_workshop_editor
from lms.accounts.policy import trainer_scope
from lms.regions.models import Municipality, Prefecture

from . import messages
from .enums import WorkshopFormat


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Municipality) -> str:
        return obj.full_name


class WorkshopPageForm(WagtailAdminPageForm):
    """The admin form of a workshop: a trainer can only choose a municipality their role covers, so a workshop in
    another region cannot be created or moved there by editing (editors may choose any)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("municipality")
        if field is None:
            return
        user = self.for_user
        if user is not None and is_workshop_editor(user):
            queryset = Municipality.objects.all()
        elif user is not None:
            queryset = trainer_scope(user).municipalities()
        else:
            queryset = Municipality.objects.none()
        current = self.instance.municipality_id if self.instance else None
        # Active municipalities; an existing workshop keeps its own (possibly since retired) one as a choice.
        choices = queryset.filter(Q(is_active=True) | Q(pk=current)) if current else queryset.filter(is_active=True)
        active = choices.select_related("prefecture").order_by("code")
        new_field = MunicipalityChoiceField(
            queryset=active,
            label=field.label,
            help_text=field.help_text,
            required=True,
            error_messages={"invalid_choice": messages.MUNICIPALITY_OUT_OF_SCOPE},
        )
        new_field.widget.attrs.update(field.widget.attrs)
        self.fields["municipality"] = new_field
        if not current and not self.is_bound:
            first_two = list(active.values_list("pk", flat=True)[:2])
            if len(first_two) == 1:  # a trainer for one municipality: preselect it
                self.initial["municipality"] = first_two[0]


@functools.lru_cache(maxsize=1)
def _prefecture_choices() -> tuple[tuple[str, str], ...]:
    return tuple(Prefecture.objects.order_by("code").values_list("code", "name"))


def prefecture_choices() -> tuple[tuple[str, str], ...]:
    """The 47 prefectures (reference data that never changes while the site runs: read once per process)."""
    choices = _prefecture_choices()
    if not choices:  # regions not loaded yet: do not remember the empty list
        _prefecture_choices.cache_clear()
    return choices


def month_choices(today: dt.date | None = None, months: int = 12) -> list[tuple[str, str]]:
    today = today or timezone.localdate()
    year, month = today.year, today.month
    result = [("", _("すべての月"))]
    for _i in range(months):
        result.append((f"{year:04d}-{month:02d}", f"{year}年{month}月"))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return result


class WorkshopFilterForm(forms.Form):
    """The listing's filters (GET). Unknown values are ignored with a message rather than failing the page."""

    q = forms.CharField(label=_("キーワード"), required=False, max_length=100)
    prefecture = forms.ChoiceField(label=_("都道府県"), required=False)
    municipality = forms.CharField(label=_("市区町村"), required=False, widget=forms.Select)
    month = forms.ChoiceField(label=_("開催月"), required=False)
    format = forms.ChoiceField(
        label=_("開催形式"), required=False, choices=[("", _("すべての形式")), *WorkshopFormat.choices]
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(today)
        self.fields["prefecture"].choices = [("", _("すべての都道府県")), *prefecture_choices()]
        prefecture_code = (self.data.get("prefecture") or "") if self.is_bound else ""
        options = [("", _("すべての市区町村") if prefecture_code else _("先に都道府県を選んでください"))]
        if prefecture_code:
            options += list(
                Municipality.objects.selectable().in_prefecture(prefecture_code).values_list("code", "name")
            )
        self.fields["municipality"].widget.choices = options
        self._municipality_codes = {code for code, _name in options if code}

    def clean_q(self):
        text = " ".join((self.cleaned_data.get("q") or "").replace("\x00", "").split())
        return text[:100]

    def clean_municipality(self):
        code = self.cleaned_data.get("municipality") or ""
        if code and code not in self._municipality_codes:
            raise forms.ValidationError(_("都道府県に合う市区町村を選んでください。"))
        return code

    def filters(self) -> dict:
        """The valid filters only (an invalid one is dropped and reported by the form's errors)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        result = {}
        if data.get("q"):
            result["q"] = data["q"]
        if data.get("prefecture"):
            result["prefecture"] = data["prefecture"]
        if data.get("municipality"):
            result["municipality"] = data["municipality"]
        if data.get("month"):
            year, month = data["month"].split("-")
            result["month"] = (int(year), int(month))
        if data.get("format"):
            result["format"] = data["format"]
        return result


class WalkInCodeForm(forms.Form):
    """/c/: the six digits the trainer read out (full-width digits are accepted and folded)."""

    code = forms.CharField(
        label=_("当日参加コード（6桁の数字）"),
        max_length=20,
        error_messages={"required": messages.WALK_IN_CODE_REQUIRED},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9０-９]*"}),
    )

    def clean_code(self):
        import unicodedata

        return "".join(unicodedata.normalize("NFKC", self.cleaned_data["code"]).split())


class CancelWorkshopForm(forms.Form):
    reason = forms.CharField(
        label=_("中止の理由（お知らせのメールと講座のページに載せます）"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": messages.CANCEL_REASON_REQUIRED},
    )
    confirm = forms.BooleanField(
        label=_("この講座を中止し、申し込んだ方全員にお知らせします"),
        error_messages={"required": messages.CANCEL_CONFIRM_REQUIRED},
    )


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ChangeWorkshopForm(forms.Form):
    """The console's change of date, time, place, URL and capacity (Asia/Tokyo). The page's own rules decide what is
    allowed (`services.preview_workshop_change`); this form only parses."""

    starts_at = forms.DateTimeField(label=_("開始日時"), widget=_LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(label=_("終了日時"), widget=_LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    venue_name = forms.CharField(label=_("会場名"), max_length=200, required=False)
    venue_address = forms.CharField(label=_("会場の住所"), max_length=300, required=False)
    online_url = forms.URLField(label=_("オンライン参加用URL"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("定員"), min_value=1, max_value=100000)

    @classmethod
    def for_workshop(cls, workshop, data=None):
        initial = {
            "starts_at": timezone.localtime(workshop.starts_at),
            "ends_at": timezone.localtime(workshop.ends_at),
            "venue_name": workshop.venue_name,
            "venue_address": workshop.venue_address,
            "online_url": workshop.online_url,
            "capacity": workshop.capacity,
        }
        return cls(data, initial=initial)


class PaperParticipantForm(forms.Form):
    """One person from the paper sign-in sheet. The municipality is typed as on the sheet (鳥取県鳥取市) and read by
    the same rule as the import."""

    full_name = forms.CharField(label=_("氏名"), max_length=100, error_messages={"required": _("氏名を入力してください。")})
    furigana = forms.CharField(label=_("ふりがな"), max_length=100, error_messages={"required": _("ふりがなを入力してください。")})
    municipality = forms.CharField(
        label=_("お住まいの市区町村"), max_length=40, help_text=_("例: 鳥取県鳥取市"),
        error_messages={"required": _("お住まいの市区町村を入力してください。")},
    )
    age_band = forms.ChoiceField(label=_("年代"), error_messages={"required": _("年代を選んでください。")})
    occupation = forms.ChoiceField(label=_("職業分野（任意）"), required=False)
    consent_statistics = forms.ChoiceField(
        label=_("地域の統計に含めることへの同意（用紙の記入のとおり）"),
        choices=[("yes", _("はい")), ("no", _("いいえ"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("用紙の同意欄のとおり、「はい」か「いいえ」を選んでください。")},
    )

    def __init__(self, *args, **kwargs):
        from lms.accounts.enums import AgeBand, OccupationField

        super().__init__(*args, **kwargs)
        self.fields["age_band"].choices = [("", _("選んでください")), *AgeBand.choices]
        self.fields["occupation"].choices = [("", _("未記入")), *OccupationField.choices]

    def clean_municipality(self):
        from lms.regions.models import Municipality

        from .imports import _municipality

        value = self.cleaned_data["municipality"].strip()
        cache = {"__all__": list(Municipality.objects.active().select_related("prefecture"))}
        return _municipality(value, cache)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["consent_statistics"] = data["consent_statistics"] == "yes"
        return data


class SignInSheetForm(forms.Form):
    file = forms.FileField(
        label=_("紙の名簿のファイル（CSV または Excel）"),
        error_messages={"required": _("取り込むファイルを選んでください。")},
    )


class ClaimCodeForm(forms.Form):
    code = forms.CharField(
        label=_("受け取りコード（修了証に印刷された12文字）"), max_length=40,
        error_messages={"required": _("受け取りコードを入力してください。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
