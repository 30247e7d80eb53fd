"""The course panel on マイページ: progress bar and a link to resume where the learner left off."""

from __future__ import annotations

from .selectors import get_course_outline, get_primary_course


def course_progress_panel(request):
    course = get_primary_course()
    if course is None or not request.user.is_authenticated:
        return None
    outline = get_course_outline(course=course, user=request.user)
    course_url = course.get_url(request)
    if outline.is_completed:
        resume_url = course_url + course.reverse_subpage("complete")
    elif outline.next_module is not None:
        resume_url = outline.next_module.module.get_url(request)
    else:
        resume_url = course_url
    return (
        "courses/mypage_panel.html",
        {"outline": outline, "next": outline.next_module, "resume_url": resume_url, "course_url": course_url},
    )
