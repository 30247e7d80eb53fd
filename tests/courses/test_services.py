import pytest
from django.core import signing

from courses import messages
from courses.enums import Channel
from courses.models import Enrolment, ModuleProgress, QuizAttempt
from courses.services import (
    QUIZ_TOKEN_SALT,
    QuizSubmissionError,
    complete_course,
    issue_quiz_token,
    record_module_view,
    record_quiz_attempt,
    score_quiz,
)
from tests.accounts.factories import UserFactory
from tests.courses.factories import correct_answers, make_course, pass_module, quiz_data, wrong_answers

pytestmark = pytest.mark.django_db


def submit(user, module, answers, **kwargs):
    token = kwargs.pop("token", None) or issue_quiz_token(user=user, module=module)
    return record_quiz_attempt(user=user, module=module, answers=answers, token=token, **kwargs)


def nothing_recorded(user, module):
    return (
        not QuizAttempt.objects.filter(user=user, module=module).exists()
        and not ModuleProgress.objects.filter(user=user, module=module, attempts_count__gt=0).exists()
    )


# --- complete_course -------------------------------------------------------------------------------------------------


def test_complete_course_creates_a_completed_enrolment(learner, course):
    enrolment = complete_course(user=learner, course=course, channel=Channel.ONLINE)

    assert enrolment.completed_at is not None
    assert enrolment.channel == Channel.ONLINE
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1


def test_complete_course_completes_an_existing_enrolment(learner, course, modules):
    record_module_view(user=learner, module=modules[0], course=course)

    enrolment = complete_course(user=learner, course=course, channel="workshop", workshop=course)

    assert enrolment.completed_at is not None and enrolment.channel == Channel.WORKSHOP
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1


def test_complete_course_twice_keeps_the_first_completion(learner, course):
    first = complete_course(user=learner, course=course, channel=Channel.ONLINE)

    again = complete_course(user=learner, course=course, channel=Channel.WORKSHOP, workshop=course)

    assert again.pk == first.pk
    assert again.completed_at == first.completed_at
    assert again.channel == Channel.ONLINE and again.workshop is None


def test_complete_course_through_a_workshop_records_the_workshop(learner, course):
    workshop_page = course  # any page stands in for a workshop page here

    enrolment = complete_course(user=learner, course=course, channel=Channel.WORKSHOP, workshop=workshop_page)

    enrolment.refresh_from_db()
    assert enrolment.channel == Channel.WORKSHOP
    assert enrolment.workshop_id == workshop_page.pk


def test_complete_course_refuses_a_workshop_with_the_online_channel(learner, course):
    with pytest.raises(ValueError):
        complete_course(user=learner, course=course, channel=Channel.ONLINE, workshop=course)
    assert not Enrolment.objects.exists()


def test_complete_course_refuses_an_unknown_channel(learner, course):
    with pytest.raises(ValueError):
        complete_course(user=learner, course=course, channel="carrier-pigeon")
    assert not Enrolment.objects.exists()


# --- viewing -----------------------------------------------------------------------------------------------------------


def test_first_view_starts_enrolment_and_progress_and_later_views_change_nothing(learner, course, modules):
    record_module_view(user=learner, module=modules[0], course=course)
    progress = ModuleProgress.objects.get(user=learner, module=modules[0])
    enrolment = Enrolment.objects.get(user=learner, course=course)

    record_module_view(user=learner, module=modules[0], course=course)

    assert (
        ModuleProgress.objects.get(user=learner, module=modules[0]).first_viewed_at
        == progress.first_viewed_at
    )
    assert Enrolment.objects.get(user=learner, course=course).started_at == enrolment.started_at
    assert enrolment.channel == Channel.ONLINE and enrolment.completed_at is None
    assert progress.passed_at is None and progress.attempts_count == 0


# --- scoring -----------------------------------------------------------------------------------------------------------


def test_score_counts_a_question_right_only_when_the_chosen_set_equals_the_correct_set(course):
    module = make_course(modules=1, questions=0, slug="multi")[1][0]
    module.quiz = quiz_data(prefix="m", questions=2, choices=3, multiple_at=(0,))
    module.save()
    # question 0 is multiple (choices 0 and 1 correct); question 1 single (choice 0 correct)
    half = {"q-m-0": ["c-m-0-0"], "q-m-1": ["c-m-1-0"]}
    full = {"q-m-0": ["c-m-0-0", "c-m-0-1"], "q-m-1": ["c-m-1-0"]}
    too_many = {"q-m-0": ["c-m-0-0", "c-m-0-1", "c-m-0-2"], "q-m-1": ["c-m-1-0"]}

    assert [r.correct for r in score_quiz(module=module, answers=half).results] == [False, True]
    assert score_quiz(module=module, answers=full).score == 100
    assert [r.correct for r in score_quiz(module=module, answers=too_many).results] == [False, True]


