"""The backfill rate (回填率, issue 4 part 5): fields prefilled ÷ fields shown, from finished submissions.

Figures are read from `Submission` rows, grouped by form, item or department, and bucketed by local day,
week (starting Monday) or month in settings.TIME_ZONE. Bucketing runs in the database (Trunc with the
zone), the same on PostgreSQL and SQLite. Two rates per bucket:

- `rate`: Σ prefilled ÷ Σ shown over the bucket — weighted by form size, the headline figure;
- `mean_rate`: the mean of each submission's own rate — what a typical applicant saw. A submission that
  showed no fields has no rate of its own and is left out of the mean (it adds nothing to either sum).

The requested range is widened to whole buckets (a weekly series starting on a Wednesday starts on that
Monday), so every bucket is complete and the summary of the same range adds up to the series. Buckets with
no submissions are present with zero counts and no rate (None, "—"), so a chart's time axis is continuous
but never shows an empty day as 0 %.

The figures are aggregates without personal data; the staff roles that may read them see the whole city
and may narrow to one department.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, DateField, F, FloatField, QuerySet, Sum
from django.db.models.functions import Cast, NullIf, Trunc
from django.utils import timezone, translation

from tongban.catalog.models import Item
from tongban.core.errors import InvalidInput, NotFound
from tongban.forms.models import FormDefinition, Submission
from tongban.identity.models import Department, Staff
from tongban.identity.roles import Role

Period = Literal["day", "week", "month"]
GroupBy = Literal["all", "form", "item", "department"]
PERIODS: tuple[str, ...] = get_args(Period)
GROUPINGS: tuple[str, ...] = get_args(GroupBy)

# Longest range per period (days), and most rows one series may have (groups × buckets).
MAX_DAYS: dict[str, int] = {"day": 400, "week": 3 * 366, "month": 10 * 366}
MAX_ROWS = 20_000
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
# Default ranges when a caller gives none: the last 30 days, 12 weeks or 12 months up to today.
DEFAULT_BUCKETS: dict[str, int] = {"day": 30, "week": 12, "month": 12}

ALL_KEY = "all"

# Who may read the figures (page and API): platform operators, data stewards, supervisors and auditors.
BACKFILL_ROLES = (Role.OPERATOR, Role.STEWARD, Role.SUPERVISOR, Role.AUDITOR)


def backfill_can_read(*, staff: Staff | None) -> bool:
    return staff is not None and any(staff.has_role(role) for role in BACKFILL_ROLES)


@dataclass(frozen=True)
class BackfillRow:
    """One group in one bucket. `bucket` is the first local day of the bucket, `bucket_end` the last."""

    bucket: date
    bucket_end: date
    group: str
    label_zh: str
    label_en: str
    submissions: int
    fields_shown: int
    fields_prefilled: int
    rate: float | None  # Σ prefilled ÷ Σ shown; None when nothing was shown
    mean_rate: float | None  # mean of the per-submission rates; None without submissions

    @property
    def label(self) -> str:
        return _in_language(self.label_zh, self.label_en)


@dataclass(frozen=True)
class GroupFigure:
    """Totals for one group (an item, say) over a whole range."""

    group: str
    label_zh: str
    label_en: str
    submissions: int
    fields_shown: int
    fields_prefilled: int
    rate: float | None
    mean_rate: float | None

    @property
    def label(self) -> str:
        return _in_language(self.label_zh, self.label_en)


@dataclass(frozen=True)
class BackfillSummary:
    """Totals over a range (widened to whole buckets of `period`) and the items with the best and worst rates."""

    start: date
    end: date
    period: str
    submissions: int
    fields_shown: int
    fields_prefilled: int
    rate: float | None
    mean_rate: float | None
    best_items: list[GroupFigure] = field(default_factory=list)
    worst_items: list[GroupFigure] = field(default_factory=list)


def format_percent(value: float | None) -> str:
    """0.7634 → "76.3%"; no rate → "—"."""
    return "—" if value is None else f"{value * 100:.1f}%"


# --- ranges and buckets --------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def bucket_start(day: date, *, period: Period) -> date:
    """The first local day of the bucket holding `day` (weeks start on Monday)."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def bucket_end(day: date, *, period: Period) -> date:
    """The last local day of the bucket holding `day`."""
    if period == "week":
        return bucket_start(day, period=period) + timedelta(days=6)
    if period == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def _next_bucket(day: date, *, period: Period) -> date:
    return bucket_end(day, period=period) + timedelta(days=1)


