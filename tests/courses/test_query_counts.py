"""The module page and the quiz submit cost a fixed number of SQL queries, whatever the size of the course.

The numbers include everything a request does (site and page routing, view restrictions, session, user, the
Wagtail user bar's permission check) and the two statements that open and close the submit's own transaction
(SAVEPOINT / RELEASE here, as these tests run inside a transaction; BEGIN / COMMIT in production, which Django also
counts: `make bench` shows the same figures on SQLite and PostgreSQL). A change that makes a count grow
with the number of modules or questions fails every size but one; raising a constant needs a reason."""

import re

import pytest

from courses.models import ModuleProgress
from tests.courses.factories import correct_answers, make_course, pass_module, wrong_answers

pytestmark = pytest.mark.django_db

SIZES = [(8, 3), (8, 30), (30, 3), (30, 30)]
MODULE_PAGE_FIRST_VIEW = 11  # + the progress row (INSERT … ON CONFLICT DO NOTHING)
MODULE_PAGE_FIRST_EVER = 12  # first module page a learner opens: + the enrolment row
MODULE_PAGE = 10
QUIZ_SUBMIT = 12
# + completing the enrolment (conditional UPDATE, then reading it back) and issuing the certificate in the same
# transaction (is there a valid one already? the holder's name from the profile; the INSERT in a savepoint so that a
# number collision or a concurrent issue can be handled), and recording the render and the issued e-mail in the
# outbox in the same transaction (so a broker outage cannot lose them; publish and delete run after commit): 14 + 5 + 2.
QUIZ_SUBMIT_COMPLETING = 21
BUDGET = 12


def _post_data(client, module, answers):
    html = client.get(module.url).content.decode()
    data = {
        "module": str(module.pk),
        "token": re.search(r'name="token" value="([^"]+)"', html).group(1),
    }
    data.update({f"q-{qid}": cids for qid, cids in answers.items()})
    return data


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def warm(client):
    """One request first, as on a running site: Wagtail's site root paths are then in the cache."""
    assert client.get("/course/").status_code == 200


@pytest.mark.parametrize(("n_modules", "n_questions"), SIZES)
def test_module_page_query_count_is_fixed(
    signed_in, learner, django_assert_num_queries, n_modules, n_questions
):
    course, modules = make_course(modules=n_modules, questions=n_questions)
    warm(signed_in)
    with django_assert_num_queries(MODULE_PAGE_FIRST_EVER):
        assert signed_in.get(modules[0].url).status_code == 200
    pass_module(learner, modules[0], course)
    target = modules[1]

    with django_assert_num_queries(MODULE_PAGE_FIRST_VIEW):
        assert signed_in.get(target.url).status_code == 200
    with django_assert_num_queries(MODULE_PAGE):
        assert signed_in.get(target.url).status_code == 200
    assert MODULE_PAGE_FIRST_EVER <= BUDGET


@pytest.mark.parametrize(("n_modules", "n_questions"), SIZES)
@pytest.mark.parametrize("passing", [True, False], ids=["pass", "fail"])
def test_quiz_submit_query_count_is_fixed(
    signed_in, learner, django_assert_num_queries, n_modules, n_questions, passing
):
    course, modules = make_course(modules=n_modules, questions=n_questions)
    pass_module(learner, modules[0], course)
    target = modules[1]
    data = _post_data(signed_in, target, correct_answers(target) if passing else wrong_answers(target))

    with django_assert_num_queries(QUIZ_SUBMIT):
        response = signed_in.post(target.url + "answer/", data)
    assert response.status_code == 302
    assert ModuleProgress.objects.get(user=learner, module=target).is_passed is passing
    assert QUIZ_SUBMIT <= BUDGET


@pytest.mark.parametrize(("n_modules", "n_questions"), SIZES)
def test_passing_an_already_passed_module_again_costs_the_same(
    signed_in, learner, django_assert_num_queries, n_modules, n_questions
):
    course, modules = make_course(modules=n_modules, questions=n_questions)
    pass_module(learner, modules[0], course)
    data = _post_data(signed_in, modules[0], correct_answers(modules[0]))

    with django_assert_num_queries(QUIZ_SUBMIT):
        assert signed_in.post(modules[0].url + "answer/", data).status_code == 302
    assert ModuleProgress.objects.get(user=learner, module=modules[0]).attempts_count == 2


@pytest.mark.parametrize(("n_modules", "n_questions"), [(8, 3), (30, 30)])
def test_course_completing_submit_query_count_is_fixed(
    signed_in, learner, django_assert_num_queries, n_modules, n_questions
):
    """The last module's submit also completes the course; it is the same for any size (the certificate issuing
    hooked into complete_course adds its own queries)."""
    course, modules = make_course(modules=n_modules, questions=n_questions)
    for module in modules[:-1]:
        pass_module(learner, module, course)
    target = modules[-1]
    data = _post_data(signed_in, target, correct_answers(target))

    with django_assert_num_queries(QUIZ_SUBMIT_COMPLETING):
        assert signed_in.post(target.url + "answer/", data).status_code == 302
    assert learner.enrolments.get(course=course).completed_at is not None
