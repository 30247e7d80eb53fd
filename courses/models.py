"""The course (CoursePage), its modules (ModulePage, each with a quiz) and each learner's records.

Records: Enrolment (one per learner per course), ModuleProgress (one per learner per module) and QuizAttempt (every
scored submission). Writes to them go through `courses.services`; reads through `courses.selectors`."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from .blocks import ModuleBodyBlock, QuizBlock
from .enums import Channel

RESERVED_MODULE_SLUGS = {"complete"}  # CoursePage's own sub-pages


class CoursePage(RoutablePageMixin, Page):
    """The course landing page (/course/): what the course is, its modules in order, and the learner's progress.

    Editors write the overview here; the modules are its child pages, taken in the page-tree order."""

    intro = RichTextField(_("講座の紹介"), features=["bold", "italic", "link", "ol", "ul"])
    estimated_minutes = models.PositiveSmallIntegerField(_("所要時間の目安（分）"), default=60)
    completion_message = RichTextField(
        _("修了ページの文章"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    curriculum_version = models.CharField(
        _("カリキュラムの版"),
        max_length=20,
        blank=True,
        help_text=_("内容を大きく改めたときに更新します（例: 2026.1）。"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("estimated_minutes"),
        FieldPanel("completion_message"),
        FieldPanel("curriculum_version"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.ModulePage", "courses.ReferencePage"]

    class Meta:
        verbose_name = _("講座")
        verbose_name_plural = _("講座")

    def route(self, request, path_components):
        """Find a module child in one query (with its view-restriction flag) and hand it this course, so serving a
        module costs the same few queries however many modules and questions the course has."""
        if path_components:
            module = self._find_module(path_components[0])
            if module is not None:
                module._course_page = self
                module._cached_parent_obj = self  # treebeard's get_parent() then needs no query
                return module.route(request, path_components[1:])
        return super().route(request, path_components)

    def _find_module(self, slug: str):
        ancestor_paths = [self.path[:i] for i in range(Page.steplen, len(self.path) + 1, Page.steplen)]
        aliased_sources = Page.objects.filter(path__in=ancestor_paths, alias_of__isnull=False).values(
            "alias_of"
        )
        restrictions = PageViewRestriction.objects.filter(
            Q(page__path__in=ancestor_paths)
            | Q(page__in=aliased_sources)
            | Q(page_id=OuterRef("pk"))
            | Q(page_id=OuterRef("alias_of_id"))
        )
        return (
            ModulePage.objects.filter(path__startswith=self.path, depth=self.depth + 1, slug=slug)
            .annotate(_has_view_restrictions=Exists(restrictions))
            .first()
        )

    @path("")
    def landing(self, request):
        from . import views

        return views.course_landing(request, self)

    @path("complete/", name="complete")
    def complete(self, request):
        from . import views

        return views.course_complete(request, self)


class ModulePage(RoutablePageMixin, Page):
    """One module (章) of the course: content to read, then a quiz scored on the server.

    Editors change the body and the quiz here and preview both (the preview shows the correct answers). Question and
    choice ids are stable, so rewording a question keeps learners' records meaningful; a learner who passed a module
    stays passed whatever changes later."""

    summary = models.TextField(_("この章で学ぶこと"), max_length=400)
    estimated_minutes = models.PositiveSmallIntegerField(_("所要時間の目安（分）"), default=8)
    body = StreamField(ModuleBodyBlock(), verbose_name=_("本文"))
    quiz = StreamField(QuizBlock(), verbose_name=_("確認問題"), min_num=1, max_num=30)
    pass_mark = models.PositiveSmallIntegerField(
        _("合格点（%）"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("正答率がこの値以上で合格です。"),
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("1回に出題する問題数"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "確認問題の中から、解答のたびにこの数だけ選んで出題します（選択肢の順番も毎回入れ替わります）。"
            "問題がこの数より少ないときは全問を出題します。"
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("quiz"), FieldPanel("questions_per_attempt"), FieldPanel("pass_mark")],
            heading=_("確認問題"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("章")
        verbose_name_plural = _("章")

    @path("")
    def detail(self, request):
        from . import views

        return views.module_detail(request, self)

    @path("answer/", name="answer")
    def answer(self, request):
        from . import views

        return views.module_answer(request, self)

    @path("result/<int:attempt_id>/", name="result")
    def result(self, request, attempt_id):
        from . import views

        return views.module_result(request, self, attempt_id)

    def clean(self):
        super().clean()
        if self.slug in RESERVED_MODULE_SLUGS:
            raise ValidationError(
                {"slug": _("このスラッグは講座のページで使われています。別のスラッグにしてください。")}
            )

    def get_view_restrictions(self):
        # When the module was loaded by CoursePage.route, the same query already said whether any restriction
        # applies to it or an ancestor (aliases resolved as Wagtail does); only then look them up.
        if getattr(self, "_has_view_restrictions", None) is False:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class ReferencePage(Page):
    """The references page (参考資料) after the modules: the seeds' documents and the official sites. It has no quiz
    and is not a module: the outline, unlocking, progress and completion count ModulePage children only."""

    summary = models.TextField(_("このページについて"), max_length=400)
    body = StreamField(ModuleBodyBlock(), verbose_name=_("本文"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    template = "courses/reference_page.html"

    class Meta:
        verbose_name = _("参考資料")
        verbose_name_plural = _("参考資料")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["course"] = self.get_parent().specific
        return context


class EnrolmentQuerySet(models.QuerySet):
    def completed(self):
        return self.filter(completed_at__isnull=False)


class Enrolment(models.Model):
    """A learner taking a course: when they started, and when and how (online / workshop) they completed it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("受講者"),
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("講座")
    )
    started_at = models.DateTimeField(_("受講開始日時"), auto_now_add=True)
    completed_at = models.DateTimeField(_("修了日時"), null=True, blank=True)
    channel = models.CharField(_("受講方法"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    workshop = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修了した養成講座"),
        help_text=_("養成講座への出席で修了したときの講座ページ"),
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("受講登録")
        verbose_name_plural = _("受講登録")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courses_enrolment_unique_user_course")
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.course}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class ModuleProgress(models.Model):
    """How far one learner has come in one module. `passed_at` is set once and never cleared."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="module_progress",
        verbose_name=_("受講者"),
    )
    module = models.ForeignKey(
        ModulePage, on_delete=models.PROTECT, related_name="progress", verbose_name=_("章")
    )
    first_viewed_at = models.DateTimeField(_("初回閲覧日時"), auto_now_add=True)
    passed_at = models.DateTimeField(_("合格日時"), null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(_("最高得点（%）"), null=True, blank=True)
    attempts_count = models.PositiveIntegerField(_("解答回数"), default=0)

    class Meta:
        verbose_name = _("章の進捗")
        verbose_name_plural = _("章の進捗")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module"], name="courses_moduleprogress_unique_user_module"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.module_id}"

    @property
    def is_passed(self) -> bool:
        return self.passed_at is not None


class QuizAttempt(models.Model):
    """One scored submission of a module's quiz: what was chosen, which questions were right, the score.

    `token` is the one-time token of the form that was answered: a replayed or double-submitted form carries the
    same token and is refused (unique constraint)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("受講者"),
    )
    module = models.ForeignKey(
        ModulePage, on_delete=models.PROTECT, related_name="quiz_attempts", verbose_name=_("章")
    )
    token = models.CharField(_("送信トークン"), max_length=64, unique=True)
    answers = models.JSONField(_("回答"), help_text=_("問題ID → 選んだ選択肢IDの一覧"))
    results = models.JSONField(_("正誤"), help_text=_("問題ID → 正解したかどうか"))
    presented = models.JSONField(
        _("出題"),
        default=list,
        blank=True,
        help_text=_("出題した問題と選択肢の順番: [[問題ID, [選択肢ID, …]], …]（この順で表示した）"),
    )
    score = models.PositiveSmallIntegerField(_("得点（%）"))
    passed = models.BooleanField(_("合格"))
    submitted_at = models.DateTimeField(_("解答日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("解答")
        verbose_name_plural = _("解答")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["user", "module"], name="courses_attempt_user_module")]

    def __str__(self) -> str:
        return f"{self.user} / {self.module_id} / {self.score}%"