def bucket_list(*, period: Period, start: date, end: date) -> list[date]:
    """First days of every bucket from the one holding `start` to the one holding `end`."""
    buckets = []
    current = bucket_start(start, period=period)
    while current <= end:
        buckets.append(current)
        current = _next_bucket(current, period=period)
    return buckets


def backfill_default_range(*, period: Period, today: date | None = None) -> tuple[date, date]:
    """The last 30 days, 12 weeks or 12 months up to and including today (local)."""
    _check_choice(period=period, by="all")
    end = today or timezone.localdate()
    if period == "day":
        return end - timedelta(days=DEFAULT_BUCKETS["day"] - 1), end
    first = bucket_start(end, period=period)
    for _ in range(DEFAULT_BUCKETS[period] - 1):
        first = bucket_start(first - timedelta(days=1), period=period)
    return first, end


def backfill_range_resolve(*, period: Period, start: date | None, end: date | None) -> tuple[date, date]:
    """The range asked for, with the default range filling in whatever was left out (end: today)."""
    end = end or timezone.localdate()
    if start is not None:
        return start, end
    try:
        return backfill_default_range(period=period, today=end)[0], end
    except OverflowError:  # an end date so early that the default range would begin before year 1
        raise InvalidInput(
            "结束日期过早，请选择开始日期", "The end date is too early; give a start date", field="end", value=str(end)
        ) from None


def time_zone_name() -> str:
    """The zone that days, weeks and months are counted in (settings.TIME_ZONE)."""
    return str(settings.TIME_ZONE)


def _check_choice(*, period: str, by: str) -> None:
    if period not in PERIODS:
        raise InvalidInput(
            "汇总周期只能是日、周或月", "The period must be day, week or month", field="period", value=period
        )
    if by not in GROUPINGS:
        raise InvalidInput(
            "分组方式只能是全部、表单、事项或部门",
            "Group by all, form, item or department",
            field="by",
            value=by,
        )


def backfill_range_check(*, period: Period, start: date, end: date) -> tuple[date, date]:
    """Check a requested range and widen it to whole buckets; InvalidInput (zh/en) if it cannot be used."""
    _check_choice(period=period, by="all")
    if not (EARLIEST <= start <= LATEST):
        raise InvalidInput(
            f"开始日期须在 {EARLIEST.year} 年至 {LATEST.year} 年之间",
            f"The start date must be between {EARLIEST.year} and {LATEST.year}",
            field="start",
        )
    if not (EARLIEST <= end <= LATEST):
        raise InvalidInput(
            f"结束日期须在 {EARLIEST.year} 年至 {LATEST.year} 年之间",
            f"The end date must be between {EARLIEST.year} and {LATEST.year}",
            field="end",
        )
    if end < start:
        raise InvalidInput("结束日期不能早于开始日期", "The end date cannot be before the start date", field="end")
    days = (end - start).days + 1
    limit = MAX_DAYS[period]
    if days > limit:
        zh = {"day": "按日", "week": "按周", "month": "按月"}[period]
        en = {"day": "Daily", "week": "Weekly", "month": "Monthly"}[period]
        raise InvalidInput(
            f"{zh}汇总时时间范围最多 {limit} 天（现为 {days} 天），请缩短范围或改用更长的汇总周期",
            f"{en} figures cover at most {limit} days (this range has {days}); shorten it or choose a longer period",
            field="start",
            max_days=limit,
        )
    return bucket_start(start, period=period), bucket_end(end, period=period)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=_zone())


