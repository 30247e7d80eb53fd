"""Create the course, its eight modules and the references page from the content files (`courses/content/*.yaml`,
see `courses/content.py`), which are drawn from the seeds and cite them.

Idempotent, and never overwrites an editor: the course page and each page (matched by slug) are created only when
missing, and existing pages are never saved again. Ids are derived from the files (see `courses.content`), so the
same files always yield the same question and choice ids."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Site

from home.models import ConsultationResource, HomePage
from home.services import load_consultation_resources

from .content import ContentError, UnknownResource, build_body, build_quiz, load_content
from .models import CoursePage, ModulePage, ReferencePage

COURSE_SLUG = "course"


class SeedError(Exception):
    pass


def _home_page() -> HomePage:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    home = HomePage.objects.first()
    if home is None:
        raise SeedError("ホームページがありません。先に `manage.py migrate` を実行してください。")
    return home


def _publish(page) -> None:
    page.save_revision(log_action=False).publish(log_action=False)


def _new_page(data: dict, resources: dict[str, int]):
    try:
        body = build_body(data, resources)
    except UnknownResource as error:
        raise SeedError(
            f"相談窓口「{error}」がスニペットにありません（home.seed_resources を確認してください）。"
        ) from error
    if data.get("kind") == "reference":
        return ReferencePage(title=data["title"], slug=data["slug"], summary=data["summary"], body=body, live=False)
    return ModulePage(
        title=data["title"],
        slug=data["slug"],
        summary=data["summary"],
        estimated_minutes=data["estimated_minutes"],
        body=body,
        quiz=build_quiz(data),
        pass_mark=data["pass_mark"],
        questions_per_attempt=data["questions_per_attempt"],
        live=False,
    )


@transaction.atomic
def seed_course() -> list[str]:
    try:
        content = load_content()
    except ContentError as error:
        raise SeedError("講座の内容ファイルに問題があります:\n" + "\n".join(error.problems)) from error
    lines = load_consultation_resources()
    resources = {r.key: r.pk for r in ConsultationResource.objects.all()}
    home = _home_page()
    data = content.course

    course = CoursePage.objects.child_of(home).filter(slug=COURSE_SLUG).first()
    if course is None:
        course = CoursePage(
            title=data["title"],
            slug=COURSE_SLUG,
            intro=data["intro"],
            estimated_minutes=data["estimated_minutes"],
            completion_message=data.get("completion_message", ""),
            curriculum_version=str(data.get("curriculum_version", "")),
            live=False,
        )
        home.add_child(instance=course)
        _publish(course)
        lines.append(f"講座「{course.title}」を作成しました（/{COURSE_SLUG}/）")
    else:
        lines.append(f"講座「{course.title}」はすでにあります（変更しません）")

    existing = {p.slug: p for p in course.get_children()}
    created = {"module": 0, "reference": 0}
    for data in content.pages:
        if data["slug"] in existing:
            continue
        page = _new_page(data, resources)
        later = [
            existing[p["slug"]] for p in content.pages if p["number"] > data["number"] and p["slug"] in existing
        ]
        if later:  # keep the files' order when an earlier page is the one missing
            later[0].__class__.objects.get(pk=later[0].pk).add_sibling(pos="left", instance=page)
        else:
            CoursePage.objects.get(pk=course.pk).add_child(instance=page)  # fresh: numchild/paths may have moved
        _publish(page)
        existing[data["slug"]] = page
        created[data.get("kind", "module")] += 1
    lines.append(f"章: {created['module']} 件を作成（合計 {ModulePage.objects.child_of(course).count()} 件）")
    lines.append(
        f"参考資料: {created['reference']} 件を作成（合計 {ReferencePage.objects.child_of(course).count()} 件）"
    )
    return lines
