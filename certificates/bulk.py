"""Employers' bulk verification: reading the numbers (pasted, or a CSV from Japanese Excel in CP932 or UTF-8 with or
without BOM) and writing the result CSV (UTF-8 with BOM, cells neutralised against formula injection)."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from . import dates, messages
from .enums import VerificationOutcome

HEADER_NAMES = {"修了証番号", "番号", "証明書番号", "number", "certificate_number", "certificate number", "no", "no."}
MAX_CELL = 200


class BulkInputError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def decode_upload(raw: bytes) -> str:
    """UTF-8 (with or without BOM) first, then CP932 (Shift_JIS as saved by Japanese Excel). Binary files refused."""
    if b"\x00" in raw:
        raise BulkInputError(messages.BULK_FILE_UNREADABLE)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BulkInputError(messages.BULK_FILE_UNREADABLE)


NAME_HEADER_NAMES = {"氏名", "名前", "氏名（漢字）", "name", "holder_name", "full name"}
MAX_LINES = 2000  # blank lines are kept but not checked; at most 1,000 numbers (forms.MAX_BULK_NUMBERS)


@dataclass
class BulkRow:
    line: int  # the line of the input it came from (1-based; a CSV record spanning lines: its first line)
    raw: str  # the number as typed; "" for a blank line
    cells: list[str] = field(default_factory=list)  # every cell of a CSV line, carried into the result
    name: str = ""  # the name cell, when the CSV has a name column


@dataclass
class BulkInput:
    kind: str  # "text" (pasted, one number a line) or "csv"
    source: str  # the decoded text, carried by the result page to the CSV download
    rows: list[BulkRow]
    header: list[str] | None = None
    number_column: int = 0
    name_column: int | None = None

    @property
    def numbers(self) -> list[str]:
        return [row.raw for row in self.rows if row.raw]

    @property
    def carried_columns(self) -> list[str]:
        """The employer's own column headings, as given (or 列1, 列2 … without a header)."""
        if self.kind == "text":
            return ["入力された番号"]
        width = max([len(self.header or [])] + [len(row.cells) for row in self.rows])
        given = list(self.header or [])
        return [given[i] if i < len(given) and given[i].strip() else f"列{i + 1}" for i in range(width)]


def numbers_from_text(text: str) -> list[str]:
    return parse_text(text).numbers


def parse_text(text: str) -> BulkInput:
    """Pasted numbers, one a line. Every line keeps its row and line number, blank lines included."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise BulkInputError(messages.BULK_TOO_MANY)
    rows = [BulkRow(line=i, raw=line.strip()[:MAX_CELL], cells=[line.strip()[:MAX_CELL]]) for i, line in enumerate(lines, 1)]
    return BulkInput(kind="text", source=text, rows=rows)


def numbers_from_csv(raw: bytes) -> list[str]:
    return parse_csv_text(decode_upload(raw)).numbers


def parse_csv_text(text: str) -> BulkInput:
    """A CSV's rows: the column headed 修了証番号 (or number, …) if there is one, else the first column; a column
    headed 氏名 (or name) is the optional name to check. Every line keeps its row and its line number, blank lines
    included, with all its cells (carried into the result CSV); malformed numbers are kept and reported as such."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    records = []
    start = 1
    try:
        for cells in reader:
            records.append((start, [cell.strip()[:MAX_CELL] for cell in cells]))
            start = reader.line_num + 1
            if len(records) > MAX_LINES + 1:
                raise BulkInputError(messages.BULK_TOO_MANY)
    except csv.Error as exc:
        raise BulkInputError(messages.BULK_FILE_UNREADABLE) from exc
    header = None
    number_column, name_column = 0, None
    first = next((i for i, (_line, cells) in enumerate(records) if any(cells)), None)
    if first is not None:
        cells = records[first][1]
        lowered = [cell.lower() for cell in cells]
        known = next((i for i, cell in enumerate(lowered) if cell in HEADER_NAMES), None)
        first_cell = unicodedata.normalize("NFKC", cells[0]) if cells else ""
        if known is not None or not any(ch.isascii() and ch.isalnum() for ch in first_cell):
            # a header: known by name, or one we do not know (e.g. 「番号一覧」: no letter or digit of a number)
            header = cells
            number_column = known if known is not None else 0
            name_column = next((i for i, cell in enumerate(lowered) if cell in NAME_HEADER_NAMES), None)
            del records[first]
    rows = [
        BulkRow(
            line=line,
            raw=cells[number_column] if len(cells) > number_column else "",
            cells=cells,
            name=cells[name_column] if name_column is not None and len(cells) > name_column else "",
        )
        for line, cells in records
    ]
    return BulkInput(kind="csv", source=text, rows=rows, header=header, number_column=number_column, name_column=name_column)


