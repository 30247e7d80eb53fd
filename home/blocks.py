"""StreamField blocks for campaign and standard pages. Editors compose page bodies from these in the admin.

Every image carries alt text (required when the page is submitted or published: screen-reader users hear it);
every video carries a transcript (deaf and hard-of-hearing visitors, and anyone who cannot play sound)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from home import messages as msg

# Headings inside a body start at h2: the page title is the only h1.
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"]


class AltTextBlock(blocks.CharBlock):
    """Alt text: required, with a message that says why (Wagtail's generic "required" says nothing)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 250)
        super().__init__(required=True, **kwargs)
        self.field.error_messages["required"] = msg.IMAGE_ALT_REQUIRED


class AccessibleImageBlock(blocks.StructBlock):
    """An image with the alt text that describes it and an optional visible caption."""

    image = ImageChooserBlock(label=_("画像"))
    alt_text = AltTextBlock(
        label=_("代替テキスト"), help_text=_("画像に何が写っているかを短く説明してください（例: 研修会で話し合う参加者）")
    )
    caption = blocks.CharBlock(label=_("キャプション（任意）"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("画像")
        template = "home/blocks/image_block.html"


class VideoBlock(blocks.StructBlock):
    """An embedded video (e.g. YouTube) with its title and a full transcript shown on the page."""

    title = blocks.CharBlock(label=_("動画のタイトル"), max_length=200)
    video = EmbedBlock(label=_("動画の URL"), help_text=_("YouTube などの動画ページの URL"))
    transcript = blocks.RichTextBlock(
        label=_("文字起こし"),
        features=["bold", "link", "ol", "ul"],
        help_text=_("音声の内容をすべて文字で書いてください（聴覚に障害のある方、音を出せない方のため）。"),
    )

    class Meta:
        icon = "media"
        label = _("動画（文字起こし付き）")
        template = "home/blocks/video_block.html"


class QuoteBlock(blocks.StructBlock):
    """A quotation with its source."""

    quote = blocks.TextBlock(label=_("引用文"))
    source = blocks.CharBlock(label=_("出典・話した人（任意）"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("引用")
        template = "home/blocks/quote_block.html"


def _is_site_path_or_web_url(value: str) -> bool:
    return (value.startswith("/") and not value.startswith("//")) or value.startswith(("https://", "http://"))


class CallToActionBlock(blocks.StructBlock):
    """A highlighted box with one button: to the course, a workshop list, a partner's page …"""

    heading = blocks.CharBlock(label=_("見出し"), max_length=120)
    text = blocks.TextBlock(label=_("説明（任意）"), required=False)
    button_label = blocks.CharBlock(label=_("ボタンの文言"), max_length=60)
    page = blocks.PageChooserBlock(label=_("リンク先のページ"), required=False)
    url = blocks.CharBlock(
        label=_("またはリンク先の URL"),
        required=False,
        max_length=500,
        help_text=_("例: /course/ または https://…"),
    )

    class Meta:
        icon = "pick"
        label = _("行動の呼びかけ（ボタン）")
        template = "home/blocks/call_to_action_block.html"

    def clean(self, value):
        value = super().clean(value)
        page, url = value.get("page"), (value.get("url") or "").strip()
        if url and not _is_site_path_or_web_url(url):
            raise blocks.StructBlockValidationError(block_errors={"url": ValidationError(msg.CTA_LINK_INVALID)})
        if not self.is_deferred_validation and bool(page) == bool(url):
            raise blocks.StructBlockValidationError(block_errors={"url": ValidationError(msg.CTA_LINK_REQUIRED)})
        return value


class PartnerBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("団体名"), max_length=200)
    url = blocks.URLBlock(label=_("ウェブサイト（任意）"), required=False)

    class Meta:
        icon = "group"
        label = _("団体")


class PartnerListBlock(blocks.StructBlock):
    """The organisations taking part in or supporting the campaign."""

    heading = blocks.CharBlock(label=_("見出し"), max_length=120, default=_("協力団体"))
    partners = blocks.ListBlock(PartnerBlock(), label=_("団体"), min_num=1)

    class Meta:
        icon = "group"
        label = _("協力団体の一覧")
        template = "home/blocks/partner_list_block.html"


class ConsultationResourcesBlock(blocks.StructBlock):
    """Consultation windows chosen from the snippets; each shows whether it is open today (Asia/Tokyo)."""

    heading = blocks.CharBlock(label=_("見出し"), max_length=120, default=_("相談窓口"))
    resources = blocks.ListBlock(
        SnippetChooserBlock("home.ConsultationResource"), label=_("相談窓口"), min_num=1
    )

    class Meta:
        icon = "help"
        label = _("相談窓口")
        template = "home/blocks/consultation_resources_block.html"


class FaqItemBlock(blocks.StructBlock):
    """One question and its answer (FAQ page)."""

    question = blocks.CharBlock(label=_("質問"), max_length=200)
    answer = blocks.RichTextBlock(label=_("回答"), features=["bold", "link", "ol", "ul"])

    class Meta:
        icon = "help"
        label = _("質問と回答")
        template = "home/blocks/faq_item_block.html"


class CampaignBodyBlock(blocks.StreamBlock):
    """What editors can put in a campaign page's body."""

    text = blocks.RichTextBlock(label=_("本文"), features=RICH_TEXT_FEATURES, template="home/blocks/text_block.html")
    image = AccessibleImageBlock()
    video = VideoBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    partners = PartnerListBlock()
    consultation_resources = ConsultationResourcesBlock()


class StandardBodyBlock(blocks.StreamBlock):
    """What editors can put in a standard page (about, FAQ, terms, privacy policy)."""

    text = blocks.RichTextBlock(label=_("本文"), features=RICH_TEXT_FEATURES, template="home/blocks/text_block.html")
    faq = FaqItemBlock()
    image = AccessibleImageBlock()
    consultation_resources = ConsultationResourcesBlock()
