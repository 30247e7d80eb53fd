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

from .recovery import SECONDARY, SMALL, recoverable
from .report_data import (
    FY,
    KURAYOSHI_CITY,
    SAKAIMINATO_CITY,
    TOTTORI_CITY,
    TOTTORI_PREF,
    YONAGO_CITY,
    add_learners,
    add_workshops,
    month,
    officer,
    set_population,
)

pytestmark = pytest.mark.django_db
BASE = "/admin/reports/regions/"


def _quiz(city, module_number, question_key, attempts, correct):
    prefecture = TOTTORI_PREF
    common = {"fiscal_year": FY, "module_number": module_number, "question_key": question_key}
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


def _assert_breakdown_protected(rows, columns=(1, 2, 3)):
    total, parts = rows[-1], rows[:-1]
    for c in columns:
        assert recoverable(total[c], _column(parts, c)) == [], (total[0], c)


# --- the proof --------------------------------------------------------------------------------------------------


def test_no_small_count_can_be_recovered_from_any_screen_or_export(client, small_data):
    client.force_login(officer(prefecture=TOTTORI_PREF))
    cities = [area for area, _s in municipality_table(TOTTORI_PREF, FY)]
    own_screens = {}
    for area in cities:
        screen, from_csv, from_xlsx = _fetch(client, f"muni/{area.code}")
        _assert_screen_equals_exports(screen, from_csv, from_xlsx)
        own_screens[area.code] = screen
        tables = list(screen.values())
        headline = tables[0]
        labels = {row[0]: row for row in headline}
        completed, online, workshop = (
            labels["修了者（計）"],
            labels["うちオンライン修了"],
            labels["うち講座（対面等）修了"],
        )
        assert recoverable(completed[1], [online[1], workshop[1]]) == [], area.name
        for caption, rows in screen.items():
            if caption.startswith(("月別", "年代別", "職業分野別")):
                _assert_breakdown_protected(rows)
        quiz = next(rows for caption, rows in screen.items() if caption.startswith("小テストの初回合格率"))
        for row in quiz:
            assert (
                recoverable(row[1], [row[2]], remainder_hidden=True, remainder_value=_raw_fail(area, row))
                == []
            )
        # Rates and per-10,000 figures of hidden counts are not shown.
        for row in headline:
            if row[1] in (SMALL, SECONDARY):
                assert row[2] == "—", (area.name, row)

    pref_screen, pref_csv, pref_xlsx = _fetch(client, f"pref/{TOTTORI_PREF}")
    _assert_screen_equals_exports(pref_screen, pref_csv, pref_xlsx)
    table = next(rows for caption, rows in pref_screen.items() if caption.startswith("鳥取県の市区町村別"))
    names = {area.name: area.code for area in cities}
    total, parts = table[-1], table[:-1]
    headline_rows = {"登録者": 3, "受講開始者": 4, "修了者": 5}
    own_labels = {
        "登録者": "登録者",
        "受講開始者": "受講開始者",
        "修了者": "修了者（計）",
        "有効な修了証": "有効な修了証",
    }
    for column, name in enumerate(["登録者", "受講開始者", "修了者", "有効な修了証"], start=3):
        assert recoverable(total[column], _column(parts, column)) == [], name
        # Across screens: what each municipality's own screen shows is known too.
        combined = []
        for row in parts:
            own = {r[0]: r for r in list(own_screens[names[row[1]]].values())[0]}[own_labels[name]][1]
            combined.append(own if own not in (SMALL, SECONDARY) else row[column])
            if own not in (SMALL, SECONDARY) and row[column] not in (SMALL, SECONDARY):
                assert own == row[column]
        assert recoverable(total[column], combined) == [], f"{name} across screens"
    del headline_rows

    # The small data really was suppressed (the test is not vacuous).
    kurayoshi = list(own_screens[KURAYOSHI_CITY].values())[0]
    assert {row[0]: row[1] for row in kurayoshi}["登録者"] == SMALL
    yonago_months = next(rows for c, rows in own_screens[YONAGO_CITY].items() if c.startswith("月別"))
    assert SECONDARY in _column(yonago_months, 1) or yonago_months[-1][1] == SECONDARY
    sakaiminato = {row[0]: row[1] for row in list(own_screens[SAKAIMINATO_CITY].values())[0]}
    assert sakaiminato["うちオンライン修了"] == SMALL


