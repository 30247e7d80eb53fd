"""Write the CMS state of the course back to the content files (`manage.py export_course`), so what editors changed
in the admin can be reviewed in git. Citations are carried over by id from the files as they were; blocks and
questions an editor added come out with `source: ""`, which the schema check reports until someone cites them."""

from __future__ import annotations

from pathlib import Path

from .content import CONTENT_DIR, _read, dump_yaml, export_page, page_files
from .models import CoursePage, ModulePage, ReferencePage
from .seeding import COURSE_SLUG


def export_course(*, output: Path | None = None) -> list[str]:
    output = Path(output or CONTENT_DIR)
    output.mkdir(parents=True, exist_ok=True)
    course = CoursePage.objects.filter(slug=COURSE_SLUG).order_by("path").first()
    if course is None:
        raise LookupError("講座のページがありません（先に seed_course を実行してください）。")
    previous = {}
    for path in page_files(CONTENT_DIR):
        data = _read(path)
        previous[data.get("slug")] = data
    course_file = CONTENT_DIR / "course.yaml"
    old_course = _read(course_file) if course_file.exists() else {}
    course_data = {
        "title": course.title,
        "estimated_minutes": course.estimated_minutes,
        "curriculum_version": course.curriculum_version,
        "intro": course.intro,
    }
    if course.completion_message:
        course_data["completion_message"] = course.completion_message
    course_data = {**{k: v for k, v in old_course.items() if k not in course_data}, **course_data}
    written = [output / "course.yaml"]
    (output / "course.yaml").write_text(dump_yaml(course_data), encoding="utf-8")

    children = course.get_children().live().specific().order_by("path")
    for number, page in enumerate(children, start=1):
        if isinstance(page, ModulePage):
            kind = "module"
        elif isinstance(page, ReferencePage):
            kind = "reference"
        else:
            continue
        data = export_page(page, previous.get(page.slug), number=number, kind=kind)
        path = output / f"{number:02d}-{page.slug}.yaml"
        path.write_text(dump_yaml(data), encoding="utf-8")
        written.append(path)
    for stale in page_files(output):
        if stale not in written:
            stale.unlink()
    return [f"{path.name} を書き出しました" for path in written]
