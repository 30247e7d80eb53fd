"""The demo: seed_demo gives the demo 鳥取県 officer a report with numbers (synthetic learners), idempotently."""

import pytest
from django.core.management import call_command

from devtools.reports_demo import seed_reports
from lms.accounts.models import User
from tests.courses.factories import make_course


@pytest.mark.django_db
def test_demo_officer_sees_a_report_with_numbers(client, settings):
    make_course(modules=8, questions=2)
    call_command("seed_demo")
    settings.DEMO_REPORT_LEARNERS = 3000
    assert "3,000" in seed_reports()[0]
    assert "作成済み" in seed_reports()[0]
    officer = User.objects.get(email="officer-tottori@example.jp")
    client.force_login(officer)
    response = client.get("/admin/reports/regions/pref/31/")
    assert response.status_code == 200
    report = response.context["report"]
    registered = report.tables[0].rows[0][1]
    assert registered.value > 0


@pytest.mark.django_db
def test_demo_figures_agree_across_levels(settings):
    """Every demo workshop completion belongs to a workshop that exists (the issue's 「1,082 workshop completions,
    1 workshop held」): per prefecture and nationally, completions at workshops come with workshops held there and at
    least as many attendees."""
    from courses.models import Enrolment
    from lms.reports import selectors

    make_course(modules=3, questions=1)
    call_command("seed_demo")  # the demo's users and its one real workshop listing
    settings.DEMO_REPORT_LEARNERS = 2000
    seed_reports()
    assert not Enrolment.objects.filter(channel="workshop", workshop__isnull=True).exists()
    made = Enrolment.objects.filter(channel="workshop").count()
    assert made > 50  # 7 % of 2,000
    fy = selectors.current_fiscal_year()
    for area in [selectors.area_for_nation(), *(a for a, _s in selectors.prefecture_table(fy))]:
        for year in (fy, fy - 1):
            figures = selectors.figures(area, year)
            if figures.completed_workshop:
                assert figures.workshops_held > 0, (area.name, year)
                assert figures.workshop_attendance >= figures.completed_workshop, (area.name, year)
