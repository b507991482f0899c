"""The working-day calendar: chinese-calendar plus the operator's override table.

The State Council publishes each year's holidays late in the year before, so the package can lag;
operators import the schedule (`tongban calendar import FILE`, or the back-office calendar page) and
set single days. A date neither knows is an explicit CalendarUnknown error, never a silent guess.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import chinese_calendar
from django.db import transaction

from tongban.core.audit import audit_record
from tongban.core.errors import CalendarUnknown, InvalidInput, NotFound
from tongban.core.models import CalendarDay

# Guard against an unbounded walk when a limit is absurd.
MAX_DAYS = 3650


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))


@functools.cache
def _package_years() -> tuple[int, int]:
    """The years chinese-calendar has data for (it finds them in all its holidays on every call: 20 µs a day)."""
    return min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year


def _package_is_workday(day: dt.date) -> bool:
    """chinese-calendar's answer (its `is_workday`, with the year range looked up once)."""
    low, high = _package_years()
    if not low <= day.year <= high:
        raise CalendarUnknown(
            f"{day:%Y年%m月%d日} 不在工作日历范围内，请导入 {day.year} 年节假日安排",
            f"{day.isoformat()} is outside the working-day calendar; import the {day.year} holiday schedule",
            date=day.isoformat(),
        )
    return day in chinese_calendar.workdays or (day.weekday() < 5 and day not in chinese_calendar.holidays)


@functools.cache
def _package_ordinals() -> tuple[dt.date, list[int]]:
    """Working days counted once over the package's years: (base, counts) where counts[n] is how many of
    (base, base + n days] are working days, so any span inside the package's years is one subtraction."""
    low, high = _package_years()
    base = dt.date(low, 1, 1) - dt.timedelta(days=1)
    counts, total, day = [0], 0, base
    while day < dt.date(high, 12, 31):
        day += dt.timedelta(days=1)
        total += int(_package_is_workday(day))
        counts.append(total)
    return base, counts


# When a walk leaves the dates read so far, read this much further at once rather than a day at a time.
READ_AHEAD = dt.timedelta(days=92)


class WorkingCalendar:
    """Working days for many questions at once: the operator's overrides are read once for a span of
    dates and kept, so the clocks of a list of cases cost one query rather than two per case.

    Make one per request or list (`cover` the dates it will be asked about first) and drop it: it does
    not see overrides set after it read them. The module's functions below each use a fresh one."""

    def __init__(self) -> None:
        self._span: tuple[dt.date, dt.date] | None = None
        self._overrides: dict[dt.date, bool] = {}
        self._counted: dict[tuple[dt.date, dt.date], int] = {}  # a list's clocks mostly share their dates

    def cover(self, start: dt.date, end: dt.date) -> WorkingCalendar:
        """Read the overrides of start..end unless they have been (one query, for the union with what was read)."""
        if end < start:
            start, end = end, start
        if self._span is not None:
            low, high = self._span
            if low <= start and end <= high:
                return self
            start, end = min(start, low), max(end, high)
        self._overrides, self._span = _overrides(start, end), (start, end)
        return self

    def is_workday(self, day: dt.date) -> bool:
        if self._span is None:
            self.cover(day, day)
        elif day > self._span[1]:
            self.cover(self._span[0], day + READ_AHEAD)
        elif day < self._span[0]:
            self.cover(day - READ_AHEAD, self._span[1])
        override = self._overrides.get(day)
        return override if override is not None else _package_is_workday(day)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date on which `days` working days after `start` have elapsed (start itself not counted)."""
        if days < 0:
            raise InvalidInput("工作日数不能为负", "Working days cannot be negative")
        if days == 0:
            return start
        if self._span is None:  # a guess at how far the walk goes; is_workday reads on past it
            self.cover(start, start + dt.timedelta(days=days * 3 + 60))
        day, counted = start, 0
        for _ in range(MAX_DAYS):
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
                if counted == days:
                    return day
        raise InvalidInput("时限过长", "Limit too long")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many have elapsed by the end of `end`. Counted, not walked: the
        package's days counted once per process (`_package_ordinals`), then the overrides in the span (the clock
        of a case three years overdue costs what one of last week does)."""
        if end <= start:
            return 0
        known = self._counted.get((start, end))
        if known is None:
            known = self._counted[start, end] = self._count(start, end)
        return known

    def _count(self, start: dt.date, end: dt.date) -> int:
        self.cover(start, end)
        low, high = _package_years()
        if (start + dt.timedelta(days=1)).year < low or end.year > high:
            return self._walk(start, end)  # days the package does not know: known only if overridden
        base, counts = _package_ordinals()
        count = counts[(end - base).days] - counts[(start - base).days]
        for day, override in self._overrides.items():
            if start < day <= end and override != _package_is_workday(day):
                count += 1 if override else -1
        return count

    def _walk(self, start: dt.date, end: dt.date) -> int:
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += int(self.is_workday(day))
        return count


