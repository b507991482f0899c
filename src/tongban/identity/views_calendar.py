"""The operator's working-day calendar (工作日历管理): a year of month grids, single-day overrides, CSV import.

The State Council publishes each year's holidays late in the year before and chinese-calendar may lag,
so operators see at a glance which days are unknown and fill them in here. All writes go through
core.calendar's services (audited there).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from tongban.core import calendar
from tongban.core.errors import DomainError, NotFound, in_language, in_language_lazy
from tongban.identity.decorators import staff_required
from tongban.identity.forms import AccessibleForm
from tongban.identity.roles import Role

MIN_YEAR, MAX_YEAR = 2000, 2100
# Spelled out, so makemessages extracts them (a msgid in a variable is invisible to it).
WEEKDAYS_SHORT = [
    pgettext_lazy("weekday", "一"), pgettext_lazy("weekday", "二"), pgettext_lazy("weekday", "三"),
    pgettext_lazy("weekday", "四"), pgettext_lazy("weekday", "五"), pgettext_lazy("weekday", "六"),
    pgettext_lazy("weekday", "日"),
]  # fmt: skip
# 2024-01-01 was a Monday: its week gives the localised full weekday names.
WEEK_OF_MONDAY = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(7)]


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff with the operator role; other staff are told the page does not exist, visitors go to login."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.staff.has_role(Role.OPERATOR):  # type: ignore[attr-defined]
            raise Http404(_("页面不存在"))
        return view(request, *args, **kwargs)

    return wrapper


def _actor(request: HttpRequest) -> str:
    return f"staff:{request.user.get_username()}"


# --- forms -----------------------------------------------------------------------------------


class OverrideForm(AccessibleForm):
    date = forms.DateField(
        label=gettext_lazy("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": in_language_lazy("请输入有效日期，例如 2026-10-08", "Enter a valid date, e.g. 2026-10-08")
        },
    )
    is_workday = forms.TypedChoiceField(
        label=gettext_lazy("这一天"),
        choices=[("0", gettext_lazy("休息（节假日）")), ("1", gettext_lazy("上班（工作日或调休上班）"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(
        label=gettext_lazy("名称或原因"),
        max_length=100,
        help_text=gettext_lazy("例如：国庆节、调休上班、因灾临时停止办公。会写入审计日志。"),
    )

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise forms.ValidationError(
                in_language(
                    f"日期须在 {MIN_YEAR}–{MAX_YEAR} 年之间", f"The date must be between {MIN_YEAR} and {MAX_YEAR}"
                )
            )
        return day


class ImportForm(AccessibleForm):
    file = forms.FileField(
        label=gettext_lazy("CSV 文件"),
        help_text=gettext_lazy(
            "UTF-8 编码的 CSV，第一行为列名 date,is_workday,name；is_workday 填 1（上班）或 0（休息）；不超过 1 MB。"
            "有一行出错则整份文件都不导入。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(in_language_lazy("只能导入 .csv 文件", "Only .csv files can be imported"))
        if upload.size > calendar.MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                in_language_lazy(
                    "文件超过 1 MB，请拆分后再导入", "The file is larger than 1 MB; split it and import again"
                )
            )
        return upload


# --- the year ----------------------------------------------------------------------------------


def _holiday_name(day: calendar.CalendarDate) -> str:
    """The package's English name on English pages; otherwise the Chinese (or the operator's) name."""
    if day.name_en and (translation.get_language() or "").startswith("en"):
        return day.name_en
    return day.name


def _full_label(day: calendar.CalendarDate) -> str:
    """What a screen reader hears for one day: the full date, the status and where it comes from."""
    when = _("%(date)s %(weekday)s") % {
        "date": date_format(day.date, "DATE_FORMAT"),
        "weekday": date_format(day.date, "l"),
    }
    name = _holiday_name(day)
    if day.manual and name == day.reason:
        name = ""  # said once, after "运营人员调整"
    if day.kind == "workday":
        status = _("工作日")
    elif day.kind == "rest":
        status = _("休息日")
    elif day.kind == "makeup":
        status = _("调休上班（%(name)s）") % {"name": name} if name else _("调休上班（周末上班）")
    elif day.kind == "holiday":
        status = _("节假日（%(name)s）") % {"name": name} if name else _("节假日")
    else:
        status = _("未知：尚未导入这一年的节假日安排")
    if day.manual:
        status += _("；运营人员调整：%(reason)s") % {"reason": day.reason}
    elif day.source == "override":
        status += _("；来自导入文件 %(file)s") % {"file": day.origin}
    return _("%(when)s：%(status)s") % {"when": when, "status": status}


MARKS = {
    "workday": "",
    "rest": pgettext_lazy("calendar mark", "休"),
    "holiday": pgettext_lazy("calendar mark", "休"),
    "makeup": pgettext_lazy("calendar mark", "班"),
    "unknown": "?",
}


def _cell(day: calendar.CalendarDate, today: dt.date) -> dict[str, Any]:
    if day.kind == "makeup":
        label = pgettext("calendar cell", "调休上班")
    elif day.kind == "holiday":
        label = _holiday_name(day) or _("休息")
    elif day.kind == "unknown":
        label = _("未知")
    else:
        label = ""
    return {
        "date": day.date,
        "kind": day.kind,
        "mark": str(MARKS[day.kind]),
        "label": label,
        "manual": day.manual,
        "imported": day.source == "override" and not day.manual,
        "full": _full_label(day),
        "today": day.date == today,
    }


def _months(days: list[calendar.CalendarDate]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    by_month: dict[int, list[calendar.CalendarDate]] = {}
    for day in days:
        by_month.setdefault(day.date.month, []).append(day)
    months = []
    for number, month_days in sorted(by_month.items()):
        cells: list[dict[str, Any] | None] = [None] * month_days[0].date.weekday()
        cells += [_cell(d, today) for d in month_days]
        cells += [None] * (-len(cells) % 7)
        unknown = sum(d.is_workday is None for d in month_days)
        months.append(
            {
                "number": number,
                "title": date_format(month_days[0].date, "YEAR_MONTH_FORMAT"),
                "weeks": [cells[i : i + 7] for i in range(0, len(cells), 7)],
                "workdays": sum(bool(d.is_workday) for d in month_days),
                "unknown": unknown,
            }
        )
    return months


def _year_param(raw: str | None) -> tuple[int, bool]:
    """The year asked for, or this year when it is missing or not a year we show (second value: it was bad)."""
    this_year = timezone.localdate().year
    if raw is None or raw == "":
        return this_year, False
    try:
        year = int(raw)
    except ValueError:
        return this_year, True
    if not MIN_YEAR <= year <= MAX_YEAR:
        return this_year, True
    return year, False


def _page(
    request: HttpRequest,
    *,
    year: int,
    override_form: OverrideForm | None = None,
    import_form: ImportForm | None = None,
    bad_year: bool = False,
    status: int = 200,
) -> HttpResponse:
    days = calendar.calendar_year(year=year)
    unknown = sum(d.is_workday is None for d in days)
    overrides = [d for d in days if d.source == "override"]
    imported_files = sorted({d.origin for d in overrides if not d.manual})
    errored = [f for f in (override_form, import_form) if f is not None and f.errors]
    context = {
        "year": year,
        "prev_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
        "this_year": timezone.localdate().year,
        "bad_year": bad_year,
        "months": _months(days),
        "weekdays": [
            {"short": short, "full": date_format(monday, "l")}
            for short, monday in zip(WEEKDAYS_SHORT, WEEK_OF_MONDAY, strict=True)
        ],
        "unknown": unknown,
        "totals": {
            "workdays": sum(bool(d.is_workday) for d in days),
            "holidays": sum(d.kind == "holiday" for d in days),
            "makeup": sum(d.kind == "makeup" for d in days),
            "manual": sum(d.manual for d in days),
            "imported": len(overrides) - sum(d.manual for d in days),
        },
        "imported_files": imported_files,
        "overrides": overrides,
        "override_form": override_form or OverrideForm(prefix="set"),
        "import_form": import_form or ImportForm(prefix="import"),
        "form": errored[0] if errored else None,  # for the error summary at the top
        "breadcrumbs": [
            {"label": _("首页"), "url": reverse("catalog:home")},
            {"label": _("工作台"), "url": reverse("identity:backoffice")},
            {"label": _("工作日历管理"), "url": ""},
        ],
    }
    return render(request, "identity/calendar.html", context, status=status)


def _year_url(year: int, anchor: str = "") -> str:
    return f"{reverse('identity:calendar')}?year={year}{anchor}"


@operator_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    year, bad = _year_param(request.GET.get("year"))
    return _page(request, year=year, bad_year=bad)


@operator_required
def calendar_set(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("identity:calendar")
    form = OverrideForm(request.POST, prefix="set")
    year, _bad = _year_param(request.POST.get("year"))
    if form.is_valid():
        day = form.cleaned_data["date"]
        try:
            calendar.calendar_day_set(
                date=day,
                is_workday=form.cleaned_data["is_workday"],
                name=form.cleaned_data["name"],
                actor=_actor(request),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("已将 %(date)s 设为%(status)s（%(name)s）。")
                % {
                    "date": date_format(day, "DATE_FORMAT"),
                    "status": _("工作日") if form.cleaned_data["is_workday"] else _("休息日"),
                    "name": form.cleaned_data["name"].strip(),
                },
            )
            return redirect(_year_url(day.year, f"#month-{day.month}"))
    return _page(request, year=year, override_form=form, status=422)


class CappedMemoryUpload(FileUploadHandler):
    """Keeps an upload in memory up to the import limit and never on disk; past it, bytes are counted, not kept.

    The form then refuses the file by its (true) size, so a large upload costs no disk and at most 1 MB of memory.
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.size = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.size += len(raw_data)
        if self.size <= calendar.MAX_IMPORT_BYTES:
            self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


