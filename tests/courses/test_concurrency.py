"""Simultaneous submits from real threads, each on its own database connection (as two web processes would be).

On PostgreSQL the second submit of the same form waits on the first one's unique token and is then refused; two
different passing forms both count as attempts but pass the module once (conditional UPDATE). On SQLite the
transaction's first statement takes the write lock, so the second waits (busy timeout) and sees the first's result:
the same outcomes are asserted on both."""

import threading

import pytest
from django.db import connection

from courses import messages
from courses.models import Enrolment, ModuleProgress, QuizAttempt
from courses.services import QuizSubmissionError, issue_quiz_token, record_quiz_attempt
from tests.courses.factories import correct_answers, make_course

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(calls):
    """Run each callable in its own thread, released at the same moment; returns what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001  (the test inspects whatever happened)
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_the_same_form_submitted_twice_at_once_counts_once(learner):
    course, modules = make_course(modules=1, questions=3)
    module = modules[0]
    token = issue_quiz_token(user=learner, module=module)
    answers = correct_answers(module)

    def submit():
        return record_quiz_attempt(user=learner, module=module, answers=answers, token=token, course=course)

    outcomes = run_together([submit, submit])

    attempts = [o for o in outcomes if isinstance(o, QuizAttempt)]
    refused = [o for o in outcomes if isinstance(o, QuizSubmissionError)]
    assert len(attempts) == 1 and len(refused) == 1, outcomes
    assert refused[0].message == messages.ALREADY_SUBMITTED
    assert QuizAttempt.objects.filter(user=learner, module=module).count() == 1
    progress = ModuleProgress.objects.get(user=learner, module=module)
    assert progress.attempts_count == 1 and progress.passed_at == attempts[0].submitted_at
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1


def test_two_passing_submits_at_once_pass_the_module_once(learner, monkeypatch):
    from courses import services

    completions = []
    real_complete_course = services.complete_course

    def spy(**kwargs):
        completions.append(kwargs)
        return real_complete_course(**kwargs)

    monkeypatch.setattr(services, "complete_course", spy)
    course, modules = make_course(modules=1, questions=3)
    module = modules[0]
    answers = correct_answers(module)
    tokens = [issue_quiz_token(user=learner, module=module) for _ in range(2)]

    def submit_with(token):
        return lambda: record_quiz_attempt(
            user=learner, module=module, answers=answers, token=token, course=course
        )

    outcomes = run_together([submit_with(t) for t in tokens])

    assert all(isinstance(o, QuizAttempt) for o in outcomes), outcomes
    progress = ModuleProgress.objects.get(user=learner, module=module)
    assert progress.attempts_count == 2
    assert progress.passed_at in {o.submitted_at for o in outcomes}
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.completed_at is not None
    assert ModuleProgress.objects.filter(user=learner, passed_at__isnull=False).count() == 1
    assert len(completions) == 1  # only the submit that passed the module completed the course