OUTCOME_LABELS = {
    VerificationOutcome.VALID: "有効",
    VerificationOutcome.REVOKED: "失効",
    VerificationOutcome.REISSUED: "再発行済み（新しい修了証があります）",
    VerificationOutcome.NOT_FOUND: "見つかりません",
    VerificationOutcome.MISTYPED: "番号に入力ミスがあるようです",
    VerificationOutcome.MALFORMED: "修了証番号の形式ではありません",
    VerificationOutcome.FORGED: "当サイトの発行ではありません",
}
BLANK = "blank"
BLANK_LABEL = "（空行）"
# The table lists problem rows first, most serious first; valid rows, then blank lines, last.
PROBLEM_ORDER = {
    VerificationOutcome.FORGED: 0,
    VerificationOutcome.MALFORMED: 1,
    VerificationOutcome.MISTYPED: 2,
    VerificationOutcome.NOT_FOUND: 3,
    VerificationOutcome.REVOKED: 4,
    VerificationOutcome.REISSUED: 5,
    VerificationOutcome.VALID: 6,
    BLANK: 7,
}


def safe_cell(value: str) -> str:
    """Excel runs cells starting with = + - @ (and tab/CR) as formulas: prefix them with an apostrophe."""
    value = "" if value is None else str(value)
    if value and value[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def verify_input(bulk_input: BulkInput, *, channel) -> list[dict]:
    """Look every number up (one query) and build one result row per input line, in input order, blank lines
    included. With a name column, each certificate's printed name is checked once per request (一致 / 不一致)."""
    from .services import holder_name_matches, verify_many

    results = iter(verify_many(raw_numbers=bulk_input.numbers, channel=channel)) if bulk_input.numbers else iter(())
    checked: set[int] = set()
    rows = []
    for row in bulk_input.rows:
        if not row.raw:
            rows.append(_row(row, None))
            continue
        result = next(results)
        name_check = ""
        if bulk_input.name_column is not None and result.found:
            if not row.name:
                name_check = ""
            elif result.certificate.pk in checked:
                name_check = "照合は1回の確認につき1件1回まで"
            else:
                checked.add(result.certificate.pk)
                matches = holder_name_matches(certificate=result.certificate, typed_name=row.name)
                name_check = "一致" if matches else "不一致"
        rows.append(_row(row, result, name_check))
    return rows


def problems_first(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (PROBLEM_ORDER[r["outcome"]], r["line"]))


def count_outcomes(rows: list[dict]) -> dict:
    counts = {str(outcome): 0 for outcome in VerificationOutcome}
    counts[BLANK] = 0
    for row in rows:
        counts[str(row["outcome"])] += 1
    counts["problems"] = sum(1 for r in rows if r["problem"])
    return counts


def _row(row: BulkRow, result, name_check: str = "") -> dict:
    certificate = result.certificate if result is not None and result.found else None
    outcome = result.outcome if result is not None else BLANK
    return {
        "line": row.line,
        "input": row.raw,
        "cells": row.cells,
        "number": (result.number or "") if result is not None else "",
        "outcome": outcome,
        "label": OUTCOME_LABELS[outcome] if result is not None else BLANK_LABEL,
        "problem": result is not None and result.is_problem,
        "name_check": name_check,
        "name": certificate.display_name if certificate else "",
        "course": certificate.course_title if certificate else "",
        "issued": dates.both(certificate.issued_at) if certificate else "",
        "issued_iso": dates.local_date(certificate.issued_at).isoformat() if certificate else "",
        "revoked": dates.both(certificate.revoked_at) if certificate and certificate.revoked_at else "",
        "revoked_iso": (
            dates.local_date(certificate.revoked_at).isoformat() if certificate and certificate.revoked_at else ""
        ),
    }


RESULT_COLUMNS = ["修了証番号（正規化）", "結果", "要確認", "氏名（本人が選んだ表示）", "講座", "発行日", "失効日"]


def results_csv(bulk_input: BulkInput, rows: list[dict]) -> bytes:
    """One line per input line, in input order: 行番号, the employer's own columns as given, then the result
    (要確認 = はい for every row that is not a valid certificate, so Excel's filter finds them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    carried = bulk_input.carried_columns
    with_names = bulk_input.name_column is not None
    header = ["行番号", *carried, *RESULT_COLUMNS[:3]]
    if with_names:
        header.append("氏名照合")
    header += RESULT_COLUMNS[3:]
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        cells = row["cells"] + [""] * (len(carried) - len(row["cells"]))
        line = [row["line"], *[safe_cell(cell) for cell in cells[: len(carried)]]]
        line += [safe_cell(row["number"]), row["label"], "はい" if row["problem"] else ""]
        if with_names:
            line.append(row["name_check"])
        line += [safe_cell(row["name"]), safe_cell(row["course"]), row["issued_iso"], row["revoked_iso"]]
        writer.writerow(line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