@csrf_exempt  # checked by csrf_protect below, after the upload handler is swapped in (Django's documented pattern)
@operator_required
def calendar_upload(request: HttpRequest) -> HttpResponse:
    request.upload_handlers = [CappedMemoryUpload(request)]
    return _calendar_upload(request)


@csrf_protect
def _calendar_upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("identity:calendar")
    form = ImportForm(request.POST, request.FILES, prefix="import")
    year, _bad = _year_param(request.POST.get("year"))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = calendar.calendar_import(file=upload.read(), name=upload.name, actor=_actor(request))
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                _("已导入 %(file)s：新增 %(created)s 天，更新 %(updated)s 天。")
                % {"file": upload.name, "created": result.created, "updated": result.updated},
            )
            return redirect(_year_url(year))
    return _page(request, year=year, import_form=form, status=422)


@operator_required
def calendar_delete(request: HttpRequest, day: str) -> HttpResponse:
    """GET: ask to confirm; POST: remove the override of that date."""
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404(_("页面不存在")) from None
    entry = next((d for d in calendar.calendar_year(year=date.year) if d.date == date), None)
    if entry is None or entry.source != "override":
        raise Http404(_("页面不存在"))
    if request.method == "POST":
        try:
            calendar.calendar_day_delete(date=date, actor=_actor(request))
        except NotFound:
            raise Http404(_("页面不存在")) from None
        messages.success(request, _("已删除 %(date)s 的调整记录。") % {"date": date_format(date, "DATE_FORMAT")})
        return redirect(_year_url(date.year, f"#month-{date.month}"))
    context = {
        "entry": entry,
        "year": date.year,
        "breadcrumbs": [
            {"label": _("首页"), "url": reverse("catalog:home")},
            {"label": _("工作台"), "url": reverse("identity:backoffice")},
            {"label": _("工作日历管理"), "url": _year_url(date.year)},
            {"label": _("删除调整记录"), "url": ""},
        ],
    }
    return render(request, "identity/calendar_delete.html", context)
