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


class NameCheckForm(forms.Form):
    holder_name = forms.CharField(
        label=_("修了証に印字された氏名で照合"),
        max_length=100,
        help_text=_("修了証（PDF・カード）に印字された氏名を入力してください。氏名はこのページに表示されず、記録もされません。"),
        error_messages={"required": messages.NAME_CHECK_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class BulkVerifyForm(forms.Form):
    numbers = forms.CharField(
        label=_("修了証番号（1行に1件、1,000件まで）"),
        required=False,
        strip=False,  # every line keeps its row, trailing blank lines too
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_(
            "またはCSVファイル（「修了証番号」の列か1列目。「氏名」の列があれば印字された氏名も照合します。"
            "ほかの列は結果のCSVにそのまま残ります。1 MB・1,000件まで）"
        ),
        required=False,
    )
    # The result page's CSV download re-sends what was checked (pasted text or the decoded CSV) in hidden inputs.
    carried = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2 * MAX_UPLOAD_BYTES, strip=False)
    carried_kind = forms.ChoiceField(
        required=False, choices=[("", ""), ("text", "text"), ("csv", "csv")], widget=forms.HiddenInput
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
        from .bulk import BulkInputError, decode_upload, parse_csv_text, parse_text

        data = super().clean()
        if self.errors:
            return data
        try:
            if data.get("file"):
                bulk_input = parse_csv_text(decode_upload(data["file"].read(MAX_UPLOAD_BYTES + 1)))
            elif data.get("carried_kind") == "csv":
                bulk_input = parse_csv_text(data.get("carried") or "")
            elif data.get("carried_kind") == "text":
                bulk_input = parse_text(data.get("carried") or "")
            else:
                bulk_input = parse_text(data.get("numbers") or "")
        except BulkInputError as exc:
            raise forms.ValidationError(exc.message) from exc
        numbers = bulk_input.numbers
        if not numbers:
            raise forms.ValidationError(messages.BULK_EMPTY)
        if len(numbers) > MAX_BULK_NUMBERS:
            raise forms.ValidationError(messages.BULK_TOO_MANY)
        data["bulk_input"] = bulk_input
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
    confirm = forms.BooleanField(
        label=_("この修了証を失効させることを確認しました（元に戻せません）"),
        error_messages={"required": messages.REVOKE_CONFIRM_REQUIRED},
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