@pytest.mark.parametrize(("right", "passed"), [(4, True), (3, False)])
def test_pass_mark_is_inclusive(right, passed):
    module = make_course(modules=1, questions=5, pass_mark=80)[1][0]
    answers = correct_answers(module)
    wrong = wrong_answers(module)
    for question_id in list(answers)[right:]:
        answers[question_id] = wrong[question_id]

    result = score_quiz(module=module, answers=answers)

    assert result.passed is passed
    assert result.score == right * 20


# --- recording attempts ------------------------------------------------------------------------------------------------


def test_passing_attempt_passes_the_module_and_records_the_attempt(learner, course, modules):
    attempt = submit(learner, modules[0], correct_answers(modules[0]))

    progress = ModuleProgress.objects.get(user=learner, module=modules[0])
    assert attempt.passed and attempt.score == 100
    assert progress.passed_at == attempt.submitted_at
    assert progress.attempts_count == 1 and progress.best_score == 100
    assert all(attempt.results.values())
    assert Enrolment.objects.get(user=learner, course=course).completed_at is None


def test_failing_attempt_counts_but_does_not_pass(learner, course, modules):
    attempt = submit(learner, modules[0], wrong_answers(modules[0]))

    progress = ModuleProgress.objects.get(user=learner, module=modules[0])
    assert not attempt.passed and attempt.score == 0
    assert progress.passed_at is None and progress.attempts_count == 1 and progress.best_score == 0


def test_a_passed_module_stays_passed_after_a_worse_attempt(learner, course, modules):
    first = submit(learner, modules[0], correct_answers(modules[0]))

    submit(learner, modules[0], wrong_answers(modules[0]))

    progress = ModuleProgress.objects.get(user=learner, module=modules[0])
    assert progress.passed_at == first.submitted_at
    assert progress.best_score == 100 and progress.attempts_count == 2


def test_passing_every_module_completes_the_course_online(learner, course, modules):
    for module in modules:
        pass_module(learner, module, course)

    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.completed_at is not None
    assert enrolment.channel == Channel.ONLINE


def test_passing_some_modules_does_not_complete_the_course(learner, course, modules):
    pass_module(learner, modules[0])
    pass_module(learner, modules[1])

    assert Enrolment.objects.get(user=learner, course=course).completed_at is None


def test_an_editor_changing_the_quiz_never_unpasses_anyone(learner, course, modules):
    pass_module(learner, modules[0])
    edited = modules[0].specific_class.objects.get(pk=modules[0].pk)
    edited.quiz = quiz_data(prefix="edited", questions=4)  # every question and choice replaced
    edited.pass_mark = 100
    edited.save_revision().publish()

    progress = ModuleProgress.objects.get(user=learner, module=modules[0])
    assert progress.is_passed
    submit(learner, modules[1], correct_answers(modules[1]))  # the next module is still open
    assert ModuleProgress.objects.get(user=learner, module=modules[1]).is_passed


# --- bad input: refused with a message, nothing changed ----------------------------------------------------------------


def test_unknown_choice_id_is_refused(learner, course, modules):
    answers = correct_answers(modules[0])
    first = next(iter(answers))
    answers[first] = ["not-a-choice"]

    with pytest.raises(QuizSubmissionError) as error:
        submit(learner, modules[0], answers)

    assert error.value.message == messages.UNKNOWN_CHOICE
    assert nothing_recorded(learner, modules[0])


def test_a_choice_of_another_question_is_refused(learner, course, modules):
    answers = correct_answers(modules[0])
    first, second = list(answers)[:2]
    answers[first] = answers[second]

    with pytest.raises(QuizSubmissionError) as error:
        submit(learner, modules[0], answers)

    assert error.value.message == messages.UNKNOWN_CHOICE
    assert nothing_recorded(learner, modules[0])


def test_missing_answers_are_refused_with_the_questions_named(learner, course, modules):
    answers = correct_answers(modules[0])
    missing = list(answers)[1]
    del answers[missing]

    with pytest.raises(QuizSubmissionError) as error:
        submit(learner, modules[0], answers)

    assert error.value.message == messages.ANSWERS_MISSING
    assert error.value.question_errors == {missing: messages.ANSWER_MISSING_FIELD}
    assert nothing_recorded(learner, modules[0])


def test_an_empty_submission_is_refused(learner, course, modules):
    with pytest.raises(QuizSubmissionError) as error:
        submit(learner, modules[0], {})

    assert error.value.message == messages.ANSWERS_MISSING
    assert len(error.value.question_errors) == 3
    assert nothing_recorded(learner, modules[0])


