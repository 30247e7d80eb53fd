from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site's front page: what a つながりサポーター is and how to start the course."""

    intro = RichTextField(_("導入文"), blank=True)

    content_panels = Page.content_panels + ["intro"]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("ホームページ")
