"""The attacker's exact solver against every number one officer can see for one fiscal year.

For each kind of officer (a prefecture's, a city's, the nation's) the test reads every screen and file in their scope
— the prefecture's own report, each municipality's, the nation's, both exports of each, and the prefecture and
national columns printed beside them — writes down every additive relation between the figures (tests/reports/
attacker.py, independent of the code under test), and asks an integer solver (HiGHS) for the range of true counts
each municipality cell could have. A municipality count of 1..9 must keep a range that includes 0 (a reader cannot
even tell someone is there) or spans at least five values: what docs/reports.md promises. Before fixed random
rounding and the exact audit, the solver pinned such counts (the issue's 北栄町 修了者 = 1)."""

from __future__ import annotations

import pytest

from lms.regions.models import Municipality, Prefecture
from lms.reports import selectors
from lms.reports.models import CityQuizYear, PrefectureQuizYear
from tests.courses.factories import make_course

from .attacker import Knowledge, add_sums, page_method, read_area_report, tables_of
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
)
from .test_privacy_screens import csv_tables

pytestmark = pytest.mark.django_db
BASE = "/admin/reports/regions/"
HOKUEI = "313726"  # 北栄町
KYOTO_CITY = "261009"
WIDE_ENOUGH = 5


def _quiz(city, module_number, question_key, attempts, correct):
    prefecture = Municipality.objects.get(code=city).prefecture_id
    common = {"fiscal_year": FY, "module_id": module_id(module_number), "question_key": question_key}
    CityQuizYear.objects.create(
        municipality_code=city, prefecture_code=prefecture, first_attempts=attempts, first_correct=correct, **common
    )
    row, _ = PrefectureQuizYear.objects.get_or_create(prefecture_code=prefecture, **common)
    row.first_attempts += attempts
    row.first_correct += correct
    row.save()


@pytest.fixture
def data(db):
    _course, modules = make_course(modules=2, questions=2)
    add_learners(TOTTORI_CITY, month(4), age_band="30s", occupation="medical_welfare", registered=40, started=30,
                 completed_online=12, completed_workshop=20, certificates_valid=30, passed_1=25, passed_2=3)
    add_learners(TOTTORI_CITY, month(5), age_band="80plus", occupation="education", registered=2, started=2,
                 completed_online=1, passed_1=2)
    add_learners(TOTTORI_CITY, month(8), age_band="30s", occupation="business", registered=12, started=11,
                 completed_workshop=10, certificates_valid=10)
    add_learners(YONAGO_CITY, month(4), age_band="20s", occupation="student", registered=20, started=15,
                 completed_online=11)
    add_learners(YONAGO_CITY, month(9), age_band="60s", occupation="other", registered=1, started=1)
    add_learners(YONAGO_CITY, month(10), age_band="60s", occupation="other", registered=1)
    add_learners(KURAYOSHI_CITY, month(6), age_band="50s", occupation="government", registered=5, started=4,
                 completed_online=2, completed_workshop=1, certificates_valid=3)
    add_learners(SAKAIMINATO_CITY, month(11), age_band="80plus", occupation="other", registered=11, started=10,
                 completed_online=1, completed_workshop=10, certificates_valid=11)
    # 北栄町: the one 修了者 of the issue, with its month, age band, occupation and channel.
    add_learners(HOKUEI, month(7), age_band="70s", occupation="business", registered=1, started=1,
                 completed_online=1, certificates_valid=1, passed_1=1, passed_2=1)
    add_learners(KYOTO_CITY, month(4), age_band="40s", registered=30, started=25, completed_online=9)
    add_workshops(TOTTORI_CITY, month(8), held=2, attendance=10)
    add_workshops(KURAYOSHI_CITY, month(6), held=1, attendance=3)
    questions = [block.id for block in modules[0].quiz if block.block_type == "question"]
    _quiz(TOTTORI_CITY, 1, "", 15, 12)
    _quiz(TOTTORI_CITY, 1, questions[0], 15, 14)
    _quiz(TOTTORI_CITY, 1, questions[1], 15, 6)
    _quiz(YONAGO_CITY, 1, "", 4, 4)
    _quiz(HOKUEI, 1, "", 1, 1)
    return modules


