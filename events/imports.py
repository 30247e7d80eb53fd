"""Reading the paper sign-in sheet (CSV in UTF-8 or Shift_JIS, or XLSX from the console's template) into checked rows
for `services.import_paper_participants`. Every problem is reported by line, in Japanese; nothing is saved unless
every row is valid."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError

from lms.accounts.enums import AgeBand, OccupationField
from lms.regions.models import Municipality

from . import messages

HEADER = ["氏名", "ふりがな", "お住まいの市区町村", "年代", "職業分野", "統計への同意"]
MAX_ROWS = 500
MAX_BYTES = 1_000_000
YES = {"はい", "○", "〇", "有", "同意", "1", "yes"}
NO = {"いいえ", "×", "無", "不同意", "0", "no"}


class ImportRefused(Exception):
    """The file was not imported; `errors` is the row-by-row report."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _cells_from_upload(upload) -> list[list[str]]:
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES or not data:
        raise ImportRefused([str(messages.IMPORT_BAD_FILE)])
    if data[:2] == b"PK":  # XLSX (a zip)
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:
            raise ImportRefused([str(messages.IMPORT_BAD_FILE)]) from exc
        return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused([str(messages.IMPORT_BAD_FILE)])
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _municipality(value: str, cache: dict) -> Municipality:
    if value in cache:
        return cache[value]
    candidates = [m for m in cache["__all__"] if value in (m.code, m.name, m.full_name)]
    if not candidates:
        raise ValidationError(messages.PAPER_MUNICIPALITY_UNKNOWN % {"value": value})
    if len(candidates) > 1:
        raise ValidationError(messages.PAPER_MUNICIPALITY_AMBIGUOUS % {"value": value})
    cache[value] = candidates[0]
    return candidates[0]


def parse_row(cells: list[str], cache: dict) -> dict:
    """One row → values for PaperParticipant; ValidationError with the first problem."""
    full_name, furigana, municipality, age, occupation, consent = (cells + [""] * 6)[:6]
    for value, label in ((full_name, "氏名"), (furigana, "ふりがな"), (municipality, "お住まいの市区町村"), (age, "年代")):
        if not value:
            raise ValidationError(messages.PAPER_REQUIRED % {"field": label})
    ages = {str(label): value for value, label in AgeBand.choices}
    if age not in ages:
        raise ValidationError(messages.PAPER_AGE_BAND_UNKNOWN % {"value": age})
    occupations = {str(label): value for value, label in OccupationField.choices}
    if occupation and occupation not in occupations:
        raise ValidationError(messages.PAPER_OCCUPATION_UNKNOWN % {"value": occupation})
    if consent.lower() not in YES | NO:
        raise ValidationError(messages.PAPER_CONSENT_UNKNOWN)
    if len(full_name) > 100 or len(furigana) > 100:
        raise ValidationError(messages.PAPER_REQUIRED % {"field": "100文字以内の氏名・ふりがな"})
    return {
        "full_name": full_name,
        "furigana": furigana,
        "municipality": _municipality(municipality, cache),
        "age_band": ages[age],
        "occupation": occupations.get(occupation, ""),
        "consent_statistics": consent.lower() in YES,
    }


def read_sign_in_sheet(upload) -> list[tuple[int, dict]]:
    """(line number, values) for every participant row; ImportRefused with every problem found."""
    rows = _cells_from_upload(upload)
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise ImportRefused([str(messages.IMPORT_EMPTY)])
    header = [cell for cell in rows[0] if cell]
    if header != HEADER:
        raise ImportRefused([str(messages.IMPORT_BAD_HEADER % {"expected": "、".join(HEADER)})])
    body = rows[1:]
    if not body:
        raise ImportRefused([str(messages.IMPORT_EMPTY)])
    if len(body) > MAX_ROWS:
        raise ImportRefused([str(messages.IMPORT_TOO_MANY % {"max": MAX_ROWS})])
    cache = {"__all__": list(Municipality.objects.active().select_related("prefecture"))}
    parsed, errors = [], []
    for line, cells in enumerate(body, start=2):
        try:
            parsed.append((line, parse_row(cells, cache)))
        except ValidationError as exc:
            errors.append(str(messages.IMPORT_ROW_ERROR % {"row": line, "message": exc.messages[0]}))
    if errors:
        raise ImportRefused(errors)
    return parsed


def template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(HEADER)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "参加者"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, values in (("D", [str(label) for _v, label in AgeBand.choices]), ("E", [str(label) for _v, label in OccupationField.choices]), ("F", ["はい", "いいえ"])):
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=column == "E")
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
    for column, width in zip("ABCDEF", (18, 20, 22, 12, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    example = workbook.create_sheet("記入例")
    example.append(HEADER)
    example.append(["鳥取 花子", "とっとり はなこ", "鳥取県鳥取市", "70代", "", "はい"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
