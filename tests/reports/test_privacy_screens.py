"""The suppression proof on real screens: small municipality data in 鳥取県, every number a prefecture officer can
see (the municipality screens, the prefecture screen with its municipality table, and both exports of each), and
an independent check (tests/reports/recovery.py) that no count shown as 「<10」 can be worked out by a sum or a
difference — within a screen or across the prefecture table and the municipalities' own screens. Also: the screen,
the CSV and the XLSX carry exactly the same cells."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from lms.regions.models import Municipality
from lms.reports.models import CityQuizYear, PrefectureQuizYear
from lms.reports.selectors import MUNICIPALITY, Area, municipality_table
from tests.courses.factories import make_course

from .report_data import (
    FY,
    KURAYOSHI_CITY,
    SAKAIMINATO_CITY,
    TOTTORI_CITY,
    TOTTORI_PREF,
    YONAGO_CITY,
    add_learners,
    add_workshops,
    module_id,
    month,
    officer,
    set_population,
)

pytestmark = pytest.mark.django_db
SMALL, SECONDARY = "<10", "秘匿"
BASE = "/admin/reports/regions/"


def _quiz(city, module_number, question_key, attempts, correct):
    prefecture = TOTTORI_PREF
    common = {"fiscal_year": FY, "module_id": module_id(module_number), "question_key": question_key}
    CityQuizYear.objects.create(
        municipality_code=city,
        prefecture_code=prefecture,
        first_attempts=attempts,
        first_correct=correct,
        **common,
    )
    row, _ = PrefectureQuizYear.objects.get_or_create(prefecture_code=prefecture, **common)
    row.first_attempts += attempts
    row.first_correct += correct
    row.save()


@pytest.fixture
def small_data(db):
    _course, modules = make_course(modules=2, questions=2)
    # 鳥取市: mostly large numbers with a few small cells in each breakdown.
    add_learners(
        TOTTORI_CITY,
        month(4),
        age_band="30s",
        occupation="medical_welfare",
        registered=40,
        started=30,
        completed_online=12,
        completed_workshop=20,
        certificates_valid=30,
        passed_1=25,
        passed_2=3,
    )
    add_learners(
        TOTTORI_CITY,
        month(5),
        age_band="40s",
        occupation="education",
        registered=3,
        started=2,
        completed_online=1,
        passed_1=2,
    )
    add_learners(TOTTORI_CITY, month(7), age_band="70s", occupation="", registered=1, started=1)
    add_learners(
        TOTTORI_CITY,
        month(8),
        age_band="30s",
        occupation="business",
        registered=12,
        started=11,
        completed_workshop=10,
        certificates_valid=10,
    )
    # 米子市: one month of 20 and two small ones summing to 2 (shown 22 − 20 must not give 1 + 1).
    add_learners(
        YONAGO_CITY,
        month(4),
        age_band="20s",
        occupation="student",
        registered=20,
        started=15,
        completed_online=11,
    )
    add_learners(YONAGO_CITY, month(9), age_band="60s", occupation="other", registered=1, started=1)
    add_learners(YONAGO_CITY, month(10), age_band="60s", occupation="other", registered=1)
    # 倉吉市: everything small. 境港市: exactly one small and one large (11 = 1 + 10).
    add_learners(
        KURAYOSHI_CITY,
        month(6),
        age_band="50s",
        occupation="government",
        registered=5,
        started=4,
        completed_online=2,
        completed_workshop=1,
        certificates_valid=3,
    )
    add_learners(
        SAKAIMINATO_CITY,
        month(11),
        age_band="80plus",
        occupation="other",
        registered=11,
        started=10,
        completed_online=1,
        completed_workshop=10,
        certificates_valid=11,
    )
    add_workshops(TOTTORI_CITY, month(8), held=2, attendance=10)
    add_workshops(KURAYOSHI_CITY, month(6), held=1, attendance=3)
    set_population(TOTTORI_CITY, 183000)
    set_population(KURAYOSHI_CITY, 44000)
    # Quiz: 15 first attempts with 12 passes (3 failures would be a difference); questions 15/14 and 15/6.
    questions = [block.id for block in modules[0].quiz if block.block_type == "question"]
    _quiz(TOTTORI_CITY, 1, "", 15, 12)
    _quiz(TOTTORI_CITY, 1, questions[0], 15, 14)
    _quiz(TOTTORI_CITY, 1, questions[1], 15, 6)
    _quiz(YONAGO_CITY, 1, "", 4, 4)
    return modules


# --- reading what a reader sees ---------------------------------------------------------------------------------


def _norm(value) -> str:
    """Cells compared by meaning: 1,234 / 1234 and 45.0% / 45.0 / 45 (a spreadsheet number) are the same."""
    text = str(value).replace(",", "").removesuffix("%").strip()
    try:
        return f"{float(text):.1f}"
    except ValueError:
        return text


def screen_tables(html: str) -> dict[str, list[list[str]]]:
    soup = BeautifulSoup(html, "html.parser")
    tables = {}
    for table in soup.select("table.report-table"):
        caption = table.caption.get_text(strip=True)
        rows = [
            [cell.get_text(strip=True) for cell in tr.find_all(["th", "td"])]
            for tr in table.select("tbody tr")
        ]
        tables[caption] = rows
    return tables


def csv_tables(body: bytes) -> dict[str, list[list[str]]]:
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    tables, i = {}, 0
    while i < len(rows):
        if rows[i] == [] and i + 2 < len(rows):
            caption, i = rows[i + 1][0], i + 3
            body_rows = []
            while i < len(rows) and rows[i] != [] and len(rows[i]) > 1:
                body_rows.append(rows[i])
                i += 1
            tables[caption] = body_rows
        else:
            i += 1
    return tables


def xlsx_tables(body: bytes) -> dict[str, list[list[str]]]:
    workbook = load_workbook(io.BytesIO(body))
    tables = {}
    for sheet in workbook.worksheets:
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        start = next(
            i
            for i, row in enumerate(values)
            if row[0] and len([c for c in row if c is not None]) == 1 and i > 2 and values[i - 1][0] is None
        )
        caption = values[start][0]
        rows = []
        for row in values[start + 2 :]:
            if all(c is None for c in row):
                break
            rows.append(["" if c is None else c for c in row])
        tables[caption] = rows
    return tables


def _same(a, b) -> bool:
    return len(a) == len(b) and all(
        [_norm(x) for x in ra] == [_norm(y) for y in rb][: len(ra)] for ra, rb in zip(a, b, strict=True)
    )


def _column(rows, index):
    return [row[index] for row in rows]


def _fetch(client, area_path):
    html = client.get(f"{BASE}{area_path}/?fy={FY}").content.decode()
    csv_body = client.get(f"{BASE}{area_path}/export/?format=csv&fy={FY}").content
    xlsx_body = client.get(f"{BASE}{area_path}/export/?format=xlsx&fy={FY}").content
    return screen_tables(html), csv_tables(csv_body), xlsx_tables(xlsx_body)


def _assert_screen_equals_exports(screen, from_csv, from_xlsx):
    assert screen.keys() == from_csv.keys() == from_xlsx.keys()
    for caption, rows in screen.items():
        assert _same(rows, from_csv[caption]), caption
        assert _same(rows, from_xlsx[caption]), caption


# --- what every officer reads ------------------------------------------------------------------------------------
# (No small count can be worked out from all of it: test_attack_solver.py, with an exact solver.)


def test_screens_and_both_exports_carry_the_same_cells_and_explain_every_marker(client, small_data):
    client.force_login(officer(prefecture=TOTTORI_PREF))
    cities = [area for area, _s in municipality_table(TOTTORI_PREF, FY)]
    for path in [f"pref/{TOTTORI_PREF}", *(f"muni/{area.code}" for area in cities)]:
        screen, from_csv, from_xlsx = _fetch(client, path)
        _assert_screen_equals_exports(screen, from_csv, from_xlsx)
        html = client.get(f"{BASE}{path}/?fy={FY}").content.decode()
        soup = BeautifulSoup(html, "html.parser")
        note = soup.select_one("#report-markers").get_text()
        assert "「<10」" in note and "「秘匿」" in note and "5の倍数" in note
        for table in soup.select("table.report-table"):
            cells = [td.get_text(strip=True) for td in table.select("td")]
            if any(c in (SMALL, SECONDARY) for c in cells):
                explained = table.find_parent("div").find_next_sibling("p", class_="report-markers")
                assert explained is not None and "「秘匿」" in explained.get_text(), table.caption.get_text()
        csv_text = client.get(f"{BASE}{path}/export/?format=csv&fy={FY}").content.decode("utf-8-sig")
        assert csv_text.count(note.strip()) >= 2  # in the heading and after each table with markers
        headline = list(screen.values())[0]
        for row in headline:
            if row[1] in (SMALL, SECONDARY):
                assert row[2] == "—", (path, row)  # no per-10,000 figure of a hidden count
    kurayoshi = {row[0]: row[1] for row in list(_fetch(client, f"muni/{KURAYOSHI_CITY}")[0].values())[0]}
    assert kurayoshi["登録者"] == SMALL  # 5
    assert kurayoshi["開催された講座"] == "1"  # workshops are public events: shown exactly


def _raw_fail(area: Area, row) -> int:
    number = int(row[0].split(".")[0])
    found = CityQuizYear.objects.filter(
        municipality_code=area.code, module_id=module_id(number), question_key=""
    ).first()
    return found.first_attempts - found.first_correct if found else 0


def test_prefecture_and_nation_figures_are_not_suppressed(client, small_data):
    client.force_login(officer(is_national=True))
    screen = screen_tables(client.get(f"{BASE}pref/{TOTTORI_PREF}/?fy={FY}").content.decode())
    headline = {row[0]: row[1] for row in list(screen.values())[0]}
    assert headline["うちオンライン修了"] == "27"  # 12 + 1 + 11 + 2 + 1
    months = next(rows for caption, rows in screen.items() if caption.startswith("月別"))
    assert all(SMALL not in row and SECONDARY not in row for row in months)
    nation = screen_tables(client.get(f"{BASE}nation/?fy={FY}").content.decode())
    prefectures = next(rows for c, rows in nation.items() if c.startswith("都道府県別"))
    tottori = next(row for row in prefectures if row[0] == "鳥取県")
    assert tottori[2] == "94"  # registered: 56 + 22 + 5 + 11


def test_ranking_uses_only_shown_values(client, small_data):
    client.force_login(officer(prefecture=TOTTORI_PREF))
    screen = screen_tables(client.get(f"{BASE}pref/{TOTTORI_PREF}/?fy={FY}").content.decode())
    caption, table = next((c, rows) for c, rows in screen.items() if c.startswith("鳥取県の市区町村別"))
    assert "1万人あたり" in caption  # population is loaded for two towns
    body = table[:-1]
    ranked = [row for row in body if row[0] != "—"]
    unranked = [row for row in body if row[0] == "—"]
    assert ranked and unranked
    assert body == ranked + unranked  # hidden ones last
    rates = [float(row[-1].replace(",", "")) for row in ranked]
    assert rates == sorted(rates, reverse=True)
    for previous, row in zip(ranked, ranked[1:], strict=False):
        assert int(row[0]) >= int(previous[0])
        assert (row[0] == previous[0]) == (row[-1] == previous[-1])  # equal figures share a rank
    assert all(row[-1] == "—" for row in unranked)
    assert Municipality.objects.filter(prefecture_id=TOTTORI_PREF).exists() and MUNICIPALITY


def test_without_population_the_ranking_is_by_shown_completions_and_never_puts_zero_first(client, small_data):
    from lms.reports.models import MunicipalityPopulation

    MunicipalityPopulation.objects.all().delete()
    client.force_login(officer(prefecture=TOTTORI_PREF))
    screen = screen_tables(client.get(f"{BASE}pref/{TOTTORI_PREF}/?fy={FY}").content.decode())
    caption, table = next((c, rows) for c, rows in screen.items() if c.startswith("鳥取県の市区町村別"))
    assert "人数" in caption
    ranked = [row for row in table[:-1] if row[0] != "—"]
    assert ranked and ranked[0][1] == "鳥取市"
    completed = [int(row[5].replace(",", "")) for row in ranked]
    assert completed == sorted(completed, reverse=True) and all(c > 0 for c in completed)
    assert all(row[5] in (SMALL, SECONDARY) for row in table[:-1] if row[0] == "—")


def test_months_still_to_come_are_blank_not_zero(client, small_data):
    import time_machine

    client.force_login(officer(prefecture=TOTTORI_PREF))
    with time_machine.travel("2026-12-03 12:00 +0900", tick=False):
        for path, name in ((f"pref/{TOTTORI_PREF}", "鳥取県"), (f"muni/{TOTTORI_CITY}", "鳥取市")):
            screen, from_csv, from_xlsx = _fetch(client, path)
            months = next(rows for caption, rows in screen.items() if caption.startswith("月別"))
            by_month = {row[0]: row[1:] for row in months}
            for label in ("2027年1月", "2027年2月", "2027年3月"):
                assert by_month[label] == ["", "", ""], (name, label)
            assert by_month["2026年12月"] != ["", "", ""]
            csv_months = next(rows for caption, rows in from_csv.items() if caption.startswith("月別"))
            assert {row[0]: row[1:4] for row in csv_months}["2027年3月"] == ["", "", ""]
