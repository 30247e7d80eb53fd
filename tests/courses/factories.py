"""Course pages built in code for tests: a course under the home page with N modules of M questions each.

Question and choice ids are deterministic (`q-<module>-<n>`, `c-<module>-<n>-<k>`), so tests can post answers by id.
Choice 0 of every question is the correct one."""

from __future__ import annotations

from courses.models import CoursePage, ModulePage
from home.models import HomePage


def quiz_data(*, prefix: str, questions: int, choices: int = 3, multiple_at: tuple[int, ...] = ()):
    data = []
    for q in range(questions):
        multiple = q in multiple_at
        items = [
            {
                "type": "item",
                "id": f"c-{prefix}-{q}-{k}",
                "value": {"text": f"選択肢{k + 1}", "correct": k == 0 or (multiple and k == 1)},
            }
            for k in range(choices)
        ]
        data.append(
            {
                "type": "question",
                "id": f"q-{prefix}-{q}",
                "value": {
                    "text": f"問題{q + 1}",
                    "multiple": multiple,
                    "choices": items,
                    "explanation": f"問題{q + 1}の解説です。",
                },
            }
        )
    return data


def correct_answers(module: ModulePage) -> dict[str, list[str]]:
    return {
        block.id: [c.id for c in block.value["choices"].bound_blocks if c.value["correct"]]
        for block in module.quiz
    }


def wrong_answers(module: ModulePage) -> dict[str, list[str]]:
    return {
        block.id: [next(c.id for c in block.value["choices"].bound_blocks if not c.value["correct"])]
        for block in module.quiz
    }


def make_course(
    *,
    modules: int = 3,
    questions: int = 3,
    slug: str = "course",
    pass_mark: int = 80,
    questions_per_attempt: int | None = None,
    **kwargs,
):
    """`questions_per_attempt` defaults to all the questions (every attempt gets the whole quiz)."""
    home = HomePage.objects.get(depth=2)
    course = CoursePage(
        title=kwargs.pop("title", "テスト講座"),
        slug=slug,
        intro="<p>講座の紹介</p>",
        estimated_minutes=60,
        **kwargs,
    )
    home.add_child(instance=course)
    made = []
    for n in range(1, modules + 1):
        module = ModulePage(
            title=f"テスト章{n}",
            slug=f"module-{n}",
            summary=f"第{n}章で学ぶこと",
            estimated_minutes=5,
            body=[
                {"type": "heading", "value": f"第{n}章の見出し"},
                {"type": "text", "value": f"<p>第{n}章の本文です。</p>"},
            ],
            quiz=quiz_data(prefix=f"{slug}-{n}", questions=questions),
            pass_mark=pass_mark,
            questions_per_attempt=questions_per_attempt or max(questions, 1),
        )
        course.add_child(instance=module)
        made.append(module)
    return course, made


def drawn_answers(module, token, user, *, correct: bool = True) -> dict[str, list[str]]:
    """The answers to the questions the token drew (correct, or one wrong choice each)."""
    from courses.services import quiz_draw_of

    answers = correct_answers(module) if correct else wrong_answers(module)
    return {
        question_id: answers[question_id]
        for question_id, _order in quiz_draw_of(token=token, user=user, module=module)
    }


def pass_module(user, module, course=None):
    """Record a passing attempt for `user` in `module` through the service (as a learner would)."""
    from courses.services import issue_quiz_token, record_quiz_attempt

    token = issue_quiz_token(user=user, module=module)
    return record_quiz_attempt(
        user=user,
        module=module,
        answers=drawn_answers(module, token, user),
        token=token,
        course=course,
    )
