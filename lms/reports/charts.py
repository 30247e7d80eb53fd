"""Charts drawn on the server as inline SVG: no JavaScript, nothing from a CDN.

Each chart is `role="img"` with a `<title>` and a `<desc>` that reads out every value, and the report puts the same
numbers in an accessible `<table>` beside it. Values come from the report's cells, so a hidden count (「<10」,
「秘匿」) draws no bar and is labelled as on screen. Bars are horizontal so Japanese labels fit on a 360 px phone."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Series colours: each has ≥ 3:1 contrast on white (WCAG 1.4.11) and they differ in lightness, not only hue.
SERIES_COLOURS = ("#1d5c8f", "#b4530a", "#2f7a3a")
TEXT_COLOUR = "#1a1a1a"
AXIS_COLOUR = "#6b7280"

_ids = count(1)


@dataclass(frozen=True)
class Value:
    """One bar: the number drawn (None when hidden or unknown) and the label printed beside it."""

    number: float | None
    label: str


def value_of(cell) -> Value:
    """A Value from a report cell (privacy.Count, Rate, PerTenThousand) or a plain number."""
    if isinstance(cell, int | float):
        return Value(cell, f"{cell:,}")
    # A count draws its shown (rounded) number, never its true value; a rate or per-10,000 figure its value.
    number = cell.number if hasattr(cell, "number") else cell.value
    return Value(number, cell.display)


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    n = next(_ids)
    return mark_safe(  # noqa: S308  (every text part is escaped above)
        f'<svg class="report-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="chart-title-{n} chart-desc-{n}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-title-{n}">{escape(title)}</title><desc id="chart-desc-{n}">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x, y, text, *, anchor="start", size=13, weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{TEXT_COLOUR}" text-anchor="{anchor}" '
        f'font-weight="{weight}" aria-hidden="true">{escape(text)}</text>'
    )


def bar_chart(
    *, title: str, categories: list[str], series: list[tuple[str, list[Value]]], unit: str = "人"
) -> SafeString:
    """Horizontal bars, one block per category, one bar per series (with a legend when there are several)."""
    width, label_width, value_width = 640, 150, 70
    bar_height, gap = 14, 10
    plot_width = width - label_width - value_width
    top = 8 + (22 if len(series) > 1 else 0)
    numbers = [v.number for _name, values in series for v in values if v.number is not None]
    scale_max = max(numbers, default=0) or 1
    body = []
    if len(series) > 1:
        x = label_width
        for i, (name, _values) in enumerate(series):
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            body.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}" aria-hidden="true"/>')
            body.append(_text(x + 16, 17, name))
            x += 16 + 14 * len(name) + 20
    y = top
    lines = []
    for c, category in enumerate(categories):
        block = bar_height * len(series)
        body.append(_text(label_width - 8, y + block / 2 + 4, category, anchor="end"))
        parts = []
        for i, (name, values) in enumerate(series):
            value = values[c]
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            length = 0 if value.number is None else plot_width * value.number / scale_max
            if length:
                body.append(
                    f'<rect x="{label_width}" y="{y:.1f}" width="{max(length, 1):.1f}" height="{bar_height - 2}" '
                    f'fill="{colour}" aria-hidden="true"/>'
                )
            body.append(_text(label_width + length + 4, y + bar_height - 3, value.label, size=12))
            parts.append(f"{name} {value.label}" if len(series) > 1 else value.label)
            y += bar_height
        lines.append(f"{category}: {'、'.join(parts)}")
        y += gap
    body.append(
        f'<line x1="{label_width}" y1="{top - 4}" x2="{label_width}" y2="{y - gap + 4:.1f}" '
        f'stroke="{AXIS_COLOUR}" aria-hidden="true"/>'
    )
    desc = f"{title}（単位：{unit}）。" + "。".join(lines) + "。"
    return _svg(width, int(y + 4), title, desc, body)


def funnel(*, title: str, steps: list[tuple[str, Value]], unit: str = "人") -> SafeString:
    """Centred bars whose width is the count of each step (受講開始 → 第1章 … 第8章 → 修了)."""
    width, label_width, bar_height, gap = 640, 170, 22, 6
    plot_width = width - label_width - 10
    numbers = [v.number for _label, v in steps if v.number is not None]
    scale_max = max(numbers, default=0) or 1
    body = []
    y = 6
    lines = []
    centre = label_width + plot_width / 2
    for label, value in steps:
        body.append(_text(label_width - 8, y + bar_height / 2 + 5, label, anchor="end"))
        length = 0 if value.number is None else plot_width * value.number / scale_max
        if length:
            body.append(
                f'<rect x="{centre - length / 2:.1f}" y="{y}" width="{max(length, 1):.1f}" height="{bar_height}" '
                f'fill="{SERIES_COLOURS[0]}" aria-hidden="true"/>'
            )
        # The value sits on a white pill in the middle so it stays readable on or off the bar.
        text_width = 9 * len(value.label) + 10
        body.append(
            f'<rect x="{centre - text_width / 2:.1f}" y="{y + 3}" width="{text_width}" height="{bar_height - 6}" '
            f'rx="8" fill="#ffffff" aria-hidden="true"/>'
        )
        body.append(
            _text(centre, y + bar_height / 2 + 5, value.label, anchor="middle", size=13, weight="bold")
        )
        lines.append(f"{label}: {value.label}")
        y += bar_height + gap
    desc = f"{title}（単位：{unit}）。" + "。".join(lines) + "。"
    return _svg(width, y + 4, title, desc, body)
