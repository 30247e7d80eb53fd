"""The counts one area's report shows, as privacy.Count cells in a Suppressor, with the additive relations among
them declared (a total and its parts), so the audit (lms.reports.privacy) knows everything a reader can add up.

`area_cells` turns one area's selectors.Figures and quiz figures into an AreaCells; lms.reports.plans puts every
municipality of a prefecture into one Suppressor, and lms.reports.layout lays the cells out as tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.utils import timezone

from . import selectors
from .privacy import Count, Suppressor

# Figures of the headline table, in order: (key, label).
HEADLINE = [
    ("registered", "登録者"),
    ("started", "受講開始者"),
    ("completed", "修了者（計）"),
    ("completed_online", "うちオンライン修了"),
    ("completed_workshop", "うち講座（対面等）修了"),
    ("certificates_valid", "有効な修了証"),
    ("workshops_held", "開催された講座"),
    ("workshop_attendance", "講座の参加者"),
]
BREAKDOWN_KINDS = ("month", "age", "occupation")


class BreakdownCells(NamedTuple):
    """One row of a breakdown: 登録者, 受講開始者, 修了者 for one month, age band or occupation field."""

    key: str
    label: str
    cells: tuple[Count, Count, Count]


class QuestionCells(NamedTuple):
    key: str
    text: str
    attempts: Count  # first attempts
    correct: Count  # first attempts with this question right


class PassedCells(NamedTuple):
    """Learners who passed one module: keyed by the module's page id, shown as 第{number}章 (its position now)."""

    module_id: int
    number: int
    title: str
    cell: Count


@dataclass
class QuizCells:
    module_id: int
    number: int
    title: str
    attempts: Count
    passes: Count
    questions: list[QuestionCells]


@dataclass
class AreaCells:
    """Every count shown for one area, in one Suppressor, with the additive groups among them declared."""

    headline: dict[str, Count]
    breakdowns: dict[str, list[BreakdownCells]]  # "month" / "age" / "occupation"
    passed: list[PassedCells]  # every live module, in the course's current order
    quiz: list[QuizCells]
    population: int | None


class CellPair(NamedTuple):
    """The same figure for a prefecture (the whole) and one of its municipalities (a part)."""

    figure: str
    whole: Count
    part: Count


def area_cells(
    s: Suppressor, figures: selectors.Figures, quiz: list, *, name: str, prefecture_level: bool = False
) -> AreaCells:
    """The cells of one area. `quiz` (selectors.quiz_first_attempts or cells.quiz_for) lists the live modules in
    order; every cell of a module is named by the module's page id, so the same module keeps the same cells (and
    stored suppression decisions) whatever its position. At prefecture level (in a PrefecturePlan) every figure is
    public: exact, never hidden (the known totals of the municipalities' groups). Numbers of workshops held are public
    at every level."""

    this_month = timezone.localdate().replace(day=1).isoformat()

    def count(value, key, *, future=False):
        public = prefecture_level or key == "workshops_held"
        return s.count(value, public=public, name=f"{name}:{key}", future=future)

    headline = {key: count(getattr(figures, key), key) for key, _label in HEADLINE if key != "completed"}
    headline["completed"] = count(figures.completed_online + figures.completed_workshop, "completed")
    s.group(headline["completed"], [headline["completed_online"], headline["completed_workshop"]])
    totals = (headline["registered"], headline["started"], headline["completed"])
    breakdowns = {}
    for kind, rows in (("month", figures.by_month), ("age", figures.by_age_band), ("occupation", figures.by_occupation)):
        future = kind == "month"
        cells = [
            BreakdownCells(
                row.key,
                row.label,
                tuple(
                    count(v, f"{kind}:{row.key}:{i}", future=future and row.key > this_month)
                    for i, v in enumerate((row.registered, row.started, row.completed))
                ),
            )
            for row in rows
        ]
        for i, total in enumerate(totals):
            s.group(total, [row.cells[i] for row in cells])
        breakdowns[kind] = cells
    passed = [
        PassedCells(
            module.module_id,
            module.module_number,
            module.module_title,
            count(figures.module_passed.get(module.module_id, 0), f"passed:{module.module_id}"),
        )
        for module in quiz
    ]
    quiz_cells = []
    for module in quiz:
        attempts = count(module.first_attempts, f"quiz:{module.module_id}:attempts")
        passes = count(module.first_passes, f"quiz:{module.module_id}:passes")
        # First failures (attempts − passes) are never shown: always an unknown remainder to a reader.
        s.implicit_part(attempts, [passes], f"{name}:quiz:{module.module_id}:fail")
        questions = []
        for question in module.questions:
            key = f"quiz:{module.module_id}:{question.question_key}"
            # The same number of first attempts is the same cell (else hiding one copy would be undone by the other).
            q_attempts = (
                attempts
                if question.first_attempts == module.first_attempts
                else count(question.first_attempts, key)
            )
            correct = count(question.first_correct, f"{key}:correct")
            s.implicit_part(q_attempts, [correct], f"{name}:{key}:wrong")
            questions.append(QuestionCells(question.question_key, question.question_text, q_attempts, correct))
        quiz_cells.append(
            QuizCells(module.module_id, module.module_number, module.module_title, attempts, passes, questions)
        )
    return AreaCells(headline, breakdowns, passed, quiz_cells, figures.population)


def pairs(whole: AreaCells, part: AreaCells):
    """A CellPair for every figure shown for both a prefecture and a municipality: prefecture = sum of its
    municipalities."""
    for key, cell in whole.headline.items():
        yield CellPair(f"headline:{key}", cell, part.headline[key])
    for kind, rows in whole.breakdowns.items():
        mine = {row.key: row.cells for row in part.breakdowns[kind]}
        for row in rows:
            for i, (a, b) in enumerate(zip(row.cells, mine.get(row.key, ()), strict=False)):
                yield CellPair(f"{kind}:{row.key}:{i}", a, b)
    mine_passed = {p.module_id: p.cell for p in part.passed}
    for passed in whole.passed:
        if passed.module_id in mine_passed:
            yield CellPair(f"passed:{passed.module_id}", passed.cell, mine_passed[passed.module_id])
    mine_quiz = {q.module_id: q for q in part.quiz}
    for module in whole.quiz:
        other = mine_quiz.get(module.module_id)
        if other is None:
            continue
        yield CellPair(f"quiz:{module.module_id}:attempts", module.attempts, other.attempts)
        yield CellPair(f"quiz:{module.module_id}:passes", module.passes, other.passes)
        questions = {q.key: q for q in other.questions}
        for question in module.questions:
            if question.key in questions:
                theirs = questions[question.key]
                figure = f"quiz:{module.module_id}:{question.key}"
                yield CellPair(f"{figure}:attempts", question.attempts, theirs.attempts)
                yield CellPair(f"{figure}:correct", question.correct, theirs.correct)


def quiz_for(structure: list, numbers: dict) -> list[selectors.ModuleQuiz]:
    """The prefecture's quiz structure (modules, questions, texts) with one municipality's counts, keyed by
    (module id, question key)."""
    result = []
    for module in structure:
        attempts, passes = numbers.get((module.module_id, ""), (0, 0))
        questions = [
            selectors.QuestionQuiz(
                q.question_key, q.question_text, *numbers.get((module.module_id, q.question_key), (0, 0))
            )
            for q in module.questions
        ]
        result.append(
            selectors.ModuleQuiz(
                module.module_number, module.module_title, attempts, passes, questions, module_id=module.module_id
            )
        )
    return result