def is_workday(day: dt.date) -> bool:
    return WorkingCalendar().is_workday(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date on which `days` working days after `start` have elapsed (start itself not counted)."""
    return WorkingCalendar().add_working_days(start, days)


def add_natural_days(start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many have elapsed by the end of `end`."""
    return WorkingCalendar().working_days_between(start, end)


# --- the year view ---------------------------------------------------------------------------

# The package's holiday names are English; these are the names the State Council notices use.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}
# CalendarDay.source of a day an operator set by hand (an import stores the file name instead).
MANUAL_SOURCE = "operator:"

Source = Literal["override", "package", "unknown"]
Kind = Literal["workday", "makeup", "holiday", "rest", "unknown"]


@dataclass(frozen=True)
class CalendarDate:
    """One day as the calendar sees it; is_workday is None when neither the package nor an override knows it."""

    date: dt.date
    is_workday: bool | None
    source: Source
    name: str = ""  # holiday name (Chinese): the package's where it has one, else the override's
    name_en: str = ""  # the package's English holiday name, if any
    reason: str = ""  # the override's own name or reason
    origin: str = ""  # the override's source: MANUAL_SOURCE + actor, or the imported file's name

    @property
    def kind(self) -> Kind:
        """workday, makeup (调休上班: a weekend worked), holiday (named or on a weekday), rest, unknown."""
        if self.is_workday is None:
            return "unknown"
        weekend = self.date.weekday() >= 5
        if self.is_workday:
            return "makeup" if weekend else "workday"
        return "holiday" if self.name or not weekend else "rest"

    @property
    def manual(self) -> bool:
        """Set by an operator one day at a time (rather than imported from a file)."""
        return self.source == "override" and self.origin.startswith(MANUAL_SOURCE)


def _package_detail(day: dt.date) -> tuple[bool | None, str]:
    """(is_workday, English holiday name) from chinese-calendar; (None, "") for a year it does not cover."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None, ""
    return not on_holiday, name or ""


def _zh_name(name_en: str) -> str:
    if not name_en:
        return ""
    if name_en in HOLIDAY_NAMES_ZH:
        return HOLIDAY_NAMES_ZH[name_en]
    try:
        return str(chinese_calendar.Holiday(name_en).chinese)
    except ValueError:
        return name_en


def calendar_year(*, year: int) -> list[CalendarDate]:
    """Every day of `year`, each with its status and where that status comes from (one query)."""
    if not 1 <= year <= 9998:
        raise InvalidInput(f"年份无效：{year}", f"Invalid year: {year}")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overrides = {row.date: row for row in CalendarDay.objects.filter(date__range=(start, end))}
    days: list[CalendarDate] = []
    day = start
    while day <= end:
        workday, name_en = _package_detail(day)
        override = overrides.get(day)
        if override is not None:
            days.append(
                CalendarDate(
                    date=day,
                    is_workday=override.is_workday,
                    source="override",
                    name=_zh_name(name_en) or override.name,
                    name_en=name_en,
                    reason=override.name,
                    origin=override.source,
                )
            )
        elif workday is not None:
            days.append(
                CalendarDate(date=day, is_workday=workday, source="package", name=_zh_name(name_en), name_en=name_en)
            )
        else:
            days.append(CalendarDate(date=day, is_workday=None, source="unknown"))
        day += dt.timedelta(days=1)
    return days


# --- operator overrides ----------------------------------------------------------------------


def _override_data(row: CalendarDay) -> dict[str, object]:
    return {"is_workday": row.is_workday, "name": row.name, "source": row.source}


@transaction.atomic
def calendar_day_set(*, date: dt.date, is_workday: bool, name: str, actor: str) -> CalendarDay:
    """Set (or change) the override of one date: a holiday or a make-up working day, with its reason."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(
            "请填写名称或原因，例如“国庆节”或“调休上班”",
            "Enter a name or reason, such as National Day or make-up working day",
            field="name",
        )
    if len(name) > 100:
        raise InvalidInput(
            "名称或原因不能超过 100 个字", "The name or reason must be at most 100 characters", field="name"
        )
    previous = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = _override_data(previous) if previous else None
    row, _ = CalendarDay.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "name": name, "source": f"{MANUAL_SOURCE}{actor}"[:200]}
    )
    audit_record(
        action="calendar.override_set",
        actor=actor,
        object_type="calendar_day",
        object_id=date.isoformat(),
        data={"date": date.isoformat(), "is_workday": is_workday, "name": name, "previous": before},
    )
    return row


@transaction.atomic
def calendar_day_delete(*, date: dt.date, actor: str) -> None:
    """Remove the override of one date; the package's answer (or "unknown") applies again."""
    row = CalendarDay.objects.select_for_update().filter(date=date).first()
    if row is None:
        raise NotFound(f"{date.isoformat()} 没有调整记录", f"There is no override for {date.isoformat()}")
    removed = _override_data(row)
    row.delete()
    audit_record(
        action="calendar.override_delete",
        actor=actor,
        object_type="calendar_day",
        object_id=date.isoformat(),
        data={"date": date.isoformat(), "removed": removed},
    )


