"""Disclosure plans computed by the refresh job, not by the report request.

Auditing a prefecture (lms.reports.privacy.audit: integer programs over all its municipalities) takes from a tenth of
a second to many seconds. The refresh job therefore computes the plan of every prefecture and fiscal year whose
figures it changed, right after it commits the roll-ups (`refresh_plans`), and the nightly rebuild all of them
(`refresh_all_plans`). A request builds the cells from the roll-ups (a few queries), and applies the stored
decisions when the stored digest equals the digest of those very cells; only when it does not (a plan not computed
yet, or figures changed since) does the request audit itself, and it stores the result for the next one."""

from __future__ import annotations

import logging
import time

from django.db import IntegrityError, transaction

from .models import SuppressionPlan
from .privacy import Suppressor

logger = logging.getLogger(__name__)


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
    from . import selectors
    from .tables import prefecture_plan

    started = time.perf_counter()
    done = 0
    for code, fy in sorted(set(keys)):
        prefecture_plan(selectors.area_for_prefecture(code), fy, use_stored=False)
        done += 1
    return {"plans": done, "plan_seconds": round(time.perf_counter() - started, 1)}


def refresh_all_plans(years=None) -> dict:
    """Every prefecture for every fiscal year with data (after a rebuild or a population import)."""
    from lms.regions.models import Prefecture

    from . import selectors

    years = years or selectors.fiscal_years_available()
    codes = list(Prefecture.objects.order_by("code").values_list("code", flat=True))
    return refresh_plans((code, fy) for code in codes for fy in years)
