"""The working-day calendar: chinese-calendar plus the operator's override table.

The State Council publishes each year's holidays late in the year before, so the package can lag;
operators import the schedule (`tongban calendar import FILE`). A date neither knows is an
explicit CalendarUnknown error, never a silent guess.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
from django.db import transaction

from tongban.core.errors import CalendarUnknown, InvalidInput
from tongban.core.models import CalendarDay

# Guard against an unbounded walk when a limit is absurd.
MAX_DAYS = 3650


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))


def _package_is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarUnknown(
            f"{day:%Y年%m月%d日} 不在工作日历范围内，请导入 {day.year} 年节假日安排",
            f"{day.isoformat()} is outside the working-day calendar; import the {day.year} holiday schedule",
            date=day.isoformat(),
        ) from None


def is_workday(day: dt.date) -> bool:
    override = _overrides(day, day).get(day)
    return override if override is not None else _package_is_workday(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date on which `days` working days after `start` have elapsed (start itself not counted)."""
    if days < 0:
        raise InvalidInput("工作日数不能为负", "Working days cannot be negative")
    if days == 0:
        return start
    overrides = _overrides(start, start + dt.timedelta(days=days * 3 + 60))
    day, counted = start, 0
    for _ in range(MAX_DAYS):
        day += dt.timedelta(days=1)
        workday = overrides.get(day)
        if workday is None:
            workday = _package_is_workday(day)
        if workday:
            counted += 1
            if counted == days:
                return day
    raise InvalidInput("时限过长", "Limit too long")


def add_natural_days(start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many have elapsed by the end of `end`."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        workday = overrides.get(day)
        if workday is None:
            workday = _package_is_workday(day)
        count += int(workday)
    return count


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _parse_bool(raw: str, line: int) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "workday", "班", "上班", "工作日"}:
        return True
    if value in {"0", "false", "no", "holiday", "休", "休息", "节假日"}:
        return False
    raise InvalidInput(f"第 {line} 行：无法识别的工作日标记 {raw!r}", f"line {line}: unknown workday flag {raw!r}")


def _parse_rows(rows: Iterable[dict[str, str]], source: str) -> list[CalendarDay]:
    days: list[CalendarDay] = []
    seen: set[dt.date] = set()
    for line, row in enumerate(rows, start=2):
        raw_date = (row.get("date") or "").strip()
        try:
            day = (
                dt.date.fromisoformat(raw_date) if "-" in raw_date else dt.datetime.strptime(raw_date, "%Y%m%d").date()
            )
        except ValueError:
            raise InvalidInput(
                f"第 {line} 行：日期无效 {raw_date!r}", f"line {line}: invalid date {raw_date!r}"
            ) from None
        if day in seen:
            raise InvalidInput(f"第 {line} 行：日期重复 {day}", f"line {line}: duplicate date {day}")
        seen.add(day)
        days.append(
            CalendarDay(
                date=day,
                is_workday=_parse_bool(row.get("is_workday", ""), line),
                name=(row.get("name") or "").strip()[:100],
                source=source[:200],
            )
        )
    return days


@transaction.atomic
def calendar_import(*, path: Path) -> ImportResult:
    """Import overrides from a CSV with columns date,is_workday[,name]; all rows or none."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"date", "is_workday"} <= set(reader.fieldnames):
            raise InvalidInput("CSV 需要 date 和 is_workday 两列", "The CSV needs columns date and is_workday")
        days = _parse_rows(reader, source=path.name)
    created = updated = 0
    for day in days:
        _, was_created = CalendarDay.objects.update_or_create(
            date=day.date, defaults={"is_workday": day.is_workday, "name": day.name, "source": day.source}
        )
        created += int(was_created)
        updated += int(not was_created)
    return ImportResult(created=created, updated=updated)
