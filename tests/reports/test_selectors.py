"""The read API the report screens use: areas, fiscal years, the shape of Figures, the municipality and prefecture
tables, quiz rates per module and question."""

import datetime as dt

import pytest

from lms.regions.models import Municipality
from lms.reports import refresh, selectors
from tests.accounts.factories import KYOTO_CITY, TOTTORI_CITY, UserFactory
from tests.courses.factories import make_course, pass_module, wrong_answers


def test_nation_area():
    assert selectors.area_for_nation() == selectors.Area("nation", "", "全国", "")


@pytest.mark.django_db
def test_area_names_and_codes():
    assert selectors.area_for_prefecture("31") == selectors.Area("prefecture", "31", "鳥取県", "31")
    assert selectors.area_for_municipality(TOTTORI_CITY) == selectors.Area("municipality", TOTTORI_CITY, "鳥取市", "31")


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["261017", "999999", ""])  # a ward of 京都市, unknown, empty
def test_ward_or_unknown_code_is_not_an_area(code):
    with pytest.raises(Municipality.DoesNotExist):
        selectors.area_for_municipality(code)


def test_fiscal_years_run_april_to_march():
    assert selectors.current_fiscal_year(dt.date(2027, 3, 31)) == 2026
    assert selectors.current_fiscal_year(dt.date(2026, 4, 1)) == 2026
    months = selectors.fiscal_year_months(2026)
    assert months[0] == dt.date(2026, 4, 1) and months[-1] == dt.date(2027, 3, 1) and len(months) == 12


@pytest.mark.django_db
def test_empty_figures_have_every_row():
    fy = selectors.current_fiscal_year()
    assert selectors.fiscal_years_available() == [fy]
    figures = selectors.figures(selectors.area_for_nation(), fy)
    assert figures.registered == 0 and figures.module_passed == {} and figures.population is None
    assert len(figures.by_month) == 12 and figures.by_month[0][0] == dt.date(fy, 4, 1)
    assert [row[0] for row in figures.by_age_band] == ["u20", "20s", "30s", "40s", "50s", "60s", "70s", "80plus"]
    assert figures.by_occupation[-1][:2] == ("unknown", "未回答")


@pytest.mark.django_db
def test_tables_list_every_city_and_prefecture():
    fy = selectors.current_fiscal_year()
    tottori = selectors.municipality_table("31", fy)
    assert len(tottori) == 19 and tottori[0][0].name == "鳥取市"
    kyoto = [area.code for area, _summary in selectors.municipality_table("26", fy)]
    assert KYOTO_CITY in kyoto and "261017" not in kyoto  # wards are in their city
    prefectures = selectors.prefecture_table(fy)
    assert len(prefectures) == 47 and prefectures[30][0].name == "鳥取県"


@pytest.mark.django_db
def test_figures_and_quiz_rates_after_learning():
    course, modules = make_course(modules=2, questions=2)
    learner = UserFactory(profile__municipality=Municipality.objects.get(code="261017"), profile__occupation="student")
    from courses.services import issue_quiz_token, record_quiz_attempt

    record_quiz_attempt(
        user=learner, module=modules[0], answers=wrong_answers(modules[0]),
        token=issue_quiz_token(user=learner, module=modules[0]), course=course,
    )  # fmt: skip
    pass_module(learner, modules[0], course)
    pass_module(learner, modules[1], course)
    refresh.refresh()
    fy = selectors.current_fiscal_year()
    kyoto = selectors.area_for_municipality(KYOTO_CITY)
    figures = selectors.figures(kyoto, fy)
    assert (figures.registered, figures.started, figures.completed_online, figures.certificates_valid) == (1, 1, 1, 1)
    assert figures.module_passed == {modules[0].pk: 1, modules[1].pk: 1}
    assert ("student", "学生", 1, 1, 1) in figures.by_occupation
    quiz = selectors.quiz_first_attempts(kyoto, fy)
    assert [(m.module_number, m.first_attempts, m.first_passes) for m in quiz] == [(1, 1, 0), (2, 1, 1)]
    assert [(q.question_text, q.first_attempts, q.first_correct) for q in quiz[0].questions] == [
        ("問題1", 1, 0),
        ("問題2", 1, 0),
    ]
    table = dict(selectors.municipality_table("26", fy))
    assert table[kyoto].registered == 1 and table[kyoto].completed == 1
