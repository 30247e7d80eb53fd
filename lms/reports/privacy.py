"""Disclosure control of municipality figures: the one place that decides what a count shows as.

Two methods, each against one kind of attack (docs/reports.md, 「小さい数の保護」, names the sources):

1. **Fixed random rounding** (against differencing over time: junk accounts added one at a time). Every count of a
   municipality is shown rounded to a multiple of `REPORT_ROUNDING_BASE` (5): down or up at random, so that on
   average the rounding is unbiased, but with the random draw *fixed per cell* — an offset 0..base−1 from a keyed
   hash of the cell's identity (fiscal year, municipality, figure), `rounding_offset()` — so that the same cell
   always rounds the same way. Adding learners one at a time therefore only ever reveals `true + offset` (the step
   at which the rounded value moves), never the true value: the offset is a secret the reader never learns.
2. **Cell suppression with an exact audit** (against sums and differences within what one officer can see). A
   rounded value below the threshold (10) shows as 「<10」 (true count 0..9; zeros too, so a 「<10」 never says
   "somebody"). Cells that add up are declared as groups (`Suppressor.group(total, parts)`), with the prefecture's
   and the nation's exact figures as known totals. `audit()` then asks an integer solver (SciPy's HiGHS,
   `scipy.optimize.milp`) for every cell whose true count is 1..threshold−1 the range a reader can prove from
   everything shown: it must include 0 (the reader cannot even tell that anyone is there) or span at least `base`
   values. If not, a neighbouring cell is hidden as 「秘匿」 (any count) and the audit runs again. The audit fails
   closed: when its time budget runs out, every municipality cell still unproven is hidden and the event logged.

Rates and per-10,000 figures are computed from the shown (rounded) counts, and not shown when a count is hidden
(`Rate`, `PerTenThousand`). Prefecture and nation figures are exact and never hidden (`public`); so are numbers of
workshops held (public events). Workshop attendance is protected like any count."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings

logger = logging.getLogger(__name__)

SUPPRESSED_SECONDARY_LABEL = "秘匿"
NOT_SHOWN_LABEL = "—"
PRIMARY = "primary"
SECONDARY = "secondary"


def threshold() -> int:
    return int(getattr(settings, "REPORT_SUPPRESSION_THRESHOLD", 10))


def rounding_base() -> int:
    return int(getattr(settings, "REPORT_ROUNDING_BASE", 5))


def small_label(limit: int | None = None) -> str:
    return f"<{limit or threshold()}"


def _rounding_key() -> bytes:
    key = getattr(settings, "REPORT_ROUNDING_KEY", "") or f"reports-rounding:{settings.SECRET_KEY}"
    return _derived_key(key)


@lru_cache(maxsize=4)
def _derived_key(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()  # blake2b takes a key of up to 64 bytes


def rounding_offset(cell_key: str, base: int, key: bytes | None = None) -> int:
    """The fixed random offset (0..base−1) of one cell: a keyed hash (BLAKE2b, a MAC when keyed) of its identity,
    so the same cell always rounds the same way whatever its count, and nobody without the key can compute it.
    `key`: _rounding_key(), when the caller has it already (a Suppressor reads it once, not per cell)."""
    digest = hashlib.blake2b(cell_key.encode(), key=key or _rounding_key(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % base


def fixed_random_round(value: int, cell_key: str, base: int, key: bytes | None = None) -> int:
    """Round to a multiple of `base`: up with probability (value mod base)/base over the cells (unbiased), the draw
    fixed per cell."""
    if base <= 1:
        return value
    return base * ((value + rounding_offset(cell_key, base, key)) // base)


@dataclass(eq=False, slots=True)
class Count:
    """One count shown in a report (a cell). `value` is the true count (never displayed for a protected cell);
    `shown` what a reader sees when the cell is not hidden (rounded for municipality cells). `status` is "" (shown),
    PRIMARY (「<10」: rounded below the threshold) or SECONDARY (「秘匿」: hidden so that a small count cannot be
    worked out). `public` cells (prefecture, nation, workshops held) are exact and never hidden. `implicit` cells
    are never displayed but follow from their group (first failures = attempts − passes)."""

    value: int
    shown: int = 0
    status: str = ""
    public: bool = False
    implicit: bool = False
    limit: int = 10
    name: str = ""
    blank: bool = False  # a month still to come: known to be 0, shown empty

    @property
    def suppressed(self) -> bool:
        return bool(self.status)

    @property
    def number(self) -> int | None:
        """The number a reader sees, or None when hidden."""
        return None if self.status else self.shown

    @property
    def display(self) -> str:
        if self.blank:
            return ""
        if self.status == PRIMARY:
            return small_label(self.limit)
        if self.status == SECONDARY:
            return SUPPRESSED_SECONDARY_LABEL
        return f"{self.shown:,}"

    @property
    def export_value(self) -> int | str:
        """What a spreadsheet cell holds: the shown number, else the same label as on screen."""
        return self.shown if not self.status and not self.blank else self.display

    def __str__(self) -> str:
        return self.display


@dataclass(frozen=True)
class Rate:
    """A percentage of two shown counts; not shown when either is hidden or the denominator is zero."""

    numerator: Count
    denominator: Count

    @property
    def value(self) -> float | None:
        if self.numerator.suppressed or self.denominator.suppressed or not self.denominator.shown:
            return None
        return round(100 * self.numerator.shown / self.denominator.shown, 1)

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
    """A shown count per 10,000 residents (as the 認知症サポーター tables give it); not shown when the count is
    hidden or the population is unknown."""

    count: Count
    population: int | None

    @property
    def value(self) -> float | None:
        if self.count.suppressed or not self.population:
            return None
        return round(10000 * self.count.shown / self.population, 1)

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
class AuditResult:
    """What the last audit found: cells it could not prove safe (hidden more), and whether the budget ran out."""

    rounds: int = 0
    solves: int = 0
    hidden_by_audit: int = 0
    budget_exhausted: bool = False
    seconds: float = 0.0


@dataclass
class Suppressor:
    """Collects the counts of one plan (a prefecture and its municipalities, or one area) and their additive groups,
    then decides what is shown. With `enabled=False` (nation) every count is exact and shown. `salt` (the fiscal
    year) is part of each cell's rounding key, so a cell of another year rounds independently."""

    enabled: bool = True
    limit: int = field(default_factory=threshold)
    base: int = field(default_factory=rounding_base)
    salt: str = ""
    counts: list[Count] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    resolved: bool = False
    result: AuditResult = field(default_factory=AuditResult)
    # The rounding key, read from the settings once per plan rather than once per cell.
    key: bytes = field(default_factory=_rounding_key, repr=False)

    def count(self, value: int | None, *, public: bool = False, name: str = "", future: bool = False) -> Count:
        """One cell. `future`: a month still to come, known to be 0 (public, shown empty)."""
        value = int(value or 0)
        public = public or not self.enabled or (future and value == 0)
        shown = value if public else fixed_random_round(value, f"{self.salt}|{name}", self.base, self.key)
        cell = Count(value, shown=shown, public=public, limit=self.limit, name=name, blank=future and value == 0)
        self.counts.append(cell)
        return cell

    def group(self, total: Count, parts: list[Count]) -> Group:
        parts = list(parts)
        remainder = total.value - sum(part.value for part in parts)
        if remainder:
            hidden = Count(remainder, shown=remainder, implicit=True, limit=self.limit, name=f"{total.name}:rest")
            self.counts.append(hidden)
            parts.append(hidden)
        group = Group(total, parts)
        self.groups.append(group)
        return group

    def implicit_part(self, total: Count, parts: list[Count], name: str) -> Group:
        """A group whose remainder is never shown even when it is 0 (first failures = attempts − passes): the
        reader does not know the remainder, so it is always a variable."""
        rest = Count(
            total.value - sum(p.value for p in parts), implicit=True, limit=self.limit, name=f"{name}:rest"
        )
        rest.shown = rest.value
        self.counts.append(rest)
        group = Group(total, [*parts, rest])
        self.groups.append(group)
        return group

    def mark(self, cell: Count, status: str) -> None:
        """Seed a decision taken elsewhere (a plan computed earlier)."""
        if self.enabled and status and not cell.public and not cell.implicit:
            cell.status = status

    def digest(self, cells=None) -> str:
        """A hash of everything the decisions depend on: each cell's name, true count, shown count and kind, the
        threshold and the rounding base (a stored plan is applied only to exactly these figures). `cells`: of these
        cells only (one municipality's part of a plan), in their order; default every cell."""
        h = hashlib.sha256(f"{self.limit}|{self.base}|{self.salt}|{self.enabled}".encode())
        for cell in self.counts if cells is None else cells:
            h.update(f"\n{cell.name}={cell.value}/{cell.shown}/{int(cell.public)}{int(cell.implicit)}".encode())
        return h.hexdigest()

    def decisions(self) -> dict[str, list[str]]:
        return {
            status: sorted(c.name for c in self.counts if c.status == status) for status in (PRIMARY, SECONDARY)
        }

    def apply(self, decisions: dict[str, list[str]]) -> Suppressor:
        """Take decisions computed earlier for the same figures (same digest) instead of auditing again."""
        by_name: dict[str, list[Count]] = {}
        for cell in self.counts:
            by_name.setdefault(cell.name, []).append(cell)
        for status in (PRIMARY, SECONDARY):
            for name in decisions.get(status, []):
                for cell in by_name.get(name, []):
                    self.mark(cell, status)
        self.resolved = True
        return self

    # --- deciding ---------------------------------------------------------------------------------------------

    def resolve(self, *, budget_seconds: float | None = None) -> Suppressor:
        if self.resolved:
            return self
        self.resolved = True
        if not self.enabled:
            return self
        for cell in self.counts:
            if not cell.public and not cell.implicit and not cell.status and cell.shown < self.limit:
                cell.status = PRIMARY
        if budget_seconds is None:
            budget_seconds = float(getattr(settings, "REPORT_AUDIT_BUDGET_SECONDS", 30))
        self.result = audit(self, budget_seconds=budget_seconds)
        return self


