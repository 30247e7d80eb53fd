"""Request handling for the course pages (called from the page routes in models.py): parse input, call one
service or selector, render. No rules live here."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages as flash
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from home.models import ConsultationResource
from lms.pagecache import mark_cacheable

from . import messages
from .models import CoursePage, ModulePage, QuizAttempt
from .selectors import CourseOutline, get_course_outline, reference_pages
from .services import (
    QuizSubmissionError,
    draw_quiz,
    issue_quiz_token,
    quiz_draw_of,
    record_module_view,
    record_quiz_attempt,
)

ANSWER_PREFIX = "q-"


def _private(response):
    """Pages carrying a learner's progress must never be cached by a shared cache."""
    patch_cache_control(response, private=True, no_cache=True, no_store=True)
    return response


def _private_or_cacheable(request, response):
    """A signed-in learner's page is private; the anonymous one is the same for everyone (no progress, no quiz form,
    no CSRF token) and may come from the page cache (lms/pagecache)."""
    if request.user.is_authenticated:
        return _private(response)
    return mark_cacheable(request, response)


def login_url_for(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def signup_url_for(next_url: str) -> str:
    return f"{reverse('account_signup')}?{urlencode({'next': next_url})}"


# --- course ---------------------------------------------------------------------------------------------------------


def course_landing(request, course: CoursePage):
    outline = get_course_outline(course=course, user=request.user)
    context = course.get_context(request)
    context.update(
        {"outline": outline, "resume": _resume_url(request, outline), "references": reference_pages(course=course)}
    )
    return _private_or_cacheable(request, TemplateResponse(request, "courses/course_page.html", context))


def course_complete(request, course: CoursePage):
    if not request.user.is_authenticated:
        return redirect(login_url_for(request.path))
    outline = get_course_outline(course=course, user=request.user)
    if not outline.is_completed:
        flash.info(request, messages.NOT_COMPLETED_YET)
        return redirect(course.get_url(request))
    context = course.get_context(request)
    context.update(
        {"outline": outline, "enrolment": outline.enrolment, "completion_sections": _completion_sections(request, course)}
    )
    return _private(TemplateResponse(request, "courses/course_complete.html", context))


def _completion_sections(request, course: CoursePage) -> list[tuple[str, dict]]:
    """What other apps offer on the completion page (the certificate: certificates/wagtail_hooks.py), through the
    `course_complete_section` hook: each returns None or (template name, context)."""
    from wagtail import hooks

    sections = []
    for fn in hooks.get_hooks("course_complete_section"):
        section = fn(request, course)
        if section is not None:
            sections.append(section)
    return sections


def _resume_url(request, outline: CourseOutline) -> str | None:
    if outline.is_completed:
        return outline.course.get_url(request) + outline.course.reverse_subpage("complete")
    status = outline.next_module
    return status.module.get_url(request) if status else None


# --- module ---------------------------------------------------------------------------------------------------------


def _course_of(module: ModulePage) -> CoursePage:
    course = getattr(module, "_course_page", None)
    if course is None:
        from .selectors import get_course_for_module

        course = get_course_for_module(module)
    return course


def _build_questions(
    module: ModulePage, *, draw=None, answers=None, errors=None, attempt: QuizAttempt | None = None
):
    """The quiz as plain data for the template: the questions of `draw` (or of the attempt) in their order, each with
    its choices in the order shown; with neither, the whole pool (editor preview). With an attempt: the learner's
    choices and whether each was right."""
    answers = answers or (attempt.answers if attempt else {})
    errors = errors or {}
    pool = {b.id: b for b in module.quiz if b.block_type == "question"}
    if attempt is not None:
        draw = attempt.presented or [[question_id, None] for question_id in attempt.answers]
    if draw is None:
        draw = [[question_id, None] for question_id in pool]
    questions = []
    for question_id, order in draw:
        block = pool.get(question_id)
        if block is None:  # removed by an editor since
            continue
        value = block.value
        chosen = set(answers.get(block.id, ()))
        children = {child.id: child for child in value["choices"].bound_blocks}
        ordered = [children[c] for c in order if c in children] if order else list(children.values())
        ordered += [child for child in children.values() if child not in ordered]
        questions.append(
            {
                "id": block.id,
                "number": len(questions) + 1,
                "text": value["text"],
                "multiple": value["multiple"],
                "explanation": value["explanation"],
                "error": errors.get(block.id),
                "correct": attempt.results.get(block.id) if attempt else None,
                "choices": [
                    {
                        "id": child.id,
                        "text": child.value["text"],
                        "correct": child.value["correct"],
                        "selected": child.id in chosen,
                    }
                    for child in ordered
                ],
            }
        )
    return questions


def _active_resource_ids(module: ModulePage) -> set[int]:
    ids = {
        block.value["resource"].pk
        for block in module.body
        if block.block_type == "resource" and block.value["resource"]
    }
    if not ids:
        return set()
    return set(
        ConsultationResource.objects.active_on(timezone.localdate())
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )


def _module_context(request, module: ModulePage, course: CoursePage, outline: CourseOutline, **extra):
    status = outline.status_for(module.pk)
    index = outline.modules.index(status) if status else 0
    context = module.get_context(request)
    context.update(
        {
            "course": course,
            "outline": outline,
            "status": status,
            "previous_status": outline.modules[index - 1] if index > 0 else None,
            "next_status": outline.modules[index + 1]
            if status and index + 1 < len(outline.modules)
            else None,
            "active_resource_ids": _active_resource_ids(module),
            "login_url": login_url_for(module.get_url(request) + "#quiz"),
            "signup_url": signup_url_for(module.get_url(request) + "#quiz"),
            "answer_url": module.get_url(request) + module.reverse_subpage("answer"),
        }
    )
    context.update(extra)
    return context


def _locked(request, module, course, outline, *, message=None):
    context = _module_context(request, module, course, outline, message=message or messages.MODULE_LOCKED)
    return _private(TemplateResponse(request, "courses/module_locked.html", context, status=403))


def module_detail(
    request, module: ModulePage, *, answers=None, errors=None, error_message=None, status_code=200, draw=None
):
    course = _course_of(module)
    if getattr(request, "is_preview", False):
        return _module_preview(request, module, course)
    outline = get_course_outline(course=course, user=request.user)
    status = outline.status_for(module.pk)
    if status is None:
        raise Http404
    if not request.user.is_authenticated and status.number > 1:
        flash.info(request, messages.LOGIN_TO_CONTINUE)
        return redirect(login_url_for(module.get_url(request)))
    if not status.unlocked:
        return _locked(request, module, course, outline)
    if request.user.is_authenticated and status.progress is None:
        record_module_view(
            user=request.user, module=module, course=course, enrolled=outline.enrolment is not None
        )
    if draw is None:  # a fresh form: a new draw of questions and choice order
        draw = draw_quiz(module=module)
    context = _module_context(
        request,
        module,
        course,
        outline,
        questions=_build_questions(module, draw=draw, answers=answers, errors=errors),
        error_message=error_message,
        quiz_token=issue_quiz_token(user=request.user, module=module, draw=draw)
        if request.user.is_authenticated
        else "",
    )
    return _private_or_cacheable(request, TemplateResponse(request, "courses/module_page.html", context, status=status_code))


def _module_preview(request, module: ModulePage, course: CoursePage):
    """What editors see in the admin preview: the content and the quiz with its correct answers marked."""
    outline = CourseOutline(course=course, enrolment=None)
    context = module.get_context(request)
    context.update(
        {
            "course": course,
            "outline": outline,
            "status": None,
            "active_resource_ids": _active_resource_ids(module),
            "questions": _build_questions(module),
            "is_editor_preview": True,
            "drawn_count": min(module.questions_per_attempt, len(module.quiz)),
        }
    )
    return TemplateResponse(request, "courses/module_page.html", context)


def _posted_answers(request) -> dict[str, list[str]]:
    return {
        key[len(ANSWER_PREFIX) :]: [value for value in request.POST.getlist(key) if value]
        for key in request.POST
        if key.startswith(ANSWER_PREFIX)
    }


def module_answer(request, module: ModulePage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        flash.info(request, messages.LOGIN_TO_ANSWER)
        return redirect(login_url_for(module.get_url(request) + "#quiz"))
    course = _course_of(module)
    answers = _posted_answers(request)
    try:
        if request.POST.get("module") != str(module.pk):
            raise QuizSubmissionError(messages.TAMPERED)
        attempt = record_quiz_attempt(
            user=request.user,
            module=module,
            answers=answers,
            token=request.POST.get("token", ""),
            course=course,
        )
    except QuizSubmissionError as error:
        if error.attempt is not None:  # a replay of a form already scored: show that result, change nothing
            flash.warning(request, error.message)
            return HttpResponseRedirect(_result_url(request, module, error.attempt))
        if error.message == messages.MODULE_LOCKED:
            outline = get_course_outline(course=course, user=request.user)
            return _locked(request, module, course, outline, message=error.message)
        return module_detail(  # the same questions again, in the same order, with the choices already made
            request,
            module,
            answers=answers,
            errors=error.question_errors,
            error_message=error.message,
            status_code=400,
            draw=quiz_draw_of(token=request.POST.get("token", ""), user=request.user, module=module),
        )
    return HttpResponseRedirect(_result_url(request, module, attempt))


def _result_url(request, module: ModulePage, attempt: QuizAttempt) -> str:
    return module.get_url(request) + module.reverse_subpage("result", kwargs={"attempt_id": attempt.pk})


def module_result(request, module: ModulePage, attempt_id: int):
    if not request.user.is_authenticated:
        return redirect(login_url_for(request.path))
    attempt = QuizAttempt.objects.filter(pk=attempt_id, user=request.user, module=module).first()
    if attempt is None:
        raise Http404
    course = _course_of(module)
    outline = get_course_outline(course=course, user=request.user)
    context = _module_context(
        request,
        module,
        course,
        outline,
        attempt=attempt,
        questions=_build_questions(module, attempt=attempt),
        right_count=sum(1 for correct in attempt.results.values() if correct),
        complete_url=(course.get_url(request) + course.reverse_subpage("complete"))
        if outline.is_completed
        else None,
    )
    return _private(TemplateResponse(request, "courses/module_result.html", context))
