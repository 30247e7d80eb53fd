"""Report downloads with exactly the cells of the screen (lms.reports.layout): CSV in UTF-8 with a BOM and CRLF
(Japanese Excel opens it without mojibake) and XLSX (openpyxl, already used by the workshop exports). Hidden counts
carry the same labels as on screen (「<10」, 「秘匿」, 「—」); text cells that a spreadsheet would run as a formula
(starting with =, +, -, @) are neutralised with a leading apostrophe."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .layout import Report, display, export_value
from .privacy import Rate

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Numbers stay numbers; text that would run as a formula (CSV/formula injection) gets a leading apostrophe."""
    if isinstance(value, int | float):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _preamble(report: Report) -> list[list[str]]:
    lines = [
        [f"つながりサポーター養成 地域別レポート：{report.area.name}"],
        [f"期間：{report.period_label}"],
        [f"作成日時：{timezone.localtime():%Y/%m/%d %H:%M}"],
    ]
    if report.marker_note:
        lines.append([report.marker_note])
    return lines


def file_name(report: Report, extension: str) -> str:
    code = report.area.code or "nation"
    return f"report-{code}-fy{report.fy}.{extension}"


def report_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in _preamble(report):
        writer.writerow([safe_cell(cell) for cell in line])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([safe_cell(table.caption)])
        writer.writerow([safe_cell(column) for column in table.columns])
        for row in table.rows:
            # Counts as plain numbers (no thousands separator); rates and per-10,000 figures as on screen.
            writer.writerow(
                [
                    safe_cell(display(cell) if isinstance(export_value(cell), float) else export_value(cell))
                    for cell in row
                ]
            )
        if table.note:
            writer.writerow([safe_cell(table.note)])
        if table.protected:
            writer.writerow([safe_cell(report.marker_note)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_xlsx(report: Report) -> bytes:
    """One sheet per table, each starting with the report's title lines and the table's caption."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in report.tables:
        sheet = workbook.create_sheet(table.sheet[:31] or table.key[:31])
        row_number = 1
        for line in _preamble(report):
            sheet.cell(row=row_number, column=1, value=safe_cell(line[0]))
            row_number += 1
        row_number += 1
        sheet.cell(row=row_number, column=1, value=safe_cell(table.caption)).font = Font(bold=True, size=12)
        row_number += 1
        for col, column in enumerate(table.columns, start=1):
            sheet.cell(row=row_number, column=col, value=safe_cell(column)).font = Font(bold=True)
        for row in table.rows:
            row_number += 1
            for col, cell in enumerate(row, start=1):
                target = sheet.cell(row=row_number, column=col, value=safe_cell(export_value(cell)))
                if isinstance(target.value, str):
                    target.alignment = Alignment(horizontal="right" if col > table.header_cells else "left")
                elif isinstance(target.value, float):
                    target.number_format = '0.0"%"' if isinstance(cell, Rate) else "0.0"
        if table.note:
            row_number += 2
            sheet.cell(row=row_number, column=1, value=safe_cell(table.note))
        if table.protected:
            sheet.cell(row=row_number + 2, column=1, value=safe_cell(report.marker_note))
        for col in range(1, len(table.columns) + 1):
            sheet.column_dimensions[get_column_letter(col)].width = 28 if col <= table.header_cells else 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
