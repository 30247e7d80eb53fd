"""Periods of the regional reports: months (first day, JST) and Japanese fiscal years (年度: `fy=2026` is
2026-04-01 .. 2027-03-31 JST). Every other reports module takes its time arithmetic from here."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

JST = ZoneInfo("Asia/Tokyo")


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants [start, end) of a month in JST."""
    start = dt.datetime.combine(month, dt.time.min, tzinfo=JST)
    return start, dt.datetime.combine(next_month(month), dt.time.min, tzinfo=JST)


def fiscal_year_of(day: dt.date) -> int:
    """The Japanese fiscal year (年度) a day is in: 2026 = 2026-04-01 .. 2027-03-31."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fy: int) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(dt.date(fy, 4, 1), dt.time.min, tzinfo=JST),
        dt.datetime.combine(dt.date(fy + 1, 4, 1), dt.time.min, tzinfo=JST),
    )


def current_fiscal_year(today: dt.date | None = None) -> int:
    return fiscal_year_of(today or timezone.localdate())


def fiscal_year_months(fy: int) -> list[dt.date]:
    """The 12 first-of-month dates of a fiscal year, April to March."""
    return [dt.date(fy + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


def fiscal_year_label(fy: int) -> str:
    reiwa = fy - 2018
    return f"{fy}年度（令和{reiwa}年度：{fy}年4月1日〜{fy + 1}年3月31日）"


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"