# --- import ----------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _parse_bool(raw: str, line: int) -> bool:
    value = raw.strip().lower()
    if not value:
        raise InvalidInput(f"第 {line} 行：缺少工作日标记 is_workday", f"line {line}: the is_workday flag is missing")
    if value in {"1", "true", "yes", "workday", "班", "上班", "工作日"}:
        return True
    if value in {"0", "false", "no", "holiday", "休", "休息", "节假日"}:
        return False
    raise InvalidInput(f"第 {line} 行：无法识别的工作日标记 {raw!r}", f"line {line}: unknown workday flag {raw!r}")


def _parse_date(raw: str, line: int) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if "-" in raw else dt.datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        raise InvalidInput(f"第 {line} 行：日期无效 {raw!r}", f"line {line}: invalid date {raw!r}") from None


def _parse_rows(reader: csv.DictReader[str], source: str) -> list[CalendarDay]:
    days: list[CalendarDay] = []
    seen: set[dt.date] = set()
    try:
        for row in reader:
            line = reader.line_num
            day = _parse_date((row.get("date") or "").strip(), line)
            if day in seen:
                raise InvalidInput(f"第 {line} 行：日期重复 {day}", f"line {line}: duplicate date {day}")
            seen.add(day)
            name = (row.get("name") or "").strip()
            if len(name) > 100:
                raise InvalidInput(
                    f"第 {line} 行：名称超过 100 个字", f"line {line}: the name is longer than 100 characters"
                )
            days.append(
                CalendarDay(
                    date=day, is_workday=_parse_bool(row.get("is_workday") or "", line), name=name, source=source[:200]
                )
            )
    except csv.Error as exc:
        line = reader.line_num
        raise InvalidInput(f"第 {line} 行：CSV 格式错误（{exc}）", f"line {line}: malformed CSV ({exc})") from None
    return days


def _read_capped(fh: BinaryIO) -> bytes:
    raw = fh.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidInput("文件超过 1 MB，请拆分后再导入", "The file is larger than 1 MB; split it and import again")
    return raw


def _decode(raw: bytes) -> str:
    if b"\x00" in raw:
        raise InvalidInput(
            "文件不是文本格式的 CSV（含有二进制内容），请上传 CSV 文件",
            "The file is not a text CSV (it contains binary data); upload a CSV file",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "文件不是 UTF-8 编码的 CSV，请在表格软件中另存为“CSV UTF-8”后再导入",
            'The file is not a UTF-8 CSV; save it as "CSV UTF-8" in your spreadsheet program and import again',
        ) from None


@transaction.atomic
def calendar_import(
    *, path: Path | None = None, file: BinaryIO | bytes | None = None, name: str = "", actor: str
) -> ImportResult:
    """Import overrides from a CSV with columns date,is_workday[,name]; all rows or none.

    Give either `path` (the command) or `file`, an open binary file or its bytes (an upload, never
    written to disk); `name` is the file name kept as each row's source. At most 1 MB of UTF-8 text.
    """
    if (path is None) == (file is None):
        raise InvalidInput("请提供一个 CSV 文件", "Give one CSV file")
    if path is not None:
        with path.open("rb") as fh:
            raw = _read_capped(fh)
        source = name or path.name
    elif isinstance(file, bytes):
        raw, source = _read_capped(io.BytesIO(file)), name or "upload.csv"
    else:
        raw, source = _read_capped(file), name or "upload.csv"  # type: ignore[arg-type]
    reader = csv.DictReader(io.StringIO(_decode(raw), newline=""))
    try:
        fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
    except csv.Error as exc:
        raise InvalidInput(f"第 1 行：CSV 格式错误（{exc}）", f"line 1: malformed CSV ({exc})") from None
    if not {"date", "is_workday"} <= set(fieldnames):
        raise InvalidInput(
            "第 1 行：CSV 需要 date 和 is_workday 两列（可选 name 列）",
            "line 1: the CSV needs columns date and is_workday (name is optional)",
        )
    reader.fieldnames = fieldnames
    days = _parse_rows(reader, source=source)
    if not days:
        raise InvalidInput("CSV 中没有数据行", "The CSV has no data rows")
    existing = {
        row.date: row for row in CalendarDay.objects.select_for_update().filter(date__in=[d.date for d in days])
    }
    fresh = [d for d in days if d.date not in existing]
    changed = []
    for day in days:
        row = existing.get(day.date)
        if row is not None:
            row.is_workday, row.name, row.source = day.is_workday, day.name, day.source
            changed.append(row)
    CalendarDay.objects.bulk_create(fresh, batch_size=500)
    for row in changed:
        row.save(update_fields=["is_workday", "name", "source", "updated_at"])
    audit_record(
        action="calendar.import",
        actor=actor,
        object_type="calendar",
        object_id=source[:100],
        data={
            "source": source,
            "created": len(fresh),
            "updated": len(changed),
            "first": min(d.date for d in days).isoformat(),
            "last": max(d.date for d in days).isoformat(),
        },
    )
    return ImportResult(created=len(fresh), updated=len(changed))
