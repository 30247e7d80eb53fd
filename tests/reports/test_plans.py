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


def _screens(fy):
    """What the 鳥取県 and 鳥取市 screens and the 米子市 screen show: every table's cells as displayed, the summary
    and the marker note."""
    shown = {}
    for area in (selectors.area_for_prefecture("31"), selectors.area_for_municipality("312011"),
                 selectors.area_for_municipality("312029")):  # fmt: skip
        report = build_report(area, fy)
        shown[area.code] = (
            [(t.key, t.display_rows()) for t in report.tables],
            [tuple(line) for line in report.summary],
            report.marker_note,
        )
    return shown


def _learners():
    from lms.regions.models import Municipality

    yonago = Municipality.objects.get(code="312029")
    for _ in range(14):
        UserFactory()  # 鳥取市
    for _ in range(3):
        UserFactory(profile__municipality=yonago)


def test_a_first_view_takes_only_its_part_of_the_stored_plan(monkeypatch):
    """The first view after a change reads the prefecture's figures and only the municipality cells the screen shows,
    with the stored decisions (checked against stored per-municipality digests): never every municipality's cells,
    and exactly what the whole plan shows."""
    from lms.reports import plans

    _learners()
    tasks.refresh_with_plans()
    fy = selectors.current_fiscal_year()
    forget_cached_plans()
    monkeypatch.setattr(plans, "partial_plan", lambda *args: None)
    whole = _screens(fy)  # through the whole plan
    monkeypatch.undo()
    forget_cached_plans()

    def no_whole_plan(*args, **kwargs):
        raise AssertionError("the screen built every municipality's cells")

    monkeypatch.setattr(plans, "prefecture_plan", no_whole_plan)
    monkeypatch.setattr(privacy, "audit", _no_audit)
    assert _screens(fy) == whole
    assert whole["312011"][0][0][1][0][1] in ("10", "15")  # 14 learners, rounded


def test_a_plan_marked_stale_by_the_refresh_is_not_taken_piecewise():
    from lms.reports import plans, refresh

    _learners()
    tasks.refresh_with_plans()
    fy = selectors.current_fiscal_year()
    tottori = selectors.area_for_prefecture("31")
    assert plans.partial_plan(tottori, fy, selectors.area_for_municipality("312029")) is not None
    UserFactory()  # 鳥取市 changes; 米子市's own cells do not
    refresh.refresh()  # the roll-ups only: the job has not computed the plan again yet
    assert SuppressionPlan.objects.get(prefecture_code="31", fiscal_year=fy).hidden["stale"]
    assert plans.partial_plan(tottori, fy, selectors.area_for_municipality("312029")) is None
    assert plans.partial_plan(tottori, fy, tottori) is None
    # The job (here: a screen, through the whole plan) computes it again: current, and taken piecewise again.
    forget_cached_plans()
    build_report(selectors.area_for_municipality("312029"), fy)
    assert not SuppressionPlan.objects.get(prefecture_code="31", fiscal_year=fy).hidden.get("stale")
    assert plans.partial_plan(tottori, fy, selectors.area_for_municipality("312029")) is not None


def test_stored_decisions_are_never_taken_for_other_figures_piecewise():
    from lms.reports import plans

    _learners()
    tasks.refresh_with_plans()
    fy = selectors.current_fiscal_year()
    stored = SuppressionPlan.objects.get(prefecture_code="31", fiscal_year=fy)
    hidden = stored.hidden
    hidden["areas"]["312011"] = "0" * 64
    hidden["headlines"]["312029"] = "0" * 64
    SuppressionPlan.objects.filter(pk=stored.pk).update(hidden=hidden)
    tottori = selectors.area_for_prefecture("31")
    assert plans.partial_plan(tottori, fy, selectors.area_for_municipality("312011")) is None
    assert plans.partial_plan(tottori, fy, tottori) is None
    assert plans.partial_plan(tottori, fy, selectors.area_for_municipality("312029")) is not None
