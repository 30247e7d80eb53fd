"""The report's tables (lms.reports.plans, lms.reports.layout): the prefecture-wide plan reads every municipality at once and must
give exactly what selectors.figures() gives for each; the plan leaves nothing unprotected."""

import pytest

from lms.reports import selectors
from lms.reports.periods import fiscal_year_label
from lms.reports.plans import prefecture_plan
from lms.reports.selectors import municipality_figures
from tests.courses.factories import make_course

from .report_data import (
    FY,
    KURAYOSHI_CITY,
    TOTTORI_CITY,
    TOTTORI_PREF,
    YONAGO_CITY,
    add_learners,
    add_workshops,
    month,
    set_population,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    make_course(modules=8, questions=1)  # passed_1 / passed_8 are the passes of its first and last module
    add_learners(
        TOTTORI_CITY,
        month(4),
        age_band="30s",
        occupation="education",
        registered=30,
        started=20,
        completed_online=5,
        completed_workshop=9,
        certificates_valid=12,
        passed_1=14,
        passed_8=3,
    )
    add_learners(TOTTORI_CITY, month(3), age_band="80plus", registered=2, started=1)
    add_learners(YONAGO_CITY, month(1), age_band="20s", occupation="weird", registered=7)
    add_learners(YONAGO_CITY, month(4, fy=FY - 1), registered=50)  # another year
    add_workshops(KURAYOSHI_CITY, month(6), held=2, attendance=14)
    set_population(TOTTORI_CITY, 183000)


def test_bulk_municipality_figures_equal_the_selector_for_each_municipality(data):
    bulk = municipality_figures(TOTTORI_PREF, FY)
    assert set(bulk) == {TOTTORI_CITY, YONAGO_CITY, KURAYOSHI_CITY}
    for code, figures in bulk.items():
        expected = selectors.figures(selectors.area_for_municipality(code), FY)
        expected.population = None
        assert figures == expected, code


def test_plan_covers_every_municipality_and_leaves_nothing_pinned(data):
    plan = prefecture_plan(selectors.area_for_prefecture(TOTTORI_PREF), FY)
    codes = [area.code for area, _summary, _cells in plan.municipalities]
    assert codes == [area.code for area, _s in selectors.municipality_table(TOTTORI_PREF, FY)]
    assert not plan.suppressor.result.budget_exhausted
    cells = plan.cells_for(YONAGO_CITY)
    yonago = cells.headline["registered"]  # 7: rounded to 5 or 10, shown as 「<10」 or (audited) 10 / 「秘匿」
    assert yonago.value == 7 and yonago.display in ("<10", "10", "秘匿")
    assert plan.cells.headline["registered"].display == "39"  # the prefecture's figure is exact


def test_fiscal_year_label_gives_both_calendars():
    assert fiscal_year_label(2026) == "2026年度（令和8年度：2026年4月1日〜2027年3月31日）"


def test_a_prefecture_plan_is_reused_until_the_data_changes(data, settings):
    from lms.reports import refresh
    from lms.reports.plans import cached_prefecture_plan

    tottori = selectors.area_for_prefecture(TOTTORI_PREF)
    first = cached_prefecture_plan(tottori, FY)
    assert cached_prefecture_plan(tottori, FY) is first
    # What a refresh does after recomputing cells: new figures, and the version moves on.
    add_learners(YONAGO_CITY, month(5), registered=40)
    assert cached_prefecture_plan(tottori, FY) is first  # written behind the refresh's back: not seen yet
    refresh.mark_data_changed()
    second = cached_prefecture_plan(tottori, FY)
    assert second is not first
    assert second.cells_for(YONAGO_CITY).headline["registered"].value == 47
    assert second.cells_for(YONAGO_CITY).headline["registered"].display in ("45", "50", "秘匿")  # rounded to 5
    settings.REPORT_SUPPRESSION_THRESHOLD = 50
    third = cached_prefecture_plan(tottori, FY)
    assert third is not second
    assert third.cells_for(YONAGO_CITY).headline["registered"].display in ("<50", "秘匿", "50")


def test_a_refresh_with_nothing_new_keeps_the_data_version(db):
    from lms.reports import refresh

    refresh.refresh()  # the first run builds everything
    built = refresh.data_version()
    refresh.refresh()
    assert refresh.data_version() == built
    refresh.rebuild_all()
    assert refresh.data_version() != built
