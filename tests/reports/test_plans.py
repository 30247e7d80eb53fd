"""Disclosure plans are computed by the refresh job, not by the report request: after the job ran, a report applies
the stored decisions (no audit in the request); a stored plan is never applied to figures it was not computed for."""

import pytest

from lms.reports import privacy, selectors, tasks
from lms.reports.layout import build_report
from lms.reports.models import SuppressionPlan
from lms.reports.plans import forget_cached_plans
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _no_audit(*args, **kwargs):
    raise AssertionError("the request audited: the refresh job should have stored the plan")


def test_the_refresh_job_stores_the_plan_and_the_request_only_applies_it(monkeypatch):
    for _ in range(3):
        UserFactory()  # 鳥取市
    result = tasks.refresh_with_plans()
    assert result["plans"] >= 1
    fy = selectors.current_fiscal_year()
    plan = SuppressionPlan.objects.get(prefecture_code="31", fiscal_year=fy)
    assert "312011:registered" in plan.hidden["primary"]  # 3 learners: 「<10」
    forget_cached_plans()
    monkeypatch.setattr(privacy, "audit", _no_audit)
    report = build_report(selectors.area_for_municipality("312011"), fy)
    assert report.tables[0].rows[0][1].display == "<10"

    # New figures: the job recomputes the plan of that prefecture and year, and the request still does not audit.
    for _ in range(30):
        UserFactory()
    monkeypatch.undo()
    tasks.refresh_with_plans()
    monkeypatch.setattr(privacy, "audit", _no_audit)
    forget_cached_plans()
    report = build_report(selectors.area_for_municipality("312011"), fy)
    assert report.tables[0].rows[0][1].display in ("30", "35")


def test_a_plan_for_other_figures_is_never_applied():
    UserFactory()
    tasks.refresh_with_plans()
    fy = selectors.current_fiscal_year()
    stored = SuppressionPlan.objects.get(prefecture_code="31", fiscal_year=fy)
    # Tamper: a plan hiding nothing, stored under a digest of other figures.
    SuppressionPlan.objects.filter(pk=stored.pk).update(digest="0" * 64, hidden={"primary": [], "secondary": []})
    forget_cached_plans()
    report = build_report(selectors.area_for_municipality("312011"), fy)
    assert report.tables[0].rows[0][1].display == "<10"  # recomputed in the request, not taken from the bad plan
    assert SuppressionPlan.objects.get(pk=stored.pk).digest != "0" * 64  # and stored for the next request