# --- the audit: what a reader can prove ------------------------------------------------------------------------

INFINITE = float("inf")


def reader_bounds(cell: Count, limit: int, base: int) -> tuple[float, float]:
    """What a reader knows about one cell's true count from its label alone."""
    if cell.public:
        return (cell.value, cell.value)
    if cell.implicit or cell.status == SECONDARY:
        return (0, INFINITE)
    if cell.status == PRIMARY:
        return (0, limit - 1)  # rounded value below the threshold: true + offset ≤ limit − 1
    # shown rounded r: r ≤ true + offset ≤ r + base − 1 with offset in 0..base−1
    return (max(0, cell.shown - (base - 1)), cell.shown + (base - 1))


def is_sensitive(cell: Count, limit: int) -> bool:
    return not cell.public and not cell.implicit and 0 < cell.value < limit


def range_is_wide_enough(low: float, high: float, base: int) -> bool:
    return low <= 0 or high - low + 1 >= base


def _components(groups: list[Group]) -> list[tuple[list[Group], list[Count]]]:
    """Groups that share a non-public cell, joined (a union-find over cells); exact (public) cells do not join
    groups, because a known number carries nothing from one group to another."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    live = [g for g in groups if any(not c.public for c in g.cells)]
    for index, group in enumerate(live):
        parent.setdefault(-1 - index, -1 - index)
        for cell in group.cells:
            if not cell.public:
                a, b = find(-1 - index), find(id(cell))
                if a != b:
                    parent[a] = b
    by_root: dict[int, tuple[list[Group], dict[int, Count]]] = {}
    for index, group in enumerate(live):
        groups_of, cells = by_root.setdefault(find(-1 - index), ([], {}))
        groups_of.append(group)
        for cell in group.cells:
            if not cell.public:
                cells[id(cell)] = cell
    return [(g, list(c.values())) for g, c in by_root.values()]


class _Model:
    """One component as an integer program: a variable per non-public cell, bounds from the labels, one equation
    per group (total − parts = 0; public cells are constants)."""

    def __init__(self, groups: list[Group], cells: list[Count], limit: int, base: int):
        import numpy as np
        from scipy.sparse import lil_matrix

        self.cells = cells
        self.index = {id(c): i for i, c in enumerate(cells)}
        n = len(cells)
        a = lil_matrix((len(groups), n))
        rhs = np.zeros(len(groups))
        for row, group in enumerate(groups):
            for sign, cell in [(1, group.total)] + [(-1, p) for p in group.parts]:
                if cell.public:
                    rhs[row] -= sign * cell.value
                else:
                    a[row, self.index[id(cell)]] += sign
        self.a = a.tocsr()
        self.rhs = rhs
        self.lower = np.array([reader_bounds(c, limit, base)[0] for c in cells], dtype=float)
        self.upper = np.array([reader_bounds(c, limit, base)[1] for c in cells], dtype=float)

    def solve(self, objective) -> float | None:
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp

        result = milp(
            c=objective,
            integrality=np.ones(len(self.cells)),
            bounds=Bounds(self.lower, self.upper),
            constraints=[LinearConstraint(self.a, self.rhs, self.rhs)],
        )
        if result.status == 0:
            return result
        if result.status == 2:  # infeasible: the true values are always a solution, so this is a bug
            raise RuntimeError("report audit: the shown figures are inconsistent with their groups")
        return None  # unbounded (a maximum) or a solver limit

    def bound(self, cell: Count, sense: int) -> float | None:
        import numpy as np

        objective = np.zeros(len(self.cells))
        objective[self.index[id(cell)]] = sense
        result = self.solve(objective)
        if result is None:
            return None if sense > 0 else INFINITE
        return round(result.x[self.index[id(cell)]])


def _unsafe_cells(groups: list[Group], cells: list[Count], limit: int, base: int, result: AuditResult) -> list:
    """The sensitive cells of one component whose provable range is too narrow. Few solves: a solution that puts as
    many unproven sensitive cells as possible at 0 proves each of those can be 0 (repeated while it proves more);
    for the rest each cell's minimum, then one solution pushing all of them up proves those it lifts by five; only
    what is left gets its own maximum."""
    import numpy as np

    sensitive = [c for c in cells if is_sensitive(c, limit)]
    if not sensitive:
        return []
    model = _Model(groups, cells, limit, base)
    unproven = list(sensitive)
    for _attempt in range(6):
        objective = np.zeros(len(cells))
        for cell in unproven:
            objective[model.index[id(cell)]] = 1
        solution = model.solve(objective)
        result.solves += 1
        if solution is None:
            break
        still = [c for c in unproven if round(solution.x[model.index[id(c)]]) > 0]
        if len(still) == len(unproven):
            break
        unproven = still
        if not unproven:
            return []
    lows = {}
    for cell in unproven:
        low = model.bound(cell, 1)
        result.solves += 1
        if low is not None and low <= 0:
            continue
        lows[id(cell)] = low
    remaining = [c for c in unproven if id(c) in lows and lows[id(c)] is not None]
    unsafe = [c for c in unproven if id(c) in lows and lows[id(c)] is None]
    if remaining:
        objective = np.zeros(len(cells))
        for cell in remaining:
            objective[model.index[id(cell)]] = -1
        solution = model.solve(objective)
        result.solves += 1
        if solution is not None:
            remaining = [
                c for c in remaining if round(solution.x[model.index[id(c)]]) - lows[id(c)] + 1 < base
            ]
    for cell in remaining:
        high = model.bound(cell, -1)
        result.solves += 1
        if high is None or not range_is_wide_enough(lows[id(cell)], high, base):
            unsafe.append(cell)
    return unsafe


def _hide_beside(cell: Count, groups: list[Group]) -> list[Count]:
    """Hide the cell itself if it is shown; else the smallest shown municipality cell of each of the nearest groups
    that still have one, searching outwards from the cell's own groups through the cells they share (what bounds a
    hidden cell may come from a group two steps away, e.g. a shown month bounding a hidden total)."""
    if not cell.status:
        cell.status = SECONDARY
        return [cell]
    groups_of: dict[int, list[Group]] = {}
    for group in groups:
        for member in group.cells:
            groups_of.setdefault(id(member), []).append(group)
    seen_groups: set[int] = set()
    seen_cells = {id(cell)}
    layer = [cell]
    while layer:
        ring = []
        for member in layer:
            for group in groups_of.get(id(member), []):
                if id(group) not in seen_groups:
                    seen_groups.add(id(group))
                    ring.append(group)
        hidden = []
        for group in ring:
            shown = [c for c in group.cells if not c.status and not c.public and not c.implicit]
            if shown:
                pick = min(shown, key=lambda c: (c.value, c.name))
                if not pick.status:
                    pick.status = SECONDARY
                    hidden.append(pick)
        if hidden:
            return hidden
        layer = []
        for group in ring:
            for member in group.cells:
                if id(member) not in seen_cells and not member.public:
                    seen_cells.add(id(member))
                    layer.append(member)
    return []


def audit(s: Suppressor, *, budget_seconds: float) -> AuditResult:
    """Hide more until every sensitive cell's provable range is wide enough (range_is_wide_enough), component by
    component. Fails closed: when the time budget is spent, every shown municipality cell of a component not yet
    proven safe is hidden, and a warning is logged."""
    result = AuditResult()
    started = time.monotonic()
    pending = _components(s.groups)
    while pending:
        result.rounds += 1
        again = []
        for index, (groups, cells) in enumerate(pending):
            if time.monotonic() - started > budget_seconds:
                result.budget_exhausted = True
                closed = 0
                for _groups, rest in pending[index:] + again:
                    for cell in rest:
                        if not cell.status and not cell.public and not cell.implicit:
                            cell.status = SECONDARY
                            closed += 1
                result.hidden_by_audit += closed
                logger.warning(
                    "report audit: time budget of %.1f s spent after %d solves; %d more cells hidden (fail closed)",
                    budget_seconds,
                    result.solves,
                    closed,
                )
                result.seconds = time.monotonic() - started
                return result
            unsafe = _unsafe_cells(groups, cells, s.limit, s.base, result)
            if not unsafe:
                continue
            newly = []
            for cell in unsafe:
                newly += _hide_beside(cell, groups)
            if not newly:
                # Nothing left to hide in this component: it cannot be protected further (cannot happen while a
                # shown municipality cell remains); log it rather than loop.
                logger.error("report audit: %d cells could not be protected: %s", len(unsafe), unsafe[:5])
                continue
            result.hidden_by_audit += len(newly)
            again.append((groups, cells))
        pending = again
    result.seconds = time.monotonic() - started
    return result
