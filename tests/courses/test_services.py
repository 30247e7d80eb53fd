import pytest

from courses.enums import Channel
from courses.models import Enrolment
from courses.services import complete_course
from tests.courses.factories import make_course

pytestmark = pytest.mark.django_db


def test_complete_course_creates_a_completed_enrolment(learner):
    course, _modules = make_course(modules=2)

    enrolment = complete_course(user=learner, course=course, channel=Channel.ONLINE)

    assert enrolment.completed_at is not None
    assert enrolment.channel == Channel.ONLINE
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1


def test_complete_course_twice_keeps_the_first_completion(learner):
    course, _modules = make_course(modules=2)
    first = complete_course(user=learner, course=course, channel=Channel.ONLINE)

    again = complete_course(user=learner, course=course, channel=Channel.WORKSHOP, workshop=course)

    assert again.pk == first.pk
    assert again.completed_at == first.completed_at
    assert again.channel == Channel.ONLINE and again.workshop is None


def test_complete_course_through_a_workshop_records_the_workshop(learner):
    course, _modules = make_course(modules=2)
    workshop_page = course  # any page stands in for a workshop page here

    enrolment = complete_course(user=learner, course=course, channel=Channel.WORKSHOP, workshop=workshop_page)

    enrolment.refresh_from_db()
    assert enrolment.channel == Channel.WORKSHOP
    assert enrolment.workshop_id == workshop_page.pk


def test_complete_course_refuses_a_workshop_with_the_online_channel(learner):
    course, _modules = make_course(modules=2)

    with pytest.raises(ValueError):
        complete_course(user=learner, course=course, channel=Channel.ONLINE, workshop=course)
    assert not Enrolment.objects.exists()
