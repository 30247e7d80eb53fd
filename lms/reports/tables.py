"""What a report shows, as tables of cells: built once per request and used by the screen, the CSV and the XLSX,
so the three always carry exactly the same numbers.

`build_report(area, fy)` reads the figures (lms.reports.selectors), puts every count into one `privacy.Suppressor`
with its additive groups, resolves suppression (municipality level only), and lays out the tables. A municipality
report also takes the suppression decisions of its prefecture's municipality table, so a count hidden there is
hidden on the municipality's own screen too (otherwise the two screens could be differenced)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from . import charts, selectors
from .privacy import Count, PerTenThousand, Rate, Suppressor
from .selectors import MUNICIPALITY, NATION, PREFECTURE, Area

# Figures of the headline table, in order: (key, label, meaning shown as a footnote in docs/reports.md).
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
HEADLINE_UNITS = {"workshops_held": "件"}
# A prefecture's figures shown on the national table: never hidden anywhere.
NATIONAL_TABLE_KEYS = {"registered", "started", "completed", "certificates_valid"}
BREAKDOWN_COLUMNS = ["登録者", "受講開始者", "修了者"]
TABLE_COLUMNS = [
    ("registered", "登録者"),
    ("started", "受講開始者"),
    ("completed", "修了者"),
    ("certificates_valid", "有効な修了証"),
]


@dataclass(frozen=True)
class Link:
    """A row label that links to another report (text only in exports)."""

    text: str
    url: str

    @property
    def display(self) -> str:
        return self.text

    @property
    def export_value(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


def display(cell) -> str:
    return cell if isinstance(cell, str) else cell.display


def export_value(cell):
    if isinstance(cell, str):
        return cell
    if isinstance(cell, int):
        return cell
    return cell.export_value


@dataclass
class Table:
    key: str
    caption: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    sheet: str = ""
    chart: SafeString | None = None
    note: str = ""
    # Number of leading cells per row that are row headers (<th scope="row">).
    header_cells: int = 1
    # The area of each row, where rows are areas (the prefecture table of the tile grid).
    row_areas: list[Area] = field(default_factory=list)
    # Holds municipality counts (rounded, maybe hidden): the markers are explained next to it.
    protected: bool = False

    def display_rows(self) -> list[list[str]]:
        return [[display(cell) for cell in row] for row in self.rows]


@dataclass
class Tile:
    area: Area
    short_name: str
    column: int
    row: int
    value: str
    level: int  # 0..4, the shade of the tile
    url: str


@dataclass
class Report:
    area: Area
    fy: int
    suppressed: bool
    tables: list[Table]
    threshold: int
    prefecture: Area | None = None
    tiles: list[Tile] = field(default_factory=list)
    tile_caption: str = ""
    legend: list = field(default_factory=list)
    marker_note: str = ""
    rounding_base: int = 1
    # The first thing a screen says: (figure, what is shown, why it is hidden or how it is rounded).
    summary: list = field(default_factory=list)

    @property
    def period_label(self) -> str:
        return fiscal_year_label(self.fy)


def markers_note(limit: int, base: int) -> str:
    """What the markers of municipality counts mean: shown next to every table that has them, on screen and in both
    files."""
    rounding = (
        f"市区町村の数は、個人が特定されないよう{base}の倍数に丸めています（丸め方は数ごとに決まっていて、"
        "合計と内訳が合わないことがあります）。"
        if base > 1
        else ""
    )
    return (
        f"{rounding}「<{limit}」は{'丸めた' if base > 1 else ''}数が{limit}未満（0〜{limit - 1}人）、"
        "「秘匿」は小さい数が合計や差から分からないよう伏せた数、「—」は算出しない値（元の数が非表示、"
        "または人口が未登録）です。都道府県と全国の数、開催された講座の数はそのまま表示しています。"
    )


def fiscal_year_label(fy: int) -> str:
    reiwa = fy - 2018
    return f"{fy}年度（令和{reiwa}年度：{fy}年4月1日〜{fy + 1}年3月31日）"


@lru_cache(maxsize=4)
def _url_pattern(name: str) -> str:
    """reverse() once per kind of report (it costs milliseconds in the admin, times 179 municipalities)."""
    return (
        reverse(f"reports_regions:{name}", args=["CODE"])
        if name != "nation"
        else reverse("reports_regions:nation")
    )


def area_url(area: Area, fy: int | None = None) -> str:
    if area.level == NATION:
        url = _url_pattern("nation")
    elif area.level == PREFECTURE:
        url = _url_pattern("prefecture").replace("CODE", area.code)
    else:
        url = _url_pattern("municipality").replace("CODE", area.code)
    return f"{url}?fy={fy}" if fy else url


def _month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


# --- the cells of one area ----------------------------------------------------------------------------------


@dataclass
class QuizCells:
    number: int
    title: str
    attempts: Count
    passes: Count
    questions: list[tuple[str, str, Count, Count]]  # (key, text, first attempts, first correct)


@dataclass
class AreaCells:
    """Every count shown for one area, in one Suppressor, with the additive groups among them declared."""

    headline: dict[str, Count]
    breakdowns: dict[
        str, list[tuple[str, str, list[Count]]]
    ]  # "month"/"age"/"occupation" → (key, label, 3 cells)
    passed: list[Count]
    quiz: list[QuizCells]
    population: int | None


def area_cells(
    s: Suppressor, figures: selectors.Figures, quiz: list, *, name: str, prefecture_level: bool = False
) -> AreaCells:
    """The cells of one area. At prefecture level (in a PrefecturePlan) every figure is public: exact, never hidden
    (the known totals of the municipalities' groups). Numbers of workshops held are public at every level."""

    this_month = timezone.localdate().replace(day=1)

    def count(value, key, *, future=False):
        public = prefecture_level or key == "workshops_held"
        return s.count(value, public=public, name=f"{name}:{key}", future=future)

    headline = {key: count(getattr(figures, key), key) for key, _label in HEADLINE if key != "completed"}
    headline["completed"] = count(figures.completed_online + figures.completed_workshop, "completed")
    s.group(headline["completed"], [headline["completed_online"], headline["completed_workshop"]])
    totals = (headline["registered"], headline["started"], headline["completed"])
    breakdowns = {}
    for kind, rows in (
        ("month", [(month.isoformat(), _month_label(month), values) for month, *values in figures.by_month]),
        ("age", [(key, label, values) for key, label, *values in figures.by_age_band]),
        ("occupation", [(key, label, values) for key, label, *values in figures.by_occupation]),
    ):
        cells = [
            (
                key,
                label,
                [
                    count(v, f"{kind}:{key}:{i}", future=kind == "month" and key > this_month.isoformat())
                    for i, v in enumerate(values)
                ],
            )
            for key, label, values in rows
        ]
        for i, total in enumerate(totals):
            s.group(total, [row[2][i] for row in cells])
        breakdowns[kind] = cells
    passed = [count(n, f"passed:{i}") for i, n in enumerate(figures.module_passed, start=1)]
    quiz_cells = []
    for module in quiz:
        attempts = count(module.first_attempts, f"quiz:{module.module_number}:attempts")
        passes = count(module.first_passes, f"quiz:{module.module_number}:passes")
        # First failures (attempts − passes) are never shown: always an unknown remainder to a reader.
        s.implicit_part(attempts, [passes], f"{name}:quiz:{module.module_number}:fail")
        questions = []
        for question in module.questions:
            key = f"quiz:{module.module_number}:{question.question_key}"
            # The same number of first attempts is the same cell (else hiding one copy would be undone by the other).
            q_attempts = (
                attempts
                if question.first_attempts == module.first_attempts
                else count(question.first_attempts, key)
            )
            correct = count(question.first_correct, f"{key}:correct")
            s.implicit_part(q_attempts, [correct], f"{name}:{key}:wrong")
            questions.append((question.question_key, question.question_text, q_attempts, correct))
        quiz_cells.append(QuizCells(module.module_number, module.module_title, attempts, passes, questions))
    return AreaCells(headline, breakdowns, passed, quiz_cells, figures.population)


def _pairs(whole: AreaCells, part: AreaCells):
    """(figure, prefecture cell, municipality cell) for every figure shown for both: prefecture = sum of its
    municipalities."""
    for key, cell in whole.headline.items():
        yield f"headline:{key}", cell, part.headline[key]
    for kind, rows in whole.breakdowns.items():
        mine = {key: cells for key, _label, cells in part.breakdowns[kind]}
        for key, _label, cells in rows:
            for i, (a, b) in enumerate(zip(cells, mine.get(key, []), strict=False)):
                yield f"{kind}:{key}:{i}", a, b
    for n, (a, b) in enumerate(zip(whole.passed, part.passed, strict=True), start=1):
        yield f"passed:{n}", a, b
    mine_quiz = {q.number: q for q in part.quiz}
    for module in whole.quiz:
        other = mine_quiz.get(module.number)
        if other is None:
            continue
        yield f"quiz:{module.number}:attempts", module.attempts, other.attempts
        yield f"quiz:{module.number}:passes", module.passes, other.passes
        questions = {key: (a, c) for key, _t, a, c in other.questions}
        for key, _text, attempts, correct in module.questions:
            if key in questions:
                yield f"quiz:{module.number}:{key}:attempts", attempts, questions[key][0]
                yield f"quiz:{module.number}:{key}:correct", correct, questions[key][1]


# --- the prefecture-wide suppression plan ---------------------------------------------------------------------


@dataclass
class PrefecturePlan:
    """One suppression decision for a prefecture and year, shared by its screen (the municipality table) and every
    municipality screen in it: all municipalities' cells in one Suppressor, each also in a group whose total is the
    prefecture's (public) figure, so no screen can be differenced against the others or against the prefecture."""

    prefecture: Area
    figures: selectors.Figures
    cells: AreaCells
    quiz: list
    municipalities: list[tuple[Area, selectors.AreaSummary, AreaCells]]
    suppressor: Suppressor

    def cells_for(self, code: str) -> AreaCells | None:
        return next((cells for area, _summary, cells in self.municipalities if area.code == code), None)


def _quiz_for(structure: list, numbers: dict) -> list:
    """The prefecture's quiz structure (modules, questions, texts) with one municipality's counts."""
    result = []
    for module in structure:
        attempts, passes = numbers.get((module.module_number, ""), (0, 0))
        questions = [
            selectors.QuestionQuiz(
                q.question_key, q.question_text, *numbers.get((module.module_number, q.question_key), (0, 0))
            )
            for q in module.questions
        ]
        result.append(
            selectors.ModuleQuiz(module.module_number, module.module_title, attempts, passes, questions)
        )
    return result


def prefecture_plan(
    prefecture: Area, fy: int, *, budget_seconds: float | None = None, use_stored: bool = True
) -> PrefecturePlan:
    s = Suppressor(enabled=True, salt=f"fy{fy}")
    pref_figures = selectors.figures(prefecture, fy)
    structure = selectors.quiz_first_attempts(prefecture, fy)
    pref_cells = area_cells(s, pref_figures, structure, name=prefecture.code, prefecture_level=True)
    all_figures = municipality_figures(prefecture.code, fy)
    all_quiz = municipality_quiz(prefecture.code, fy)
    municipalities = []
    for area, summary in selectors.municipality_table(prefecture.code, fy):
        # Every municipality is in the plan, those without data too: their zeros show as 「<10」 like any small
        # count, so a reader cannot tell the one town with a count from the towns without.
        figures = all_figures.get(area.code) or _empty_figures(fy)
        figures.population = summary.population
        _same_rows_as(figures, pref_figures)
        cells = area_cells(s, figures, _quiz_for(structure, all_quiz.get(area.code, {})), name=area.code)
        municipalities.append((area, summary, cells))
    groups: dict[str, tuple[Count, list[Count]]] = {}
    for _area, _summary, cells in municipalities:
        for figure, whole, part in _pairs(pref_cells, cells):
            groups.setdefault(figure, (whole, []))[1].append(part)
    for whole, parts in groups.values():
        s.group(whole, parts)
    from .plans import decide

    decide(s, prefecture.code, fy, budget_seconds=budget_seconds, use_stored=use_stored)
    return PrefecturePlan(prefecture, pref_figures, pref_cells, structure, municipalities, s)


def _same_rows_as(figures: selectors.Figures, prefecture: selectors.Figures) -> None:
    """Give a municipality every breakdown row its prefecture has (0 where it has none), in the prefecture's order,
    so every prefecture cell is the sum of a cell of each municipality (a row shown for the prefecture and one town
    only would give that town's count away)."""
    for attribute in ("by_age_band", "by_occupation"):
        mine = {row[0]: row for row in getattr(figures, attribute)}
        rows = [mine.pop(key, (key, label, 0, 0, 0)) for key, label, *_values in getattr(prefecture, attribute)]
        setattr(figures, attribute, rows + list(mine.values()))


def _empty_figures(fy: int) -> selectors.Figures:
    figures = selectors.Figures()
    figures.by_month = [(month, 0, 0, 0) for month in selectors.fiscal_year_months(fy)]
    return figures


def municipality_figures(prefecture_code: str, fy: int) -> dict[str, selectors.Figures]:
    """selectors.figures() for every municipality of a prefecture at once (four grouped queries instead of four per
    municipality); test_tables checks it equals selectors.figures() for each. Populations are filled by the caller."""
    from django.db.models import Sum

    from lms.accounts.enums import AgeBand, OccupationField

    from .models import COUNTER_FIELDS, CityLearnerMonth, CityWorkshopMonth

    months = selectors.fiscal_year_months(fy)
    in_year = {"prefecture_code": prefecture_code, "month__gte": months[0], "month__lte": months[-1]}
    learners = CityLearnerMonth.objects.filter(**in_year)
    unknown = selectors.UNKNOWN_OCCUPATION
    age_labels = dict(AgeBand.choices)
    occupation_labels = {**dict(OccupationField.choices), unknown: selectors.UNKNOWN_OCCUPATION_LABEL}
    result: dict[str, selectors.Figures] = {}
    extra: dict[str, dict] = {}

    def entry(code: str) -> selectors.Figures:
        figures = result.get(code)
        if figures is None:
            figures = result[code] = selectors.Figures()
            extra[code] = {
                "month": {month: [0, 0, 0] for month in months},
                "age": {key: [0, 0, 0] for key in AgeBand.values},
                "occupation": {key: [0, 0, 0] for key in [*OccupationField.values, unknown]},
            }
        return figures

    n_passed = len(selectors.Figures().module_passed)
    by_month = (
        learners.values_list("municipality_code", "month")
        .annotate(*[Sum(name) for name in COUNTER_FIELDS])
        .order_by()
    )
    for code, month, registered, started, online, workshop, certificates, *passed in by_month:
        figures = entry(code)
        figures.registered += registered
        figures.started += started
        figures.completed_online += online
        figures.completed_workshop += workshop
        figures.certificates_valid += certificates
        for n in range(n_passed):
            figures.module_passed[n] += passed[n]
        extra[code]["month"][month] = [registered, started, online + workshop]
    sums = [Sum("registered"), Sum("started"), Sum("completed_online"), Sum("completed_workshop")]
    for field_name, kind in (("age_band", "age"), ("occupation", "occupation")):
        rows = learners.values_list("municipality_code", field_name).annotate(*sums).order_by()
        for code, key, registered, started, online, workshop in rows:
            entry(code)
            key = key or unknown
            target = extra[code][kind].setdefault(key, [0, 0, 0])
            target[0] += registered
            target[1] += started
            target[2] += online + workshop
    workshops = (
        CityWorkshopMonth.objects.filter(**in_year)
        .values_list("municipality_code")
        .annotate(Sum("workshops_held"), Sum("attendance"))
        .order_by()
    )
    for code, held, attendance in workshops:
        figures = entry(code)
        figures.workshops_held = held or 0
        figures.workshop_attendance = attendance or 0
    for code, figures in result.items():
        parts = extra[code]
        figures.by_month = [(month, *parts["month"][month]) for month in months]
        figures.by_age_band = [(k, str(age_labels.get(k, k)), *v) for k, v in parts["age"].items()]
        figures.by_occupation = [
            (k, str(occupation_labels.get(k, k)), *v) for k, v in parts["occupation"].items()
        ]
    return result


def municipality_quiz(prefecture_code: str, fy: int) -> dict[str, dict[tuple[int, str], tuple[int, int]]]:
    """First attempts and first correct per (module, question key) for every municipality of a prefecture."""
    from django.db.models import Sum

    from .models import CityQuizYear

    rows = (
        CityQuizYear.objects.filter(prefecture_code=prefecture_code, fiscal_year=fy)
        .values("municipality_code", "module_number", "question_key")
        .annotate(attempts=Sum("first_attempts"), correct=Sum("first_correct"))
        .order_by()
    )
    result: dict[str, dict] = {}
    for row in rows:
        result.setdefault(row["municipality_code"], {})[(row["module_number"], row["question_key"])] = (
            row["attempts"],
            row["correct"],
        )
    return result


# --- tables -------------------------------------------------------------------------------------------------


def _breakdown_table(cells: AreaCells, kind: str, *, caption: str, sheet: str, first: str) -> Table:
    table = Table(key=kind, caption=caption, columns=[first, *BREAKDOWN_COLUMNS], sheet=sheet)
    for _key, label, row in cells.breakdowns[kind]:
        table.rows.append([label, *row])
    h = cells.headline
    table.rows.append(["合計", h["registered"], h["started"], h["completed"]])
    table.chart = _breakdown_chart(table, f"{caption.split('（')[0]}の人数")
    return table


def _breakdown_chart(table: Table, title: str) -> SafeString:
    body = table.rows[:-1]
    return charts.bar_chart(
        title=title,
        categories=[display(row[0]) for row in body],
        series=[
            (name, [charts.value_of(row[i + 1]) for row in body]) for i, name in enumerate(BREAKDOWN_COLUMNS)
        ],
    )


# Computed plans, per process: (prefecture code, fiscal year) → (data version, plan). A plan is read-only once made.
# Building one reads every municipality of the prefecture and runs the suppression checks (~0.6 s for 東京都, ~1.4 s
# for 北海道 on SQLite); the data only changes when the roll-ups are refreshed (at most once a minute), so screens and
# exports reuse it while rollups.data_version() is unchanged. The version is read from the database on every request,
# so every process sees a refresh at once.
PLAN_CACHE_SIZE = 32
_plans: OrderedDict[tuple[str, int], tuple[tuple, PrefecturePlan]] = OrderedDict()
_plans_lock = threading.Lock()


def cached_prefecture_plan(prefecture: Area, fy: int) -> PrefecturePlan:
    from .rollups import data_version

    version = (*data_version(), timezone.localdate().replace(day=1))  # a new month un-blanks its row
    key = (prefecture.code, fy)
    with _plans_lock:
        hit = _plans.get(key)
        if hit is not None and hit[0] == version:
            _plans.move_to_end(key)
            return hit[1]
    plan = prefecture_plan(prefecture, fy)
    with _plans_lock:
        _plans[key] = (version, plan)
        _plans.move_to_end(key)
        while len(_plans) > PLAN_CACHE_SIZE:
            _plans.popitem(last=False)
    return plan


def forget_cached_plans() -> None:
    with _plans_lock:
        _plans.clear()


def build_report(area: Area, fy: int) -> Report:
    plain = Suppressor(enabled=False)
    plan = None
    comparisons: list[tuple[Area, AreaCells]] = []
    if area.level == NATION:
        cells = area_cells(
            plain, selectors.figures(area, fy), selectors.quiz_first_attempts(area, fy), name="nation"
        )
    else:
        prefecture = area if area.level == PREFECTURE else selectors.area_for_prefecture(area.prefecture_code)
        plan = cached_prefecture_plan(prefecture, fy)
        if area.level == PREFECTURE:
            cells = plan.cells
        else:
            cells = plan.cells_for(area.code)
            if cells is None:  # an inactive municipality without data in the year
                figures = _empty_figures(fy)
                cells = area_cells(plain, figures, _quiz_for(plan.quiz, {}), name=area.code)
            comparisons.append((prefecture, plan.cells))
        nation = selectors.area_for_nation()
        nation_figures = selectors.figures(nation, fy)
        comparisons.append((nation, area_cells(plain, nation_figures, [], name="nation")))
    plain.resolve()

    columns = ["指標", area.name, f"{area.name}（1万人あたり）"]
    for other, _c in comparisons:
        columns += [other.name, f"{other.name}（1万人あたり）"]
    headline = Table(
        key="headline", caption=f"{area.name}の主な数値（{fy}年度）", columns=columns, sheet="主な数値"
    )
    for key, label in HEADLINE:
        row = [label, cells.headline[key], _per10k(key, cells.headline[key], cells.population)]
        for _other, other_cells in comparisons:
            row += [
                other_cells.headline[key],
                _per10k(key, other_cells.headline[key], other_cells.population),
            ]
        headline.rows.append(row)
    population_row = ["人口（住民基本台帳）", _population(cells.population), "—"]
    for _other, other_cells in comparisons:
        population_row += [_population(other_cells.population), "—"]
    headline.rows.append(population_row)

    started = cells.headline["started"]
    titles = {q.number: q.title for q in cells.quiz}
    funnel = Table(
        key="funnel",
        caption=f"受講の進み具合（{fy}年度に受講を始めた人・各章に初めて合格した人）",
        columns=["段階", "人数", "受講開始者数との比"],
        sheet="進み具合",
        note="年度内の人数です。前年度に始めて今年度に合格した人も含むため、比が100%を超えることがあります。",
    )
    funnel.rows.append(["受講開始", started, "—"])
    for number, cell in enumerate(cells.passed, start=1):
        title = titles.get(number, "")
        funnel.rows.append(
            [f"第{number}章合格" + (f"（{title}）" if title else ""), cell, Rate(cell, started)]
        )
    funnel.chart = charts.funnel(
        title="受講の進み具合",
        steps=[("受講開始", charts.value_of(started))]
        + [(f"第{n}章合格", charts.value_of(c)) for n, c in enumerate(cells.passed, start=1)],
    )

    months = _breakdown_table(cells, "month", caption=f"月別（{fy}年度）", sheet="月別", first="月")
    if fy >= selectors.current_fiscal_year():
        months.note = "まだ来ていない月は空欄です。"
    ages = _breakdown_table(cells, "age", caption="年代別", sheet="年代別", first="年代")
    occupations = _breakdown_table(
        cells, "occupation", caption="職業分野別", sheet="職業分野別", first="職業分野"
    )

    quiz_table = Table(
        key="quiz",
        caption="確認問題の初回合格率（章別）",
        columns=["章", "初回受験者", "初回合格者", "初回合格率"],
        sheet="確認問題",
        note="その年度に初めて確認問題を受けた人のうち、1回目で合格した人の割合です。",
    )
    question_tables = []
    for module in cells.quiz:
        quiz_table.rows.append(
            [
                f"{module.number}. {module.title}",
                module.attempts,
                module.passes,
                Rate(module.passes, module.attempts),
            ]
        )
        questions = Table(
            key=f"quiz-{module.number}",
            caption=f"第{module.number}章「{module.title}」の問題別 初回正答率",
            columns=["問", "問題文", "初回の回答者", "正答者", "正答率"],
            sheet=f"確認問題{module.number}",
            header_cells=2,
        )
        for number, (_key, text, attempts, correct) in enumerate(module.questions, start=1):
            questions.rows.append([f"問{number}", text, attempts, correct, Rate(correct, attempts)])
        question_tables.append(questions)
    quiz_table.chart = charts.bar_chart(
        title="確認問題の初回合格率",
        categories=[f"第{m.number}章" for m in cells.quiz],
        series=[("初回合格率", [charts.value_of(row[3]) for row in quiz_table.rows])],
        unit="%",
    )

    tables = [headline, funnel, months, ages, occupations, quiz_table, *question_tables]
    report = Report(
        area=area,
        fy=fy,
        suppressed=area.level == MUNICIPALITY,
        tables=tables,
        threshold=plan.suppressor.limit if plan else Suppressor().limit,
        prefecture=plan.prefecture if plan and area.level == MUNICIPALITY else None,
    )
    if area.level == PREFECTURE:
        tables.insert(1, municipality_ranking(plan, fy))
    for table in tables:
        table.protected = any(
            isinstance(cell, Count) and not cell.public for row in table.rows for cell in row
        )
    report.rounding_base = plan.suppressor.base if plan else 1
    for key, label in (("registered", "登録者"), ("started", "受講開始者"), ("completed", "修了者")):
        report.summary.append((label, cells.headline[key].display, _why_hidden(cells.headline[key], report)))
    if any(table.protected for table in tables):
        report.marker_note = markers_note(report.threshold, report.rounding_base)
    if area.level == NATION:
        prefectures = prefecture_ranking(fy, cells.headline)
        tables.insert(1, prefectures)
        report.tiles, report.legend, report.tile_caption = tiles_for(prefectures, fy)
    return report


def _why_hidden(cell: Count, report: Report) -> str:
    from .privacy import PRIMARY, SECONDARY

    if cell.status == PRIMARY:
        return f"{report.threshold}人未満（0〜{report.threshold - 1}人）のため、数を表示していません"
    if cell.status == SECONDARY:
        return "ほかの表の数と合わせて小さい数が分からないよう、伏せています"
    if not cell.public:
        return f"{report.rounding_base}の倍数に丸めた数です"
    return ""


def _per10k(key: str, cell: Count, population: int | None):
    """Per 10,000 residents for counts of people only (a number of workshops per resident means little)."""
    return "—" if key == "workshops_held" else PerTenThousand(cell, population)


def _population(value: int | None) -> str:
    return f"{value:,}人" if value else "未登録"


def municipality_ranking(plan: PrefecturePlan, fy: int) -> Table:
    """The municipalities of a prefecture ranked by what is shown: completions per 10,000 residents when the
    prefecture's population is imported, otherwise the (rounded) number of completions — the caption says which.
    Municipalities whose figure is hidden (「<10」 or 「秘匿」) are not ranked and come last in code order, so a hidden
    count is never placed by its value and no 0 is ever ranked above a municipality with completions. Equal figures
    share a rank. The cells (and their suppression) are the plan's, the same as on each municipality's own screen."""
    prefecture = plan.prefecture
    by_rate = any(summary.population for _area, summary, _cells in plan.municipalities)
    measure = "修了者の1万人あたり" if by_rate else "修了者数（人口が未登録のため人数）"
    table = Table(
        key="municipalities",
        caption=f"{prefecture.name}の市区町村別（{measure}の多い順）",
        columns=[
            "順位",
            "市区町村",
            "人口",
            *[label for _k, label in TABLE_COLUMNS],
            "修了者（1万人あたり）",
        ],
        sheet="市区町村別",
        header_cells=2,
        note=(
            f"順位は表に出ている{measure}の順です。「<10」「秘匿」の市区町村は順位を付けず、最後に団体コード順で"
            "並べています（非表示の数は順位に使っていません）。"
        ),
    )

    def figure(entry):
        _area, summary, cells = entry
        if by_rate:
            return PerTenThousand(cells.headline["completed"], summary.population).value
        return cells.headline["completed"].number

    entries = list(plan.municipalities)
    ranked = sorted((e for e in entries if figure(e) is not None), key=lambda e: (-figure(e), e[0].code))
    unranked = [e for e in entries if figure(e) is None]
    previous, rank = None, 0
    for position, entry in enumerate(ranked + unranked, start=1):
        area, summary, cells = entry
        value = figure(entry)
        if value is not None and value != previous:
            rank, previous = position, value
        row = cells.headline
        table.rows.append(
            [
                str(rank) if value is not None else "—",
                Link(area.name, area_url(area, fy)),
                _population(summary.population),
                *[row[key] for key, _label in TABLE_COLUMNS],
                PerTenThousand(row["completed"], summary.population),
            ]
        )
    totals = plan.cells.headline
    table.rows.append(
        [
            "",
            f"{prefecture.name}（合計）",
            _population(plan.figures.population),
            *[totals[key] for key, _label in TABLE_COLUMNS],
            PerTenThousand(totals["completed"], plan.figures.population),
        ]
    )
    return table


def prefecture_ranking(fy: int, nation_cells: dict[str, Count]) -> Table:
    """The 47 prefectures (not suppressed) in code order, as the accessible table of the tile grid."""
    s = Suppressor(enabled=False)
    table = Table(
        key="prefectures",
        caption=f"都道府県別（{fy}年度）",
        columns=["都道府県", "人口", *[label for _k, label in TABLE_COLUMNS], "修了者（1万人あたり）"],
        sheet="都道府県別",
    )
    for area, summary in selectors.prefecture_table(fy):
        row = [s.count(getattr(summary, key)) for key, _label in TABLE_COLUMNS]
        table.row_areas.append(area)
        table.rows.append(
            [
                Link(area.name, area_url(area, fy)),
                _population(summary.population),
                *row,
                PerTenThousand(row[2], summary.population),
            ]
        )
    table.rows.append(["全国（合計）", "", *[nation_cells[key] for key, _l in TABLE_COLUMNS], "—"])
    return table


# (column, row) of each prefecture on a tile map of Japan, 12 columns by 9 rows.
TILE_POSITIONS = {
    "01": (11, 0), "02": (11, 1), "05": (10, 2), "03": (11, 2),
    "17": (7, 3), "16": (8, 3), "15": (9, 3), "06": (10, 3), "04": (11, 3),
    "32": (2, 4), "31": (3, 4), "28": (4, 4), "26": (5, 4), "18": (6, 4), "21": (7, 4), "20": (8, 4),
    "10": (9, 4), "09": (10, 4), "07": (11, 4),
    "41": (0, 5), "40": (1, 5), "35": (2, 5), "34": (3, 5), "33": (4, 5), "27": (5, 5), "25": (6, 5),
    "23": (7, 5), "19": (8, 5), "11": (9, 5), "08": (10, 5),
    "42": (0, 6), "43": (1, 6), "44": (2, 6), "38": (3, 6), "37": (4, 6), "29": (5, 6), "24": (6, 6),
    "22": (7, 6), "14": (8, 6), "13": (9, 6), "12": (10, 6),
    "46": (0, 7), "45": (1, 7), "39": (3, 7), "36": (4, 7), "30": (5, 7),
    "47": (0, 8),
}  # fmt: skip


@dataclass
class LegendStep:
    level: int
    label: str


def tile_measure(table: Table) -> str:
    """"rate" (completions per 10,000) when every prefecture's population is imported, else "count"."""
    rows = table.rows[:-1]
    return "rate" if rows and all(row[-1].value is not None for row in rows) else "count"


def tiles_for(table: Table, fy: int) -> tuple[list[Tile], list[LegendStep], str]:
    """Tiles shaded by the figure each tile shows (per 10,000 when every population is loaded, else the number of
    completions), five shades from 0 to the largest, with the legend and a caption saying which figure it is."""
    rows = table.rows[:-1]
    measure = tile_measure(table)
    values = [row[-1].value if measure == "rate" else row[4].number for row in rows]
    top = max((v for v in values if v is not None), default=0)
    steps = [top * k / 4 for k in range(5)]  # level n: (steps[n-1], steps[n]]; level 0: exactly 0

    def level_of(value) -> int:
        if not value or not top:
            return 0
        return next(n for n in range(1, 5) if value <= steps[n] + 1e-9)

    tiles = []
    for area, row, value in zip(table.row_areas, rows, values, strict=True):
        column, grid_row = TILE_POSITIONS[area.code]
        shown = row[-1].display if measure == "rate" else f"{row[4].display}人"
        name = "北海道" if area.code == "01" else area.name[:-1]
        tiles.append(Tile(area, name, column + 1, grid_row + 1, shown, level_of(value), row[0].url))
    unit = "" if measure == "rate" else "人"
    fmt = (lambda v: f"{v:,.1f}") if measure == "rate" else (lambda v: f"{v:,.0f}")
    legend = [LegendStep(0, f"0{unit}")]
    for n in range(1, 5):
        legend.append(LegendStep(n, f"{fmt(steps[n - 1])}{unit}超〜{fmt(steps[n])}{unit}"))
    caption = (
        "都道府県別の修了者（1万人あたり）"
        if measure == "rate"
        else "都道府県別の修了者数（人口が未登録の都道府県があるため人数）"
    )
    return tiles, (legend if top else [LegendStep(0, f"0{unit}")]), caption
