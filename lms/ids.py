"""Database ids as they arrive from outside (URLs, form fields): the one place that says which integers can name a
row. PostgreSQL's bigint and SQLite's INTEGER are signed 64-bit; anything beyond names nothing (and SQLite cannot
even bind it: OverflowError)."""

from __future__ import annotations

MAX_DATABASE_ID = 2**63 - 1


def is_database_id(value: int) -> bool:
    return 0 <= value <= MAX_DATABASE_ID


def parse_ids(values) -> set[int]:
    """The ids among `values` (strings from a form): digits only and within range; anything else is dropped."""
    result = set()
    for value in values:
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
            number = int(value)
            if is_database_id(number):
                result.add(number)
    return result
