"""StreamField blocks for the course: the module body (what learners read) and the quiz (what they answer).

Editors compose module pages from these in the Wagtail admin. Quiz questions and their choices are StreamField /
ListBlock children, so each has a stable UUID that the answer form posts and the server scores against: an
unknown or tampered id is detected, and editing a question's wording keeps its id."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class HeadingBlock(blocks.CharBlock):
    """A section heading inside a module (rendered as h2)."""

    class Meta:
        icon = "title"
        label = _("見出し")
        template = "courses/blocks/heading.html"


class KeyPointsBlock(blocks.StructBlock):
    """A boxed list of the points a learner should take away."""

    title = blocks.CharBlock(label=_("見出し"), default="ポイント", max_length=60)
    points = blocks.ListBlock(blocks.CharBlock(label=_("ポイント")), label=_("ポイント"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("ポイント")
        template = "courses/blocks/key_points.html"


class StatisticBlock(blocks.StructBlock):
    """A figure from a survey, always with its year and source (never a figure without them)."""

    label = blocks.CharBlock(label=_("項目"), max_length=200)
    value = blocks.CharBlock(label=_("数値"), max_length=40)
    unit = blocks.CharBlock(label=_("単位"), max_length=20, required=False)
    year = blocks.CharBlock(label=_("年・時点"), max_length=60)
    source = blocks.CharBlock(label=_("出典"), max_length=300)
    note = blocks.TextBlock(label=_("補足"), required=False)

    class Meta:
        icon = "table"
        label = _("統計データ")
        template = "courses/blocks/statistic.html"


class ImageBlock(blocks.StructBlock):
    """An image with the alternative text screen-reader users hear (required)."""

    image = ImageChooserBlock(label=_("画像"))
    alt = blocks.CharBlock(
        label=_("代替テキスト"),
        max_length=250,
        help_text=_("画像が見えない方のために、画像の内容を文章で書いてください。"),
    )
    caption = blocks.CharBlock(label=_("キャプション"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("画像")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """An embedded video with a full transcript, so learners who cannot watch or hear it lose nothing."""

    title = blocks.CharBlock(label=_("タイトル"), max_length=200)
    video = EmbedBlock(label=_("動画のURL"))
    transcript = blocks.RichTextBlock(label=_("文字起こし"), features=TEXT_FEATURES)

    class Meta:
        icon = "media"
        label = _("動画（文字起こし付き）")
        template = "courses/blocks/video.html"


class ResourceBlock(blocks.StructBlock):
    """A card for a consultation window (相談窓口 snippet). The snippet is edited once and shown everywhere."""

    resource = SnippetChooserBlock("home.ConsultationResource", label=_("相談窓口"))
    note = blocks.CharBlock(label=_("補足"), max_length=300, required=False)

    class Meta:
        icon = "help"
        label = _("相談窓口カード")
        template = "courses/blocks/resource.html"


class ReflectionBlock(blocks.StructBlock):
    """A question for the learner to think about (nothing is submitted or stored)."""

    prompt = blocks.TextBlock(label=_("問いかけ"))

    class Meta:
        icon = "pick"
        label = _("ふりかえり")
        template = "courses/blocks/reflection.html"


class ModuleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = blocks.RichTextBlock(label=_("本文"), features=TEXT_FEATURES, template="courses/blocks/text.html")
    key_points = KeyPointsBlock()
    statistic = StatisticBlock()
    image = ImageBlock()
    video = VideoBlock()
    resource = ResourceBlock()
    reflection = ReflectionBlock()


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("選択肢"), max_length=300)
    correct = blocks.BooleanBlock(label=_("正解"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("選択肢")


class QuestionBlock(blocks.StructBlock):
    """One quiz question: its choices (each with a stable id), which are correct, and the explanation learners see."""

    text = blocks.TextBlock(label=_("問題文"))
    multiple = blocks.BooleanBlock(
        label=_("複数選択"),
        required=False,
        help_text=_("正解が複数ある問題です（問題文に「すべて選んでください」と書いてください）。"),
    )
    choices = blocks.ListBlock(ChoiceBlock(), label=_("選択肢"), min_num=2, max_num=8)
    explanation = blocks.TextBlock(
        label=_("解説"), help_text=_("根拠となる事実を示してください。回答後に表示されます。")
    )

    class Meta:
        icon = "help"
        label = _("問題")

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        if correct == 0:
            raise StructBlockValidationError(
                block_errors={"choices": ValidationError(_("正解の選択肢を1つ以上選んでください。"))}
            )
        if correct > 1 and not value["multiple"]:
            raise StructBlockValidationError(
                block_errors={
                    "multiple": ValidationError(_("正解が複数あるときは「複数選択」をオンにしてください。"))
                }
            )
        return value


class QuizBlock(blocks.StreamBlock):
    question = QuestionBlock()
