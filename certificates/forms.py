from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import messages
from .enums import NameDisplay

MAX_BULK_NUMBERS = 1000
MAX_UPLOAD_BYTES = 1024 * 1024


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("修了証番号"),
        max_length=64,
        help_text=_("例: 7K3M-Q9RT-2VXB-H4ND-S（大文字・小文字、ハイフンの有無は問いません）"),
        error_messages={"required": messages.NUMBER_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )


class BulkVerifyForm(forms.Form):
    numbers = forms.CharField(
        label=_("修了証番号（1行に1件、1,000件まで）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("またはCSVファイル（1列目または「修了証番号」の列、1 MB・1,000件まで）"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(messages.BULK_FILE_TOO_LARGE)
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(messages.BULK_FILE_NOT_CSV)
        return upload

    def clean(self):
        from .bulk import BulkInputError, numbers_from_csv, numbers_from_text

        data = super().clean()
        if self.errors:
            return data
        try:
            if data.get("file"):
                numbers = numbers_from_csv(data["file"].read(MAX_UPLOAD_BYTES + 1))
            else:
                numbers = numbers_from_text(data.get("numbers") or "")
        except BulkInputError as exc:
            raise forms.ValidationError(exc.message) from exc
        if not numbers:
            raise forms.ValidationError(messages.BULK_EMPTY)
        if len(numbers) > MAX_BULK_NUMBERS:
            raise forms.ValidationError(messages.BULK_TOO_MANY)
        data["parsed_numbers"] = numbers
        return data


class NameDisplayForm(forms.Form):
    name_display = forms.ChoiceField(
        label=_("確認ページでの氏名の表示"), choices=NameDisplay.choices, widget=forms.RadioSelect
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("失効の理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": messages.REVOKE_REASON_REQUIRED},
    )

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(messages.REVOKE_REASON_REQUIRED)
        return reason


class InviteCodeForm(forms.Form):
    code = forms.CharField(
        label=_("団体の招待コード"),
        max_length=40,
        error_messages={"required": messages.INVITE_CODE_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    consent_to_share = forms.BooleanField(
        label=_("この団体の担当者に、氏名・修了状況・修了証番号・発行日を共有することに同意します"),
        required=True,
        error_messages={"required": messages.SHARE_CONSENT_REQUIRED},
    )
