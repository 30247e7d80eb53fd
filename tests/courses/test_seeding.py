import re

import pytest
from django.core.management import call_command

from courses.content import load_content
from courses.models import CoursePage, ModulePage
from courses.seeding import seed_course
from home.models import ConsultationResource

pytestmark = pytest.mark.django_db

TITLES = [
    "はじめに",
    "孤独・孤立の何が問題か",
    "つながりを考えてみよう",
    "調査結果からわかること",
    "困ったときどうする？",
    "相談窓口を知ろう",
    "地域の活動を知ろう",
    "最後に",
]


def plain_text(module: ModulePage) -> str:
    parts = []
    for block in module.body:
        value = block.value
        if block.block_type == "text":
            parts.append(re.sub(r"<[^>]+>", "", value.source))
        elif block.block_type == "heading":
            parts.append(value)
        elif block.block_type == "key_points":
            parts.extend(value["points"])
        elif block.block_type == "reflection":
            parts.append(value["prompt"])
    return "".join(parts)


def test_seed_course_creates_the_eight_modules_with_exact_titles_in_order():
    call_command("seed_course")

    course = CoursePage.objects.get(slug="course")
    modules = list(ModulePage.objects.child_of(course).live().order_by("path"))
    assert [m.title for m in modules] == TITLES
    assert course.live and course.url == "/course/"
    assert course.get_parent().specific_class.__name__ == "HomePage"


def test_every_seeded_module_has_substantive_content_and_a_pool_of_questions():
    seed_course()

    for module in ModulePage.objects.order_by("path"):
        text = plain_text(module)
        assert len(text) > 800, module.title
        questions = list(module.quiz)
        assert len(questions) >= module.questions_per_attempt == 5, module.title
        for question in questions:
            choices = question.value["choices"].bound_blocks
            correct = [c for c in choices if c.value["correct"]]
            assert len(choices) >= 3 and correct, question.value["text"]
            assert question.value["multiple"] or len(correct) == 1
            assert len(question.value["explanation"]) > 20
            assert len({c.id for c in choices}) == len(choices)
        assert module.pass_mark == 80 and module.summary


def test_seeded_statistics_carry_their_year_and_source():
    seed_course()

    statistics = [b.value for m in ModulePage.objects.all() for b in m.body if b.block_type == "statistic"]
    assert len(statistics) >= 10
    assert all(s["year"] and s["source"] and s["value"] for s in statistics)
    values = {(s["value"], s["unit"]) for s in statistics}
    assert ("4.3", "%") in values and ("9.3", "%") in values and ("44.3", "%") in values


def test_module_six_cards_point_at_the_four_consultation_snippets():
    seed_course()

    module = ModulePage.objects.get(slug="consultation-windows")
    cards = [b.value["resource"] for b in module.body if b.block_type == "resource"]
    assert {c.key for c in cards} == {
        "kodoku-koritsu-dial-9999",
        "anata-wa-hitori-janai",
        "anata-no-ibasho",
        "childline-chat",
    }
    assert ConsultationResource.objects.count() == 4


def test_seed_course_twice_creates_nothing_more():
    seed_course()
    counts = (CoursePage.objects.count(), ModulePage.objects.count(), ConsultationResource.objects.count())
    quiz_ids = {m.pk: [q.id for q in m.quiz] for m in ModulePage.objects.all()}

    lines = seed_course()

    assert (
        CoursePage.objects.count(),
        ModulePage.objects.count(),
        ConsultationResource.objects.count(),
    ) == counts
    assert {m.pk: [q.id for q in m.quiz] for m in ModulePage.objects.all()} == quiz_ids
    assert "章: 0 件を作成（合計 8 件）" in lines
    assert "参考資料: 0 件を作成（合計 1 件）" in lines


def test_seed_course_never_overwrites_an_editors_changes():
    seed_course()
    module = ModulePage.objects.get(slug="introduction")
    module.title = "はじめに（改訂版）"
    module.pass_mark = 60
    module.save_revision().publish()
    course = CoursePage.objects.get(slug="course")
    course.intro = "<p>編集者が書き直した紹介文</p>"
    course.save_revision().publish()

    seed_course()

    module.refresh_from_db()
    course.refresh_from_db()
    assert module.title == "はじめに（改訂版）" and module.pass_mark == 60
    assert course.intro == "<p>編集者が書き直した紹介文</p>"
    assert module.revisions.count() == 2  # the seed did not save it again


def test_a_missing_module_is_recreated_in_its_place():
    seed_course()
    ModulePage.objects.get(slug="survey-results").delete()

    seed_course()

    course = CoursePage.objects.get(slug="course")
    assert [m.title for m in ModulePage.objects.child_of(course).order_by("path")] == TITLES
    assert [p.title for p in course.get_children().order_by("path")] == [*TITLES, "参考資料"]


def test_the_seeded_quiz_can_be_passed_with_the_seeds_answers(learner):
    from tests.courses.factories import correct_answers, pass_module

    seed_course()
    first = ModulePage.objects.get(slug="introduction")

    attempt = pass_module(learner, first)

    assert attempt.passed and attempt.score == 100
    assert len(correct_answers(first)) == len(load_content().modules[0]["questions"])
    assert len(attempt.answers) == len(attempt.presented) == first.questions_per_attempt


def test_seeded_course_pages_render(client):
    seed_course()

    assert client.get("/course/").status_code == 200
    response = client.get("/course/consultation-windows/")
    assert response.status_code == 302  # module 6 needs an account
    html = client.get("/course/introduction/").content.decode()
    assert "「つながりサポーター」とは？" in html
