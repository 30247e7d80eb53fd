"""How a holder's name is shown to verifiers: in full, or as initials (from the furigana, in Hepburn letters)."""

from __future__ import annotations

# First letter, in Hepburn romanisation, of a syllable starting with each hiragana.
_INITIALS = {}
for letters, initial in (
    ("あ", "A"), ("い", "I"), ("う", "U"), ("え", "E"), ("お", "O"),
    ("かきくけこ", "K"), ("がぎぐげご", "G"), ("さすせそ", "S"), ("し", "S"), ("ざずぜぞ", "Z"), ("じ", "J"),
    ("たてと", "T"), ("ち", "C"), ("つ", "T"), ("だでど", "D"), ("ぢ", "J"), ("づ", "Z"),
    ("なにぬねの", "N"), ("はひへほ", "H"), ("ふ", "F"), ("ばびぶべぼ", "B"), ("ぱぴぷぺぽ", "P"),
    ("まみむめも", "M"), ("やゆよ", "Y"), ("らりるれろ", "R"), ("わ", "W"), ("を", "O"), ("ん", "N"), ("ゔ", "V"),
):
    for ch in letters:
        _INITIALS[ch] = initial


def _initial(part: str) -> str:
    ch = part[0]
    if "\u30a1" <= ch <= "\u30f6":  # katakana → hiragana
        ch = chr(ord(ch) - 0x60)
    if ch in _INITIALS:
        return _INITIALS[ch]
    if ch.isascii() and ch.isalpha():
        return ch.upper()
    return ch


def initials(full_name: str, furigana: str = "") -> str:
    """'やまだ たろう' → 'Y. T.'; without furigana, the first character of each part of the name."""
    source = furigana.split() or full_name.split()
    if not source:
        return ""
    return " ".join(f"{_initial(part)}." for part in source)
