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
from django.db.models import F, PositiveSmallIntegerField, Value
from django.db.models.functions import Coalesce, Greatest
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

    def __init__(
        self, message, *, question_errors: Mapping[str, str] | None = None, attempt: QuizAttempt | None = None
    ):
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


def complete_course(*, user, course: CoursePage, channel: Channel | str, workshop=None) -> Enrolment:
    """Mark the user's enrolment in `course` completed (creating the enrolment if needed) and return it.

    The one place where a course is completed: by passing the last module online (`record_quiz_attempt`, inside its
    transaction), or by attending a workshop (`channel=Channel.WORKSHOP, workshop=<workshop page>`). Idempotent and
    safe under concurrency: the first completion stands (a conditional UPDATE decides it), and calling it again
    returns the enrolment unchanged. Work that must happen on completion (issuing the certificate) belongs at the
    end of this function, inside the same transaction.

    Its transaction has `savepoint=False`: nested in a caller's transaction it adds no SAVEPOINT round trips, and an
    error inside rolls the whole caller's transaction back, which is what every caller wants."""
    channel = Channel(channel)
    if workshop is not None and channel != Channel.WORKSHOP:
        raise ValueError("A workshop can only be given with channel=workshop.")
    with transaction.atomic(savepoint=False):
        enrolment, _newly_completed = _complete_enrolment(
            user=user, course=course, channel=channel, workshop=workshop
        )
        # Work that must happen when a course is completed (issuing the certificate) is called here, inside this
        # transaction; `_newly_completed` says whether this call completed it. issue_certificate is idempotent (it
        # returns the holder's valid certificate if there is one), so completing again issues nothing twice.
        from certificates.services import issue_certificate

        issue_certificate(holder=user, course=course, source=channel.value, workshop=workshop)
        return enrolment


def _complete_enrolment(*, user, course: CoursePage, channel: Channel, workshop) -> tuple[Enrolment, bool]:
    """Complete the enrolment, creating it first if there is none. Under concurrency (two tabs, a workshop closing
    while the learner passes online) the unique constraint decides: the INSERT is `ON CONFLICT DO NOTHING` (it waits
    for a concurrent insert of the same row, then does nothing), and the conditional UPDATE lets exactly one caller
    complete it. No `full_clean()` here: its uniqueness check read the other transaction's row and raised
    ValidationError instead of letting the constraint decide (issue 15); every field is set by this code."""
    now = timezone.now()
    mine = Enrolment.objects.filter(user=user, course=course)
    completing = {"completed_at": now, "channel": channel, "workshop": workshop}
    newly_completed = mine.filter(completed_at__isnull=True).update(**completing) == 1
    enrolment = mine.first()
    if enrolment is None:  # never started online (e.g. a workshop attendee): enrol, then complete as above
        # A get-or-create that cannot raise IntegrityError on the unique constraint (so nothing to retry, and no
        # savepoint needed inside the caller's transaction).
        Enrolment.objects.bulk_create(
            [Enrolment(user=user, course=course, channel=channel, workshop=workshop)], ignore_conflicts=True
        )
        newly_completed = mine.filter(completed_at__isnull=True).update(**completing) == 1
        enrolment = mine.get()
    return enrolment, newly_completed


def record_module_view(*, user, module: ModulePage, course: CoursePage, enrolled: bool = False) -> None:
    """Note that a signed-in learner opened a module: starts their enrolment and the module's progress (first viewed)
    the first time; later views change nothing. Two INSERT … ON CONFLICT DO NOTHING statements, so concurrent first
    views neither fail nor duplicate. (Nothing to full_clean: the rows hold only keys the database checks.)
    `enrolled=True` when the caller already knows the enrolment exists (saves a statement)."""
    if not enrolled:
        Enrolment.objects.bulk_create(
            [Enrolment(user=user, course=course, channel=Channel.ONLINE)], ignore_conflicts=True
        )
    ModuleProgress.objects.bulk_create([ModuleProgress(user=user, module=module)], ignore_conflicts=True)


QuizDraw = list[tuple[str, list[str]]]  # [(question id, [choice id in the order shown]), …]
_random = secrets.SystemRandom()


