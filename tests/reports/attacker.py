"""The attacker: everything one officer can read, turned into an integer program and solved exactly (SciPy's HiGHS).

Independent of lms.reports.privacy: it knows only what a reader knows — the numbers and labels on the screens and in
the CSV and XLSX files, what the report says they mean (the markers' explanation and the rounding base the page
declares), and which figures add up (written here from the meaning of the figures, not read from the code). For a
cell it asks the solver for the smallest and the largest true count consistent with all of it."""

from __future__ import annotations

import math
import re
from collections import defaultdict

import numpy as np
from bs4 import BeautifulSoup
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

SMALL_PREFIX = "<"
SECONDARY = "秘匿"
NOT_SHOWN = "—"
HEADLINE_KEYS = {
    "登録者": "registered",
    "受講開始者": "started",
    "修了者（計）": "completed",
    "うちオンライン修了": "completed_online",
    "うち講座（対面等）修了": "completed_workshop",
    "有効な修了証": "certificates_valid",
    "開催された講座": "workshops_held",
    "講座の参加者": "workshop_attendance",
}
BREAKDOWN_COLUMNS = ("registered", "started", "completed")
TABLE_COLUMNS = ("registered", "started", "completed", "certificates_valid")


def page_method(html: str) -> tuple[int, int]:
    """(rounding base, threshold) as the report declares them (1 = exact numbers)."""
    soup = BeautifulSoup(html, "html.parser")
    notice = soup.select_one("#report-markers")
    if notice is None or not notice.get("data-rounding-base"):
        return 1, 10
    return int(notice["data-rounding-base"]), int(notice.get("data-threshold") or 10)


def _number(label) -> int | None:
    text = str(label).replace(",", "").strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.0", text):
        return int(float(text))
    return None


class Knowledge:
    """Cells (area code, figure) with the bounds their labels give, and equations between them."""

    def __init__(self):
        self.bounds: dict[tuple, tuple[float, float]] = {}
        self.labels: dict[tuple, set] = defaultdict(set)
        self.equations: list[tuple[tuple, list[tuple]]] = []  # total = sum(parts)
        self.at_most: list[tuple[tuple, tuple]] = []  # part <= whole

    def see(self, cell: tuple, label, *, exact: bool, base: int, limit: int) -> None:
        label = str(label).strip()
        self.labels[cell].add(label)
        number = _number(label)
        if number is not None:
            if exact or base <= 1:
                low, high = number, number
            else:
                low, high = max(0, number - base + 1), number + base - 1
        elif label.startswith(SMALL_PREFIX):
            low, high = (0, limit - 1) if base > 1 else (1, limit - 1)
        elif label == SECONDARY:
            # Exact-number reports documented 「秘匿」 at municipality level as "not small" (>= the threshold).
            low, high = (limit, math.inf) if base <= 1 and not exact else (0, math.inf)
        else:
            return
        old = self.bounds.get(cell, (0, math.inf))
        self.bounds[cell] = (max(old[0], low), min(old[1], high))

    def equal(self, total: tuple, parts: list[tuple]) -> None:
        self.equations.append((total, parts))

    def _model(self):
        """The integer program over every cell seen (built once per state of the knowledge)."""
        state = (len(self.bounds), len(self.equations), len(self.at_most), tuple(self.bounds.items())[-1:])
        if getattr(self, "_built", None) and self._built[0] == state:
            return self._built[1]
        cells = sorted(
            set(self.bounds)
            | {c for total, parts in self.equations for c in (total, *parts)}
            | {c for pair in self.at_most for c in pair},
            key=repr,
        )
        index = {c: i for i, c in enumerate(cells)}
        n = len(cells)
        rows = len(self.equations) + len(self.at_most)
        a = lil_matrix((rows, n))
        low_rhs, high_rhs = np.zeros(rows), np.zeros(rows)
        for r, (total, parts) in enumerate(self.equations):
            a[r, index[total]] += 1
            for part in parts:
                a[r, index[part]] -= 1
        for r, (part, whole) in enumerate(self.at_most, start=len(self.equations)):
            a[r, index[part]] += 1
            a[r, index[whole]] -= 1
            low_rhs[r] = -np.inf
        lower = np.array([self.bounds.get(c, (0, math.inf))[0] for c in cells], dtype=float)
        upper = np.array([self.bounds.get(c, (0, math.inf))[1] for c in cells], dtype=float)
        model = (index, Bounds(lower, upper), [LinearConstraint(a.tocsr(), low_rhs, high_rhs)], n)
        self._built = (state, model)
        return model

    def range_of(self, cell: tuple) -> tuple[float, float]:
        """The smallest and the largest true count of `cell` consistent with everything known (exact MILP)."""
        index, bounds, constraints, n = self._model()
        found = []
        for sense in (1, -1):
            objective = np.zeros(n)
            objective[index[cell]] = sense
            result = milp(c=objective, integrality=np.ones(n), bounds=bounds, constraints=constraints)
            assert result.status in (0, 3), result.message  # infeasible would mean the reader model is wrong
            found.append(math.inf if result.status == 3 else round(result.x[index[cell]]))
        return found[0], found[1]


