"""The nightly rebuild never blocks the minute refresh: while a rebuild reads the raw tables (minutes at 1,000,000
learners) a refresh runs to the end, its figures show at once, and nothing it counted is lost when the rebuild
writes its tables (the changes made meanwhile are applied again by the next refresh)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from lms.regions.models import Municipality
from lms.reports import refresh, selectors
from tests.accounts.factories import TOTTORI_CITY, UserFactory
from tests.courses.factories import make_course, pass_module
from tests.reports.rawcounts import figures_as_raw, raw_figures
from tests.reports.test_rollups import _drop

WAIT = 20  # seconds the rebuild's read waits for the refresh: a refresh that waits for the rebuild takes this long


def _completed(code: str) -> int:
    return selectors.figures(selectors.area_for_municipality(code), selectors.current_fiscal_year()).completed_online


def _match_raw(module_ids) -> None:
    for fy in selectors.fiscal_years_available():
        for area in (selectors.area_for_nation(), selectors.area_for_prefecture("31"),
                     selectors.area_for_municipality(TOTTORI_CITY)):  # fmt: skip
            expected = _drop(raw_figures(area, fy, module_ids))
            got = figures_as_raw(selectors.figures(area, fy), selectors.quiz_first_attempts(area, fy))
            assert got == expected, (area.name, fy)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refresh_completes_while_the_rebuild_reads(monkeypatch):
    course, modules = make_course(modules=3, questions=2)
    tottori = Municipality.objects.get(code=TOTTORI_CITY)
    for _ in range(2):
        learner = UserFactory(profile__municipality=tottori)
        for module in modules:
            pass_module(learner, module, course)
    refresh.rebuild_all()
    assert _completed(TOTTORI_CITY) == 2

    reading, refreshed = threading.Event(), threading.Event()
    compute = refresh.compute_learner_cells

    def slow_compute(**kwargs):
        cells = compute(**kwargs)
        if not kwargs:  # the rebuild's read of every cell (a refresh asks for some cities and months)
            reading.set()
            refreshed.wait(timeout=WAIT)
        return cells

    monkeypatch.setattr(refresh, "compute_learner_cells", slow_compute)
    errors = []

    def rebuild():
        try:
            refresh.rebuild_all()
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        assert reading.wait(timeout=WAIT), "the rebuild did not start reading"
        newcomer = UserFactory(profile__municipality=tottori)  # completes while the rebuild reads
        for module in modules:
            pass_module(newcomer, module, course)
        t0 = time.monotonic()
        result = refresh.refresh()
        took = time.monotonic() - t0
        assert took < WAIT / 2, f"the refresh waited {took:.1f} s for the rebuild"
        assert result["learners"] >= 1 and not result.get("rebuilt")
        assert thread.is_alive()  # the rebuild is still under way
        assert _completed(TOTTORI_CITY) == 3  # shown at once, not after the rebuild
    finally:
        refreshed.set()
        thread.join(timeout=120)
    assert not errors, errors
    # The rebuild wrote what it had read; the next refresh applies again what changed meanwhile.
    refresh.refresh()
    assert _completed(TOTTORI_CITY) == 3
    _match_raw([m.pk for m in modules])
    refresh.refresh()  # and then nothing is left to do twice
    assert _completed(TOTTORI_CITY) == 3
