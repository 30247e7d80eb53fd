"""The read API of the regional reports (the contract with the screens: docs/reports-data.md).

Everything here reads the roll-up tables (lms.reports.models), never the raw learner rows, so a national report is
a few small queries at any number of learners. Figures are raw counts: suppressing small counts at municipality
level is the screens' job (lms.reports.privacy). Periods are Japanese fiscal years (年度): `fy=2026` is
2026-04-01 .. 2027-03-31 JST. Areas are the nation, a prefecture or a city (a ward is never an area: it is counted
in its designated city)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Min, Sum

from lms.accounts.enums import AgeBand, OccupationField
from lms.regions.enums import MunicipalityKind
from lms.regions.models import Municipality, Prefecture

from .compute import course_modules
from .models import (
    COUNTER_FIELDS,
    CityLearnerMonth,
    CityModuleMonth,
    CityQuizYear,
    CityWorkshopMonth,
    MunicipalityPopulation,
    NationLearnerMonth,
    PrefectureLearnerMonth,
    PrefectureModuleMonth,
    PrefectureQuizYear,
)
from .periods import current_fiscal_year, fiscal_year_months, month_label

NATION = "nation"
PREFECTURE = "prefecture"
MUNICIPALITY = "municipality"
UNKNOWN_OCCUPATION = "unknown"
UNKNOWN_OCCUPATION_LABEL = "未回答"


@dataclass(frozen=True)
class Area:
    """A place a report is about. Build with area_for_nation(), area_for_prefecture(code),
    area_for_municipality(code)."""

    level: str  # "nation" | "prefecture" | "municipality"
    code: str  # "" for the nation; 2-digit prefecture code; 6-digit municipality code
    name: str  # 全国 / 鳥取県 / 鳥取市
    prefecture_code: str  # "" for the nation


def area_for_nation() -> Area:
    return Area(level=NATION, code="", name="全国", prefecture_code="")


def area_for_prefecture(code: str) -> Area:
    """Raises Prefecture.DoesNotExist for an unknown code."""
    prefecture = Prefecture.objects.get(code=str(code))
    return Area(level=PREFECTURE, code=prefecture.code, name=prefecture.name, prefecture_code=prefecture.code)


def area_for_municipality(code: str) -> Area:
    """A city, town or village (active or not). Raises Municipality.DoesNotExist for an unknown code and for a ward
    of a designated city (reports never go below a city)."""
    municipality = Municipality.objects.exclude(kind=MunicipalityKind.WARD).get(code=str(code))
    return Area(
        level=MUNICIPALITY, code=municipality.code, name=municipality.name, prefecture_code=municipality.prefecture_id
    )


# --- periods --------------------------------------------------------------------------------------------------


def fiscal_years_available() -> list[int]:
    """Fiscal years with any data, newest first; always includes the current one."""
    current = current_fiscal_year()
    first = NationLearnerMonth.objects.aggregate(first=Min("month"))["first"]
    oldest = min(current_fiscal_year(first), current) if first else current
    return list(range(current, oldest - 1, -1))


# --- figures ----------------------------------------------------------------------------------------------------


class MonthRow(NamedTuple):
    month: dt.date
    registered: int
    started: int
    completed: int

    @property
    def key(self) -> str:
        return self.month.isoformat()

    @property
    def label(self) -> str:
        return month_label(self.month)


class BreakdownRow(NamedTuple):
    """One row of the age band or occupation breakdown."""

    key: str
    label: str
    registered: int
    started: int
    completed: int


@dataclass
class Figures:
    registered: int = 0
    started: int = 0
    module_passed: dict[int, int] = field(default_factory=dict)  # module page id → learners who passed it
    completed_online: int = 0
    completed_workshop: int = 0
    certificates_valid: int = 0
    workshops_held: int = 0
    workshop_attendance: int = 0
    population: int | None = None  # residents, if imported
    by_month: list[MonthRow] = field(default_factory=list)
    by_age_band: list[BreakdownRow] = field(default_factory=list)
    by_occupation: list[BreakdownRow] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return self.completed_online + self.completed_workshop


@dataclass
class AreaSummary:
    """The columns of the municipality and prefecture tables."""

    registered: int = 0
    started: int = 0
    completed: int = 0
    certificates_valid: int = 0
    population: int | None = None


@dataclass
class QuestionQuiz:
    question_key: str
    question_text: str
    first_attempts: int
    first_correct: int


@dataclass
class ModuleQuiz:
    module_number: int  # position in the course now (第N章)
    module_title: str
    first_attempts: int
    first_passes: int
    questions: list[QuestionQuiz] = field(default_factory=list)
    module_id: int = 0  # the module's page id: what the roll-ups are keyed by


class ReportModule(NamedTuple):
    """A live module of the course as the reports show it: its page id, position now (第N章) and title."""

    id: int
    number: int
    title: str


def report_modules() -> list[ReportModule]:
    """The live modules of the primary course in their current order, all of them (a ninth module too)."""
    from courses.models import ModulePage

    _course, module_ids = course_modules()
    titles = dict(ModulePage.objects.filter(pk__in=module_ids).values_list("pk", "title"))
    return [ReportModule(module_id, n, titles[module_id]) for n, module_id in enumerate(module_ids, start=1)]


def _learner_rows(area: Area):
    if area.level == MUNICIPALITY:
        return CityLearnerMonth.objects.filter(municipality_code=area.code)
    if area.level == PREFECTURE:
        return PrefectureLearnerMonth.objects.filter(prefecture_code=area.code)
    return NationLearnerMonth.objects.all()


def _module_rows(area: Area):
    if area.level == MUNICIPALITY:
        return CityModuleMonth.objects.filter(municipality_code=area.code)
    if area.level == PREFECTURE:
        return PrefectureModuleMonth.objects.filter(prefecture_code=area.code)
    return PrefectureModuleMonth.objects.all()


def _quiz_rows(area: Area):
    if area.level == MUNICIPALITY:
        return CityQuizYear.objects.filter(municipality_code=area.code)
    if area.level == PREFECTURE:
        return PrefectureQuizYear.objects.filter(prefecture_code=area.code)
    return PrefectureQuizYear.objects.all()


def _workshop_rows(area: Area):
    if area.level == MUNICIPALITY:
        return CityWorkshopMonth.objects.filter(municipality_code=area.code)
    if area.level == PREFECTURE:
        return CityWorkshopMonth.objects.filter(prefecture_code=area.code)
    return CityWorkshopMonth.objects.all()


def population(area: Area) -> int | None:
    """Residents of the area (sum of imported city figures), or None when nothing is imported for it."""
    rows = MunicipalityPopulation.objects.all()
    if area.level == MUNICIPALITY:
        rows = rows.filter(municipality_id=area.code)
    elif area.level == PREFECTURE:
        rows = rows.filter(prefecture_code=area.code)
    return rows.aggregate(total=Sum("population"))["total"]


def figures(area: Area, fy: int) -> Figures:
    """Every figure of one area and fiscal year (a few small queries on the roll-ups)."""
    result = figures_by(_learner_rows(area), _module_rows(area), _workshop_rows(area), fy).get("") or empty_figures(fy)
    result.population = population(area)
    return result


def municipality_figures(prefecture_code: str, fy: int) -> dict[str, Figures]:
    """figures() for every municipality of a prefecture with data in the year at once (the same queries, grouped by
    municipality, instead of one set per municipality). Populations are filled by the caller."""
    return figures_by(
        CityLearnerMonth.objects.filter(prefecture_code=prefecture_code),
        CityModuleMonth.objects.filter(prefecture_code=prefecture_code),
        CityWorkshopMonth.objects.filter(prefecture_code=prefecture_code),
        fy,
        by="municipality_code",
    )


def empty_figures(fy: int) -> Figures:
    """The figures of an area without data: zeros, with every month and breakdown row."""
    none = (CityLearnerMonth.objects.none(), CityModuleMonth.objects.none(), CityWorkshopMonth.objects.none())
    return figures_by(*none, fy, keys=[""])[""]


def figures_by(learners, modules, workshops, fy: int, *, by: str | None = None, keys=()) -> dict[str, Figures]:
    """The one implementation of the figures: roll-up rows of one fiscal year summed per value of the column `by`
    (None: all rows, answered under ""), as Figures with every month, age band and occupation row (0 where none).
    `keys`: answer these too even without rows. Three grouped queries on the learner rows, one on the module passes
    (by module id), one on the workshops."""
    months = fiscal_year_months(fy)
    learners = learners.filter(month__gte=months[0], month__lte=months[-1])
    modules = modules.filter(month__gte=months[0], month__lte=months[-1])
    workshops = workshops.filter(month__gte=months[0], month__lte=months[-1])
    group = [by] if by else []
    occupations = [*OccupationField.values, UNKNOWN_OCCUPATION]
    result: dict[str, Figures] = {}
    parts: dict[str, dict] = {}

    def entry(code: str) -> Figures:
        if code not in result:
            result[code] = Figures()
            parts[code] = {
                "month": {month: [0, 0, 0] for month in months},
                "age": {key: [0, 0, 0] for key in AgeBand.values},
                "occupation": {key: [0, 0, 0] for key in occupations},
            }
        return result[code]

    for code in keys:
        entry(code)
    counters = {name: Sum(name) for name in COUNTER_FIELDS}
    for row in learners.values(*group, "month").annotate(**counters).order_by():
        figures = entry(row[by] if by else "")
        figures.registered += row["registered"]
        figures.started += row["started"]
        figures.completed_online += row["completed_online"]
        figures.completed_workshop += row["completed_workshop"]
        figures.certificates_valid += row["certificates_valid"]
        completed = row["completed_online"] + row["completed_workshop"]
        parts[row[by] if by else ""]["month"][row["month"]] = [row["registered"], row["started"], completed]
    triple = {name: Sum(name) for name in ("registered", "started", "completed_online", "completed_workshop")}
    for column, kind in (("age_band", "age"), ("occupation", "occupation")):
        for row in learners.values(*group, column).annotate(**triple).order_by():
            code = row[by] if by else ""
            entry(code)
            target = parts[code][kind].setdefault(row[column] or UNKNOWN_OCCUPATION, [0, 0, 0])
            target[0] += row["registered"]
            target[1] += row["started"]
            target[2] += row["completed_online"] + row["completed_workshop"]
    for row in modules.values(*group, "module_id").annotate(n=Sum("passed")).order_by():
        passed = entry(row[by] if by else "").module_passed
        passed[row["module_id"]] = passed.get(row["module_id"], 0) + row["n"]
    sums = {"held": Sum("workshops_held"), "attendance": Sum("attendance")}
    held = workshops.values(by).annotate(**sums).order_by() if by else [workshops.aggregate(**sums)]
    for row in held:
        if not row["held"] and not row["attendance"]:
            continue
        figures = entry(row[by] if by else "")
        figures.workshops_held = row["held"] or 0
        figures.workshop_attendance = row["attendance"] or 0
    age_labels = dict(AgeBand.choices)
    occupation_labels = {**dict(OccupationField.choices), UNKNOWN_OCCUPATION: UNKNOWN_OCCUPATION_LABEL}
    for code, figures in result.items():
        mine = parts[code]
        figures.by_month = [MonthRow(month, *mine["month"][month]) for month in months]
        figures.by_age_band = [
            BreakdownRow(key, str(age_labels.get(key, key)), *values) for key, values in mine["age"].items()
        ]
        figures.by_occupation = [
            BreakdownRow(key, str(occupation_labels.get(key, key)), *values)
            for key, values in mine["occupation"].items()
        ]
    return result


def quiz_first_attempts(area: Area, fy: int) -> list[ModuleQuiz]:
    """Per live module of the course, in its current order: first attempts in the fiscal year and how many passed,
    and per question how many of those first attempts had it right (counts keyed by module id). Questions in the
    quiz's current order; questions since removed from the quiz are listed after them with their key as text."""
    from courses.models import ModulePage

    rows = (
        _quiz_rows(area)
        .filter(fiscal_year=fy)
        .values("module_id", "question_key")
        .annotate(attempts=Sum("first_attempts"), correct=Sum("first_correct"))
        .order_by()
    )
    counts = {(row["module_id"], row["question_key"]): (row["attempts"], row["correct"]) for row in rows}
    modules = report_modules()
    pages = ModulePage.objects.only("id", "title", "quiz").in_bulk([m.id for m in modules])
    result = []
    for report_module in modules:
        page, module_id = pages[report_module.id], report_module.id
        attempts, passes = counts.get((module_id, ""), (0, 0))
        module = ModuleQuiz(report_module.number, page.title, attempts, passes, module_id=module_id)
        known = []
        for block in page.quiz:
            if block.block_type != "question":
                continue
            known.append(block.id)
            attempts_q, correct_q = counts.get((module_id, block.id), (0, 0))
            module.questions.append(QuestionQuiz(block.id, str(block.value["text"]), attempts_q, correct_q))
        for (mid, key), (attempts_q, correct_q) in sorted(counts.items()):
            if mid == module_id and key and key not in known:
                module.questions.append(QuestionQuiz(key, key, attempts_q, correct_q))
        result.append(module)
    return result