# --- reading screens and files ----------------------------------------------------------------------------------


def tables_of(html: str) -> dict[str, list[list[str]]]:
    soup = BeautifulSoup(html, "html.parser")
    found = {}
    for table in soup.select("table.report-table"):
        rows = [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")]
        found[table.caption.get_text(strip=True)] = rows
    return found


def read_area_report(k: Knowledge, tables: dict, *, code: str, name: str, prefecture: tuple | None,
                     base: int, limit: int, level: str, municipality_names: dict[str, str] | None = None) -> None:
    """Every count of one report (screen or file, in the same shape) into the knowledge, with its relations.
    `code` is the area's code ("" for the nation); `prefecture` (code, name) the column beside a municipality."""
    exact = level != "municipality"
    for caption, rows in tables.items():
        if caption.startswith(f"{name}の主な数値"):
            for row in rows:
                figure = HEADLINE_KEYS.get(row[0])
                if figure is None:
                    continue
                k.see((code, figure), row[1], exact=exact or figure == "workshops_held", base=base, limit=limit)
                columns = list(range(3, len(row), 2))
                others = ([prefecture[0]] if prefecture else []) + ["" if level != "nation" else None]
                for column, other in zip(columns, others, strict=False):
                    if other is not None:
                        k.see((other, figure), row[column], exact=True, base=base, limit=limit)
        elif caption.startswith(("月別", "年代別", "職業分野別")):
            kind = caption[:2]
            body, total = rows[:-1], rows[-1]
            for i, figure in enumerate(BREAKDOWN_COLUMNS):
                parts = []
                for row in body:
                    cell = (code, f"{kind}:{row[0]}:{figure}")
                    k.see(cell, row[i + 1], exact=exact, base=base, limit=limit)
                    parts.append(cell)
                k.see((code, figure), total[i + 1], exact=exact, base=base, limit=limit)
                k.equal((code, figure), parts)
        elif caption.startswith("受講の進み具合"):
            for row in rows[1:]:
                number = re.match(r"第(\d+)章合格", row[0]).group(1)
                k.see((code, f"passed:{number}"), row[1], exact=exact, base=base, limit=limit)
        elif caption.startswith("確認問題の初回合格率"):
            for row in rows:
                number = row[0].split(".")[0]
                k.see((code, f"quiz:{number}:attempts"), row[1], exact=exact, base=base, limit=limit)
                k.see((code, f"quiz:{number}:passes"), row[2], exact=exact, base=base, limit=limit)
                k.at_most.append(((code, f"quiz:{number}:passes"), (code, f"quiz:{number}:attempts")))
        elif caption.startswith("第") and "問題別" in caption:
            number = re.match(r"第(\d+)章", caption).group(1)
            for row in rows:
                question = f"quiz:{number}:{row[1]}"
                k.see((code, f"{question}:attempts"), row[2], exact=exact, base=base, limit=limit)
                k.see((code, f"{question}:correct"), row[3], exact=exact, base=base, limit=limit)
                k.at_most.append(((code, f"{question}:correct"), (code, f"{question}:attempts")))
        elif "の市区町村別" in caption and municipality_names is not None:
            for row in rows[:-1]:
                other = municipality_names[row[1]]
                for i, figure in enumerate(TABLE_COLUMNS):
                    k.see((other, figure), row[3 + i], exact=False, base=base, limit=limit)
            for i, figure in enumerate(TABLE_COLUMNS):
                k.see((code, figure), rows[-1][3 + i], exact=True, base=base, limit=limit)
        elif caption.startswith("都道府県別") and municipality_names is not None:
            for row in rows[:-1]:
                for i, figure in enumerate(TABLE_COLUMNS):
                    k.see((municipality_names[row[0]], figure), row[2 + i], exact=True, base=base, limit=limit)
            for i, figure in enumerate(TABLE_COLUMNS):
                k.see(("", figure), rows[-1][2 + i], exact=True, base=base, limit=limit)
    k.equal((code, "completed"), [(code, "completed_online"), (code, "completed_workshop")])


def add_sums(k: Knowledge, whole: str, parts: list[str]) -> None:
    """Every figure of `whole` is the sum of the same figure of `parts` (a prefecture and its municipalities, the
    nation and its prefectures)."""
    figures = {figure for (code, figure) in list(k.bounds) if code == whole}
    for figure in figures:
        k.equal((whole, figure), [(part, figure) for part in parts])