def _raw_fail(area: Area, row) -> int:
    number = int(row[0].split(".")[0])
    found = CityQuizYear.objects.filter(
        municipality_code=area.code, module_number=number, question_key=""
    ).first()
    return found.first_attempts - found.first_correct if found else 0


def test_prefecture_and_nation_figures_are_not_suppressed(client, small_data):
    client.force_login(officer(is_national=True))
    screen = screen_tables(client.get(f"{BASE}pref/{TOTTORI_PREF}/?fy={FY}").content.decode())
    headline = {row[0]: row[1] for row in list(screen.values())[0]}
    assert headline["うちオンライン修了"] == "27"  # 12 + 1 + 11 + 2 + 1
    nation = screen_tables(client.get(f"{BASE}nation/?fy={FY}").content.decode())
    prefectures = next(rows for c, rows in nation.items() if c.startswith("都道府県別"))
    tottori = next(row for row in prefectures if row[0] == "鳥取県")
    assert tottori[2] == "94"  # registered: 56 + 22 + 5 + 11


def test_ranking_uses_only_shown_values(client, small_data):
    client.force_login(officer(prefecture=TOTTORI_PREF))
    screen = screen_tables(client.get(f"{BASE}pref/{TOTTORI_PREF}/?fy={FY}").content.decode())
    table = next(rows for caption, rows in screen.items() if caption.startswith("鳥取県の市区町村別"))
    ranked = [row for row in table[:-1] if row[0] != "—"]
    unranked = [row for row in table[:-1] if row[0] == "—"]
    assert [row[0] for row in ranked] == [str(n) for n in range(1, len(ranked) + 1)]
    assert all(row[5] in (SMALL, SECONDARY) for row in unranked)
    assert table.index(unranked[0]) > table.index(ranked[-1]) if unranked and ranked else True
    assert Municipality.objects.filter(prefecture_id=TOTTORI_PREF).exists() and MUNICIPALITY


def _figures_of(screen: dict, area_name: str) -> dict[tuple, str]:
    """Every count of a screen by what it means: (table caption without the area's name, row label, column)."""
    found = {}
    for caption, rows in screen.items():
        if "市区町村別" in caption:
            continue
        key = caption.replace(area_name, "")
        for row in rows:
            first = 2 if key.startswith("モジュール") else 1
            last = first + (
                1 if key.endswith("主な数値（2026年度）") or key.startswith("受講の進み具合") else 3
            )
            for column in range(first, min(last, len(row))):
                if key.startswith("小テスト") and column == 3 or key.startswith("モジュール") and column == 4:
                    continue  # rates
                found[(key, row[0], column)] = row[column]
    return found


def test_no_small_count_can_be_recovered_across_the_prefecture_and_its_municipalities(client, small_data):
    """A prefecture officer can open every screen of the prefecture: the prefecture's own (unsuppressed) figures
    minus what all the other municipalities show must never give a suppressed count."""
    client.force_login(officer(prefecture=TOTTORI_PREF))
    pref = _figures_of(
        screen_tables(client.get(f"{BASE}pref/{TOTTORI_PREF}/?fy={FY}").content.decode()), "鳥取県"
    )
    munis = []
    for area, _s in municipality_table(TOTTORI_PREF, FY):
        screen = screen_tables(client.get(f"{BASE}muni/{area.code}/?fy={FY}").content.decode())
        munis.append(_figures_of(screen, area.name))
    checked = 0
    for key, total in pref.items():
        if key[1] == "人口（住民基本台帳）":
            continue
        parts = [figures.get(key, "0") for figures in munis]
        assert recoverable(total, parts, prefecture_total=True) == [], key
        checked += SMALL in parts
    assert checked >= 10  # small counts really were there to protect
