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
