"""Snippets: reusable pieces editors keep in 「スニペット」 and choose from pages."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import InlinePanel
from wagtail.models import Orderable
from wagtail.snippets.models import register_snippet

from home import messages as msg


def validate_phone(value: str) -> None:
    if value and not re.fullmatch(r"[#*+]?[0-9][0-9\-]{1,20}", value):
        raise ValidationError(msg.PHONE_INVALID)


def validate_month_day(value: str) -> None:
    if not value:
        return
    if not re.fullmatch(r"\d\d-\d\d", value):
        raise ValidationError(msg.MONTH_DAY_INVALID)
    try:
        dt.date(2024, int(value[:2]), int(value[3:]))  # a leap year, so 02-29 is allowed
    except ValueError:
        raise ValidationError(msg.MONTH_DAY_INVALID) from None


class ConsultationResourceQuerySet(models.QuerySet):
    def active_on(self, day):
        """Resources that can be used on `day`: always-available ones, and those with a period covering it."""
        return self.filter(
            models.Q(always_available=True) | models.Q(periods__starts_on__lte=day, periods__ends_on__gte=day)
        ).distinct()


@register_snippet
class ConsultationResource(ClusterableModel):
    """A consultation window (相談窓口) from the seeds: #9999, あなたのいばしょ, チャイルドライン …

    Moderators keep them current in 「スニペット」 (a change shows site-wide at once, so editors may only choose them);
    the course (module 6), campaign pages and the footer reuse them. Some run only in set periods (the #9999 dial:
    Golden Week and the New Year holidays): enter those dates each year, and the site marks the window 「受付中」
    only on those days (Asia/Tokyo)."""

    key = models.SlugField(_("識別子"), max_length=60, unique=True, help_text=_("変更しないでください（種データとの対応に使います）"))
    name = models.CharField(_("名称"), max_length=120)
    contact = models.CharField(_("電話番号・連絡方法"), max_length=200, help_text=_("例: #9999（フリーダイヤル）"))
    phone = models.CharField(
        _("電話番号（タップで発信）"),
        max_length=30,
        blank=True,
        validators=[validate_phone],
        help_text=_("例: #9999、0120-99-7777。入力すると「電話をかける」リンクになります。"),
    )
    url = models.URLField(_("公式サイトのURL"), blank=True)
    chat_url = models.URLField(_("チャット相談のURL"), blank=True)
    hours = models.CharField(_("受付時間・実施時期"), max_length=300, blank=True)
    audience = models.CharField(_("対象"), max_length=300, blank=True)
    description = models.TextField(_("説明"), blank=True)
    always_available = models.BooleanField(
        _("通年で受け付けている"), default=True, help_text=_("期間限定の窓口は外して、下に実施期間を入力してください。")
    )
    schedule_note = models.CharField(
        _("実施日のお知らせ先"),
        max_length=300,
        blank=True,
        help_text=_("期間限定の窓口で、実施期間が入力されていない日に表示します。例: 実施日は毎回…でお知らせされます"),
    )
    annual_closure_start = models.CharField(
        _("毎年の休業の開始（月-日）"), max_length=5, blank=True, validators=[validate_month_day], help_text=_("例: 12-29")
    )
    annual_closure_end = models.CharField(
        _("毎年の休業の終了（月-日）"), max_length=5, blank=True, validators=[validate_month_day], help_text=_("例: 01-03")
    )
    seeded_values = models.JSONField(
        _("種データが書いた値"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("種データの更新が、編集者の変更を上書きしないために使います。"),
    )
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=100)

    objects = ConsultationResourceQuerySet.as_manager()

    panels = [
        "name",
        "contact",
        "phone",
        "url",
        "chat_url",
        "hours",
        "audience",
        "description",
        "always_available",
        "schedule_note",
        InlinePanel("periods", label=_("実施期間")),
        "annual_closure_start",
        "annual_closure_end",
        "sort_order",
        "key",
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("相談窓口")
        verbose_name_plural = _("相談窓口")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if bool(self.annual_closure_start) != bool(self.annual_closure_end):
            raise ValidationError({"annual_closure_end": msg.CLOSURE_NEEDS_BOTH})

    def is_active_on(self, day) -> bool:
        return self.always_available or any(p.starts_on <= day <= p.ends_on for p in self.periods.all())

    @property
    def tel_href(self) -> str:
        """`tel:` URI of the phone number (RFC 3966: `#` percent-encoded, so #9999 → tel:%239999)."""
        if not self.phone:
            return ""
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch in "#*+")
        return "tel:" + digits.replace("#", "%23")

    def closed_for_annual_closure(self, day) -> bool:
        """True on the days of the yearly closure entered by editors (e.g. 12-29 to 01-03, across the new year)."""
        if not (self.annual_closure_start and self.annual_closure_end):
            return False
        today = f"{day.month:02d}-{day.day:02d}"
        start, end = self.annual_closure_start, self.annual_closure_end
        if start <= end:
            return start <= today <= end
        return today >= start or today <= end

    @property
    def annual_closure_label(self) -> str:
        if not (self.annual_closure_start and self.annual_closure_end):
            return ""

        def label(value):
            month, day = value.split("-")
            return f"{int(month)}月{int(day)}日"

        return f"{label(self.annual_closure_start)}～{label(self.annual_closure_end)}"


class ConsultationPeriod(Orderable):
    """One period in which a time-limited window runs (e.g. #9999 over the New Year holidays)."""

    resource = ParentalKey(ConsultationResource, on_delete=models.CASCADE, related_name="periods")
    starts_on = models.DateField(_("開始日"))
    ends_on = models.DateField(_("終了日"))
    note = models.CharField(_("メモ"), max_length=100, blank=True, help_text=_("例: 年末年始"))

    class Meta(Orderable.Meta):
        verbose_name = _("実施期間")
        verbose_name_plural = _("実施期間")

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": msg.PERIOD_ENDS_BEFORE_START})
