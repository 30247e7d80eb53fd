"""Suppression of small counts (lms.reports.privacy): primary 「<10」, secondary 「秘匿」 within every additive group,
and no small count recoverable from what is shown."""

import itertools
import random

import pytest

from lms.reports.privacy import (
    NOT_SHOWN_LABEL,
    PRIMARY,
    SECONDARY,
    PerTenThousand,
    Rate,
    Suppressor,
    pinned_cells,
)

from .recovery import recoverable


def _group(s, total, parts, **kwargs):
    t = s.count(total, **kwargs)
    ps = [s.count(p) for p in parts]
    s.group(t, ps)
    return t, ps


def test_small_counts_show_as_less_than_threshold_and_zero_stays_zero():
    s = Suppressor()
    cells = [s.count(v) for v in (0, 1, 9, 10, 1234)]
    s.resolve()
    assert [c.display for c in cells] == ["0", "<10", "<10", "10", "1,234"]
    assert [c.export_value for c in cells] == [0, "<10", "<10", 10, 1234]


def test_threshold_is_a_setting(settings):
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    s = Suppressor()
    cells = [s.count(v) for v in (4, 5)]
    s.resolve()
    assert [c.display for c in cells] == ["<5", "5"]


def test_prefecture_and_nation_figures_are_not_suppressed():
    s = Suppressor(enabled=False)
    total, parts = _group(s, 15, [3, 12])
    s.resolve()
    assert [c.display for c in (total, *parts)] == ["15", "3", "12"]


def test_one_small_part_hides_the_next_smallest_part_too():
    s = Suppressor()
    total, (online, workshop) = _group(s, 20, [3, 17])
    s.resolve()
    assert (total.display, online.display, workshop.display) == ("20", "<10", "秘匿")
    assert workshop.status == SECONDARY


def test_two_small_parts_summing_to_a_known_small_number_are_protected():
    # 20 + 1 + 1 = 22: shown 22 and 20 would pin both small months to 1 (two hidden cells are not enough).
    s = Suppressor()
    total, parts = _group(s, 22, [20, 1, 1, 0])
    s.resolve()
    assert parts[0].status == SECONDARY
    assert not pinned_cells(s.groups, 10)


def test_secondary_label_cannot_be_used_to_pin_a_small_count():
    # online 1, workshop 10, total 11: 「秘匿」 means ≥ 10, so 11 − 10 would give online = 1.
    s = Suppressor()
    total, parts = _group(s, 11, [1, 10])
    s.resolve()
    assert total.status == SECONDARY
    assert not pinned_cells(s.groups, 10)


def test_implicit_remainder_is_protected():
    # 15 first attempts, 12 passed: 3 failures would be 15 − 12.
    s = Suppressor()
    attempts = s.count(15)
    passes = s.count(12)
    s.group(attempts, [passes])
    s.resolve()
    assert passes.status == SECONDARY or attempts.status == SECONDARY
    assert not pinned_cells(s.groups, 10)


def test_public_cells_are_never_hidden():
    s = Suppressor()
    total, parts = _group(s, 40, [3, 12, 25], public=True)
    s.resolve()
    assert total.display == "40"
    assert parts[1].status == SECONDARY


def test_seeded_decisions_are_kept():
    s = Suppressor()
    cell = s.count(25)
    s.mark(cell, SECONDARY)
    s.resolve()
    assert cell.display == "秘匿"


def test_rates_and_per_ten_thousand_from_hidden_counts_are_not_shown():
    s = Suppressor()
    small, big, bigger = s.count(4), s.count(40), s.count(50)
    s.resolve()
    assert Rate(small, big).display == NOT_SHOWN_LABEL
    assert Rate(big, small).display == NOT_SHOWN_LABEL
    assert Rate(big, bigger).display == "80.0%"
    assert Rate(big, s.count(0)).display == NOT_SHOWN_LABEL
    assert PerTenThousand(small, 180000).display == NOT_SHOWN_LABEL
    assert PerTenThousand(big, None).display == NOT_SHOWN_LABEL
    assert PerTenThousand(big, 180000).display == "2.2"


@pytest.mark.parametrize("seed", range(300))
def test_random_groups_never_leave_a_small_count_recoverable(seed):
    rng = random.Random(seed)
    s = Suppressor()
    size = rng.randint(2, 12)
    parts = [rng.choice([0, 0, 1, 2, 3, 5, 9, 10, 11, 12, 15, 30]) for _ in range(size)]
    total, part_cells = _group(s, sum(parts), parts)
    s.resolve()
    assert not s.unprotectable
    assert recoverable(total.display, [c.display for c in part_cells]) == []


@pytest.mark.parametrize("seed", range(100))
def test_shared_totals_across_groups_never_leave_a_small_count_recoverable(seed):
    # registered split by month, by age band and by occupation: three groups sharing one total.
    rng = random.Random(seed)
    s = Suppressor()
    people = rng.randint(0, 40)
    splits = []
    for size in (12, 8, 7):
        parts = [0] * size
        for _ in range(people):
            parts[rng.randrange(size)] += 1
        splits.append(parts)
    total = s.count(people)
    groups = []
    for parts in splits:
        cells = [s.count(v) for v in parts]
        s.group(total, cells)
        groups.append(cells)
    s.resolve()
    assert not s.unprotectable
    for cells in groups:
        assert recoverable(total.display, [c.display for c in cells]) == []


def test_every_small_pair_is_protected_exhaustively():
    for a, b in itertools.product(range(0, 25), repeat=2):
        s = Suppressor()
        total, parts = _group(s, a + b, [a, b])
        s.resolve()
        assert recoverable(total.display, [c.display for c in parts]) == [], (a, b)
        assert all(c.status == PRIMARY for c in (total, *parts) if 0 < c.value < 10)
