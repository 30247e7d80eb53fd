"""Dates as printed on certificates: 和暦 (令和8年5月1日) and the western form (2026年5月1日), in Japan time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# (first day of the era, name), newest first.
_ERAS = (
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
)


def local_date(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def wareki(value: dt.datetime | dt.date) -> str:
    day = local_date(value)
    for start, name in _ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return western(day)


def western(value: dt.datetime | dt.date) -> str:
    day = local_date(value)
    return f"{day.year}年{day.month}月{day.day}日"


def both(value: dt.datetime | dt.date) -> str:
    return f"{wareki(value)}（{western(value)}）"
