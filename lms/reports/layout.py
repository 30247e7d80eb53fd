"""What a report shows, as tables of cells: built once per request and used by the screen, the CSV and the XLSX,
so the three always carry exactly the same numbers.

`build_report(area, fy)` takes the area's cells (lms.reports.cells) — for a prefecture or municipality from its
prefecture's disclosure plan (lms.reports.plans), so a count hidden on one screen is hidden on every screen that
shows it — and lays them out as tables, rankings and the tile map."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from django.urls import reverse
from django.utils.safestring import SafeString

from . import charts, selectors
from .cells import HEADLINE, AreaCells, area_cells, quiz_for
from .periods import fiscal_year_label
from .plans import PrefecturePlan, screen_plan
from .privacy import PRIMARY, SECONDARY, Count, PerTenThousand, Rate, Suppressor
from .selectors import MUNICIPALITY, NATION, PREFECTURE, Area

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


class SummaryLine(NamedTuple):
    label: str
    shown: str
    why: str


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
    # The first thing a screen says: each figure, what is shown, why it is hidden or how it is rounded.
    summary: list[SummaryLine] = field(default_factory=list)

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


# --- tables -------------------------------------------------------------------------------------------------


def _breakdown_table(cells: AreaCells, kind: str, *, caption: str, sheet: str, first: str) -> Table:
    table = Table(key=kind, caption=caption, columns=[first, *BREAKDOWN_COLUMNS], sheet=sheet)
    for row in cells.breakdowns[kind]:
        table.rows.append([row.label, *row.cells])
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
        plan = screen_plan(prefecture, fy, area)
        if area.level == PREFECTURE:
            cells = plan.cells
        else:
            cells = plan.cells_for(area.code)
            if cells is None:  # an inactive municipality without data in the year
                figures = selectors.empty_figures(fy)
                cells = area_cells(plain, figures, quiz_for(plan.quiz, {}), name=area.code)
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
    funnel = Table(
        key="funnel",
        caption=f"受講の進み具合（{fy}年度に受講を始めた人・各章に初めて合格した人）",
        columns=["段階", "人数", "受講開始者数との比"],
        sheet="進み具合",
        note="年度内の人数です。前年度に始めて今年度に合格した人も含むため、比が100%を超えることがあります。",
    )
    funnel.rows.append(["受講開始", started, "—"])
    for passed in cells.passed:
        label = f"第{passed.number}章合格" + (f"（{passed.title}）" if passed.title else "")
        funnel.rows.append([label, passed.cell, Rate(passed.cell, started)])
    funnel.chart = charts.funnel(
        title="受講の進み具合",
        steps=[("受講開始", charts.value_of(started))]
        + [(f"第{p.number}章合格", charts.value_of(p.cell)) for p in cells.passed],
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
            key=f"quiz-{module.number}",  # the table's position on the page; its cells are keyed by module id
            caption=f"第{module.number}章「{module.title}」の問題別 初回正答率",
            columns=["問", "問題文", "初回の回答者", "正答者", "正答率"],
            sheet=f"確認問題{module.number}",
            header_cells=2,
        )
        for number, question in enumerate(module.questions, start=1):
            questions.rows.append(
                [f"問{number}", question.text, question.attempts, question.correct, Rate(question.correct, question.attempts)]
            )
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
        cell = cells.headline[key]
        report.summary.append(SummaryLine(label, cell.display, _why_hidden(cell, report)))
    if any(table.protected for table in tables):
        report.marker_note = markers_note(report.threshold, report.rounding_base)
    if area.level == NATION:
        prefectures = prefecture_ranking(fy, cells.headline)
        tables.insert(1, prefectures)
        report.tiles, report.legend, report.tile_caption = tiles_for(prefectures, fy)
    return report


def _why_hidden(cell: Count, report: Report) -> str:
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
    by_rate = any(entry.summary.population for entry in plan.municipalities)
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
        if by_rate:
            return PerTenThousand(entry.cells.headline["completed"], entry.summary.population).value
        return entry.cells.headline["completed"].number

    entries = list(plan.municipalities)
    ranked = sorted((e for e in entries if figure(e) is not None), key=lambda e: (-figure(e), e.area.code))
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
