"""/api/v1 endpoints of forms: applying in one request (POST /applications, for mobile apps and other
systems), and the backfill rate (回填率) for the back office's roles that watch it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from tongban.catalog import selectors as catalog
from tongban.core.errors import PermissionDenied
from tongban.core.problems import problem_openapi, problem_response
from tongban.forms import backfill, signals
from tongban.forms.applications import application_submit_answers
from tongban.forms.models import Channel, Submission
from tongban.forms.services import FormIncomplete
from tongban.identity import selectors as identity
from tongban.identity.models import Department, User

router = Router(tags=["forms"])

_RESPONSES = {
    "401": problem_openapi("请先登录 Authentication required (RFC 9457 problem)"),
    "403": problem_openapi("只有运营、数据管理、督办和审计人员可以查看 Staff role not allowed (RFC 9457 problem)"),
    "404": problem_openapi("未找到该部门 No department has this credit code (RFC 9457 problem)"),
    "422": problem_openapi(
        "请求参数有误：结束日期早于开始日期，或范围超过按日 400 天、按周 1098 天、按月 3660 天 "
        "Invalid parameters: end before start, or a range longer than the period allows (RFC 9457 problem)"
    ),
}


class BackfillQuery(Schema):
    period: Literal["day", "week", "month"] = Field("day", description="汇总周期：日、周（周一开始）、月")
    by: Literal["all", "form", "item", "department"] = Field("all", description="分组：全部、表单、事项、部门")
    start: date | None = Field(None, description="开始日期（本地时区），默认最近 30 天、12 周或 12 个月")
    end: date | None = Field(None, description="结束日期（含当日，本地时区），默认今天")
    department: str | None = Field(None, max_length=18, description="只看一个部门：统一社会信用代码")


class BackfillRowOut(Schema):
    bucket: date = Field(description="本期第一天（本地时区）")
    bucket_end: date = Field(description="本期最后一天")
    group: str = Field(description="分组键：all、表单 ID、事项基本编码或部门 ID")
    label: str
    label_en: str
    submissions: int
    fields_shown: int
    fields_prefilled: int
    rate: float | None = Field(description="回填率 Σ回填字段 ÷ Σ展示字段 (0–1)；本期无提交时为 null")
    mean_rate: float | None = Field(description="逐件回填率的平均值 (0–1)；本期无提交时为 null")


class BackfillSeriesOut(Schema):
    period: str
    by: str
    start: date = Field(description="按整期扩展后的开始日期")
    end: date = Field(description="按整期扩展后的结束日期")
    department: str | None = Field(description="部门统一社会信用代码；null 为全市")
    time_zone: str
    rate: float | None = Field(description="整个范围的回填率")
    rows: list[BackfillRowOut]


def _reader(request: HttpRequest) -> None:
    if not backfill.backfill_can_read(staff=identity.staff_for_user(user=request.user)):  # type: ignore[arg-type]
        raise PermissionDenied(
            "只有平台运营、数据管理员、效能督办和审计人员可以查看回填率",
            "Only operators, data stewards, supervisors and auditors can read the backfill rate",
        )


@router.get(
    "/metrics/backfill",
    response=BackfillSeriesOut,
    auth=django_auth,
    summary="回填率 Backfill rate: fields prefilled ÷ fields shown, per day, week or month",
    openapi_extra={"responses": _RESPONSES},
)
def backfill_series(request: HttpRequest, filters: Query[BackfillQuery]) -> BackfillSeriesOut:
    _reader(request)
    department: Department | None = None
    if filters.department:
        department = backfill.backfill_department_get(credit_code=filters.department)
    start, end = backfill.backfill_range_resolve(period=filters.period, start=filters.start, end=filters.end)
    rows = backfill.backfill_series(period=filters.period, by=filters.by, start=start, end=end, department=department)
    summary = backfill.backfill_summary(period=filters.period, start=start, end=end, department=department, top=0)
    return BackfillSeriesOut(
        period=filters.period,
        by=filters.by,
        start=summary.start,
        end=summary.end,
        department=department.credit_code if department else None,
        time_zone=backfill.time_zone_name(),
        rate=summary.rate,
        rows=[
            BackfillRowOut(
                bucket=r.bucket,
                bucket_end=r.bucket_end,
                group=r.group,
                label=r.label_zh,
                label_en=r.label_en,
                submissions=r.submissions,
                fields_shown=r.fields_shown,
                fields_prefilled=r.fields_prefilled,
                rate=r.rate,
                mean_rate=r.mean_rate,
            )
            for r in rows
        ],
    )


class SummaryQuery(Schema):
    period: Literal["day", "week", "month"] = Field("day", description="范围按整期扩展：日、周（周一开始）、月")
    start: date | None = Field(None, description="开始日期（本地时区），默认最近 30 天、12 周或 12 个月")
    end: date | None = Field(None, description="结束日期（含当日，本地时区），默认今天")
    department: str | None = Field(None, max_length=18, description="只看一个部门：统一社会信用代码")
    top: int = Field(3, ge=0, le=50, description="回填率最高和最低的事项各列几项")


class ItemFigureOut(Schema):
    item_code: str = Field(description="事项基本编码")
    label: str
    label_en: str
    submissions: int
    fields_shown: int
    fields_prefilled: int
    rate: float | None
    mean_rate: float | None


class BackfillSummaryOut(Schema):
    start: date
    end: date
    period: str
    department: str | None
    time_zone: str
    submissions: int
    fields_shown: int
    fields_prefilled: int
    rate: float | None
    mean_rate: float | None
    best_items: list[ItemFigureOut]
    worst_items: list[ItemFigureOut]


def _item_out(figure: backfill.GroupFigure) -> ItemFigureOut:
    return ItemFigureOut(
        item_code=figure.group,
        label=figure.label_zh,
        label_en=figure.label_en,
        submissions=figure.submissions,
        fields_shown=figure.fields_shown,
        fields_prefilled=figure.fields_prefilled,
        rate=figure.rate,
        mean_rate=figure.mean_rate,
    )


@router.get(
    "/metrics/backfill/summary",
    response=BackfillSummaryOut,
    auth=django_auth,
    summary="回填率概览 Backfill rate over a range, with the items that prefill most and least",
    openapi_extra={"responses": _RESPONSES},
)
def backfill_summary(request: HttpRequest, filters: Query[SummaryQuery]) -> BackfillSummaryOut:
    _reader(request)
    department: Department | None = None
    if filters.department:
        department = backfill.backfill_department_get(credit_code=filters.department)
    start, end = backfill.backfill_range_resolve(period=filters.period, start=filters.start, end=filters.end)
    summary = backfill.backfill_summary(
        period=filters.period, start=start, end=end, department=department, top=filters.top
    )
    return BackfillSummaryOut(
        start=summary.start,
        end=summary.end,
        period=summary.period,
        department=department.credit_code if department else None,
        time_zone=backfill.time_zone_name(),
        submissions=summary.submissions,
        fields_shown=summary.fields_shown,
        fields_prefilled=summary.fields_prefilled,
        rate=summary.rate,
        mean_rate=summary.mean_rate,
        best_items=[_item_out(f) for f in summary.best_items],
        worst_items=[_item_out(f) for f in summary.worst_items],
    )


# --- Applying in one request -------------------------------------------------------------------------

_APPLY = {
    "400": problem_openapi("请求体不是 JSON Body is not JSON (RFC 9457 problem)"),
    "401": problem_openapi("请先登录 Authentication required (RFC 9457 problem)"),
    "403": problem_openapi(
        "实名等级不够，或不是个人实名账号 Real-name level too low, or not a personal account (RFC 9457 problem)"
    ),
    "404": problem_openapi(
        "未找到该事项、事项未开通网上申请，或无权为该主体申请 Unknown item, not online, or not yours to apply for "
        "(RFC 9457 problem)"
    ),
    "409": problem_openapi("提交繁忙，请重试 Busy; submit again (RFC 9457 problem)"),
    "422": problem_openapi(
        "申请未完成：`errors` 一次列出所有问题（字段、材料、承诺） Incomplete: `errors` lists every problem at once "
        "(RFC 9457 problem)"
    ),
}


class ApplicationIn(Schema):
    item: str = Field(..., min_length=1, max_length=40, description="事项实施编码；只有一个实施主体时也可用基本编码")
    subject: str | None = Field(
        None, max_length=18, description="代办或企业申请：被代办人的身份证号或企业的统一社会信用代码；本人申请不填"
    )
    answers: dict[str, str] = Field(
        default_factory=dict, description="字段标识 → 填写内容（文本）；由共享数据预填的字段不采用所填内容"
    )
    consent: list[str] = Field(default_factory=list, description="同意写回一人一档的字段标识")
    declaration: bool = Field(..., description="申请人承诺所填内容真实、完整")
    channel: Literal["api", "mobile"] = Field("api", description="申请渠道：api（其他系统）或 mobile（移动端）")


class ApplicationOut(Schema):
    number: str = Field(description="申请编号")
    case_number: str | None = Field(description="办件编号（即申请编号）；未开立办件时为 null")
    state: str | None = Field(description="办件状态：通常为 submitted，秒批或告知承诺的事项可能已是 approved")
    item_code: str = Field(description="事项基本编码")
    item_name: str
    department: str
    channel: str
    submitted_at: datetime
    fields_shown: int
    fields_prefilled: int = Field(description="由共享数据回填的字段数")
    backfill_rate: float = Field(description="回填率：回填字段 ÷ 展示字段 (0–1)")
    written_back: list[str] = Field(description="经同意写回一人一档的字段标识")


def _receipt(submission: Submission) -> dict[str, Any]:
    about: dict[str, Any] = {}
    for _receiver, answer in signals.described.send(sender=Submission, submission=submission):
        about.update(answer or {})
    return {
        "number": submission.number,
        "case_number": about.get("case_number"),
        "state": about.get("case_state"),
        "item_code": submission.item_code,
        "item_name": submission.implementation.item.name,
        "department": submission.department.name,
        "channel": submission.channel,
        "submitted_at": submission.submitted_at,
        "fields_shown": submission.fields_shown,
        "fields_prefilled": submission.fields_prefilled,
        "backfill_rate": round(submission.backfill_rate, 4),
        "written_back": list(submission.written_back),
    }


@router.post(
    "/applications",
    response={201: ApplicationOut},
    auth=django_auth,
    summary="网上申请（一次提交） Apply in one request: answers in, the case out",
    description=(
        "开始或继续草稿、保存全部回答并提交，与逐页填写相同：共享数据预填的字段以部门数据为准，其余字段须填写。"
        "同一请求重复发送（双击、超时重试、同时发出），无论是否带 Idempotency-Key，都只产生一个申请和一个办件，"
        "返回同一结果。Starts or resumes the draft, saves every answer and submits, exactly as the pages do. "
        "The same request sent twice — with or without an Idempotency-Key — is one application and one case."
    ),
    openapi_extra={"responses": _APPLY},
)
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status | HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    implementation = catalog.implementation_get_by_code(payload.item)
    try:
        submission = application_submit_answers(
            user=user,
            implementation=implementation,
            subject=payload.subject or None,
            answers=payload.answers,
            consent=payload.consent,
            declaration=payload.declaration,
            channel=Channel.MOBILE if payload.channel == "mobile" else Channel.API,
        )
    except FormIncomplete as incomplete:
        errors = [
            {"field": key, "code": e.code, "title_zh": e.message_zh, "title_en": e.message_en}
            for key, e in incomplete.errors.items()
        ]
        return problem_response(
            status=incomplete.status, code=incomplete.code, title_zh=incomplete.message_zh,
            title_en=incomplete.message_en, request=request, errors=errors,
        )  # fmt: skip
    return Status(201, _receipt(submission))
