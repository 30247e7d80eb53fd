import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from wagtail.blocks import StreamBlockValidationError
from wagtail.test.utils import WagtailPageTestCase

from courses.blocks import ImageBlock, QuestionBlock, QuizBlock
from courses.models import CoursePage, ModulePage, ReferencePage
from home.models import HomePage
from lms.accounts.enums import EDITOR_GROUP
from tests.accounts.factories import UserFactory
from tests.conftest import give_totp
from tests.courses.factories import quiz_data

pytestmark = pytest.mark.django_db


class TestPageTree(WagtailPageTestCase):
    def test_course_pages_live_under_the_home_page_only(self):
        self.assertAllowedParentPageTypes(CoursePage, {HomePage})

    def test_module_pages_live_under_a_course_only(self):
        self.assertAllowedParentPageTypes(ModulePage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage, ReferencePage})
        self.assertAllowedSubpageTypes(ModulePage, set())
        self.assertAllowedParentPageTypes(ReferencePage, {CoursePage})
        self.assertAllowedSubpageTypes(ReferencePage, set())


def question(correct=(0,), multiple=False):
    block = QuestionBlock()
    return block.to_python(
        {
            "text": "問題",
            "multiple": multiple,
            "choices": [{"text": f"選択肢{i}", "correct": i in correct} for i in range(3)],
            "explanation": "解説",
        }
    )


def test_a_question_needs_a_correct_choice():
    with pytest.raises(ValidationError):
        QuestionBlock().clean(question(correct=()))


def test_several_correct_choices_need_the_multiple_flag():
    with pytest.raises(ValidationError):
        QuestionBlock().clean(question(correct=(0, 1)))
    assert QuestionBlock().clean(question(correct=(0, 1), multiple=True))


def test_a_quiz_needs_at_least_one_question():
    field = ModulePage._meta.get_field("quiz")
    with pytest.raises(StreamBlockValidationError):
        field.stream_block.clean(QuizBlock().to_python([]))


def test_images_need_alternative_text():
    assert ImageBlock().child_blocks["alt"].required


def test_editor_can_open_a_module_in_the_admin_editor(client, modules):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=EDITOR_GROUP))
    give_totp(editor)
    client.force_login(editor)

    response = client.get(f"/admin/pages/{modules[0].pk}/edit/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "確認問題" in html and "合格点" in html


def test_editor_preview_shows_the_correct_answers(modules):
    module = modules[0]
    module.quiz = quiz_data(prefix="p", questions=2)

    response = module.make_preview_request()

    html = response.content.decode()
    assert response.status_code == 200
    assert "編集者用プレビュー" in html
    assert html.count("（正解）") == 2 and "問題1の解説です。" in html
    assert 'name="token"' not in html


def test_a_module_cannot_take_the_completion_pages_slug(course):
    module = ModulePage(
        title="x", slug="complete", summary="x", body=[], quiz=quiz_data(prefix="x", questions=1)
    )

    with pytest.raises(ValidationError) as error:
        course.add_child(instance=module)

    assert "slug" in error.value.message_dict


def test_a_view_restriction_on_the_course_also_protects_its_modules(client, course, modules):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(modules[0].url)

    # Wagtail's own restriction check answers (its login URL is the project's setting, not ours to choose here).
    assert response.status_code == 302 and "login/?next=/course/module-1/" in response["Location"]


def test_a_view_restriction_on_a_module_protects_it(client, course, modules):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=modules[0], restriction_type=PageViewRestriction.PASSWORD, password="x"
    )

    response = client.get(modules[0].url)

    assert response.status_code == 200 and "第1章の本文です。" not in response.content.decode()