def _truth(code: str) -> dict[str, int]:
    """The true counts of a municipality by the attacker's cell names (from the selectors: raw roll-up counts)."""
    area = selectors.area_for_municipality(code)
    figures = selectors.figures(area, FY)
    truth = {key: getattr(figures, key) for key in (
        "registered", "started", "completed_online", "completed_workshop", "certificates_valid",
        "workshop_attendance",
    )}  # fmt: skip
    truth["completed"] = figures.completed
    for n in range(1, 3):
        truth[f"passed:{n}"] = figures.module_passed.get(module_id(n), 0)
    for kind, rows in (("月別", figures.by_month), ("年代", figures.by_age_band), ("職業", figures.by_occupation)):
        for row in rows:
            label = f"{row[0].year}年{row[0].month}月" if kind == "月別" else row[1]
            for figure, value in zip(("registered", "started", "completed"), row[-3:], strict=True):
                truth[f"{kind}:{label}:{figure}"] = value
    for module in selectors.quiz_first_attempts(area, FY):
        truth[f"quiz:{module.module_number}:attempts"] = module.first_attempts
        truth[f"quiz:{module.module_number}:passes"] = module.first_passes
        for q in module.questions:
            truth[f"quiz:{module.module_number}:{q.question_text}:attempts"] = q.first_attempts
            truth[f"quiz:{module.module_number}:{q.question_text}:correct"] = q.first_correct
    return truth


def _read(client, k: Knowledge, path: str, **kwargs) -> None:
    html = client.get(f"{BASE}{path}/?fy={FY}").content.decode()
    base, limit = page_method(html)
    read_area_report(k, tables_of(html), base=base, limit=limit, **kwargs)
    body = client.get(f"{BASE}{path}/export/?format=csv&fy={FY}").content
    read_area_report(k, csv_tables(body), base=base, limit=limit, **kwargs)


def _read_prefecture(client, k: Knowledge, code: str, *, with_municipalities: bool) -> list[str]:
    prefecture = Prefecture.objects.get(code=code)
    munis = [area for area, _s in selectors.municipality_table(code, FY)]
    names = {area.name: area.code for area in munis}
    _read(client, k, f"pref/{code}", code=code, name=prefecture.name, prefecture=None, level="prefecture",
          municipality_names=names)
    if with_municipalities:
        for area in munis:
            _read(client, k, f"muni/{area.code}", code=area.code, name=area.name,
                  prefecture=(code, prefecture.name), level="municipality")
    add_sums(k, code, [area.code for area in munis])
    return [area.code for area in munis]


def _too_narrow(k: Knowledge, codes: list[str]) -> list:
    found = []
    for code in codes:
        for figure, value in _truth(code).items():
            if not 0 < value < 10 or (code, figure) not in k.bounds:
                continue
            low, high = k.range_of((code, figure))
            assert low <= value <= high, (code, figure, value, low, high)  # the model is a correct reader
            if not (low <= 0 or high - low + 1 >= WIDE_ENOUGH):
                found.append((code, figure, value, (low, high), sorted(k.labels[(code, figure)])))
    return found


def test_a_prefecture_officer_cannot_narrow_any_small_count(client, data):
    client.force_login(officer(prefecture=TOTTORI_PREF))
    k = Knowledge()
    codes = _read_prefecture(client, k, TOTTORI_PREF, with_municipalities=True)
    assert len(k.bounds) > 1000  # every screen was read
    assert _too_narrow(k, codes) == []


def test_a_city_officer_cannot_narrow_any_small_count(client, data):
    client.force_login(officer(municipality=TOTTORI_CITY))
    k = Knowledge()
    _read(client, k, f"muni/{TOTTORI_CITY}", code=TOTTORI_CITY, name="鳥取市", prefecture=(TOTTORI_PREF, "鳥取県"),
          level="municipality")
    # The city screen shows the prefecture's and the nation's headline figures beside the city's.
    assert (TOTTORI_PREF, "registered") in k.bounds and ("", "registered") in k.bounds
    assert _too_narrow(k, [TOTTORI_CITY]) == []


def test_a_national_officer_cannot_narrow_any_small_count(client, data):
    client.force_login(officer(is_national=True))
    k = Knowledge()
    names = {p.name: p.code for p in Prefecture.objects.all()}
    _read(client, k, "nation", code="", name="全国", prefecture=None, level="nation", municipality_names=names)
    codes = []
    for prefecture in ("31", "26"):
        codes += _read_prefecture(client, k, prefecture, with_municipalities=True)
    add_sums(k, "", sorted(names.values()))
    assert _too_narrow(k, codes) == []