def test_several_choices_for_a_single_answer_question_are_refused(learner, course, modules):
    answers = correct_answers(modules[0])
    first = next(iter(answers))
    answers[first] = [c.id for c in modules[0].quiz[0].value["choices"].bound_blocks][:2]

    with pytest.raises(QuizSubmissionError) as error:
        submit(learner, modules[0], answers)

    assert error.value.message == messages.TAMPERED
    assert nothing_recorded(learner, modules[0])


def test_answers_to_another_course_module_are_refused(learner, course, modules):
    _other_course, other_modules = make_course(modules=1, slug="other-course")

    with pytest.raises(QuizSubmissionError) as error:
        submit(learner, modules[0], correct_answers(other_modules[0]))

    assert error.value.message == messages.TAMPERED
    assert nothing_recorded(learner, modules[0]) and nothing_recorded(learner, other_modules[0])


def test_a_locked_module_cannot_be_answered(learner, course, modules):
    with pytest.raises(QuizSubmissionError) as error:
        submit(learner, modules[1], correct_answers(modules[1]))

    assert error.value.message == messages.MODULE_LOCKED
    assert nothing_recorded(learner, modules[1])
    assert not Enrolment.objects.exists()


def test_a_token_for_another_module_is_refused(learner, course, modules):
    pass_module(learner, modules[0])
    token_for_first = issue_quiz_token(user=learner, module=modules[0])

    with pytest.raises(QuizSubmissionError) as error:
        submit(learner, modules[1], correct_answers(modules[1]), token=token_for_first)

    assert error.value.message == messages.TAMPERED
    assert nothing_recorded(learner, modules[1])


def test_a_token_for_another_user_is_refused(learner, course, modules):
    other = UserFactory()

    with pytest.raises(QuizSubmissionError) as error:
        submit(
            learner,
            modules[0],
            correct_answers(modules[0]),
            token=issue_quiz_token(user=other, module=modules[0]),
        )

    assert error.value.message == messages.TOKEN_INVALID
    assert nothing_recorded(learner, modules[0])


@pytest.mark.parametrize(
    "token", ["", "garbage", signing.dumps({"u": 1, "m": 1, "n": "x"}, salt="other-salt")]
)
def test_a_forged_token_is_refused(learner, course, modules, token):
    with pytest.raises(QuizSubmissionError) as error:
        record_quiz_attempt(user=learner, module=modules[0], answers=correct_answers(modules[0]), token=token)

    assert error.value.message == messages.TOKEN_INVALID
    assert nothing_recorded(learner, modules[0])


def test_an_expired_token_is_refused(learner, course, modules, monkeypatch):
    token = issue_quiz_token(user=learner, module=modules[0])
    monkeypatch.setattr("courses.services.QUIZ_TOKEN_MAX_AGE", -1)

    with pytest.raises(QuizSubmissionError) as error:
        submit(learner, modules[0], correct_answers(modules[0]), token=token)

    assert error.value.message == messages.TOKEN_INVALID
    assert QUIZ_TOKEN_SALT  # the salt is what binds tokens to this purpose
    assert nothing_recorded(learner, modules[0])


def test_a_replayed_submission_is_refused_and_points_at_the_first_result(learner, course, modules):
    token = issue_quiz_token(user=learner, module=modules[0])
    first = submit(learner, modules[0], wrong_answers(modules[0]), token=token)

    with pytest.raises(QuizSubmissionError) as error:
        submit(learner, modules[0], correct_answers(modules[0]), token=token)

    assert error.value.message == messages.ALREADY_SUBMITTED
    assert error.value.attempt == first
    progress = ModuleProgress.objects.get(user=learner, module=modules[0])
    assert progress.attempts_count == 1 and progress.passed_at is None
    assert QuizAttempt.objects.filter(user=learner).count() == 1


def test_an_unpublished_module_cannot_be_answered(learner, course, modules):
    modules[0].unpublish()
    modules[0].refresh_from_db()

    with pytest.raises(QuizSubmissionError) as error:
        submit(learner, modules[0], correct_answers(modules[0]))

    assert error.value.message == messages.MODULE_NOT_AVAILABLE
    assert nothing_recorded(learner, modules[0])


def test_an_anonymous_user_cannot_answer(course, modules):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(QuizSubmissionError) as error:
        record_quiz_attempt(
            user=AnonymousUser(), module=modules[0], answers=correct_answers(modules[0]), token="x"
        )

    assert error.value.message == messages.LOGIN_TO_ANSWER
    assert not QuizAttempt.objects.exists()
