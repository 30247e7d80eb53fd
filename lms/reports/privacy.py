"""Suppression of small counts in municipality reports: the one place that decides what a count shows as.

At municipality level every count from 1 to `settings.REPORT_SUPPRESSION_THRESHOLD - 1` shows as 「<10」 (primary
suppression), in screens and exports alike. A shown total, difference or percentage must not give it away, so the
cells that add up are declared as groups (`Suppressor.group(total, parts)`: online + workshop = completed, months =
the year, age bands / occupations = the total, municipalities = the prefecture in a prefecture's table, first passes
+ (unshown) first failures = first attempts). Secondary suppression then hides more cells (shown as 「秘匿」) until no
suppressed count can be worked out from what is shown:

1. a group with exactly one hidden cell hides its next smallest non-zero shown cell too;
2. an interval audit (what a reader can conclude from the shown numbers, 「<10」 meaning 1..9 and 「秘匿」 meaning a
   hidden count that is not small, i.e. ≥ the threshold) must leave every small count with more than one possible
   value; if not, the next smallest shown cell of the group that pins it is hidden too, and the audit runs again.

Rates and per-10,000 figures derived from a hidden count are not shown (`Rate`, `PerTenThousand`). Prefecture and
nation figures are never suppressed (`Suppressor(enabled=False)`). docs/reports.md explains the rules."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from django.conf import settings

SUPPRESSED_SECONDARY_LABEL = "秘匿"
NOT_SHOWN_LABEL = "—"
INFINITY = math.inf


def threshold() -> int:
    return int(getattr(settings, "REPORT_SUPPRESSION_THRESHOLD", 10))


def small_label(limit: int | None = None) -> str:
    return f"<{limit or threshold()}"


PRIMARY = "primary"
SECONDARY = "secondary"


@dataclass(eq=False, slots=True)
class Count:
    """One count shown in a report (a cell). `status` is "" (shown), PRIMARY (a small count, 「<10」) or SECONDARY
    (hidden so that a small count cannot be worked out, 「秘匿」). `public` cells are shown elsewhere without
    suppression (a prefecture's own totals) and are never chosen for secondary suppression. `implicit` cells are
    never displayed but can be derived from their group (first failures = attempts − passes). `exempt` cells are
    never small-suppressed (a prefecture's breakdowns) but may be hidden as a last resort when nothing else can
    protect a municipality's small count."""

    value: int
    status: str = ""
    public: bool = False
    implicit: bool = False
    exempt: bool = False
    limit: int = 10
    name: str = ""

    @property
    def suppressed(self) -> bool:
        return bool(self.status)

    @property
    def display(self) -> str:
        if self.status == PRIMARY:
            return small_label(self.limit)
        if self.status == SECONDARY:
            return SUPPRESSED_SECONDARY_LABEL
        return f"{self.value:,}"

    @property
    def export_value(self) -> int | str:
        """What a spreadsheet cell holds: the number when shown, else the same label as on screen."""
        return self.value if not self.status else self.display

    def __str__(self) -> str:
        return self.display


@dataclass(frozen=True)
class Rate:
    """A percentage of two counts; not shown when either is hidden or the denominator is zero."""

    numerator: Count
    denominator: Count

    @property
    def value(self) -> float | None:
        if self.numerator.suppressed or self.denominator.suppressed or not self.denominator.value:
            return None
        return round(100 * self.numerator.value / self.denominator.value, 1)

    @property
    def display(self) -> str:
        value = self.value
        return NOT_SHOWN_LABEL if value is None else f"{value:.1f}%"

    @property
    def export_value(self) -> float | str:
        value = self.value
        return NOT_SHOWN_LABEL if value is None else value

    def __str__(self) -> str:
        return self.display


@dataclass(frozen=True)
class PerTenThousand:
    """A count per 10,000 residents (as the 認知症サポーター tables give it); not shown when the count is hidden or
    the population is unknown."""

    count: Count
    population: int | None

    @property
    def value(self) -> float | None:
        if self.count.suppressed or not self.population:
            return None
        return round(10000 * self.count.value / self.population, 1)

    @property
    def display(self) -> str:
        value = self.value
        return NOT_SHOWN_LABEL if value is None else f"{value:,.1f}"

    @property
    def export_value(self) -> float | str:
        value = self.value
        return NOT_SHOWN_LABEL if value is None else value

    def __str__(self) -> str:
        return self.display


@dataclass(eq=False)
class Group:
    """`total` = sum of `parts` (an implicit remainder is added when the parts do not cover the total)."""

    total: Count
    parts: list[Count]

    @property
    def cells(self) -> list[Count]:
        return [self.total, *self.parts]


@dataclass
class Suppressor:
    """Collects the counts of one screen (or one export: the same cells) and their additive groups, then decides
    what is hidden. With `enabled=False` (prefecture and nation figures) every count is shown."""

    enabled: bool = True
    limit: int = field(default_factory=threshold)
    counts: list[Count] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    resolved: bool = False
    unprotectable: list[Count] = field(default_factory=list)

    def count(
        self, value: int | None, *, public: bool = False, exempt: bool = False, name: str = ""
    ) -> Count:
        cell = Count(
            int(value or 0), public=public or not self.enabled, exempt=exempt, limit=self.limit, name=name
        )
        self.counts.append(cell)
        return cell

    def group(self, total: Count, parts: list[Count]) -> Group:
        parts = list(parts)
        remainder = total.value - sum(part.value for part in parts)
        if remainder:
            hidden = Count(remainder, implicit=True, limit=self.limit, name=f"{total.name}:remainder")
            self.counts.append(hidden)
            parts.append(hidden)
        group = Group(total, parts)
        self.groups.append(group)
        return group

    def mark(self, cell: Count, status: str) -> None:
        """Seed a decision taken elsewhere (the prefecture table's, so both screens hide the same cells)."""
        if self.enabled and status and not cell.status:
            cell.status = status
            cell.public = False

    # --- deciding ---------------------------------------------------------------------------------------------

    def resolve(self) -> Suppressor:
        if self.resolved:
            return self
        self.resolved = True
        if not self.enabled:
            return self
        groups_of: dict[int, list[Group]] = {}
        for group in self.groups:
            for cell in group.cells:
                groups_of.setdefault(id(cell), []).append(group)
        newly_hidden = []
        for cell in self.counts:
            if 0 < cell.value < self.limit and not cell.status and not cell.exempt and not cell.public:
                cell.status = PRIMARY
            if cell.status:
                newly_hidden.append(cell)
        for _round in range(len(self.counts) + 1):
            self._one_hidden_cell_rule(newly_hidden, groups_of)
            pinned = pinned_cells(self.groups, self.limit)
            newly_hidden = self._hide_beside(pinned, groups_of) if pinned else []
            if not newly_hidden:
                break
        # Left pinned only when no cell could be hidden any more (e.g. a prefecture total below the threshold held
        # by one municipality: the national table's prefecture figures are never suppressed).
        self.unprotectable = pinned_cells(self.groups, self.limit)
        return self

    def _candidates(self, group: Group) -> list[Count]:
        shown = [c for c in group.parts if not c.status and not c.implicit and not c.public and c.value > 0]
        if not shown and not group.total.status and not group.total.public and group.total.value > 0:
            shown = [group.total]
        # Municipality cells first; a prefecture's own (exempt) cell only when nothing else is left.
        return sorted(shown, key=lambda c: (c.exempt, c.value))

    def _one_hidden_cell_rule(self, newly_hidden: list[Count], groups_of: dict[int, list[Group]]) -> None:
        """Hide the next smallest cell of every group with exactly one hidden cell, following each newly hidden
        cell into its other groups until nothing changes."""
        queue = [group for cell in newly_hidden for group in groups_of.get(id(cell), [])]
        while queue:
            group = queue.pop()
            hidden = 0
            for c in group.cells:
                if c.status:
                    hidden += 1
                    if hidden > 1:
                        break
            if hidden == 1:
                candidates = self._candidates(group)
                if candidates:
                    candidates[0].status = SECONDARY
                    queue.extend(groups_of.get(id(candidates[0]), []))

    def _hide_beside(self, pinned: list[Count], groups_of: dict[int, list[Group]]) -> list[Count]:
        """For each pinned small count, hide the next smallest shown cell of a group it is in."""
        hidden = []
        for cell in pinned:
            for group in groups_of.get(id(cell), []):
                candidates = self._candidates(group)
                if candidates:
                    candidates[0].status = SECONDARY
                    hidden.append(candidates[0])
                    break
        return hidden


# --- what a reader can conclude -------------------------------------------------------------------------------


def reader_interval(cell: Count, limit: int) -> tuple[float, float]:
    """What a reader knows about one cell from its label alone."""
    if cell.implicit:
        # Never shown, so its label says nothing: only the sums of its group tell a reader about it.
        return (0, INFINITY)
    if cell.status == PRIMARY:
        return (1, limit - 1)
    if cell.status == SECONDARY:
        # A hidden municipality count is not small (small ones show 「<10」); a hidden prefecture figure may be.
        return (1, INFINITY) if cell.exempt else (limit, INFINITY)
    return (cell.value, cell.value)


def conclude_intervals(groups: list[Group], limit: int) -> dict[int, list[float]]:
    """Tighten every cell's interval through the sums of its groups until nothing changes (interval propagation,
    with a work list: a group is looked at again only when one of its cells changed): the bounds a reader can reach
    by adding and subtracting what is shown. Groups whose cells are all shown teach nothing and are skipped."""
    bounds: dict[int, list[float]] = {}
    active = []
    groups_of: dict[int, list[Group]] = {}
    for group in groups:
        if any(c.status or c.implicit for c in group.cells):
            active.append(group)
            for cell in group.cells:
                if id(cell) not in bounds:
                    bounds[id(cell)] = list(reader_interval(cell, limit))
                groups_of.setdefault(id(cell), []).append(group)
    queue = deque(active)
    queued = {id(group) for group in active}
    budget = 50 * len(active) + 100
    while queue and budget:
        budget -= 1
        group = queue.popleft()
        queued.discard(id(group))
        changed = []
        t = bounds[id(group.total)]
        parts = [bounds[id(p)] for p in group.parts]
        low_sum = sum(p[0] for p in parts)
        finite_high = sum(p[1] for p in parts if p[1] != INFINITY)
        infinite = sum(1 for p in parts if p[1] == INFINITY)
        high_sum = INFINITY if infinite else finite_high
        if low_sum > t[0]:
            t[0] = min(low_sum, t[1])
            changed.append(group.total)
        if high_sum < t[1]:
            t[1] = max(high_sum, t[0])
            changed.append(group.total)
        for cell, p in zip(group.parts, parts, strict=True):
            others_low = low_sum - p[0]
            if p[1] == INFINITY:
                others_high = INFINITY if infinite > 1 else finite_high
            else:
                others_high = INFINITY if infinite else finite_high - p[1]
            new_low = t[0] - others_high
            new_high = t[1] - others_low
            if new_low > p[0]:
                p[0] = min(new_low, p[1])
                changed.append(cell)
            if new_high < p[1]:
                p[1] = max(new_high, p[0])
                changed.append(cell)
        for cell in changed:
            for other in groups_of[id(cell)]:
                if id(other) not in queued:
                    queued.add(id(other))
                    queue.append(other)
    return bounds


def pinned_cells(groups: list[Group], limit: int) -> list[Count]:
    """Small counts (shown as 「<10」, or implicit ones) whose value a reader can work out exactly."""
    bounds = conclude_intervals(groups, limit)
    found = []
    seen = set()
    for group in groups:
        for cell in group.cells:
            if id(cell) in seen or id(cell) not in bounds:
                continue
            seen.add(id(cell))
            if 0 < cell.value < limit and (cell.status == PRIMARY or cell.implicit):
                low, high = bounds[id(cell)]
                if low == high:
                    found.append(cell)
    return found
