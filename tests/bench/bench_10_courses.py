"""The course: median server time and SQL queries of the module page and of a quiz submit (issue 3), on the
seeded eight-module course, for a signed-in learner part-way through."""

import re

from courses.models import ModulePage
from courses.seeding import seed_course
from courses.services import issue_quiz_token
from lms.regions.models import Municipality
from tests.accounts.factories import UserFactory
from tests.courses.factories import correct_answers, pass_module, wrong_answers


def _form(module, answers, token):
    data = {"module": str(module.pk), "token": token}
    data.update({f"q-{qid}": cids for qid, cids in answers.items()})
    return data


def run(ctx) -> dict:
    seed_course()
    learner = UserFactory(profile__municipality=Municipality.objects.get(code="312011"))
    first, second = ModulePage.objects.live().order_by("path")[:2]
    pass_module(learner, first)
    client = ctx.client(learner)
    assert re.search(r'name="token"', client.get(second.url).content.decode())

    figures = {}
    figures.update(ctx.measure(ctx.client(), "GET", "/course/").as_dict("course_landing_page"))
    figures.update(ctx.measure(client, "GET", second.url).as_dict("course_module_page"))

    failing = _form(second, wrong_answers(second), "")
    figures.update(
        ctx.measure(
            client,
            "POST",
            second.url + "answer/",
            failing,
            expect=302,
            before=lambda: failing.update(token=issue_quiz_token(user=learner, module=second)),
        ).as_dict("course_quiz_submit")
    )
    passing = _form(first, correct_answers(first), "")
    figures.update(
        ctx.measure(
            client,
            "POST",
            first.url + "answer/",
            passing,
            expect=302,
            before=lambda: passing.update(token=issue_quiz_token(user=learner, module=first)),
        ).as_dict("course_quiz_submit_passed_again")
    )
    figures.update(ctx.measure(client, "GET", "/mypage/").as_dict("mypage_with_course_panel"))
    return figures
