"""Paper participants (issue 17.3) in the regional reports: they count as workshop completions with the same
consent rule as everyone (consent recorded on the sheet), where they live, in their age band and occupation, in the
month the workshop was held; a deletion on request takes them out at the next refresh; and no export outside the
trainer's scope carries them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from events import services
from lms.accounts.enums import AgeBand
from lms.regions.models import Municipality
from lms.reports import refresh, selectors
from lms.reports.layout import build_report
from lms.reports.periods import month_label
from lms.reports.plans import forget_cached_plans
from tests.events.factories import make_trainer, make_workshop

from .report_data import TOTTORI_CITY, TOTTORI_PREF, YONAGO_CITY

pytestmark = pytest.mark.django_db


def _paper(workshop, *, consent: bool, name="紙野 ハナ", age_band=AgeBand.OVER_80, occupation="", city=YONAGO_CITY):
    return services.add_paper_participant(
        workshop=workshop, by=None, full_name=name, furigana="かみの はな",
        municipality=Municipality.objects.get(code=city), age_band=age_band, occupation=occupation,
        consent_statistics=consent,
    )  # fmt: skip


def _figures(code: str):
    fy = selectors.current_fiscal_year()
    area = selectors.area_for_municipality(code) if len(code) == 6 else selectors.area_for_prefecture(code)
    return selectors.figures(area, fy)


def _completed(rows, key):
    return next(row.completed for row in rows if row.key == key)


@pytest.fixture
def workshop(db):
    return make_workshop(municipality=TOTTORI_CITY, starts_in=-dt.timedelta(minutes=30))


def test_a_consenting_paper_participant_counts_where_they_live_and_one_who_did_not_agree_does_not(workshop):
    _paper(workshop, consent=True, occupation="other")
    _paper(workshop, consent=False, name="統計 不可", age_band=AgeBand.AGE_70S)
    refresh.refresh()
    yonago = _figures(YONAGO_CITY)  # where they live, not where the workshop was held
    assert (yonago.completed_workshop, yonago.completed_online, yonago.registered, yonago.started) == (1, 0, 0, 0)
    assert _completed(yonago.by_age_band, AgeBand.OVER_80) == 1 and _completed(yonago.by_age_band, "70s") == 0
    assert _completed(yonago.by_occupation, "other") == 1
    held_in = workshop.starts_at.astimezone(dt.timezone(dt.timedelta(hours=9))).date().replace(day=1)
    assert next(row for row in yonago.by_month if row.month == held_in).completed == 1
    tottori = _figures(TOTTORI_CITY)
    assert tottori.completed_workshop == 0  # the workshop's city counts the workshop and its attendance
    assert (tottori.workshops_held, tottori.workshop_attendance) == (1, 1)  # the one who agreed only
    prefecture = _figures(TOTTORI_PREF)
    assert (prefecture.completed_workshop, prefecture.workshop_attendance) == (1, 1)

    forget_cached_plans()
    report = build_report(selectors.area_for_prefecture(TOTTORI_PREF), selectors.current_fiscal_year())
    headline = {row[0]: row[1].display for row in report.tables[0].rows if not isinstance(row[1], str)}
    assert headline["うち講座（対面等）修了"] == "1" and headline["修了者（計）"] == "1"
    months = next(t for t in report.tables if t.key == "month")
    assert next(row for row in months.rows if row[0] == month_label(held_in))[3].display == "1"


def test_a_participant_added_or_deleted_changes_the_figures_at_the_next_refresh(workshop):
    refresh.refresh()  # the first run builds everything; the rest are incremental refreshes
    first = _paper(workshop, consent=True)
    assert _figures(YONAGO_CITY).completed_workshop == 0  # figures change only in the refresh job
    refresh.refresh()
    assert _figures(YONAGO_CITY).completed_workshop == 1
    second = _paper(workshop, consent=True, name="紙野 タロウ")
    refresh.refresh()
    assert _figures(YONAGO_CITY).completed_workshop == 2
    services.delete_paper_participant(participant=first, by=None)  # deletion on request
    services.delete_paper_participant(participant=second, by=None)
    assert _figures(YONAGO_CITY).completed_workshop == 2
    refresh.refresh()
    figures = _figures(YONAGO_CITY)
    assert figures.completed_workshop == 0 and _completed(figures.by_age_band, AgeBand.OVER_80) == 0
    assert _figures(TOTTORI_CITY).workshop_attendance == 0
    refresh.rebuild_all()
    assert _figures(YONAGO_CITY).completed_workshop == 0


def test_a_cancelled_workshop_counts_no_paper_participant(workshop):
    _paper(workshop, consent=True)
    refresh.refresh()
    assert _figures(YONAGO_CITY).completed_workshop == 1
    services.cancel_workshop(workshop=workshop, by=None, reason="会場の都合により中止します。")
    refresh.refresh()
    assert _figures(YONAGO_CITY).completed_workshop == 0 and _figures(TOTTORI_CITY).workshops_held == 0


def test_no_trainer_export_outside_their_scope_carries_paper_participants(client, workshop):
    _paper(workshop, consent=True)
    for outsider in (make_trainer(municipality=YONAGO_CITY), make_trainer(municipality="312037")):  # 米子市, 倉吉市
        client.force_login(outsider)
        for name in ("roster_csv", "report_xlsx", "plan_xlsx", "paper_certificates", "workshop"):
            response = client.get(reverse(f"events_trainer:{name}", args=[workshop.pk]))
            assert response.status_code in (403, 404), (outsider, name, response.status_code)
            assert "紙野".encode() not in response.content and "かみの".encode() not in response.content
