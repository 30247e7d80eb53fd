"""The content files are the single source of the course: their schema and citations are checked, seed_course loads
them, export_course writes the CMS state back in the same format, and the sources document is generated from them."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from courses.content import CONTENT_DIR, check_content, load_content, parse_citations
from courses.exporting import export_course
from courses.models import ModulePage
from courses.seeding import seed_course
from courses.sources_doc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "curriculum-sources-used.md"


def test_the_content_files_pass_the_schema_check():
    content = load_content(check=False)
    assert check_content(content) == []
    assert len(content.modules) == 8 and [p["slug"] for p in content.reference_pages] == ["references"]


def test_every_block_and_question_cites_existing_seed_lines():
    content = load_content()
    citations = 0
    for page in content.pages:
        for item in [*page["body"], *(page.get("questions") or [])]:
            found, problems = parse_citations(item["source"])
            assert found and not problems, (page["_file"], item)
            citations += len(found)
    assert citations > 100


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["body"][0].pop("source"), "出典（source）がありません"),
        (lambda m: m["body"][0].update(source="001:99999"), "行番号が資料の範囲"),
        (lambda m: m["body"][0].update(source="009:1"), "資料 009 がありません"),
        (lambda m: m["body"][0].update(source="p.12"), "形式が正しくありません"),
        (lambda m: m["questions"][0].update(source=""), "出典（source）がありません"),
        (lambda m: [c.update(correct=True) for c in m["questions"][0]["choices"]], "正解を1つにしてください"),
        (
            lambda m: [c.update(correct=False) for c in m["questions"][0]["choices"]],
            "正解の選択肢がありません",
        ),
        (lambda m: m["questions"][1].update(key=m["questions"][0]["key"]), "key が重複しています"),
        (lambda m: m.update(questions_per_attempt=99), "questions_per_attempt"),
        (
            lambda m: m["body"].append({"type": "video", "value": "x", "source": "001:477"}),
            "未知のブロック種別",
        ),
        (lambda m: m.update(colour="red"), "未知の項目"),
    ],
)
def test_the_schema_check_reports_a_broken_file(tmp_path, change, message):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    path = tmp_path / "content" / "01-introduction.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    problems = check_content(load_content(tmp_path / "content", check=False))

    assert any(message in p and p.startswith("01-introduction.yaml") for p in problems), problems


def test_a_statistic_whose_figure_is_not_in_the_cited_lines_is_reported(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    path = next((tmp_path / "content").glob("04-*.yaml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    statistic = next(b for b in data["body"] if b["type"] == "statistic")
    statistic["value"]["value"] = "4.8"  # a figure the cited lines do not have
    statistic["source"] = "001:477"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    problems = check_content(load_content(tmp_path / "content", check=False))

    assert any("数値「4.8」が出典の行にありません" in p for p in problems)


def test_the_sources_document_is_generated_from_the_citations_and_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render(load_content()), "run: manage.py course_sources"
    call_command("course_sources", "--check")


def test_the_sources_check_fails_when_the_document_is_stale(tmp_path, monkeypatch):
    from courses.management.commands import course_sources

    stale = tmp_path / "doc.md"
    stale.write_text("old", encoding="utf-8")
    monkeypatch.setattr(course_sources, "DOC", stale)
    with pytest.raises(CommandError, match="最新ではありません"):
        call_command("course_sources", "--check")
    call_command("course_sources")
    assert stale.read_text(encoding="utf-8") == render(load_content())


@pytest.mark.django_db
def test_export_of_the_seeded_course_reproduces_the_files(tmp_path):
    seed_course()

    export_course(output=tmp_path)

    for path in [CONTENT_DIR / "course.yaml", *sorted(CONTENT_DIR.glob("[0-9][0-9]-*.yaml"))]:
        original = yaml.safe_load(path.read_text(encoding="utf-8"))
        exported = yaml.safe_load((tmp_path / path.name).read_text(encoding="utf-8"))
        assert exported == original, path.name


@pytest.mark.django_db
def test_export_writes_an_editors_change_and_flags_an_uncited_new_question(tmp_path):
    seed_course()
    module = ModulePage.objects.get(slug="introduction")
    quiz = module.quiz.get_prep_value()
    quiz[0]["value"]["text"] = "編集者が書き直した問題文"
    added = dict(quiz[1], id="0b7f3c2e-1111-4222-8333-944455556666")
    added["value"] = dict(added["value"], text="編集者が足した問題")
    added["value"]["choices"] = [
        dict(c, id=f"0b7f3c2e-1111-4222-8333-94445555000{n}") for n, c in enumerate(added["value"]["choices"])
    ]
    module.quiz = [*quiz, added]
    module.save_revision().publish()

    export_course(output=tmp_path)

    data = yaml.safe_load((tmp_path / "01-introduction.yaml").read_text(encoding="utf-8"))
    original = yaml.safe_load((CONTENT_DIR / "01-introduction.yaml").read_text(encoding="utf-8"))
    assert data["questions"][0]["text"] == "編集者が書き直した問題文"
    assert data["questions"][0]["source"] == original["questions"][0]["source"]  # citation kept by id
    new = data["questions"][-1]
    assert new["id"] == "0b7f3c2e-1111-4222-8333-944455556666" and new["source"] == ""
    problems = check_content(load_content(tmp_path, check=False))
    assert any("出典（source）がありません" in p for p in problems)

    # Loading the exported files gives the editor's ids back (the new question keeps its CMS id).
    from courses.content import build_quiz

    rebuilt = build_quiz(load_content(tmp_path, check=False).modules[0])
    assert [q["id"] for q in rebuilt] == [q.id for q in ModulePage.objects.get(pk=module.pk).quiz]


@pytest.mark.django_db
def test_seed_course_refuses_broken_content_and_creates_nothing(tmp_path, monkeypatch):
    from courses import content

    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    path = tmp_path / "content" / "01-introduction.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"][0]["source"] = ""
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(content, "CONTENT_DIR", tmp_path / "content")

    with pytest.raises(CommandError, match="出典"):
        call_command("seed_course")
    assert ModulePage.objects.count() == 0
