"""Files trainers download: the roster as CSV (UTF-8 with BOM, so Excel opens it in Japanese; cells that a
spreadsheet would run as a formula are neutralised), and the session's plan (開催計画) and attendance report (実施報告)
as XLSX, built from the record itself so municipalities no longer retype them."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io

from django.utils import timezone
from django.utils.html import strip_tags
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .selectors import breakdown, paperwork_dates, workshop_figures

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


def wareki(day) -> str:
    """令和8年12月10日（2026年12月10日）: the Japanese era and the western date, as municipal forms write them."""
    if day is None:
        return ""
    if hasattr(day, "hour"):
        day = timezone.localtime(day).date()
    western = f"{day.year}年{day.month}月{day.day}日"
    if day >= dt.date(2019, 5, 1):
        era, year = "令和", day.year - 2018
    elif day >= dt.date(1989, 1, 8):
        era, year = "平成", day.year - 1988
    else:
        return western
    return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日（{western}）"


def _facts(workshop) -> list[tuple[str, object]]:
    municipality = workshop.municipality
    place = " ".join(part for part in (workshop.venue_name, workshop.venue_address) if part)
    window_open = wareki(workshop.registration_opens_at) if workshop.registration_opens_at else "公開時"
    return [
        ("講座名", workshop.title),
        ("開催日", wareki(workshop.starts_at)),
        ("時間", f"{_local(workshop.starts_at, '%H:%M')}〜{_local(workshop.ends_at, '%H:%M')}"),
        ("開催形式", workshop.get_format_display()),
        ("開催地", municipality.full_name),
        ("会場", place or "オンライン"),
        ("主催", workshop.organiser),
        ("担当者（講師）", workshop.trainer_name),
        ("対象", workshop.audience),
        ("定員（人）", workshop.capacity),
        ("申込期間", f"{window_open}〜{wareki(workshop.registration_deadline)} {_local(workshop.registration_deadline, '%H:%M')}"),
        ("強化月間の取組", "はい" if workshop.is_campaign_event else "いいえ"),
        ("問い合わせ先", workshop.contact),
        ("プログラム", " ".join(strip_tags(workshop.description).split())),
    ]


def _write_facts(sheet, workshop, title: str) -> int:
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    row = 3
    for label, value in _facts(workshop):
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        cell = sheet.cell(row=row, column=2, value=value if isinstance(value, int) else safe_cell(value))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    return row + 1


def _write_figures(sheet, row: int, figures: list[tuple[str, object]]) -> int:
    for label, value in figures:
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=value)
        row += 1
    return row


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
        # A4 portrait, one page wide, the used range as print area
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "portrait"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_area = f"A1:{get_column_letter(max(sheet.max_column, 2))}{sheet.max_row}"
        sheet.print_options.horizontalCentered = True
        sheet.column_dimensions["A"].width = 18
        sheet.column_dimensions["B"].width = 40
        for col in range(3, 12):
            sheet.column_dimensions[get_column_letter(col)].width = 12
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_xlsx(workshop, registrations, paper=()) -> bytes:
    """開催計画: the session as planned and who has applied so far (online applicants only: walk-ins and paper
    participants are attendees, never registrants), by age band and occupation field. Same facts and figure
    definitions as 実施報告 (selectors.workshop_figures)."""
    figures = workshop_figures(workshop, registrations, paper)
    dates = paperwork_dates(workshop)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "開催計画"
    row = _write_facts(sheet, workshop, "つながりサポーター養成講座 開催計画")
    row = _write_figures(sheet, row, [
        ("申込者数", figures.registrants),
        ("うち参加確定", figures.confirmed),
        ("うちキャンセル待ち", figures.waitlisted),
        ("申し込みの取り消し", figures.cancellations),
        ("提出期限の目安", wareki(dates["plan_due"])),
        ("作成日", wareki(timezone.now())),
        ("備考", ""),
    ])
    confirmed = [r for r in registrations if r.source == "online" and r.is_confirmed]
    _write_breakdown(sheet, row + 1, "申込者（参加確定）の内訳", breakdown(confirmed))
    return _finish(workbook)


def report_xlsx(workshop, registrations, paper=()) -> bytes:
    """実施報告: the session as held — registrants, attendees (walk-ins and paper participants included), absentees,
    cancellations, 市内/市外, certificates — attendees by age band and occupation field; a second sheet lists the
    attendees. Same facts and figure definitions as 開催計画."""
    paper = list(paper)
    figures = workshop_figures(workshop, registrations, paper)
    dates = paperwork_dates(workshop)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "実施報告"
    row = _write_facts(sheet, workshop, "つながりサポーター養成講座 実施報告")
    attended = [r for r in registrations if r.is_attended]
    row = _write_figures(sheet, row, [
        ("申込者数", figures.registrants),
        ("参加者数（出席）", figures.attendees),
        ("うち申し込みの方", figures.attendees - figures.walk_ins - figures.paper),
        ("うち当日参加", figures.walk_ins),
        ("うち紙の名簿で参加", figures.paper),
        ("欠席（参加確定で出席なし）", figures.absentees),
        ("申し込みの取り消し", figures.cancellations),
        ("参加者のうち市内", figures.in_city),
        ("参加者のうち市外", figures.out_city),
        ("修了証の発行数（アカウント）", figures.certificates),
        ("紙の修了証（印刷）", figures.paper),
        ("提出期限の目安", wareki(dates["report_due"])),
        ("作成日", wareki(timezone.now())),
        ("備考", ""),
    ])
    _write_breakdown(sheet, row + 1, "参加者（出席）の内訳", breakdown([*attended, *paper]))
    attendees = workbook.create_sheet("出席者名簿")
    for col, label in enumerate(ROSTER_HEADER, start=1):
        attendees.cell(row=1, column=col, value=label).font = Font(bold=True)
    for r, values in enumerate(roster_rows(attended), start=2):
        for col, value in enumerate(values, start=1):
            attendees.cell(row=r, column=col, value=safe_cell(value))
    start = len(attended) + 2
    for offset, participant in enumerate(paper):
        values = [str(len(attended) + offset + 1), participant.full_name, participant.furigana, participant.municipality.full_name,
                  participant.get_age_band_display(), participant.get_occupation_display() if participant.occupation else "",
                  "出席", "紙の名簿", "", "", "紙の名簿", "", ""]
        for col, value in enumerate(values, start=1):
            attendees.cell(row=start + offset, column=col, value=safe_cell(value))
    return _finish(workbook)
