import pytest

from tests.courses.factories import make_course


@pytest.fixture
def course_and_modules(db):
    return make_course(modules=3, questions=3)


@pytest.fixture
def course(course_and_modules):
    return course_and_modules[0]


@pytest.fixture
def modules(course_and_modules):
    return course_and_modules[1]
