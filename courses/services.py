"""Domain rules of the course: recording views, scoring quiz attempts, completing the course.

Everything that changes a learner's records goes through these functions; views, commands and other apps call them.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core import signing
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from . import messages
from .enums import Channel
from .models import CoursePage, Enrolment, ModulePage, ModuleProgress, QuizAttempt
from .selectors import get_course_for_module, get_course_outline

logger = logging.getLogger(__name__)

QUIZ_TOKEN_SALT = "courses.quiz-submission"  # noqa: S105  (a signing salt, not a secret)
QUIZ_TOKEN_MAX_AGE = 24 * 60 * 60  # a form left open for a day must be reloaded


class QuizSubmissionError(Exception):
    """A submission that is refused and changes nothing. `message` is shown to the learner; `question_errors`
    maps question ids to a message shown next to that question."""

    def __init__(self, message, *, question_errors: Mapping[str, str] | None = None, attempt: QuizAttempt | None = None):
        super().__init__(str(message))
        self.message = message
        self.question_errors = dict(question_errors or {})
        self.attempt = attempt


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    chosen: tuple[str, ...]
    correct: bool


@dataclass
class QuizScore:
    results: list[QuestionResult] = field(default_factory=list)
    score: int = 0
    passed: bool = False


@transaction.atomic
def complete_course(*, user, course: CoursePage, channel: Channel | str, workshop=None) -> Enrolment:
    """Mark the user's enrolment in `course` completed (creating the enrolment if needed) and return it.

    The one place where a course is completed: by passing the last module online (`record_quiz_attempt`), or by
    attending a workshop (`channel=Channel.WORKSHOP, workshop=<workshop page>`). Idempotent: the first completion
    stands, and calling it again returns the enrolment unchanged. Work that must happen on completion (issuing the
    certificate) belongs at the end of this function, inside the same transaction."""
    channel = Channel(channel)
    if workshop is not None and channel != Channel.WORKSHOP:
        raise ValueError("A workshop can only be given with channel=workshop.")
    enrolment, _created = Enrolment.objects.get_or_create(user=user, course=course, defaults={"channel": channel})
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.completed_at is not None:
        return enrolment
    enrolment.completed_at = timezone.now()
    enrolment.channel = channel
    enrolment.workshop = workshop
    enrolment.full_clean()
    enrolment.save(update_fields=["completed_at", "channel", "workshop"])
    return enrolment


def record_module_view(*, user, module: ModulePage, course: CoursePage) -> ModuleProgress:
    """Note that a signed-in learner opened a module: starts their enrolment and the module's progress (first viewed)
    the first time; later views change nothing."""
    with transaction.atomic():
        Enrolment.objects.get_or_create(user=user, course=course, defaults={"channel": Channel.ONLINE})
        progress, _created = ModuleProgress.objects.get_or_create(user=user, module=module)
    return progress


def issue_quiz_token(*, user, module: ModulePage) -> str:
    """A one-time token for one rendering of a module's quiz form, bound to the user and the module."""
    return signing.dumps({"u": user.pk, "m": module.pk, "n": secrets.token_hex(16)}, salt=QUIZ_TOKEN_SALT)


