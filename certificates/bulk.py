"""Employers' bulk verification: reading the numbers (pasted, or a CSV from Japanese Excel in CP932 or UTF-8 with or
without BOM) and writing the result CSV (UTF-8 with BOM, cells neutralised against formula injection)."""

from __future__ import annotations

import csv
import io
import unicodedata

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


def numbers_from_text(text: str) -> list[str]:
    return [line.strip()[:MAX_CELL] for line in text.splitlines() if line.strip()]


def numbers_from_csv(raw: bytes) -> list[str]:
    """The numbers in a CSV: the column headed 修了証番号 (or number, …) if there is one, else the first column.
    Every non-empty cell in that column is returned as typed, malformed ones too (they are reported as not found)."""
    text = decode_upload(raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise BulkInputError(messages.BULK_FILE_UNREADABLE) from exc
    if not rows:
        return []
    column = 0
    header = [cell.strip().lower() for cell in rows[0]]
    for index, cell in enumerate(header):
        if cell in HEADER_NAMES:
            column = index
            rows = rows[1:]
            break
    else:
        first = unicodedata.normalize("NFKC", rows[0][0]) if rows[0] else ""
        if not any(ch.isascii() and ch.isalnum() for ch in first):
            rows = rows[1:]  # a header we do not know by name (e.g. 「番号一覧」: no letter or digit of a number)
    return [row[column].strip()[:MAX_CELL] for row in rows if len(row) > column and row[column].strip()]


OUTCOME_LABELS = {
    VerificationOutcome.VALID: "有効",
    VerificationOutcome.REVOKED: "失効",
    VerificationOutcome.NOT_FOUND: "見つかりません",
    VerificationOutcome.FORGED: "当サイトの発行ではありません",
}


def safe_cell(value: str) -> str:
    """Excel runs cells starting with = + - @ (and tab/CR) as formulas: prefix them with an apostrophe."""
    value = "" if value is None else str(value)
    if value and value[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def result_rows(raw_numbers: list[str], results) -> list[dict]:
    rows = []
    for raw, result in zip(raw_numbers, results, strict=True):
        certificate = result.certificate
        rows.append(
            {
                "input": raw,
                "number": result.number or "",
                "outcome": result.outcome,
                "label": OUTCOME_LABELS[result.outcome],
                "name": certificate.display_name if certificate else "",
                "course": certificate.course_title if certificate else "",
                "issued": dates.both(certificate.issued_at) if certificate else "",
                "issued_iso": dates.local_date(certificate.issued_at).isoformat() if certificate else "",
                "revoked": dates.both(certificate.revoked_at) if certificate and certificate.revoked_at else "",
                "revoked_iso": (
                    dates.local_date(certificate.revoked_at).isoformat() if certificate and certificate.revoked_at else ""
                ),
            }
        )
    return rows


CSV_HEADER = ["入力された番号", "修了証番号", "結果", "氏名（本人が選んだ表示）", "講座", "発行日", "失効日"]


def results_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                safe_cell(row["input"]),
                safe_cell(row["number"]),
                row["label"],
                safe_cell(row["name"]),
                safe_cell(row["course"]),
                row["issued_iso"],
                row["revoked_iso"],
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
