"""Pooled quizzes: each rendering of the form draws `questions_per_attempt` questions from the module's pool and
shuffles their choices, on the server; the draw travels signed in the form's token, is stored with the attempt, and
only the drawn questions are scored (by id)."""

import re
from collections import Counter

import pytest

from courses import messages
from courses.models import ModuleProgress, QuizAttempt
from courses.services import QuizSubmissionError, issue_quiz_token, quiz_draw_of, record_quiz_attempt
from tests.courses.factories import correct_answers, make_course, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def pooled(db):
    """One module with 10 questions of 4 choices, 5 drawn per attempt."""
    from tests.courses.factories import quiz_data

    course, (module,) = make_course(modules=1, questions=10, questions_per_attempt=5)
    module.quiz = quiz_data(prefix="pool", questions=10, choices=4)
    module.save_revision().publish()
    module.refresh_from_db()
    return course, module


def shown(html):
    """The question ids and, per question, the choice ids in the order the page shows them."""
    order: dict[str, list[str]] = {}
    for qid, cid in re.findall(r'name="q-([^"]+)" value="([^"]+)"', html):
        order.setdefault(qid, []).append(cid)
    return order


def test_the_page_shows_five_of_the_pool_with_choices_in_a_new_order(client, learner, pooled):
    _course, module = pooled
    client.force_login(learner)

    pages = [shown(client.get(module.url).content.decode()) for _ in range(12)]

    assert all(len(p) == 5 for p in pages)
    pool = [b.id for b in module.quiz]
    assert all(list(p) == [q for q in pool if q in p] for p in pages)  # drawn questions keep the pool's order
    assert len({tuple(p) for p in pages}) > 1  # another draw of questions
    canonical = {b.id: [c.id for c in b.value["choices"].bound_blocks] for b in module.quiz}
    orders = [tuple(choices) for p in pages for qid, choices in p.items()]
    assert any(list(o) != canonical[q] for p in pages for q, o in p.items())
    assert all(sorted(choices) == sorted(canonical[q]) for p in pages for q, choices in p.items())
    assert len(set(orders)) > 10


def test_the_draw_is_stored_with_the_attempt_and_the_result_shows_that_order(client, learner, pooled):
    _course, module = pooled
    client.force_login(learner)
    html = client.get(module.url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    order = shown(html)
    right = correct_answers(module)
    data = {"module": module.pk, "token": token, **{f"q-{q}": right[q] for q in order}}

    response = client.post(module.url + "answer/", data)

    attempt = QuizAttempt.objects.get(user=learner)
    assert response.status_code == 302 and attempt.passed and attempt.score == 100
    assert attempt.presented == [[q, c] for q, c in order.items()]
    assert set(attempt.answers) == set(attempt.results) == set(order)
    result = client.get(response["Location"]).content.decode()
    assert "5問中 5問 正解" in result
    texts = {b.id: b.value["text"] for b in module.quiz}
    positions = [result.index(texts[q] + "<") for q in order]
    assert positions == sorted(positions)


def test_an_answer_to_a_question_that_was_not_drawn_is_refused(learner, pooled):
    _course, module = pooled
    token = issue_quiz_token(user=learner, module=module)
    drawn = [q for q, _ in quiz_draw_of(token=token, user=learner, module=module)]
    other = next(b.id for b in module.quiz if b.id not in drawn)
    answers = {q: correct_answers(module)[q] for q in drawn} | {other: correct_answers(module)[other]}

    with pytest.raises(QuizSubmissionError) as error:
        record_quiz_attempt(user=learner, module=module, answers=answers, token=token)

    assert error.value.message == messages.TAMPERED
    assert (
        not QuizAttempt.objects.exists() and not ModuleProgress.objects.filter(attempts_count__gt=0).exists()
    )


def test_answering_only_the_drawn_questions_is_complete_and_scored_by_id(learner, pooled):
    _course, module = pooled
    token = issue_quiz_token(user=learner, module=module)
    drawn = [q for q, _ in quiz_draw_of(token=token, user=learner, module=module)]
    answers = {q: correct_answers(module)[q] for q in drawn[:4]} | {drawn[4]: wrong_answers(module)[drawn[4]]}

    attempt = record_quiz_attempt(user=learner, module=module, answers=answers, token=token)

    assert attempt.score == 80 and attempt.passed  # 4 of 5 at an 80 % mark
    assert attempt.results == {q: q != drawn[4] for q in drawn}


def test_a_forged_draw_is_refused(learner, pooled):
    """The draw is signed: a learner cannot pick the questions or hand in an easier set."""
    _course, module = pooled
    token = issue_quiz_token(user=learner, module=module)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")

    with pytest.raises(QuizSubmissionError) as error:
        record_quiz_attempt(user=learner, module=module, answers=correct_answers(module), token=forged)

    assert error.value.message == messages.TOKEN_INVALID


def test_missing_answers_re_show_the_same_questions_in_the_same_order(client, learner, pooled):
    _course, module = pooled
    client.force_login(learner)
    html = client.get(module.url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    order = shown(html)
    first = next(iter(order))
    data = {"module": module.pk, "token": token, f"q-{first}": [order[first][0]]}

    response = client.post(module.url + "answer/", data)

    body = response.content.decode()
    assert response.status_code == 400 and str(messages.ANSWERS_MISSING) in body
    assert shown(body) == order
    assert f'value="{order[first][0]}" id="choice-{order[first][0]}" checked' in body
    assert not QuizAttempt.objects.exists()


def test_a_double_submit_of_a_drawn_form_records_one_attempt(client, learner, pooled):
    _course, module = pooled
    client.force_login(learner)
    html = client.get(module.url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    right = correct_answers(module)
    data = {"module": module.pk, "token": token, **{f"q-{q}": right[q] for q in shown(html)}}

    first = client.post(module.url + "answer/", data)
    second = client.post(module.url + "answer/", data)

    assert first["Location"] == second["Location"]
    assert QuizAttempt.objects.count() == 1
    assert ModuleProgress.objects.get(user=learner).attempts_count == 1


def test_a_retry_gets_a_new_draw(learner, pooled):
    _course, module = pooled
    draws = Counter()
    for _ in range(20):
        token = issue_quiz_token(user=learner, module=module)
        draws[tuple(q for q, _ in quiz_draw_of(token=token, user=learner, module=module))] += 1
    assert len(draws) > 1 and all(len(d) == 5 for d in draws)


def test_a_token_from_before_pooling_gets_the_whole_quiz(learner, pooled):
    """Forms rendered before this change carry no draw: they were shown every question, so all are scored."""
    from django.core import signing

    from courses.services import QUIZ_TOKEN_SALT

    _course, module = pooled
    token = signing.dumps({"u": learner.pk, "m": module.pk, "n": "f" * 32}, salt=QUIZ_TOKEN_SALT)

    attempt = record_quiz_attempt(user=learner, module=module, answers=correct_answers(module), token=token)

    assert len(attempt.results) == 10 and attempt.score == 100 and attempt.presented == []