def municipality_quiz(
    prefecture_code: str, fy: int, *, codes: list[str] | None = None
) -> dict[str, dict[tuple[int, str], tuple[int, int]]]:
    """First attempts and first correct per (module id, question key) for every municipality of a prefecture (or only
    those in `codes`)."""
    rows = CityQuizYear.objects.filter(prefecture_code=prefecture_code, fiscal_year=fy)
    if codes is not None:
        rows = rows.filter(municipality_code__in=codes)
    rows = (
        rows.values("municipality_code", "module_id", "question_key")
        .annotate(attempts=Sum("first_attempts"), correct=Sum("first_correct"))
        .order_by()
    )
    result: dict[str, dict] = {}
    for row in rows:
        result.setdefault(row["municipality_code"], {})[(row["module_id"], row["question_key"])] = (
            row["attempts"],
            row["correct"],
        )
    return result


def _summaries(rows, key: str) -> dict[str, AreaSummary]:
    found = {}
    for row in rows:
        found[row[key]] = AreaSummary(
            registered=row["registered"],
            started=row["started"],
            completed=row["completed_online"] + row["completed_workshop"],
            certificates_valid=row["certificates_valid"],
        )
    return found


_SUMS = {name: Sum(name) for name in ("registered", "started", "completed_online", "completed_workshop", "certificates_valid")}


