"""The お問い合わせ form. Spam is kept out without a third-party captcha (nothing loaded from a CDN): a honeypot
field people never see, and a signed start time (a form sent within seconds of being shown, or hours later, is
refused with a message). Requests are also rate-limited per client (home.views.contact)."""

from __future__ import annotations

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from . import messages as msg
from .enums import ContactCategory

TOKEN_SALT = "home.contact.started"  # noqa: S105  (a signing salt, not a secret)
MIN_SECONDS = 3
MAX_SECONDS = 2 * 60 * 60
MESSAGE_MAX = 4000


def start_token(now: float | None = None) -> str:
    return signing.dumps(int(now if now is not None else time.time()), salt=TOKEN_SALT)


class ContactForm(forms.Form):
    category = forms.ChoiceField(
        label=_("お問い合わせの種類"),
        choices=[("", _("選んでください")), *ContactCategory.choices],
        error_messages={"required": msg.CONTACT_CATEGORY_REQUIRED, "invalid_choice": msg.CONTACT_CATEGORY_REQUIRED},
    )
    name = forms.CharField(label=_("お名前（任意）"), max_length=100, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label=_("返信先のメールアドレス"),
        max_length=254,
        error_messages={"required": msg.CONTACT_EMAIL_REQUIRED, "invalid": msg.CONTACT_EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(
        label=_("お問い合わせ内容"),
        max_length=MESSAGE_MAX,
        help_text=_("4,000文字まで。修了証についてのお問い合わせは、修了証番号も書いてください。パスワードは書かないでください。"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": msg.CONTACT_MESSAGE_REQUIRED, "max_length": msg.CONTACT_MESSAGE_TOO_LONG},
    )
    # Spam traps: rendered by the template outside the visible form (see contact.html), never by form_fields.
    website = forms.CharField(required=False, label=_("ウェブサイト（入力しないでください）"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    visible_fields_order = ("category", "name", "email", "message")

    def __init__(self, *args, now: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._now = now if now is not None else time.time()
        if not self.is_bound:
            self.initial["started"] = start_token(self._now)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(msg.CONTACT_REFUSED, code="honeypot")
        try:
            started = signing.loads(cleaned.get("started") or "", salt=TOKEN_SALT)
        except signing.BadSignature as exc:
            raise forms.ValidationError(msg.CONTACT_EXPIRED, code="token") from exc
        elapsed = self._now - int(started)
        if elapsed < MIN_SECONDS:
            raise forms.ValidationError(msg.CONTACT_TOO_FAST, code="too_fast")
        if elapsed > MAX_SECONDS:
            raise forms.ValidationError(msg.CONTACT_EXPIRED, code="expired")
        return cleaned

    def renew_token(self) -> None:
        """A refused form shown again gets a fresh start time (so the person can simply send it again)."""
        data = self.data.copy()
        data["started"] = start_token(self._now - MIN_SECONDS)
        self.data = data
