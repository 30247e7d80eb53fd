"""How text becomes searchable, and how a query becomes a match: the same rules for every document and every query,
on SQLite and PostgreSQL alike (docs/search.md).

Japanese is written without spaces, so words cannot be found by splitting on spaces. Instead:

1. **Normalise** (NFKC + casefold): full-width/half-width forms, half-width katakana and letter case fold together;
   control characters (NUL included) and `"` are dropped; every run of spaces (U+3000 too) becomes one space.
2. Cut the text into **segments** at anything that is neither Japanese (kana, kanji) nor a letter/digit. A segment is
   a list of **units**: each Japanese character is one unit; each run of letters/digits (`9999`, `dv`) is one unit.
3. A document is indexed by the **lexemes** of its segments: every unit, every two adjacent units and every three
   adjacent units (uni-, bi- and trigrams).
4. A query term of up to three units is one lexeme (an exact match); a longer one matches when all its overlapping
   trigrams are present. Lexemes never contain spaces, quotes or operators, so no input can break the SQL match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 100  # characters, after normalisation
MAX_TERMS = 8
MAX_WORD_LENGTH = 40  # a longer run of letters/digits is cut (no real word is longer; keeps lexemes small)
LEAD_CHARS = 80  # a hit in a body's first characters (a summary, an introduction) ranks higher
MAX_INDEXED_CHARS = 20_000  # of a document's body: more is not indexed (nor shown in snippets)

# Japanese characters: hiragana, katakana (with ー, but without ・ U+30FB and ゠), CJK ideographs, 々〆〇.
_JAPANESE = (
    "\u3005-\u3007"  # 々 〆 〇
    "\u3041-\u3096\u309d-\u309f"  # hiragana, ゝゞゟ
    "\u30a1-\u30fa\u30fc-\u30ff"  # katakana (no ・), ー ヽヾヿ
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs, extension A, compatibility
    "\U00020000-\U0003134f"  # CJK extensions B–G (e.g. 𠮷)
)
_JAPANESE_CHAR = re.compile(f"[{_JAPANESE}]")
_UNIT = re.compile(f"[{_JAPANESE}]|[^\\W_{_JAPANESE}]+")
_SPACES = re.compile(r"\s+")
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def normalise(text: str) -> str:
    """NFKC + casefold, without control characters or `"`, spaces collapsed. Used for documents and queries."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        " " if unicodedata.category(c) in _DROPPED_CATEGORIES and c not in "\t\n\r" else c
        for c in text
        if c != '"'
    )
    return _SPACES.sub(" ", text).strip()


def _units(segment_text: str) -> list[str]:
    return [u[:MAX_WORD_LENGTH] for u in _UNIT.findall(segment_text)]


def segments(normalised: str) -> list[list[str]]:
    """The segments (lists of units) of normalised text: a new segment starts wherever units are not adjacent."""
    result: list[list[str]] = []
    current: list[str] = []
    position = 0
    for match in _UNIT.finditer(normalised):
        if match.start() != position and current:
            result.append(current)
            current = []
        current.append(match.group()[:MAX_WORD_LENGTH])
        position = match.end()
    if current:
        result.append(current)
    return result


def document_lexemes(*texts: str) -> str:
    """Space-separated distinct lexemes (uni-, bi-, trigrams of units) of already-normalised texts, in a stable
    order. Stored as is: SQLite's FTS5 reads it with the `ascii` tokenizer, PostgreSQL as a tsvector literal."""
    seen: dict[str, None] = {}
    for text in texts:
        for units in segments(text):
            n = len(units)
            for i in range(n):
                seen[units[i]] = None
                if i + 1 < n:
                    seen[units[i] + units[i + 1]] = None
                if i + 2 < n:
                    seen[units[i] + units[i + 1] + units[i + 2]] = None
    return " ".join(seen)


def _segment_lexemes(units: list[str]) -> list[str]:
    if len(units) <= 3:
        return ["".join(units)]
    return list(dict.fromkeys("".join(units[i : i + 3]) for i in range(len(units) - 2)))


@dataclass(frozen=True)
class Term:
    """One whitespace-separated part of a query. It matches a document that has all its lexemes."""

    text: str
    lexemes: tuple[str, ...]
    pieces: tuple[str, ...]  # the segments as text: what the title must contain, and what snippets highlight


@dataclass
class ParsedQuery:
    raw_length: int = 0
    text: str = ""  # normalised (and possibly cut) query
    terms: list[Term] = field(default_factory=list)
    truncated: bool = False
    too_many_terms: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.terms


def parse_query(raw: str | None) -> ParsedQuery:
    """Turn what a visitor typed into terms. Never fails: anything without letters, digits or Japanese gives an
    empty query (the page then says so)."""
    raw = raw or ""
    text = normalise(raw[: MAX_QUERY_LENGTH * 4])
    truncated = len(text) > MAX_QUERY_LENGTH or len(raw) > MAX_QUERY_LENGTH * 4
    text = text[:MAX_QUERY_LENGTH].strip()
    parsed = ParsedQuery(raw_length=len(raw), text=text, truncated=truncated)
    seen: set[tuple[str, ...]] = set()
    for part in text.split(" "):
        segs = segments(part)
        if not segs:
            continue
        lexemes = tuple(dict.fromkeys(lex for units in segs for lex in _segment_lexemes(units)))
        if lexemes in seen:
            continue
        seen.add(lexemes)
        if len(parsed.terms) == MAX_TERMS:
            parsed.too_many_terms = True
            break
        parsed.terms.append(Term(text=part, lexemes=lexemes, pieces=tuple("".join(units) for units in segs)))
    return parsed


def is_japanese(char: str) -> bool:
    return bool(_JAPANESE_CHAR.fullmatch(char))
