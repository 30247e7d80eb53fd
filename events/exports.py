"""Files trainers download: the roster as CSV (UTF-8 with BOM, so Excel opens it in Japanese; cells that a
spreadsheet would run as a formula are neutralised), and the session's plan (開催計画) and attendance report (実施報告)
as XLSX, built from the record itself so municipalities no longer retype them."""

from __future__ import annotations

import codecs
import csv
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .selectors import breakdown

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text for a spreadsheet cell that never runs as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _local(value, fmt="%Y/%m/%d %H:%M") -> str:
    return timezone.localtime(value).strftime(fmt) if value else ""


ROSTER_HEADER = [
    "No.",
    "氏名",
    "ふりがな",
    "お住まいの市区町村",
    "年代",
    "職業分野",
    "状態",
    "申し込み方法",
    "申込日時",
    "出席確認日時",
    "出席確認の方法",
    "修了証番号",
    "連絡先（メール）",
]


def roster_rows(registrations) -> list[list[str]]:
    rows = []
    for number, registration in enumerate(registrations, start=1):
        profile = getattr(registration.user, "profile", None)
        rows.append(
            [
                str(number),
                profile.full_name if profile else "",
                profile.furigana if profile else "",
                profile.municipality.full_name if profile else "",
                profile.get_age_band_display() if profile else "",
                profile.get_occupation_display() if profile and profile.occupation else "",
                registration.get_status_display(),
                registration.get_source_display(),
                _local(registration.registered_at),
                _local(registration.checked_in_at),
                registration.get_check_in_method_display() if registration.check_in_method else "",
                registration.certificate.number if registration.certificate_id and registration.certificate else "",
                registration.user.email,
            ]
        )
    return rows


def _geta(error: UnicodeEncodeError):
    """A character Shift_JIS cannot hold (e.g. 𠮷) becomes 〓, the customary mark for a missing glyph."""
    return "〓" * (error.end - error.start), error.end


codecs.register_error("events_geta", _geta)


def roster_csv(registrations, *, encoding: str = "utf-8") -> bytes:
    """Everyone on the roster, cancelled people included (their status says so). UTF-8 with BOM (Excel opens it in
    Japanese), or Shift_JIS for older Excel and municipal systems (characters it lacks become 〓)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ROSTER_HEADER)
    for row in roster_rows(registrations):
        writer.writerow([safe_cell(cell) for cell in row])
    if encoding == "shift_jis":
        return buffer.getvalue().encode("cp932", errors="events_geta")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _facts(workshop) -> list[tuple[str, str]]:
    municipality = workshop.municipality
    place = " ".join(part for part in (workshop.venue_name, workshop.venue_address) if part)
    window_open = _local(workshop.registration_opens_at) or "公開時"
    return [
        ("講座名", workshop.title),
        ("開催日", _local(workshop.starts_at, "%Y年%m月%d日")),
        ("時間", f"{_local(workshop.starts_at, '%H:%M')}〜{_local(workshop.ends_at, '%H:%M')}"),
        ("開催形式", workshop.get_format_display()),
        ("開催地", municipality.full_name),
        ("会場", place or "オンライン"),
        ("主催", workshop.organiser),
        ("講師", workshop.trainer_name),
        ("対象", workshop.audience),
        ("定員", f"{workshop.capacity}人"),
        ("申込期間", f"{window_open}〜{_local(workshop.registration_deadline)}"),
        ("強化月間の取組", "はい" if workshop.is_campaign_event else "いいえ"),
        ("問い合わせ先", workshop.contact),
    ]


def _write_facts(sheet, workshop, title: str) -> int:
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    row = 3
    for label, value in _facts(workshop):
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=safe_cell(value)).alignment = Alignment(wrap_text=True)
        row += 1
    return row + 1


def _write_breakdown(sheet, start_row: int, heading: str, table) -> int:
    sheet.cell(row=start_row, column=1, value=heading).font = Font(bold=True)
    header_row = start_row + 1
    sheet.cell(row=header_row, column=1, value="年代＼職業分野").font = Font(bold=True)
    for i, label in enumerate(table.column_labels, start=2):
        sheet.cell(row=header_row, column=i, value=label).font = Font(bold=True)
    sheet.cell(row=header_row, column=len(table.column_labels) + 2, value="計").font = Font(bold=True)
    row = header_row + 1
    for label, counts, total in table.rows:
        sheet.cell(row=row, column=1, value=label)
        for i, count in enumerate(counts, start=2):
            sheet.cell(row=row, column=i, value=count)
        sheet.cell(row=row, column=len(counts) + 2, value=total)
        row += 1
    sheet.cell(row=row, column=1, value="計").font = Font(bold=True)
    for i, count in enumerate(table.column_totals, start=2):
        sheet.cell(row=row, column=i, value=count)
    sheet.cell(row=row, column=len(table.column_totals) + 2, value=table.total).font = Font(bold=True)
    return row + 2


def _finish(workbook: Workbook) -> bytes:
    for sheet in workbook.worksheets:
        sheet.column_dimensions["A"].width = 18
        sheet.column_dimensions["B"].width = 40
        for col in range(3, 12):
            sheet.column_dimensions[get_column_letter(col)].width = 12
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_xlsx(workshop, registrations) -> bytes:
    """開催計画: the session as planned, and who has registered so far (confirmed and waitlisted, by age band and
    occupation field)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "開催計画"
    row = _write_facts(sheet, workshop, "つながりサポーター養成講座 開催計画")
    confirmed = [r for r in registrations if r.is_confirmed]
    waitlisted = [r for r in registrations if r.is_waitlisted]
    sheet.cell(row=row, column=1, value="申込者数（参加確定）").font = Font(bold=True)
    sheet.cell(row=row, column=2, value=len(confirmed))
    sheet.cell(row=row + 1, column=1, value="キャンセル待ち").font = Font(bold=True)
    sheet.cell(row=row + 1, column=2, value=len(waitlisted))
    sheet.cell(row=row + 2, column=1, value="作成日時").font = Font(bold=True)
    sheet.cell(row=row + 2, column=2, value=_local(timezone.now()))
    _write_breakdown(sheet, row + 4, "申込者（参加確定）の内訳", breakdown(confirmed))
    return _finish(workbook)


def report_xlsx(workshop, registrations, paper=()) -> bytes:
    """実施報告: the session as held, the number who attended by age band and occupation field, and the number of
    certificates issued; a second sheet lists the attendees."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "実施報告"
    row = _write_facts(sheet, workshop, "つながりサポーター養成講座 実施報告")
    attended = [r for r in registrations if r.is_attended]
    registered = [r for r in registrations if not r.is_cancelled]
    paper = list(paper)
    figures = [
        ("申込者数", len([r for r in registered if r.source == "online"])),
        ("参加者数（出席）", len(attended) + len(paper)),
        ("うち当日参加", len([r for r in attended if r.source == "walk_in"])),
        ("うち紙の名簿で参加", len(paper)),
        ("修了証の発行数", len([r for r in attended if r.certificate_id])),
        ("作成日時", _local(timezone.now())),
    ]
    for label, value in figures:
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=value)
        row += 1
    _write_breakdown(sheet, row + 1, "参加者（出席）の内訳", breakdown([*attended, *paper]))
    attendees = workbook.create_sheet("出席者名簿")
    for col, label in enumerate(ROSTER_HEADER, start=1):
        attendees.cell(row=1, column=col, value=label).font = Font(bold=True)
    for r, values in enumerate(roster_rows(attended), start=2):
        for col, value in enumerate(values, start=1):
            attendees.cell(row=r, column=col, value=safe_cell(value))
    return _finish(workbook)
