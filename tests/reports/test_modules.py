"""Report cells are keyed by module (page) id, not by position (issue 14.5): a ninth module appears like the others,
and moving a module leaves its figures with it — on the very next screen, after a refresh and after a rebuild."""

from __future__ import annotations

import pytest

from courses.models import ModulePage
from lms.reports import refresh, selectors
from lms.reports.layout import build_report
from lms.reports.plans import forget_cached_plans
from tests.accounts.factories import UserFactory
from tests.courses.factories import make_course, pass_module

pytestmark = pytest.mark.django_db
TOTTORI_PREF = "31"


def _funnel(area) -> dict[str, str]:
    """第N章合格 rows of the report as {module title: count shown} (the prefecture's figures are exact)."""
    forget_cached_plans()
    report = build_report(area, selectors.current_fiscal_year())
    funnel = next(t for t in report.tables if t.key == "funnel")
    found = {}
    for row in funnel.rows[1:]:
        label = row[0]
        title = label[label.index("（") + 1 : -1]
        found[title] = row[1].display
    return found


def _quiz_attempts(area) -> dict[str, int]:
    return {
        m.module_title: m.first_attempts
        for m in selectors.quiz_first_attempts(area, selectors.current_fiscal_year())
    }


def test_a_ninth_module_appears_in_every_figure():
    course, modules = make_course(modules=9, questions=1)
    learner = UserFactory()
    for module in modules:
        pass_module(learner, module, course)
    refresh.refresh()
    area = selectors.area_for_prefecture(TOTTORI_PREF)
    assert _funnel(area)["テスト章9"] == "1"
    report = build_report(area, selectors.current_fiscal_year())
    quiz = next(t for t in report.tables if t.key == "quiz")
    assert [row[0] for row in quiz.rows][-1] == "9. テスト章9" and quiz.rows[-1][1].display == "1"
    assert any(t.caption.startswith("第9章「テスト章9」") for t in report.tables)
    nation = selectors.figures(selectors.area_for_nation(), selectors.current_fiscal_year())
    assert nation.module_passed[modules[8].pk] == 1


def test_moving_a_module_keeps_its_figures_with_it():
    course, modules = make_course(modules=3, questions=1)
    for n in (3, 2, 1):  # module 1 passed by 3 learners, module 2 by 2, module 3 by 1
        learner = UserFactory()
        for module in modules[:n]:
            pass_module(learner, module, course)
    refresh.rebuild_all()
    area = selectors.area_for_prefecture(TOTTORI_PREF)
    before = _funnel(area)
    assert before == {"テスト章1": "3", "テスト章2": "2", "テスト章3": "1"}
    quiz_before = _quiz_attempts(area)

    first = ModulePage.objects.get(pk=modules[0].pk)
    first.move(ModulePage.objects.get(pk=modules[2].pk), pos="right")  # テスト章1 becomes 第3章
    order = [m.title for m in selectors.report_modules()]
    assert order == ["テスト章2", "テスト章3", "テスト章1"]

    assert _funnel(area) == before  # the next screen, before any job ran
    assert _quiz_attempts(area) == quiz_before
    late = UserFactory()
    for module in (modules[1], modules[2], modules[0]):  # one more learner, in the new order
        pass_module(late, module, course)
    after = {"テスト章1": "4", "テスト章2": "3", "テスト章3": "2"}
    refresh.refresh()
    assert _funnel(area) == after
    refresh.rebuild_all()
    assert _funnel(area) == after
    assert _quiz_attempts(area) == {title: n + 1 for title, n in quiz_before.items()}
    report = build_report(area, selectors.current_fiscal_year())
    funnel = next(t for t in report.tables if t.key == "funnel")
    assert funnel.rows[3][0] == "第3章合格（テスト章1）"
