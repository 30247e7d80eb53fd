"""An independent check that no small count can be worked out from what a reader sees.

It knows only the labels (a number, 「<10」 meaning 1..9, 「秘匿」 meaning a hidden count of at least the threshold)
and which shown cells add up (total = parts). For every 「<10」 cell it asks, group by group, whether two different
values are both consistent with everything shown: sums of integer intervals are contiguous, so "is v possible" is
"does T - v fall within the sum of the other cells' intervals". Used by the privacy and screen tests."""

from __future__ import annotations

SMALL = "<10"
SECONDARY = "秘匿"
BIG = 10**9


def interval(label: str, limit: int = 10) -> tuple[int, int]:
    label = str(label).replace(",", "").strip()
    if label == SMALL:
        return (1, limit - 1)
    if label == SECONDARY:
        return (limit, BIG)
    value = int(label)
    return (value, value)


def recoverable(
    total: str,
    parts: list[str],
    *,
    remainder_hidden: bool = False,
    remainder_value: int = 0,
    limit: int = 10,
    prefecture_total: bool = False,
) -> list[int]:
    """Indexes (0 = total, 1.. = parts) of 「<10」 cells whose value is determined by total = sum(parts)
    (+ an unshown remainder ≥ 0 when `remainder_hidden`, e.g. first failures = attempts - passes; -1 when that
    remainder is a small count and everything else is shown). `prefecture_total`: the total is a prefecture's
    figure, never small-suppressed, so 「秘匿」 there means only "hidden"."""
    cells = [interval(total, limit), *[interval(p, limit) for p in parts]]
    if prefecture_total and str(total) == SECONDARY:
        cells[0] = (1, BIG)  # a prefecture figure hidden to protect a municipality may itself be small
    found = []
    if remainder_hidden and 0 < remainder_value < limit and all(c[0] == c[1] for c in cells):
        found.append(-1)
    for index, label in enumerate([total, *parts]):
        if str(label) != SMALL:
            continue
        possible = []
        for v in range(1, limit):
            if index == 0:
                low = sum(c[0] for c in cells[1:])
                high = BIG if remainder_hidden else sum(c[1] for c in cells[1:])
                ok = low <= v <= high
            else:
                others = [c for i, c in enumerate(cells[1:], start=1) if i != index]
                low = sum(c[0] for c in others)
                high = BIG if remainder_hidden else sum(c[1] for c in others)
                t_low, t_high = cells[0]
                # total - v must lie in [low, high] for some total in [t_low, t_high]
                ok = t_low - v <= high and t_high - v >= low
            if ok:
                possible.append(v)
        if len(possible) < 2:
            found.append(index)
    return found
