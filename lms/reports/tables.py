"""What a report shows, as tables of cells: built once per request and used by the screen, the CSV and the XLSX,
so the three always carry exactly the same numbers.

`build_report(area, fy)` reads the figures (lms.reports.selectors), puts every count into one `privacy.Suppressor`
with its additive groups, resolves suppression (municipality level only), and lays out the tables. A municipality
report also takes the suppression decisions of its prefecture's municipality table, so a count hidden there is
hidden on the municipality's own screen too (otherwise the two screens could be differenced)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
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

    @property
    def period_label(self) -> str:
        return fiscal_year_label(self.fy)


def fiscal_year_label(fy: int) -> str:
    reiwa = fy - 2018
    return f"{fy}年度（令和{reiwa}年度：{fy}年4月1日〜{fy + 1}年3月31日）"


def area_url(area: Area, fy: int | None = None) -> str:
    if area.level == NATION:
        url = reverse("reports_regions:nation")
    elif area.level == PREFECTURE:
        url = reverse("reports_regions:prefecture", args=[area.code])
    else:
        url = reverse("reports_regions:municipality", args=[area.code])
    return f"{url}?fy={fy}" if fy else url


def _month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def _headline_counts(s: Suppressor, figures: selectors.Figures, *, prefix: str) -> dict[str, Count]:
    cells = {
        key: s.count(getattr(figures, key), name=f"{prefix}{key}")
        for key, _label in HEADLINE
        if key != "completed"
    }
    cells["completed"] = s.count(
        figures.completed_online + figures.completed_workshop, name=f"{prefix}completed"
    )
    s.group(cells["completed"], [cells["completed_online"], cells["completed_workshop"]])
    return cells


def _breakdown(
    s: Suppressor,
    totals: dict[str, Count],
    rows: list[tuple],
    *,
    key: str,
    caption: str,
    sheet: str,
    first: str,
) -> Table:
    """A breakdown table (rows of (label, registered, started, completed)), with a 合計 row of the headline cells;
    each column is an additive group."""
    table = Table(key=key, caption=caption, columns=[first, *BREAKDOWN_COLUMNS], sheet=sheet)
    columns: list[list[Count]] = [[], [], []]
    for label, *values in rows:
        cells = [s.count(v, name=f"{key}:{label}:{i}") for i, v in enumerate(values)]
        for i, cell in enumerate(cells):
            columns[i].append(cell)
        table.rows.append([label, *cells])
    for total, parts in zip(
        (totals["registered"], totals["started"], totals["completed"]), columns, strict=True
    ):
        s.group(total, parts)
    table.rows.append(["合計", totals["registered"], totals["started"], totals["completed"]])
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


def build_report(area: Area, fy: int) -> Report:
    suppressed = area.level == MUNICIPALITY
    s = Suppressor(enabled=suppressed)
    figures = selectors.figures(area, fy)
    cells = _headline_counts(s, figures, prefix="")

    comparisons: list[tuple[Area, selectors.Figures, dict[str, Count]]] = []
    plain = Suppressor(enabled=False)
    prefecture_area = None
    if area.level != NATION:
        if area.level == MUNICIPALITY:
            prefecture_area = selectors.area_for_prefecture(area.prefecture_code)
            pref_figures = selectors.figures(prefecture_area, fy)
            comparisons.append(
                (prefecture_area, pref_figures, _headline_counts(plain, pref_figures, prefix="pref:"))
            )
        nation = selectors.area_for_nation()
        nation_figures = selectors.figures(nation, fy)
        comparisons.append(
            (nation, nation_figures, _headline_counts(plain, nation_figures, prefix="nation:"))
        )

    ranking = None
    if area.level == PREFECTURE:
        ranking = municipality_ranking(area, figures, fy)
    elif area.level == MUNICIPALITY:
        # Hide here whatever the prefecture's municipality table hides for this municipality.
        table = municipality_ranking(prefecture_area, pref_figures, fy, only_decisions=True)
        for key, status in table.get(area.code, {}).items():
            s.mark(cells[key], status)

    # Headline: the area, then its prefecture and the nation beside it, each with per-10,000 where known.
    columns = ["指標", area.name, f"{area.name}（1万人あたり）"]
    for other, _f, _c in comparisons:
        columns += [other.name, f"{other.name}（1万人あたり）"]
    headline = Table(
        key="headline",
        caption=f"{area.name}の主な数値（{fy}年度）",
        columns=columns,
        sheet="主な数値",
    )
    for key, label in HEADLINE:
        row = [label, cells[key], _per10k(key, cells[key], figures.population)]
        for _other, other_figures, other_cells in comparisons:
            row += [other_cells[key], _per10k(key, other_cells[key], other_figures.population)]
        headline.rows.append(row)
    population_row = ["人口（住民基本台帳）", _population(figures.population), "—"]
    for _other, other_figures, _c in comparisons:
        population_row += [_population(other_figures.population), "—"]
    headline.rows.append(population_row)

    # The funnel: learners who started, then who first passed each module, in the year.
    passed = [s.count(n, name=f"module:{i}") for i, n in enumerate(figures.module_passed, start=1)]
    quiz = selectors.quiz_first_attempts(area, fy)
    titles = {m.module_number: m.module_title for m in quiz}
    funnel = Table(
        key="funnel",
        caption=f"受講の進み具合（{fy}年度に受講を始めた人・各モジュールに初めて合格した人）",
        columns=["段階", "人数", "受講開始者数との比"],
        sheet="進み具合",
        note="年度内の人数です。前年度に始めて今年度に合格した人も含むため、比が100%を超えることがあります。",
    )
    funnel.rows.append(["受講開始", cells["started"], "—"])
    for number, cell in enumerate(passed, start=1):
        title = titles.get(number, "")
        funnel.rows.append(
            [
                f"モジュール{number}合格" + (f"（{title}）" if title else ""),
                cell,
                Rate(cell, cells["started"]),
            ]
        )
    funnel.chart = charts.funnel(
        title="受講の進み具合",
        steps=[("受講開始", charts.value_of(cells["started"]))]
        + [(f"モジュール{n}合格", charts.value_of(c)) for n, c in enumerate(passed, start=1)],
    )

    months = _breakdown(
        s,
        cells,
        [(_month_label(month), *values) for month, *values in figures.by_month],
        key="month",
        caption=f"月別（{fy}年度）",
        sheet="月別",
        first="月",
    )
    months.chart = _breakdown_chart(months, "月別の人数")
    ages = _breakdown(
        s,
        cells,
        [(label, *values) for _key, label, *values in figures.by_age_band],
        key="age",
        caption="年代別",
        sheet="年代別",
        first="年代",
    )
    ages.chart = _breakdown_chart(ages, "年代別の人数")
    occupations = _breakdown(
        s,
        cells,
        [(label, *values) for _key, label, *values in figures.by_occupation],
        key="occupation",
        caption="職業分野別",
        sheet="職業分野別",
        first="職業分野",
    )
    occupations.chart = _breakdown_chart(occupations, "職業分野別の人数")

    # Quizzes: first attempts in the year and how many passed, per module and per question.
    quiz_table = Table(
        key="quiz",
        caption="小テストの初回合格率（モジュール別）",
        columns=["モジュール", "初回受験者", "初回合格者", "初回合格率"],
        sheet="小テスト",
        note="その年度に初めて小テストを受けた人のうち、1回目で合格した人の割合です。",
    )
    question_tables = []
    for module in quiz:
        attempts = s.count(module.first_attempts, name=f"quiz:{module.module_number}:attempts")
        passes = s.count(module.first_passes, name=f"quiz:{module.module_number}:passes")
        s.group(attempts, [passes])
        quiz_table.rows.append(
            [f"{module.module_number}. {module.module_title}", attempts, passes, Rate(passes, attempts)]
        )
        questions = Table(
            key=f"quiz-{module.module_number}",
            caption=f"モジュール{module.module_number}「{module.module_title}」の問題別 初回正答率",
            columns=["問", "問題文", "初回の回答者", "正答者", "正答率"],
            sheet=f"小テスト{module.module_number}",
            header_cells=2,
        )
        for number, question in enumerate(module.questions, start=1):
            q_attempts = (
                attempts
                if question.first_attempts == module.first_attempts
                else s.count(question.first_attempts, name=f"q:{question.question_key}:attempts")
            )
            correct = s.count(question.first_correct, name=f"q:{question.question_key}:correct")
            s.group(q_attempts, [correct])
            questions.rows.append(
                [f"問{number}", question.question_text, q_attempts, correct, Rate(correct, q_attempts)]
            )
        question_tables.append(questions)
    quiz_table.chart = charts.bar_chart(
        title="小テストの初回合格率",
        categories=[f"モジュール{m.module_number}" for m in quiz],
        series=[("初回合格率", [charts.value_of(row[3]) for row in quiz_table.rows])],
        unit="%",
    )

    s.resolve()
    tables = [headline, funnel, months, ages, occupations, quiz_table, *question_tables]
    report = Report(
        area=area, fy=fy, suppressed=suppressed, tables=tables, threshold=s.limit, prefecture=prefecture_area
    )
    if ranking is not None:
        tables.insert(1, ranking)
    if area.level == NATION:
        prefectures = prefecture_ranking(fy, cells)
        tables.insert(1, prefectures)
        report.tiles = tiles_for(prefectures, fy)
        report.tile_caption = "都道府県別の修了者（1万人あたり。人口が未登録の県は人数）"
    return report


def _per10k(key: str, cell: Count, population: int | None):
    """Per 10,000 residents for counts of people only (a number of workshops per resident means little)."""
    return "—" if key == "workshops_held" else PerTenThousand(cell, population)


def _population(value: int | None) -> str:
    return f"{value:,}人" if value else "未登録"


def _rank_key(row_cells: dict[str, Count], per10k: PerTenThousand, code: str):
    """Order by what is shown only (a hidden count must not be placed by its value)."""
    if per10k.value is not None:
        return (0, -per10k.value, code)
    completed = row_cells["completed"]
    if not completed.suppressed:
        return (1, -completed.value, code)
    return (2, 0, code)


def municipality_ranking(prefecture: Area, pref_figures: selectors.Figures, fy: int, *, only_decisions=False):
    """The municipalities of a prefecture ranked by completions per 10,000 residents (then by completions),
    with the prefecture as the 合計 row. Suppressed at municipality level; each column is an additive group whose
    total (the prefecture's own figure) is public."""
    s = Suppressor(enabled=True)
    totals = {
        "registered": s.count(pref_figures.registered, public=True),
        "started": s.count(pref_figures.started, public=True),
        "completed": s.count(pref_figures.completed_online + pref_figures.completed_workshop, public=True),
        "certificates_valid": s.count(pref_figures.certificates_valid, public=True),
    }
    entries = []
    for area, summary in selectors.municipality_table(prefecture.code, fy):
        row = {
            key: s.count(getattr(summary, key), name=f"{area.code}:{key}") for key, _label in TABLE_COLUMNS
        }
        entries.append((area, summary, row))
    for key, _label in TABLE_COLUMNS:
        s.group(totals[key], [row[key] for _a, _s, row in entries])
    s.resolve()
    if only_decisions:
        return {
            area.code: {key: cell.status for key, cell in row.items() if cell.status}
            for area, _s, row in entries
        }
    table = Table(
        key="municipalities",
        caption=f"{prefecture.name}の市区町村別（修了者の1万人あたりの多い順）",
        columns=[
            "順位",
            "市区町村",
            "人口",
            *[label for _k, label in TABLE_COLUMNS],
            "修了者（1万人あたり）",
        ],
        sheet="市区町村別",
        header_cells=2,
        note="少ない人数が分からないよう、一部の数を「秘匿」としています。非表示の数は順位に使っていません。",
    )
    ordered = sorted(
        entries,
        key=lambda e: _rank_key(e[2], PerTenThousand(e[2]["completed"], e[1].population), e[0].code),
    )
    rank = 0
    for area, summary, row in ordered:
        per10k = PerTenThousand(row["completed"], summary.population)
        shown = per10k.value is not None or not row["completed"].suppressed
        rank += 1 if shown else 0
        table.rows.append(
            [
                str(rank) if shown else "—",
                Link(area.name, area_url(area, fy)),
                _population(summary.population),
                *[row[key] for key, _label in TABLE_COLUMNS],
                per10k,
            ]
        )
    table.rows.append(
        ["", f"{prefecture.name}（合計）", _population(pref_figures.population), *totals.values(), "—"]
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


def tiles_for(table: Table, fy: int) -> list[Tile]:
    rows = table.rows[:-1]
    values = []
    for row in rows:
        per10k = row[-1]
        values.append(per10k.value if per10k.value is not None else None)
    known = [v for v in values if v is not None]
    top = max(known, default=0) or 1
    tiles = []
    for area, row, value in zip(table.row_areas, rows, values, strict=True):
        column, grid_row = TILE_POSITIONS[area.code]
        shown = row[-1].display if value is not None else f"{row[4].display}人"
        level = 0 if not value else min(4, 1 + int(3.999 * value / top))
        name = "北海道" if area.code == "01" else area.name[:-1]
        tiles.append(Tile(area, name, column + 1, grid_row + 1, shown, level, row[0].url))
    return tiles
