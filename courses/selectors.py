"""Reads for the course: where a learner stands (the course outline), in a fixed number of queries.

The outline is the one place that decides which modules are unlocked: module N is open when every module before it
(in page-tree order) is passed, or when the learner has completed the course (online or at a workshop)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, FilteredRelation, Q, Subquery
from wagtail.models import Page

from .models import CoursePage, Enrolment, ModulePage, ModuleProgress, ReferencePage

OUTLINE_MODULE_FIELDS = (
    "id",
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "live",
    "estimated_minutes",
    "summary",
)


@dataclass
class ModuleStatus:
    module: ModulePage
    number: int
    progress: ModuleProgress | None
    unlocked: bool

    @property
    def passed(self) -> bool:
        return self.progress is not None and self.progress.is_passed

    @property
    def started(self) -> bool:
        return self.progress is not None


@dataclass
class CourseOutline:
    course: CoursePage
    enrolment: Enrolment | None
    modules: list[ModuleStatus] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def passed_count(self) -> int:
        return sum(1 for status in self.modules if status.passed)

    @property
    def percent(self) -> int:
        if self.is_completed:
            return 100
        return (100 * self.passed_count // self.total) if self.total else 0

    @property
    def is_completed(self) -> bool:
        return self.enrolment is not None and self.enrolment.is_completed

    @property
    def is_started(self) -> bool:
        return self.enrolment is not None

    @property
    def next_module(self) -> ModuleStatus | None:
        """Where to resume: the first unlocked module not yet passed (None when every module is passed)."""
        return next((status for status in self.modules if status.unlocked and not status.passed), None)

    @property
    def total_minutes(self) -> int:
        return sum(status.module.estimated_minutes for status in self.modules)

    def status_for(self, module_id: int) -> ModuleStatus | None:
        return next((status for status in self.modules if status.module.pk == module_id), None)


def live_modules(*, course_path: str, depth: int):
    """The live modules of the course at `course_path`, in page-tree order, without their (large) body and quiz."""
    return (
        ModulePage.objects.filter(path__startswith=course_path, depth=depth + 1, live=True)
        .only(*OUTLINE_MODULE_FIELDS)
        .order_by("path")
    )


PROGRESS_FIELDS = ("id", "first_viewed_at", "passed_at", "best_score", "attempts_count")
ENROLMENT_FIELDS = ("id", "started_at", "completed_at", "channel", "workshop_id")


def _restore(model, values: dict, **extra):
    instance = model(**values, **extra)
    instance._state.adding = False
    instance._state.db = "default"
    return instance


def get_course_outline(*, course: CoursePage, user) -> CourseOutline:
    """The course's modules in order with this user's progress and enrolment, and what is unlocked.

    One query whatever the number of modules: the user's progress rows are LEFT JOINed, the enrolment comes as
    (uncorrelated) subqueries."""
    modules_qs = live_modules(course_path=course.path, depth=course.depth)
    if user.is_authenticated:
        enrolment = Enrolment.objects.filter(user=user, course=course)
        modules_qs = modules_qs.annotate(
            mine=FilteredRelation("progress", condition=Q(progress__user=user)),
            **{f"outline_progress_{name}": F(f"mine__{name}") for name in PROGRESS_FIELDS},
            **{
                f"outline_enrolment_{name}": Subquery(enrolment.values(name)[:1]) for name in ENROLMENT_FIELDS
            },
        )
    modules = list(modules_qs)

    outline = CourseOutline(course=course, enrolment=None)
    if user.is_authenticated:
        if modules:
            first = modules[0]
            if first.outline_enrolment_id is not None:
                outline.enrolment = _restore(
                    Enrolment,
                    {name: getattr(first, f"outline_enrolment_{name}") for name in ENROLMENT_FIELDS},
                    user_id=user.pk,
                    course_id=course.pk,
                )
        else:
            outline.enrolment = Enrolment.objects.filter(user=user, course=course).first()

    completed = outline.is_completed
    all_before_passed = True
    for number, module in enumerate(modules, start=1):
        progress = None
        if user.is_authenticated and module.outline_progress_id is not None:
            progress = _restore(
                ModuleProgress,
                {name: getattr(module, f"outline_progress_{name}") for name in PROGRESS_FIELDS},
                user_id=user.pk,
                module_id=module.pk,
            )
        outline.modules.append(
            ModuleStatus(
                module=module, number=number, progress=progress, unlocked=completed or all_before_passed
            )
        )
        all_before_passed = all_before_passed and progress is not None and progress.is_passed
    return outline


def get_course_for_module(module: ModulePage) -> CoursePage:
    parent_path = module.path[: -Page.steplen]
    return CoursePage.objects.get(path=parent_path)


def get_primary_course() -> CoursePage | None:
    """The live course learners take (the platform has one; the first in tree order if an editor adds another)."""
    return CoursePage.objects.live().order_by("path").first()


def reference_pages(*, course: CoursePage):
    """The course's live references pages (参考資料): listed after the modules, never counted as modules."""
    return ReferencePage.objects.child_of(course).live().only("id", "title", "slug", "url_path", "path", "summary")
