"""Snippets with the matched words marked: escape the original text first, then wrap each hit in <mark>.

Hits are found in the normalised text (so ＤＶ in a page is marked for the query dv) and mapped back to the
original characters, so the visitor reads the page's own wording."""

from __future__ import annotations

import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_VOICED_MARKS = "\uff9e\uff9f\u3099\u309a"  # half-width and combining (semi-)voiced sound marks


def _normalised_with_map(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text NFKC-casefolded chunk by chunk (a chunk: a character and the marks that combine with it), and for
    each character of the result, the span of original characters it came from."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or text[j] in _VOICED_MARKS):
            j += 1
        chunk = unicodedata.normalize("NFKC", text[i:j]).casefold()
        for c in chunk:
            out.append(c)
            spans.append((i, j))
        i = j
    return "".join(out), spans


def find_hits(text: str, pieces: list[str] | tuple[str, ...]) -> list[tuple[int, int]]:
    """Non-overlapping spans of the original `text` where one of the (normalised) `pieces` occurs."""
    pieces = sorted({p for p in pieces if p}, key=len, reverse=True)
    if not text or not pieces:
        return []
    normalised, spans = _normalised_with_map(text)
    hits: list[tuple[int, int]] = []
    taken = [False] * len(normalised)
    for piece in pieces:
        start = normalised.find(piece)
        while start != -1:
            end = start + len(piece)
            if not any(taken[start:end]):
                for k in range(start, end):
                    taken[k] = True
                hits.append((spans[start][0], spans[end - 1][1]))
            start = normalised.find(piece, end)
    hits.sort()
    merged: list[tuple[int, int]] = []
    for start, end in hits:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, hits: list[tuple[int, int]], offset: int = 0) -> str:
    parts: list[str] = []
    position = 0
    for start, end in hits:
        start, end = start - offset, end - offset
        if end <= 0 or start >= len(text):
            continue
        start, end = max(start, 0), min(end, len(text))
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return "".join(parts)


def highlight(text: str, pieces) -> SafeString:
    return mark_safe(_render(text, find_hits(text, pieces)))  # noqa: S308  (every piece of text is escaped)


def _first_hit(text: str, pieces) -> int | None:
    """Where the first hit starts. Most text is already in normal form, so look for the pieces as they are first
    (fast); only when none is found, normalise the whole text (slow on a long page)."""
    found = [i for i in (text.find(p) for p in pieces if p) if i >= 0]
    if found:
        return min(found)
    hits = find_hits(text, pieces)
    return hits[0][0] if hits else None


def snippet(text: str, pieces, *, width: int = 120, before: int = 30) -> SafeString:
    """About `width` characters of `text` around the first hit (or its beginning), hits marked."""
    if not text:
        return mark_safe("")  # noqa: S308  (empty)
    first = _first_hit(text, pieces)
    start = max(first - before, 0) if first is not None else 0
    end = min(start + width, len(text))
    if end - start < width:
        start = max(end - width, 0)
    window = text[start:end]
    html = _render(window, find_hits(window, pieces))
    return mark_safe(("…" if start > 0 else "") + html + ("…" if end < len(text) else ""))  # noqa: S308  (escaped)
