"""The back office's backfill-rate page (回填率): a line chart over time and the same figures in a table."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tongban.core.errors import DomainError
from tongban.forms import backfill
from tongban.identity.decorators import staff_required
from tongban.identity.forms import AccessibleForm
from tongban.identity.models import Staff

# The chart draws at most this many groups (those with the most submissions); the table has them all.
CHART_GROUPS = 8

CHOICE_ERROR = {"invalid_choice": "请从列表中选择 / Choose one of the options"}
DATE_ERROR = "请按 年-月-日 填写日期，如 2026-03-01 / Enter a date as year-month-day, e.g. 2026-03-01"


class _GroupId:
    """A radio group's own id (its fieldset's), so the error summary links to the group."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return id_ if index is None else f"{id_}_{index}"


class _Radios(_GroupId, forms.RadioSelect):
    pass


class _Date(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class BackfillFilterForm(AccessibleForm):
    period = forms.ChoiceField(
        label=gettext_lazy("汇总周期"),
        choices=[
            ("day", pgettext_lazy("backfill", "日")),
            ("week", pgettext_lazy("backfill", "周")),
            ("month", pgettext_lazy("backfill", "月")),
        ],
        widget=_Radios,
        error_messages=CHOICE_ERROR,
    )
    by = forms.ChoiceField(
        label=gettext_lazy("分组"),
        choices=[
            ("all", pgettext_lazy("backfill", "全部")),
            ("form", pgettext_lazy("backfill", "表单")),
            ("item", pgettext_lazy("backfill", "事项")),
            ("department", pgettext_lazy("backfill", "部门")),
        ],
        required=False,  # a filter always has a value: the defaults fill in what is left empty
        error_messages=CHOICE_ERROR,
    )
    start = forms.DateField(
        label=gettext_lazy("开始日期"),
        required=False,
        widget=_Date(),
        error_messages={"invalid": DATE_ERROR, "required": DATE_ERROR},
    )
    end = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        widget=_Date(),
        error_messages={"invalid": DATE_ERROR, "required": DATE_ERROR},
    )
    department = forms.ChoiceField(label=pgettext_lazy("backfill", "部门"), required=False, error_messages=CHOICE_ERROR)

    def __init__(self, *args: Any, departments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ChoiceField)
        department.choices = [("", _("全部部门")), *departments]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if self.errors:
            return data
        try:
            backfill.backfill_range_check(period=data["period"], start=data["start"], end=data["end"])
        except DomainError as error:
            self.add_domain_error(error)
        return data


def _reader(request: HttpRequest) -> Staff:
    """Operators, stewards, supervisors and auditors; other staff get a 404 like other back-office pages."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    if not backfill.backfill_can_read(staff=staff):
        raise Http404
    return staff


def _with_defaults(query: QueryDict) -> dict[str, str]:
    """The filter as asked, the default range filling in missing dates (last 30 days, 12 weeks or 12 months)."""
    data = {key: query.get(key, "") for key in ("period", "by", "start", "end", "department")}
    data["period"] = data["period"] or "day"
    data["by"] = data["by"] or "all"
    period = data["period"] if data["period"] in backfill.PERIODS else "day"
    today = timezone.localdate()
    if not data["end"]:
        data["end"] = today.isoformat()
    if not data["start"]:
        try:
            end = date.fromisoformat(data["end"])
        except ValueError:
            end = today
        data["start"] = backfill.backfill_default_range(period=period, today=end)[0].isoformat()  # type: ignore[arg-type]
    return data


def _bucket_label(row: backfill.BackfillRow, period: str) -> str:
    if period == "month":
        return f"{row.bucket:%Y-%m}"
    if period == "week":
        return _("%(start)s 至 %(end)s") % {"start": f"{row.bucket:%Y-%m-%d}", "end": f"{row.bucket_end:%Y-%m-%d}"}
    return f"{row.bucket:%Y-%m-%d}"


def _axis_label(bucket: date, period: str) -> str:
    if period == "month":
        return f"{bucket:%Y-%m}"
    return f"{bucket:%m-%d}" if period == "day" else _("%(date)s 起") % {"date": f"{bucket:%m-%d}"}


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _chart(rows: list[backfill.BackfillRow], period: str) -> dict[str, Any]:
    """Categories (buckets) and one line per group; the groups with most submissions when there are many."""
    buckets = sorted({r.bucket for r in rows})
    groups: list[str] = []
    for r in rows:  # rows come ordered by bucket, then by group (most submissions first)
        if r.group not in groups:
            groups.append(r.group)
    shown = groups[:CHART_GROUPS]
    by_key = {(r.bucket, r.group): r for r in rows}
    labels = {r.group: r.label for r in rows}
    series = [{"name": labels[g], "data": [_percent(by_key[(b, g)].rate) for b in buckets]} for g in shown]
    return {
        "categories": [_axis_label(b, period) for b in buckets],
        "series": series,
        "gaps": any(value is None for s in series for value in s["data"]),
        "yName": _("回填率（%）"),
        "noData": _("无提交"),
        "hidden": len(groups) - len(shown),
    }


@staff_required
def backfill_page(request: HttpRequest) -> HttpResponse:
    _reader(request)
    departments = backfill.backfill_departments()
    form = BackfillFilterForm(_with_defaults(request.GET), departments=[(d.credit_code, d.name) for d in departments])
    context: dict[str, Any] = {
        "form": form,
        "breadcrumbs": [
            {"label": _("首页"), "url": reverse("catalog:home")},
            {"label": _("工作台"), "url": reverse("identity:backoffice")},
            {"label": _("回填率"), "url": ""},
        ],
        "time_zone": backfill.time_zone_name(),
    }
    if not form.is_valid():
        return render(request, "forms/backfill.html", context, status=422)
    data = form.cleaned_data
    department = next((d for d in departments if d.credit_code == data["department"]), None)
    period, by = data["period"], data["by"]
    try:
        rows = backfill.backfill_series(
            period=period, by=by, start=data["start"], end=data["end"], department=department
        )
        summary = backfill.backfill_summary(period=period, start=data["start"], end=data["end"], department=department)
    except DomainError as error:
        form.add_domain_error(error)
        return render(request, "forms/backfill.html", context, status=422)
    context.update(
        {
            "period": period,
            "by": by,
            "department": department,
            "summary": summary,
            "rate": backfill.format_percent(summary.rate),
            "mean_rate": backfill.format_percent(summary.mean_rate),
            "best": [(f, backfill.format_percent(f.rate)) for f in summary.best_items],
            "worst": [(f, backfill.format_percent(f.rate)) for f in summary.worst_items],
            "rows": [
                {
                    "period": _bucket_label(r, period),
                    "group": r.label,
                    "submissions": r.submissions,
                    "shown": r.fields_shown,
                    "prefilled": r.fields_prefilled,
                    "rate": backfill.format_percent(r.rate),
                    "mean_rate": backfill.format_percent(r.mean_rate),
                    "empty": r.submissions == 0,
                }
                for r in rows
            ],
            "chart": _chart(rows, period),
            "period_label": dict(form.fields["period"].choices)[period],  # type: ignore[attr-defined]
            "by_label": dict(form.fields["by"].choices)[by],  # type: ignore[attr-defined]
        }
    )
    return render(request, "forms/backfill.html", context)