def municipality_table(prefecture_code: str, fy: int) -> list[tuple[Area, AreaSummary]]:
    """Every city, town and village of the prefecture that is active or has data in the year (wards are in their
    city), in code order, with its totals."""
    months = fiscal_year_months(fy)
    rows = (
        CityLearnerMonth.objects.filter(prefecture_code=prefecture_code, month__gte=months[0], month__lte=months[-1])
        .values("municipality_code")
        .annotate(**_SUMS)
        .order_by()
    )
    summaries = _summaries(rows, "municipality_code")
    populations = dict(
        MunicipalityPopulation.objects.filter(prefecture_code=prefecture_code).values_list(
            "municipality_id", "population"
        )
    )
    municipalities = (
        Municipality.objects.filter(prefecture_id=prefecture_code)
        .exclude(kind=MunicipalityKind.WARD)
        .only("code", "name", "prefecture_id", "is_active")
        .order_by("code")
    )
    result = []
    for municipality in municipalities:
        if not municipality.is_active and municipality.code not in summaries:
            continue
        summary = summaries.get(municipality.code) or AreaSummary()
        summary.population = populations.get(municipality.code)
        area = Area(MUNICIPALITY, municipality.code, municipality.name, municipality.prefecture_id)
        result.append((area, summary))
    return result


def prefecture_table(fy: int) -> list[tuple[Area, AreaSummary]]:
    """All 47 prefectures in code order with their totals."""
    months = fiscal_year_months(fy)
    rows = (
        PrefectureLearnerMonth.objects.filter(month__gte=months[0], month__lte=months[-1])
        .values("prefecture_code")
        .annotate(**_SUMS)
        .order_by()
    )
    summaries = _summaries(rows, "prefecture_code")
    populations = dict(
        MunicipalityPopulation.objects.values("prefecture_code")
        .annotate(total=Sum("population"))
        .order_by()
        .values_list("prefecture_code", "total")
    )
    result = []
    for prefecture in Prefecture.objects.order_by("code"):
        summary = summaries.get(prefecture.code) or AreaSummary()
        summary.population = populations.get(prefecture.code)
        result.append((Area(PREFECTURE, prefecture.code, prefecture.name, prefecture.code), summary))
    return result
