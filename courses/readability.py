"""Readability of the course text (Lee & Hasebe's formula, through the `jreadability` package): the plain text a
learner reads in a page's body — headings, paragraphs, points, figures and reflection prompts — taken from the
content files. Used by tests/courses/test_readability.py (a dev dependency: import it only there)."""

from __future__ import annotations

import html
import re

BANDS = [  # jreadability's bands (Lee & Hasebe): lower bound, label
    (0.5, "とても難しい（上級後半）"),
    (1.5, "難しい（上級前半）"),
    (2.5, "やや難しい（中級後半）"),
    (3.5, "ふつう（中級前半）"),
    (4.5, "やさしい（初級後半）"),
    (5.5, "とてもやさしい（初級前半）"),
]


def _strip(value: str) -> str:
    text = re.sub(r"<(li|p|h\d|br)[^>]*>", "\n", value)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def body_text(page: dict) -> str:
    parts: list[str] = []
    for block in page.get("body") or []:
        kind, value = block["type"], block["value"]
        if kind in ("heading", "text"):
            parts.append(_strip(value))
        elif kind == "key_points":
            parts.extend(value["points"])
        elif kind == "statistic":
            parts.append(
                "".join(filter(None, [value["label"], "：", str(value["value"]), value.get("unit", "")]))
                + (f"（{value['year']}）" if value.get("year") else "")
            )
            if value.get("note"):
                parts.append(value["note"])
        elif kind == "reflection":
            parts.append(value["prompt"])
    return "\n".join(parts)


def score(text: str) -> float:
    from jreadability import compute_readability

    return compute_readability(text)


def band(value: float) -> str:
    label = BANDS[0][1]
    for lower, name in BANDS:
        if value >= lower:
            label = name
    return label
