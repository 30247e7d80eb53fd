"""Certificate numbers: 80 random bits from `secrets`, written in Crockford base32 as four groups of four, plus
Crockford's mod-37 check symbol — e.g. ``7K3M-Q9RT-2VXB-H4ND-S``. Never derived from an id.

Typed input is forgiving: lower case, missing or extra hyphens/spaces, full-width characters, and Crockford's
look-alikes (I and L read as 1, O as 0) are all accepted. `parse_number` returns the canonical form, or None for
anything that is not a well-formed number with the right check symbol."""

from __future__ import annotations

import re
import secrets
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CHECK_ALPHABET = ALPHABET + "*~$=U"  # Crockford's check symbols for values 32–36
RANDOM_BITS = 80
DATA_LENGTH = RANDOM_BITS // 5  # 16 symbols
GROUP = 4
# The longest input worth looking at: 16 symbols + check + separators, with slack for spaces.
MAX_INPUT_LENGTH = 64

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー_]+")
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}


def check_symbol(data: str) -> str:
    """Crockford's check symbol: the value of the base-32 number modulo 37. It catches every single wrong symbol
    and every swap of two adjacent symbols."""
    value = 0
    for ch in data:
        value = value * 32 + _VALUES[ch]
    return CHECK_ALPHABET[value % 37]


def format_number(data: str) -> str:
    groups = [data[i : i + GROUP] for i in range(0, len(data), GROUP)]
    return "-".join(groups) + "-" + check_symbol(data)


def generate_number() -> str:
    value = secrets.randbits(RANDOM_BITS)
    data = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(DATA_LENGTH)))
    return format_number(data)


def classify_number(raw: str | None) -> tuple[str | None, str]:
    """(canonical number, problem) for what a person typed. The problem is "" for a well-formed number,
    "mistyped" when it has the shape of a number (16 symbols and a check symbol) but the check symbol does not match —
    a typing mistake, which Crockford's check catches — and "malformed" for text that is no number at all."""
    if not raw or len(raw) > MAX_INPUT_LENGTH:
        return None, "malformed"
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    text = _SEPARATORS.sub("", text)
    if len(text) != DATA_LENGTH + 1:
        return None, "malformed"
    data = text[:DATA_LENGTH].translate(_LOOKALIKES)
    check = text[DATA_LENGTH]
    if check not in CHECK_ALPHABET:
        check = check.translate(_LOOKALIKES)
    if any(ch not in _VALUES for ch in data) or check not in CHECK_ALPHABET:
        return None, "malformed"
    if check_symbol(data) != check:
        return None, "mistyped"
    return format_number(data), ""


def parse_number(raw: str | None) -> str | None:
    """The canonical number for what a person typed, or None when it is not a well-formed number."""
    return classify_number(raw)[0]