def _read_quiz_token(*, token: str, user, module: ModulePage) -> str:
    try:
        data = signing.loads(token, salt=QUIZ_TOKEN_SALT, max_age=QUIZ_TOKEN_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise QuizSubmissionError(messages.TOKEN_INVALID) from exc
    if not isinstance(data, dict) or data.get("u") != user.pk:
        raise QuizSubmissionError(messages.TOKEN_INVALID)
    if data.get("m") != module.pk:
        raise QuizSubmissionError(messages.TAMPERED)
    nonce = data.get("n")
    if not isinstance(nonce, str) or not nonce:
        raise QuizSubmissionError(messages.TOKEN_INVALID)
    return nonce


def score_quiz(*, module: ModulePage, answers: Mapping[str, Sequence[str]]) -> QuizScore:
    """Score answers ({question id: [choice ids]}) against the module's current quiz, on the server.

    Refuses (QuizSubmissionError) answers to questions the quiz does not have, choice ids that are not the
    question's, several choices for a single-answer question, and unanswered questions. A question is right when the
    chosen set equals the set of correct choices. Passed when right answers × 100 ≥ pass mark × questions."""
    questions = [(block.id, block.value) for block in module.quiz if block.block_type == "question"]
    if not questions:
        raise QuizSubmissionError(messages.MODULE_NOT_AVAILABLE)
    known = {question_id for question_id, _value in questions}
    if any(question_id not in known for question_id in answers):
        raise QuizSubmissionError(messages.TAMPERED)

    missing = {question_id: messages.ANSWER_MISSING_FIELD for question_id in known if not answers.get(question_id)}
    result = QuizScore()
    for question_id, question in questions:
        chosen = tuple(dict.fromkeys(answers.get(question_id) or ()))  # de-duplicated, order kept
        choice_ids = [child.id for child in question["choices"].bound_blocks]
        if any(choice_id not in choice_ids for choice_id in chosen):
            raise QuizSubmissionError(messages.UNKNOWN_CHOICE)
        if len(chosen) > 1 and not question["multiple"]:
            raise QuizSubmissionError(messages.TAMPERED)
        correct_ids = {child.id for child in question["choices"].bound_blocks if child.value["correct"]}
        result.results.append(QuestionResult(question_id, chosen, bool(chosen) and set(chosen) == correct_ids))
    if missing:
        raise QuizSubmissionError(messages.ANSWERS_MISSING, question_errors=missing)

    right = sum(1 for r in result.results if r.correct)
    result.score = 100 * right // len(questions)
    result.passed = right * 100 >= module.pass_mark * len(questions)
    return result


def record_quiz_attempt(
    *, user, module: ModulePage, answers: Mapping[str, Sequence[str]], token: str, course: CoursePage | None = None
) -> QuizAttempt:
    """Score a learner's answers to a module's quiz and record the attempt; pass the module (once) and, when it was
    the last one, complete the course.

    Bad input (unknown ids, missing answers, a locked or unpublished module, a token for another module or user, a
    replayed or double-submitted form) raises QuizSubmissionError and changes nothing. A module once passed stays
    passed: a lower score later only counts as an attempt."""
    if not user.is_authenticated:
        raise QuizSubmissionError(messages.LOGIN_TO_ANSWER)
    if not module.live:
        raise QuizSubmissionError(messages.MODULE_NOT_AVAILABLE)
    nonce = _read_quiz_token(token=token, user=user, module=module)
    scored = score_quiz(module=module, answers=answers)

    course = course or get_course_for_module(module)
    outline = get_course_outline(course=course, user=user)
    status = outline.status_for(module.pk)
    if status is None:
        raise QuizSubmissionError(messages.MODULE_NOT_AVAILABLE)
    if not status.unlocked:  # unlocking only ever moves forward, so checking before the lock is safe
        raise QuizSubmissionError(messages.MODULE_LOCKED)

    if status.progress is None:
        record_module_view(user=user, module=module, course=course)
    try:
        with transaction.atomic():
            # The first statement is a write: on PostgreSQL it row-locks this learner's progress in this module until
            # commit, so concurrent submits for it run one after the other; on SQLite it takes the database write lock
            # at once (waiting up to the busy timeout) instead of failing later on a read-to-write upgrade.
            ModuleProgress.objects.filter(user=user, module=module).update(attempts_count=F("attempts_count"))
            progress = ModuleProgress.objects.select_for_update().get(user=user, module=module)
            previous = QuizAttempt.objects.filter(token=nonce).first()
            if previous is not None:
                raise QuizSubmissionError(messages.ALREADY_SUBMITTED, attempt=previous)

            attempt = QuizAttempt(
                user=user,
                module=module,
                token=nonce,
                answers={r.question_id: list(r.chosen) for r in scored.results},
                results={r.question_id: r.correct for r in scored.results},
                score=scored.score,
                passed=scored.passed,
            )
            attempt.full_clean(validate_unique=False, validate_constraints=False)  # the token is unique in the DB
            attempt.save()

            progress.attempts_count += 1
            progress.best_score = max(progress.best_score or 0, scored.score)
            newly_passed = scored.passed and progress.passed_at is None
            if newly_passed:
                progress.passed_at = attempt.submitted_at
            progress.save(update_fields=["attempts_count", "best_score", "passed_at"])

            if newly_passed and not outline.is_completed:
                module_ids = [s.module.pk for s in outline.modules]
                passed = ModuleProgress.objects.filter(
                    user=user, module_id__in=module_ids, passed_at__isnull=False
                ).count()
                if passed == len(module_ids):
                    complete_course(user=user, course=course, channel=Channel.ONLINE)
    except IntegrityError as exc:  # the same token inserted by a concurrent request that got in first
        raise QuizSubmissionError(messages.ALREADY_SUBMITTED) from exc
    except OperationalError as exc:  # SQLite: the write lock was not free within the busy timeout
        logger.warning("Quiz submission for module %s could not take its lock: %s", module.pk, exc)
        raise QuizSubmissionError(messages.BUSY) from exc
    return attempt
