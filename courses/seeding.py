"""Create the course and its eight modules from `courses/seed_content.py` (itself drawn from the seeds).

Idempotent, and never overwrites an editor: the course page and each module (matched by slug) are created only
when missing, and existing pages are never saved again. Quiz questions and choices get ids derived from the module
slug and their position (uuid5), so the same seed always yields the same ids."""

from __future__ import annotations

import uuid

from django.db import transaction
from wagtail.models import Site

from home.models import ConsultationResource, HomePage
from home.services import load_consultation_resources

from .models import CoursePage, ModulePage
from .seed_content import COURSE, MODULES

COURSE_SLUG = "course"
ID_NAMESPACE = uuid.UUID(
    "6f1d3c52-6a3e-4a55-9d1b-0c5a7e6b2f10"
)  # fixed: changing it would change every quiz id


class SeedError(Exception):
    pass


def _stable_id(*parts) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(p) for p in parts)))


def _list_items(values, *, key: str) -> list[dict]:
    return [
        {"type": "item", "value": value, "id": _stable_id(key, index)} for index, value in enumerate(values)
    ]


def build_body(module: dict, resources: dict[str, int]) -> list[dict]:
    """The module body as StreamField data; resource blocks point at the ConsultationResource snippet of that name."""
    body = []
    for index, block in enumerate(module["body"]):
        kind, value = block["type"], block["value"]
        block_id = _stable_id(module["slug"], "body", index)
        if kind == "key_points":
            value = {
                "title": value["title"],
                "points": _list_items(value["points"], key=f"{block_id}/points"),
            }
        elif kind == "statistic":
            value = {k: value.get(k, "") for k in ("label", "value", "unit", "year", "source", "note")}
        elif kind == "resource":
            name = value["name"]
            if name not in resources:
                raise SeedError(
                    f"相談窓口「{name}」がスニペットにありません（home.seed_resources を確認してください）。"
                )
            value = {"resource": resources[name], "note": ""}
        elif kind not in ("heading", "text", "reflection"):
            raise SeedError(f"未知のブロック種別です: {kind}")
        body.append({"type": kind, "value": value, "id": block_id})
    return body


def build_quiz(module: dict) -> list[dict]:
    quiz = []
    for q_index, question in enumerate(module["quiz"]["questions"]):
        question_id = _stable_id(module["slug"], "question", q_index)
        choices = [
            {
                "type": "item",
                "value": {"text": c["text"], "correct": bool(c["correct"])},
                "id": _stable_id(question_id, c_index),
            }
            for c_index, c in enumerate(question["choices"])
        ]
        quiz.append(
            {
                "type": "question",
                "id": question_id,
                "value": {
                    "text": question["text"],
                    "multiple": bool(question.get("multiple")),
                    "choices": choices,
                    "explanation": question["explanation"],
                },
            }
        )
    return quiz


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


@transaction.atomic
def seed_course() -> list[str]:
    lines = load_consultation_resources()
    resources = {r.name: r.pk for r in ConsultationResource.objects.all()}
    home = _home_page()

    course = CoursePage.objects.child_of(home).filter(slug=COURSE_SLUG).first()
    if course is None:
        course = CoursePage(
            title=COURSE["title"],
            slug=COURSE_SLUG,
            intro=COURSE["intro"],
            estimated_minutes=COURSE["estimated_minutes"],
            curriculum_version=COURSE.get("curriculum_version", ""),
            live=False,
        )
        home.add_child(instance=course)
        _publish(course)
        lines.append(f"講座「{course.title}」を作成しました（/{COURSE_SLUG}/）")
    else:
        lines.append(f"講座「{course.title}」はすでにあります（変更しません）")

    existing = {m.slug: m for m in ModulePage.objects.child_of(course)}
    created = 0
    for data in MODULES:
        if data["slug"] in existing:
            continue
        module = ModulePage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            estimated_minutes=data["estimated_minutes"],
            body=build_body(data, resources),
            quiz=build_quiz(data),
            pass_mark=data["quiz"]["pass_mark"],
            live=False,
        )
        later = [
            existing[m["slug"]] for m in MODULES if m["number"] > data["number"] and m["slug"] in existing
        ]
        if later:  # keep the seeds' order when an earlier module is the one missing
            ModulePage.objects.get(pk=later[0].pk).add_sibling(pos="left", instance=module)
        else:
            CoursePage.objects.get(pk=course.pk).add_child(
                instance=module
            )  # fresh: numchild/paths may have moved
        _publish(module)
        existing[data["slug"]] = module
        created += 1
    lines.append(f"章: {created} 件を作成（合計 {ModulePage.objects.child_of(course).count()} 件）")
    return lines
