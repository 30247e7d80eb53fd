"""Who runs the service (APPI: the operator's name, address and contact point) and the messages people send
through the お問い合わせ form."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from ..enums import ContactCategory, ContactStatus


@register_setting(icon="mail")
class OperatorSettings(BaseSiteSetting):
    """The operator of the service, shown in every page's footer, the privacy policy and the contact page
    (個人情報保護法: 名称・住所・問い合わせ窓口). Administrators fill it in 「設定 → 運営者・お問い合わせ」. Nothing is
    assumed: while a field is empty the pages say the information is being prepared, never an invented address."""

    operator_name = models.CharField(_("運営者の名称"), max_length=200, blank=True)
    representative = models.CharField(
        _("代表者（法人の場合）"), max_length=200, blank=True, help_text=_("個人情報保護法により、法人は代表者の氏名も公表します。")
    )
    postal_address = models.CharField(_("運営者の住所"), max_length=300, blank=True)
    contact_point = models.CharField(
        _("個人情報の問い合わせ窓口"), max_length=200, blank=True, help_text=_("例：○○課 個人情報担当")
    )
    contact_phone = models.CharField(_("電話番号"), max_length=40, blank=True)
    contact_hours = models.CharField(_("受付時間"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("お問い合わせの送信先メールアドレス"),
        blank=True,
        help_text=_("お問い合わせフォームの内容をこのアドレスに送ります（公開されません）。"),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("operator_name"), FieldPanel("representative"), FieldPanel("postal_address")],
            heading=_("運営者"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_point"), FieldPanel("contact_phone"), FieldPanel("contact_hours"), FieldPanel("contact_email")],
            heading=_("問い合わせ窓口"),
        ),
    ]

    class Meta:
        verbose_name = _("運営者・お問い合わせ")

    @property
    def is_complete(self) -> bool:
        """Name, address and a contact point are all entered (what the privacy policy must show)."""
        return bool(self.operator_name and self.postal_address and (self.contact_point or self.contact_phone))

    @property
    def tel_href(self) -> str:
        digits = "".join(ch for ch in self.contact_phone if ch.isdigit() or ch in "+#")
        return "tel:" + digits.replace("#", "%23") if digits else ""


class ContactMessage(models.Model):
    """A message sent through the お問い合わせ form. Kept so none is lost if the e-mail to the operator fails; the
    e-mail is sent after commit and its time recorded (sent once)."""

    category = models.CharField(_("お問い合わせの種類"), max_length=20, choices=ContactCategory.choices)
    name = models.CharField(_("お名前"), max_length=100, blank=True)
    email = models.EmailField(_("返信先メールアドレス"))
    message = models.TextField(_("お問い合わせ内容"), max_length=4000)
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("アカウント")
    )
    received_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    status = models.CharField(_("対応状況"), max_length=10, choices=ContactStatus.choices, default=ContactStatus.NEW)
    emailed_at = models.DateTimeField(_("運営者へのメール送信日時"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("お問い合わせ")
        verbose_name_plural = _("お問い合わせ")

    def __str__(self) -> str:
        return f"{self.get_category_display()}（{self.received_at:%Y-%m-%d %H:%M}）"
