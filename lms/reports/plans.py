"""The prefecture-wide disclosure plan (one suppression decision per prefecture and fiscal year), computed by the
refresh job, not by the report request.

Auditing a prefecture (lms.reports.privacy.audit: integer programs over all its municipalities) takes from a tenth of
a second to many seconds. The refresh job therefore computes the plan of every prefecture and fiscal year whose
figures it changed, right after it commits the roll-ups (`refresh_plans`), and the nightly rebuild all of them
(`refresh_all_plans`). A request builds the cells from the roll-ups (a few queries), and applies the stored
decisions when the stored digest equals the digest of those very cells; only when it does not (a plan not computed
yet, or figures changed since) does the request audit itself, and it stores the result for the next one."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import selectors
from .cells import AreaCells, area_cells, pairs, quiz_for
from .models import SuppressionPlan
from .privacy import Count, Suppressor
from .selectors import Area

logger = logging.getLogger(__name__)


class MunicipalityEntry(NamedTuple):
    area: Area
    summary: selectors.AreaSummary
    cells: AreaCells


@dataclass
class PrefecturePlan:
    """One suppression decision for a prefecture and year, shared by its screen (the municipality table) and every
    municipality screen in it: all municipalities' cells in one Suppressor, each also in a group whose total is the
    prefecture's (public) figure, so no screen can be differenced against the others or against the prefecture."""

    prefecture: Area
    figures: selectors.Figures
    cells: AreaCells
    quiz: list[selectors.ModuleQuiz]
    municipalities: list[MunicipalityEntry]
    suppressor: Suppressor

    def cells_for(self, code: str) -> AreaCells | None:
        return next((entry.cells for entry in self.municipalities if entry.area.code == code), None)


def prefecture_plan(
    prefecture: Area, fy: int, *, budget_seconds: float | None = None, use_stored: bool = True
) -> PrefecturePlan:
    s = Suppressor(enabled=True, salt=f"fy{fy}")
    pref_figures = selectors.figures(prefecture, fy)
    structure = selectors.quiz_first_attempts(prefecture, fy)
    pref_cells = area_cells(s, pref_figures, structure, name=prefecture.code, prefecture_level=True)
    all_figures = selectors.municipality_figures(prefecture.code, fy)
    all_quiz = selectors.municipality_quiz(prefecture.code, fy)
    municipalities = []
    for area, summary in selectors.municipality_table(prefecture.code, fy):
        # Every municipality is in the plan, those without data too: their zeros show as 「<10」 like any small
        # count, so a reader cannot tell the one town with a count from the towns without.
        figures = all_figures.get(area.code) or selectors.empty_figures(fy)
        figures.population = summary.population
        _same_rows_as(figures, pref_figures)
        cells = area_cells(s, figures, quiz_for(structure, all_quiz.get(area.code, {})), name=area.code)
        municipalities.append(MunicipalityEntry(area, summary, cells))
    groups: dict[str, tuple[Count, list[Count]]] = {}
    for entry in municipalities:
        for pair in pairs(pref_cells, entry.cells):
            groups.setdefault(pair.figure, (pair.whole, []))[1].append(pair.part)
    for whole, parts in groups.values():
        s.group(whole, parts)
    decide(s, prefecture.code, fy, budget_seconds=budget_seconds, use_stored=use_stored)
    return PrefecturePlan(prefecture, pref_figures, pref_cells, structure, municipalities, s)


def _same_rows_as(figures: selectors.Figures, prefecture: selectors.Figures) -> None:
    """Give a municipality every breakdown row its prefecture has (0 where it has none), in the prefecture's order,
    so every prefecture cell is the sum of a cell of each municipality (a row shown for the prefecture and one town
    only would give that town's count away)."""
    for attribute in ("by_age_band", "by_occupation"):
        mine = {row.key: row for row in getattr(figures, attribute)}
        rows = [
            mine.pop(row.key, selectors.BreakdownRow(row.key, row.label, 0, 0, 0))
            for row in getattr(prefecture, attribute)
        ]
        setattr(figures, attribute, rows + list(mine.values()))


# Computed plans, per process: (prefecture code, fiscal year) → (data version, plan). A plan is read-only once made.
# Building one reads every municipality of the prefecture and applies the stored decisions; the data only changes
# when the roll-ups are refreshed (at most once a minute), so screens and exports reuse it while
# refresh.data_version() is unchanged. The version is read from the database on every request, so every process sees
# a refresh at once.
PLAN_CACHE_SIZE = 32
_plans: OrderedDict[tuple[str, int], tuple[tuple, PrefecturePlan]] = OrderedDict()
_plans_lock = threading.Lock()


def cached_prefecture_plan(prefecture: Area, fy: int) -> PrefecturePlan:
    from .refresh import data_version

    version = (*data_version(), timezone.localdate().replace(day=1))  # a new month un-blanks its row
    key = (prefecture.code, fy)
    with _plans_lock:
        hit = _plans.get(key)
        if hit is not None and hit[0] == version:
            _plans.move_to_end(key)
            return hit[1]
    plan = prefecture_plan(prefecture, fy)
    with _plans_lock:
        _plans[key] = (version, plan)
        _plans.move_to_end(key)
        while len(_plans) > PLAN_CACHE_SIZE:
            _plans.popitem(last=False)
    return plan


def forget_cached_plans() -> None:
    with _plans_lock:
        _plans.clear()


def decide(s: Suppressor, prefecture_code: str, fy: int, *, budget_seconds=None, use_stored: bool = True) -> str:
    """Resolve `s`: with the stored plan when it was computed for exactly these cells ("stored"), else by auditing
    and storing the result ("computed")."""
    digest = s.digest()
    if use_stored:
        stored = (
            SuppressionPlan.objects.filter(prefecture_code=prefecture_code, fiscal_year=fy, digest=digest)
            .values_list("hidden", flat=True)
            .first()
        )
        if stored is not None:
            s.apply(stored)
            return "stored"
    s.resolve(budget_seconds=budget_seconds)
    result = s.result
    fields = {
        "digest": digest,
        "hidden": s.decisions(),
        "seconds": round(result.seconds, 3),
        "solves": result.solves,
        "budget_exhausted": result.budget_exhausted,
    }
    try:
        with transaction.atomic():
            SuppressionPlan.objects.update_or_create(prefecture_code=prefecture_code, fiscal_year=fy, defaults=fields)
    except IntegrityError:  # two processes stored the same plan at once: either copy is right
        pass
    return "computed"


def refresh_plans(keys) -> dict:
    """Compute and store the plans of these (prefecture code, fiscal year) pairs."""
    started = time.perf_counter()
    done = 0
    for code, fy in sorted(set(keys)):
        prefecture_plan(selectors.area_for_prefecture(code), fy, use_stored=False)
        done += 1
    return {"plans": done, "plan_seconds": round(time.perf_counter() - started, 1)}


def refresh_all_plans(years=None) -> dict:
    """Every prefecture for every fiscal year with data (after a rebuild or a population import)."""
    from lms.regions.models import Prefecture

    years = years or selectors.fiscal_years_available()
    codes = list(Prefecture.objects.order_by("code").values_list("code", flat=True))
    return refresh_plans((code, fy) for code in codes for fy in years)
