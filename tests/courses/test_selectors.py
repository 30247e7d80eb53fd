import pytest
from django.contrib.auth.models import AnonymousUser

from courses.enums import Channel
from courses.selectors import get_course_outline
from courses.services import complete_course, record_module_view
from tests.courses.factories import make_course, pass_module

pytestmark = pytest.mark.django_db


def test_only_the_first_module_is_open_at_the_start(learner, course, modules):
    outline = get_course_outline(course=course, user=learner)

    assert [s.unlocked for s in outline.modules] == [True, False, False]
    assert outline.next_module.module.pk == modules[0].pk
    assert outline.percent == 0 and not outline.is_started


def test_modules_unlock_in_order_as_they_are_passed(learner, course, modules):
    pass_module(learner, modules[0])

    outline = get_course_outline(course=course, user=learner)

    assert [s.unlocked for s in outline.modules] == [True, True, False]
    assert [s.passed for s in outline.modules] == [True, False, False]
    assert outline.next_module.number == 2
    assert outline.passed_count == 1 and outline.percent == 33 and outline.is_started


def test_a_viewed_module_is_started_but_does_not_unlock_the_next(learner, course, modules):
    record_module_view(user=learner, module=modules[0], course=course)

    outline = get_course_outline(course=course, user=learner)

    assert outline.modules[0].started and not outline.modules[0].passed
    assert not outline.modules[1].unlocked


def test_completing_the_course_at_a_workshop_opens_every_module(learner, course, modules):
    complete_course(user=learner, course=course, channel=Channel.WORKSHOP, workshop=course)

    outline = get_course_outline(course=course, user=learner)

    assert all(s.unlocked for s in outline.modules)
    assert outline.is_completed and outline.percent == 100 and outline.next_module.number == 1


def test_anonymous_visitors_see_the_first_module_open(course, modules):
    outline = get_course_outline(course=course, user=AnonymousUser())

    assert [s.unlocked for s in outline.modules] == [True, False, False]
    assert outline.enrolment is None


def test_unpublished_modules_are_left_out_of_the_order(learner, course, modules):
    modules[1].unpublish()
    pass_module(learner, modules[0])

    outline = get_course_outline(course=course, user=learner)

    assert [s.module.pk for s in outline.modules] == [modules[0].pk, modules[2].pk]
    assert outline.modules[1].unlocked and outline.modules[1].number == 2


def test_another_learners_progress_is_not_mine(learner, course, modules):
    from tests.accounts.factories import UserFactory

    pass_module(UserFactory(), modules[0])

    outline = get_course_outline(course=course, user=learner)

    assert not any(s.passed or s.started for s in outline.modules)
    assert outline.enrolment is None


@pytest.mark.parametrize("size", [8, 30])
def test_the_outline_is_one_query_whatever_the_course_size(learner, django_assert_num_queries, size):
    course, modules = make_course(modules=size, questions=3)
    pass_module(learner, modules[0])

    with django_assert_num_queries(1):
        outline = get_course_outline(course=course, user=learner)
        assert outline.total == size and outline.passed_count == 1 and outline.enrolment is not None
