"""A provisional working-day calendar for the year after chinese-calendar's last, for the demo only.

The State Council publishes each year's holidays late in the year before, and the package follows later
still; a real operator imports the schedule on 工作日历 (`tongban calendar import`). The demo city cannot
wait: from December its limits and pledge post-checks run into next year and would be refused. So it
imports a clearly named stand-in — Monday to Friday worked, the fixed-date holidays (元旦, 劳动节 1–5 May,
国庆 1–7 October) off, no lunar holidays and no make-up days — through the same import an operator uses,
and an operator replaces it by importing the published schedule over it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import chinese_calendar

from tongban.core.calendar import calendar_import

NAME = "示范暂定（非国务院公布安排，请导入正式安排）"
FIXED_HOLIDAYS = {(1, 1): "元旦", **{(5, d): "劳动节" for d in range(1, 6)}, **{(10, d): "国庆节" for d in range(1, 8)}}


def provisional_year() -> int:
    return max(chinese_calendar.holidays).year + 1


def calendar_load(*, tick: Callable[[int, int], None]) -> int:
    year = provisional_year()
    day, rows = dt.date(year, 1, 1), ["date,is_workday,name"]
    while day.year == year:
        holiday = FIXED_HOLIDAYS.get((day.month, day.day))
        worked = day.weekday() < 5 and holiday is None
        rows.append(f"{day.isoformat()},{'true' if worked else 'false'},{NAME}{'：' + holiday if holiday else ''}")
        day += dt.timedelta(days=1)
    result = calendar_import(file="\n".join(rows).encode(), name=f"demo-provisional-{year}.csv", actor="system:demo")
    tick(1, 1)
    return result.created + result.updated
