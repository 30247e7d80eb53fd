"""The home page and the standard pages (about, FAQ, terms, privacy policy)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from home import sections
from home.blocks import StandardBodyBlock
from lms.pagecache import CachedPageMixin

COURSE_URL = "/course/"  # the course index page (courses app); a public contract of the site's layout


class HomePage(CachedPageMixin, Page):
    """The site's front page: what a つながりサポーター is and how to start the course, the running campaign's
    banner, and where to get help now. Editors change the texts; the campaign banner and the consultation
    windows are chosen automatically for today (Asia/Tokyo)."""

    intro = RichTextField(_("導入文"), blank=True)
    cta_heading = models.CharField(_("講座の案内: 見出し"), max_length=120, default="つながりサポーター養成講座")
    cta_text = models.TextField(
        _("講座の案内: 説明"),
        blank=True,
        default=(
            "孤独・孤立について正しく知り、身の回りの人に関心を持つための講座です。"
            "8つの章を順に学び、各章の最後に確認問題があります。"
        ),
    )
    cta_button_label = models.CharField(
        _("講座の案内: ボタンの文言"), max_length=60, default="養成講座を受講する（無料）"
    )

    content_panels = Page.content_panels + [
        "intro",
        MultiFieldPanel(["cta_heading", "cta_text", "cta_button_label"], heading=_("講座の案内")),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("ホームページ")

    def get_context(self, request, *args, **kwargs):
        from home.selectors import consultation_statuses, running_campaign

        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        context["today"] = today
        context["course_url"] = COURSE_URL
        context["current_campaign"] = running_campaign(on=today)
        context["consultation"] = consultation_statuses(on=today)
        # The footer need not repeat the consultation windows this page already shows in full.
        context["consultation_in_page"] = True
        context["sections"] = sections.render_slots(request, self, (sections.HOME_COURSE, sections.HOME_MAIN))
        return context


class StandardPage(CachedPageMixin, Page):
    """A plain content page: about, FAQ, terms of use, privacy policy. Editors write the body; `last_updated`
    tells readers of the terms and the privacy policy which version they are reading."""

    intro = models.TextField(_("導入文"), blank=True)
    body = StreamField(StandardBodyBlock(), verbose_name=_("本文"), blank=True)
    last_updated = models.DateField(
        _("最終更新日"), null=True, blank=True, help_text=_("利用規約やプライバシーポリシーを改定したら更新してください。")
    )

    content_panels = Page.content_panels + ["intro", "body", "last_updated"]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]

    class Meta:
        verbose_name = _("標準ページ")
        verbose_name_plural = _("標準ページ")
