"""lms.reports.privacy on its own: fixed random rounding, 「<10」, public figures, the exact audit hiding more, and
the audit failing closed when its time budget runs out."""

import logging
import random

import pytest

from lms.reports.privacy import (
    NOT_SHOWN_LABEL,
    PRIMARY,
    SECONDARY,
    PerTenThousand,
    Rate,
    Suppressor,
    fixed_random_round,
    rounding_offset,
)

from .attacker import Knowledge


def test_rounding_is_to_multiples_of_five_unbiased_and_fixed_per_cell():
    offsets = [rounding_offset(f"cell{i}", 5) for i in range(2000)]
    assert set(offsets) == {0, 1, 2, 3, 4}
    assert all(abs(offsets.count(o) - 400) < 80 for o in range(5))  # a uniform draw, so rounding is unbiased
    for n in range(0, 60):
        shown = fixed_random_round(n, "fy2026|312011:registered", 5)
        assert shown % 5 == 0 and abs(shown - n) <= 4
        assert shown == fixed_random_round(n, "fy2026|312011:registered", 5)  # the same cell rounds the same way


def test_the_rounding_key_is_a_secret_setting(settings):
    before = [rounding_offset(f"c{i}", 5) for i in range(40)]
    settings.REPORT_ROUNDING_KEY = "another secret"
    assert [rounding_offset(f"c{i}", 5) for i in range(40)] != before


def test_small_rounded_counts_show_as_less_than_threshold_zero_included():
    s = Suppressor(salt="t")
    cells = [s.count(v, name=f"c{v}") for v in (0, 1, 4, 30, 1234)]
    s.resolve()
    assert [c.display for c in cells[:3]] == ["<10", "<10", "<10"]
    assert cells[3].display in ("30", "35") or cells[3].shown in (30, 35)
    assert abs(cells[4].shown - 1234) <= 4 and cells[4].export_value == cells[4].shown


def test_public_figures_are_exact_and_never_hidden():
    s = Suppressor(salt="t")
    total = s.count(3, public=True, name="pref")
    parts = [s.count(3, name="a"), s.count(0, name="b")]
    s.group(total, parts)
    s.resolve()
    assert total.display == "3" and not total.status
    assert Suppressor(enabled=False).count(7).display == "7"


def test_rates_and_rates_per_resident_use_shown_counts_and_hide_with_them():
    s = Suppressor(salt="t")
    hidden, big, base = s.count(3, name="h"), s.count(500, name="b"), s.count(1000, name="d")
    s.resolve()
    assert hidden.status == PRIMARY
    assert Rate(hidden, base).display == NOT_SHOWN_LABEL
    assert Rate(big, base).value == round(100 * big.shown / base.shown, 1)
    assert PerTenThousand(hidden, 10000).display == NOT_SHOWN_LABEL
    assert PerTenThousand(big, 100000).value == round(big.shown / 10, 1)


def _random_plan(rng):
    """A prefecture (public totals) with municipalities, each with a breakdown into months."""
    s = Suppressor(salt=str(rng.random()))
    knowledge = []
    months = 4
    towns = [[rng.choice([0, 0, 1, 2, 3, 5, 8, 12, 20, 40]) for _m in range(months)] for _t in range(rng.randint(2, 5))]
    town_cells = []
    for t, values in enumerate(towns):
        total = s.count(sum(values), name=f"t{t}")
        parts = [s.count(v, name=f"t{t}m{m}") for m, v in enumerate(values)]
        s.group(total, parts)
        town_cells.append((total, parts))
    for m in range(months):
        whole = s.count(sum(values[m] for values in towns), public=True, name=f"p{m}")
        s.group(whole, [parts[m] for _total, parts in town_cells])
    whole = s.count(sum(map(sum, towns)), public=True, name="p")
    s.group(whole, [total for total, _parts in town_cells])
    s.resolve()
    knowledge.append(town_cells)
    return s, town_cells


def _reader(s):
    """What a reader knows of a resolved plan, in the attacker's terms."""
    k = Knowledge()
    for cell in s.counts:
        if cell.implicit:
            continue
        k.see((cell.name,), cell.display, exact=cell.public, base=s.base, limit=s.limit)
    for group in s.groups:
        k.equal((group.total.name,), [(p.name,) for p in group.parts])
    return k


@pytest.mark.parametrize("seed", range(12))
def test_random_plans_leave_no_small_count_narrowable(seed):
    s, _towns = _random_plan(random.Random(seed))
    k = _reader(s)
    for cell in s.counts:
        if not cell.public and not cell.implicit and 0 < cell.value < 10:
            low, high = k.range_of((cell.name,))
            assert low <= cell.value <= high
            assert low <= 0 or high - low + 1 >= 5, (cell.name, cell.value, cell.display, low, high)


def test_the_audit_hides_more_where_sums_would_narrow_a_small_count():
    # One town has the prefecture's only count of 3; a shown neighbour would not help: the audit must hide enough
    # that the 3 could be 0.
    s = Suppressor(salt="x")
    whole = s.count(3, public=True, name="pref")
    mine, other = s.count(3, name="mine"), s.count(0, name="other")
    s.group(whole, [mine, other])
    total = s.count(43, name="total")
    big = s.count(40, name="big")
    s.group(total, [mine, big])
    s.resolve()
    k = _reader(s)
    low, high = k.range_of(("mine",))
    assert low <= 0 or high - low + 1 >= 5
    assert s.result.solves > 0


def test_the_audit_fails_closed_when_its_budget_runs_out(caplog):
    s = Suppressor(salt="y")
    whole = s.count(3, public=True, name="pref")
    parts = [s.count(3, name="a"), s.count(50, name="b"), s.count(0, name="c")]
    s.group(whole, [parts[0], parts[2]])
    total = s.count(53, name="t")
    s.group(total, parts[:2])
    with caplog.at_level(logging.WARNING, logger="lms.reports.privacy"):
        s.resolve(budget_seconds=0)
    assert s.result.budget_exhausted
    assert all(c.status for c in s.counts if not c.public and not c.implicit)  # every municipality cell hidden
    assert parts[1].status == SECONDARY and total.status == SECONDARY
    assert "fail closed" in caplog.text
