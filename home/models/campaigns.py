"""The May strengthening month (孤独・孤立対策強化月間): one page per year under the campaign index at /campaign/."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from home import messages as msg
from home import sections
from home.blocks import CampaignBodyBlock
from home.enums import CampaignPhase
from lms.pagecache import CachedPageMixin

CAMPAIGN_MONTH = 5  # 毎年5月が「孤独・孤立対策強化月間」(seeds 001)


def next_campaign_year(today: dt.date | None = None) -> int:
    """The year of the next May that has not started yet (Asia/Tokyo): before 1 May this year, else next year."""
    today = today or timezone.localdate()
    return today.year if today < dt.date(today.year, CAMPAIGN_MONTH, 1) else today.year + 1


def default_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, CAMPAIGN_MONTH, 1), dt.date(year, CAMPAIGN_MONTH, 31)


def reiwa_label(year: int) -> str:
    """令和 era label for a western year from 2019 (令和元年) on."""
    n = year - 2018
    return "令和元年" if n == 1 else f"令和{n}年"


class CampaignIndexPage(CachedPageMixin, Page):
    """/campaign/: the strengthening month's entry page. Lists the running and upcoming campaigns first and keeps
    every past year's page as an archive. Editors write its introduction; the list is automatic."""

    intro = RichTextField(_("導入文"), blank=True, features=["bold", "link", "ol", "ul"])

    content_panels = Page.content_panels + ["intro"]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.CampaignPage"]
    max_count = 1

    class Meta:
        verbose_name = _("強化月間の一覧ページ")

    def get_context(self, request, *args, **kwargs):
        from home.selectors import campaigns_by_phase

        context = super().get_context(request, *args, **kwargs)
        context["today"] = timezone.localdate()
        context["campaigns"] = campaigns_by_phase(index=self, on=context["today"])
        return context


class CampaignPageQuerySet(PageQuerySet):
    def running_on(self, day: dt.date):
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def upcoming_on(self, day: dt.date):
        return self.filter(starts_on__gt=day)

    def ended_on(self, day: dt.date):
        return self.filter(ends_on__lt=day)


class CampaignPage(CachedPageMixin, Page):
    """One year's strengthening month. Editors write it in the admin, set its go-live time (e.g. 1 May 00:00 JST)
    with scheduled publishing, and submit it to a moderator, who approves it; it then goes live by itself.

    The period defaults to 1–31 May of the year. Before the start the page shows a countdown (rendered on the
    server, so it works without JavaScript)."""

    year = models.PositiveSmallIntegerField(
        _("年"),
        unique=True,
        default=next_campaign_year,
        help_text=_("西暦（例: 2027）。強化月間ページは1年に1ページです。"),
        error_messages={"unique": msg.CAMPAIGN_YEAR_TAKEN},
    )
    starts_on = models.DateField(_("開始日"), blank=True, help_text=_("空欄のときは、その年の5月1日になります。"))
    ends_on = models.DateField(_("終了日"), blank=True, help_text=_("空欄のときは、その年の5月31日になります。"))
    theme = models.CharField(_("テーマ"), max_length=200, blank=True)
    summary = models.TextField(
        _("概要"), blank=True, help_text=_("一覧ページやトップページのバナーに表示する短い説明（120字程度）")
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("メイン画像"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_image_alt = models.CharField(
        _("メイン画像の代替テキスト"),
        max_length=250,
        blank=True,
        help_text=_("画像に何が写っているかを短く説明してください。"),
    )
    body = StreamField(CampaignBodyBlock(), verbose_name=_("本文"), blank=True)

    objects = PageManager.from_queryset(CampaignPageQuerySet)()

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("year"), FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")])],
            heading=_("年と期間"),
        ),
        "theme",
        "summary",
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_image_alt")], heading=_("メイン画像")),
        "body",
    ]
    search_fields = Page.search_fields + [index.SearchField("theme"), index.SearchField("summary")]
    parent_page_types = ["home.CampaignIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("強化月間ページ")
        verbose_name_plural = _("強化月間ページ")

    def clean(self):
        super().clean()
        errors = {}
        if self.year:
            default_start, default_end = default_period(self.year)
            self.starts_on = self.starts_on or default_start
            self.ends_on = self.ends_on or default_end
            if self.starts_on.year != self.year:
                errors["starts_on"] = ValidationError(msg.CAMPAIGN_START_OUTSIDE_YEAR % {"year": self.year})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = ValidationError(msg.CAMPAIGN_ENDS_BEFORE_START)
        if self.hero_image_id and not self.hero_image_alt.strip():
            errors["hero_image_alt"] = ValidationError(msg.HERO_ALT_REQUIRED)
        if errors:
            raise ValidationError(errors)

    def minimal_clean(self):
        """Wagtail's validation for drafts (title and slug). One page per year is a database constraint, so it is
        checked for drafts too — first, as the slug is usually the year and would otherwise answer less helpfully."""
        if self.year and CampaignPage.objects.filter(year=self.year).exclude(pk=self.pk).exists():
            raise ValidationError({"year": msg.CAMPAIGN_YEAR_TAKEN})
        super().minimal_clean()

    def save(self, *args, **kwargs):
        # Code paths that skip clean() (e.g. Wagtail's `save(clean=False)`) still get the default period.
        if self.year and (not self.starts_on or not self.ends_on):
            default_start, default_end = default_period(self.year)
            self.starts_on = self.starts_on or default_start
            self.ends_on = self.ends_on or default_end
        return super().save(*args, **kwargs)

    # --- Questions the templates ask --------------------------------------------------------------------

    @property
    def era_label(self) -> str:
        return reiwa_label(self.year)

    def phase_on(self, day: dt.date) -> CampaignPhase:
        if day < self.starts_on:
            return CampaignPhase.UPCOMING
        if day > self.ends_on:
            return CampaignPhase.ENDED
        return CampaignPhase.RUNNING

    def days_until_start(self, day: dt.date) -> int:
        """Whole days from `day` to the first day (1 on the day before); 0 once it has started."""
        return max((self.starts_on - day).days, 0)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        context["today"] = today
        context["phase"] = self.phase_on(today)
        context["days_until_start"] = self.days_until_start(today)
        context["sections"] = sections.render_slots(request, self, (sections.CAMPAIGN_MAIN,))
        return context