def draw_quiz(*, module: ModulePage) -> QuizDraw:
    """The questions one attempt is given: `questions_per_attempt` drawn at random from the module's pool (all of them
    when the pool is that small), kept in the pool's order, each with its choices in a random order."""
    pool = [block for block in module.quiz if block.block_type == "question"]
    size = min(module.questions_per_attempt or len(pool), len(pool))
    picked = sorted(_random.sample(range(len(pool)), size))
    draw = []
    for index in picked:
        block = pool[index]
        choice_ids = [child.id for child in block.value["choices"].bound_blocks]
        _random.shuffle(choice_ids)
        draw.append((block.id, choice_ids))
    return draw


def issue_quiz_token(*, user, module: ModulePage, draw: QuizDraw | None = None) -> str:
    """A one-time token for one rendering of a module's quiz form, bound to the user and the module, carrying (signed)
    the questions drawn for it and the order of their choices. `quiz_draw_of` reads the draw back."""
    if draw is None:
        draw = draw_quiz(module=module)
    payload = {"u": user.pk, "m": module.pk, "n": secrets.token_hex(16), "d": [[q, list(c)] for q, c in draw]}
    return signing.dumps(payload, salt=QUIZ_TOKEN_SALT, compress=True)


def _token_data(token: str) -> dict:
    try:
        data = signing.loads(token, salt=QUIZ_TOKEN_SALT, max_age=QUIZ_TOKEN_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise QuizSubmissionError(messages.TOKEN_INVALID) from exc
    if not isinstance(data, dict):
        raise QuizSubmissionError(messages.TOKEN_INVALID)
    return data


def _draw_from(data: dict, module: ModulePage) -> QuizDraw | None:
    """The draw a token carries, limited to questions and choices the module still has (None: a token from before
    drawing existed, which was given the whole quiz)."""
    draw = data.get("d")
    if draw is None:
        return None
    pool = {block.id: block for block in module.quiz if block.block_type == "question"}
    kept = []
    for item in draw:
        if not (isinstance(item, list) and len(item) == 2 and item[0] in pool):
            continue
        current = [child.id for child in pool[item[0]].value["choices"].bound_blocks]
        order = [c for c in item[1] if c in current] + [c for c in current if c not in item[1]]
        kept.append((item[0], order))
    return kept


def quiz_draw_of(*, token: str, user, module: ModulePage) -> QuizDraw | None:
    """The draw of a token issued to this user for this module (to show the same questions again after a refused
    submission), or None when the token is not one."""
    try:
        data = _token_data(token)
    except QuizSubmissionError:
        return None
    if data.get("u") != user.pk or data.get("m") != module.pk:
        return None
    return _draw_from(data, module)


def _read_quiz_token(*, token: str, user, module: ModulePage) -> tuple[str, QuizDraw | None]:
    data = _token_data(token)
    if data.get("u") != user.pk:
        raise QuizSubmissionError(messages.TOKEN_INVALID)
    if data.get("m") != module.pk:
        raise QuizSubmissionError(messages.TAMPERED)
    nonce = data.get("n")
    if not isinstance(nonce, str) or not nonce:
        raise QuizSubmissionError(messages.TOKEN_INVALID)
    return nonce, _draw_from(data, module)


def score_quiz(
    *, module: ModulePage, answers: Mapping[str, Sequence[str]], draw: QuizDraw | None = None
) -> QuizScore:
    """Score answers ({question id: [choice ids]}) against the module's current quiz, on the server: the questions of
    `draw` (those the form showed), or every question when no draw is given.

    Refuses (QuizSubmissionError) answers to questions the quiz does not have, choice ids that are not the
    question's, several choices for a single-answer question, and unanswered questions. A question is right when the
    chosen set equals the set of correct choices. Passed when right answers × 100 ≥ pass mark × questions."""
    questions = [(block.id, block.value) for block in module.quiz if block.block_type == "question"]
    if draw is not None:
        drawn = {question_id for question_id, _order in draw}
        questions = [(question_id, value) for question_id, value in questions if question_id in drawn]
    if not questions:
        raise QuizSubmissionError(messages.MODULE_NOT_AVAILABLE)
    known = {question_id for question_id, _value in questions}
    if any(question_id not in known for question_id in answers):
        raise QuizSubmissionError(messages.TAMPERED)

    missing = {
        question_id: messages.ANSWER_MISSING_FIELD for question_id in known if not answers.get(question_id)
    }
    result = QuizScore()
    for question_id, question in questions:
        chosen = tuple(dict.fromkeys(answers.get(question_id) or ()))  # de-duplicated, order kept
        choice_ids = [child.id for child in question["choices"].bound_blocks]
        if any(choice_id not in choice_ids for choice_id in chosen):
            raise QuizSubmissionError(messages.UNKNOWN_CHOICE)
        if len(chosen) > 1 and not question["multiple"]:
            raise QuizSubmissionError(messages.TAMPERED)
        correct_ids = {child.id for child in question["choices"].bound_blocks if child.value["correct"]}
        result.results.append(
            QuestionResult(question_id, chosen, bool(chosen) and set(chosen) == correct_ids)
        )
    if missing:
        raise QuizSubmissionError(messages.ANSWERS_MISSING, question_errors=missing)

    right = sum(1 for r in result.results if r.correct)
    result.score = 100 * right // len(questions)
    result.passed = right * 100 >= module.pass_mark * len(questions)
    return result


def record_quiz_attempt(
    *,
    user,
    module: ModulePage,
    answers: Mapping[str, Sequence[str]],
    token: str,
    course: CoursePage | None = None,
) -> QuizAttempt:
    """Score a learner's answers to a module's quiz and record the attempt; pass the module (once) and, when it was
    the last one, complete the course.

    Bad input (unknown ids, missing answers, a locked or unpublished module, a token for another module or user, a
    replayed or double-submitted form) raises QuizSubmissionError and changes nothing. A module once passed stays
    passed: a lower score later only counts as an attempt.

    Concurrency: the attempt INSERT comes first, so the form's one-time token (unique) refuses a second submit of the
    same form (the second waits for the first and then fails), and on SQLite the transaction takes the write lock at
    once instead of failing on a read-to-write upgrade. Passing is one conditional UPDATE (`passed_at IS NULL`), so
    of two simultaneous passing submits exactly one passes the module."""
    if not user.is_authenticated:
        raise QuizSubmissionError(messages.LOGIN_TO_ANSWER)
    if not module.live:
        raise QuizSubmissionError(messages.MODULE_NOT_AVAILABLE)
    nonce, draw = _read_quiz_token(token=token, user=user, module=module)
    scored = score_quiz(module=module, answers=answers, draw=draw)

    course = course or get_course_for_module(module)
    outline = get_course_outline(course=course, user=user)
    status = outline.status_for(module.pk)
    if status is None:
        raise QuizSubmissionError(messages.MODULE_NOT_AVAILABLE)
    if not status.unlocked:  # unlocking only ever moves forward, so checking before the transaction is safe
        raise QuizSubmissionError(messages.MODULE_LOCKED)
    if status.progress is None:
        record_module_view(user=user, module=module, course=course, enrolled=outline.enrolment is not None)

    attempt = QuizAttempt(
        user=user,
        module=module,
        token=nonce,
        answers={r.question_id: list(r.chosen) for r in scored.results},
        results={r.question_id: r.correct for r in scored.results},
        presented=[[q, order] for q, order in draw] if draw is not None else [],
        score=scored.score,
        passed=scored.passed,
        submitted_at=timezone.now(),
    )
    # Keys are checked by the database; the token's uniqueness by the INSERT itself (see above).
    attempt.full_clean(exclude=["user", "module"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            attempt.save()
            mine = ModuleProgress.objects.filter(user=user, module=module)
            best = Greatest(
                Coalesce("best_score", Value(0)),
                Value(scored.score),
                output_field=PositiveSmallIntegerField(),
            )
            counted = {"attempts_count": F("attempts_count") + 1, "best_score": best}
            # Already passed (as the outline said): only count. Otherwise a passing attempt passes the module only
            # if nobody passed it meanwhile (`passed_at IS NULL`); if somebody did, it just counts.
            newly_passed = (
                scored.passed
                and not status.passed
                and mine.filter(passed_at__isnull=True).update(passed_at=attempt.submitted_at, **counted) == 1
            )
            if not newly_passed:
                mine.update(**counted)
            if newly_passed and not outline.is_completed:
                others_passed = all(s.passed for s in outline.modules if s.module.pk != module.pk)
                if others_passed:
                    complete_course(user=user, course=course, channel=Channel.ONLINE)
    except IntegrityError as exc:  # this form was already submitted (replay, double click, two tabs)
        previous = QuizAttempt.objects.filter(token=nonce, user=user).first()
        raise QuizSubmissionError(messages.ALREADY_SUBMITTED, attempt=previous) from exc
    except OperationalError as exc:  # SQLite: the write lock was not free within the busy timeout
        logger.warning("Quiz submission for module %s could not take its lock: %s", module.pk, exc)
        raise QuizSubmissionError(messages.BUSY) from exc
    return attempt