# --- queries --------------------------------------------------------------------------------------


def _submissions(*, start: date, end: date, department: Department | None) -> QuerySet[Submission]:
    qs = Submission.objects.filter(
        submitted_at__gte=_local_midnight(start), submitted_at__lt=_local_midnight(end + timedelta(days=1))
    )
    if department is not None:
        qs = qs.filter(department=department)
    return qs.order_by()  # no Meta.ordering in the GROUP BY


_GROUP_FIELD = {"form": "version__definition_id", "item": "item_code", "department": "department_id"}


def _aggregates() -> dict[str, Any]:
    own_rate = Cast("fields_prefilled", FloatField()) / Cast(NullIf(F("fields_shown"), 0), FloatField())
    return {
        "n": Count("pk"),
        "shown": Sum("fields_shown"),
        "prefilled": Sum("fields_prefilled"),
        "mean": Avg(own_rate),
    }


def _labels(*, by: GroupBy, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Group key → (Chinese label, English label)."""
    keys = list(keys)
    if by == "all":
        return {ALL_KEY: ("全部", "All")}
    if by == "department":
        return {str(d.pk): (d.name, d.name_en or d.name) for d in Department.objects.filter(pk__in=keys)}
    if by == "item":
        return {i.basic_code: (i.name, i.name_en or i.name) for i in Item.objects.filter(basic_code__in=keys)}
    labels = {}
    for definition in FormDefinition.objects.filter(pk__in=keys).select_related("item"):
        item_en = definition.item.name_en
        labels[str(definition.pk)] = (definition.name, f"{item_en} application form" if item_en else definition.name)
    return labels


def _ratio(prefilled: int, shown: int) -> float | None:
    return prefilled / shown if shown else None


def backfill_series(
    *,
    period: Period,
    by: GroupBy = "all",
    start: date,
    end: date,
    department: Department | None = None,
) -> list[BackfillRow]:
    """The backfill rate per bucket and group, every bucket in the range present (zero when empty).

    Rows are ordered by bucket, then by group: groups with more submissions over the range first.
    Only groups with at least one submission in the range appear.
    """
    _check_choice(period=period, by=by)
    first, last = backfill_range_check(period=period, start=start, end=end)
    buckets = bucket_list(period=period, start=first, end=last)
    qs = _submissions(start=first, end=last, department=department)
    group_field = _GROUP_FIELD.get(by)
    values: dict[str, Any] = {"bucket": Trunc("submitted_at", period, output_field=DateField(), tzinfo=_zone())}
    if group_field:
        values["key"] = F(group_field)
    found: dict[tuple[date, str], dict[str, Any]] = {}
    totals: dict[str, int] = {}
    for row in qs.values(**values).annotate(**_aggregates()):
        key = str(row["key"]) if group_field else ALL_KEY
        day = row["bucket"].date() if isinstance(row["bucket"], datetime) else row["bucket"]
        found[(day, key)] = row
        totals[key] = totals.get(key, 0) + row["n"]
    if by == "all":
        totals.setdefault(ALL_KEY, 0)
    if len(totals) * len(buckets) > MAX_ROWS:
        raise InvalidInput(
            "数据量过大：请缩短时间范围、改用更长的汇总周期或只看一个部门",
            "Too many figures: shorten the range, choose a longer period or pick one department",
            field="start",
        )
    labels = _labels(by=by, keys=totals)
    order = sorted(totals, key=lambda k: (-totals[k], labels.get(k, (k, k))[0], k))
    rows = []
    for bucket in buckets:
        for key in order:
            data = found.get((bucket, key))
            zh, en = labels.get(key, (key, key))
            shown = int(data["shown"]) if data else 0
            prefilled = int(data["prefilled"]) if data else 0
            rows.append(
                BackfillRow(
                    bucket=bucket,
                    bucket_end=bucket_end(bucket, period=period),
                    group=key,
                    label_zh=zh,
                    label_en=en,
                    submissions=int(data["n"]) if data else 0,
                    fields_shown=shown,
                    fields_prefilled=prefilled,
                    rate=_ratio(prefilled, shown),
                    mean_rate=data["mean"] if data else None,
                )
            )
    return rows


def backfill_groups(
    *, by: GroupBy, start: date, end: date, period: Period = "day", department: Department | None = None
) -> list[GroupFigure]:
    """Totals per group over the whole range (widened to whole buckets of `period`), most submissions first."""
    _check_choice(period=period, by=by)
    first, last = backfill_range_check(period=period, start=start, end=end)
    qs = _submissions(start=first, end=last, department=department)
    group_field = _GROUP_FIELD.get(by)
    rows = list(qs.values(key=F(group_field)).annotate(**_aggregates())) if group_field else []
    if not group_field:
        totals = qs.aggregate(**_aggregates())
        rows = [{"key": ALL_KEY, **totals}] if totals["n"] else []
    labels = _labels(by=by, keys=(str(r["key"]) for r in rows))
    figures = []
    for row in rows:
        key = str(row["key"])
        zh, en = labels.get(key, (key, key))
        shown, prefilled = int(row["shown"] or 0), int(row["prefilled"] or 0)
        figures.append(
            GroupFigure(
                group=key,
                label_zh=zh,
                label_en=en,
                submissions=int(row["n"]),
                fields_shown=shown,
                fields_prefilled=prefilled,
                rate=_ratio(prefilled, shown),
                mean_rate=row["mean"],
            )
        )
    figures.sort(key=lambda f: (-f.submissions, f.label_zh, f.group))
    return figures


def backfill_summary(
    *,
    start: date,
    end: date,
    period: Period = "day",
    department: Department | None = None,
    top: int = 3,
    min_submissions: int = 1,
) -> BackfillSummary:
    """Overall figures for a range and the `top` items with the highest and the lowest weighted rate.

    Items with fewer than `min_submissions` submissions, or that showed no fields, are not ranked. An item
    is listed among the worst only if it is not already among the best (so a city with two items never
    shows the same item twice).
    """
    first, last = backfill_range_check(period=period, start=start, end=end)
    overall = _submissions(start=first, end=last, department=department).aggregate(**_aggregates())
    shown, prefilled = int(overall["shown"] or 0), int(overall["prefilled"] or 0)
    ranked = backfill_groups(by="item", start=first, end=last, period=period, department=department) if top else []
    items = [f for f in ranked if f.rate is not None and f.submissions >= min_submissions]
    best = sorted(items, key=lambda f: (-(f.rate or 0), -f.submissions, f.group))[:top]
    chosen = {f.group for f in best}
    worst = [f for f in sorted(items, key=lambda f: (f.rate or 0, -f.submissions, f.group)) if f.group not in chosen]
    return BackfillSummary(
        start=first,
        end=last,
        period=period,
        submissions=int(overall["n"]),
        fields_shown=shown,
        fields_prefilled=prefilled,
        rate=_ratio(prefilled, shown),
        mean_rate=overall["mean"],
        best_items=best,
        worst_items=worst[:top],
    )


def backfill_departments() -> list[Department]:
    """Departments that have received at least one submission (the choices of the department filter)."""
    ids = Submission.objects.order_by().values("department_id").distinct()
    return list(Department.objects.filter(pk__in=ids).order_by("name"))


def backfill_department_get(*, credit_code: str) -> Department:
    """A department by its unified social credit code, for the filter; NotFound if there is none."""
    department = Department.objects.filter(credit_code=(credit_code or "").strip().upper()[:18]).first()
    if department is None:
        raise NotFound("未找到该部门", "No department has this credit code", field="department")
    return department


def _in_language(zh: str, en: str) -> str:
    return en if (translation.get_language() or "").startswith("en") else zh
