"""Snippets: reusable pieces editors keep in 「スニペット」 and choose from pages."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import InlinePanel
from wagtail.models import Orderable
from wagtail.snippets.models import register_snippet

from home import messages as msg


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
    url = models.URLField(_("URL"), blank=True)
    hours = models.CharField(_("受付時間・実施時期"), max_length=300, blank=True)
    audience = models.CharField(_("対象"), max_length=300, blank=True)
    description = models.TextField(_("説明"), blank=True)
    always_available = models.BooleanField(
        _("通年で受け付けている"), default=True, help_text=_("期間限定の窓口は外して、下に実施期間を入力してください。")
    )
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=100)

    objects = ConsultationResourceQuerySet.as_manager()

    panels = [
        "name",
        "contact",
        "url",
        "hours",
        "audience",
        "description",
        "always_available",
        InlinePanel("periods", label=_("実施期間")),
        "sort_order",
        "key",
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("相談窓口")
        verbose_name_plural = _("相談窓口")

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day) -> bool:
        return self.always_available or any(p.starts_on <= day <= p.ends_on for p in self.periods.all())


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
