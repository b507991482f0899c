"""/api/v1 endpoints of cases: the applicant's cases, the department's worklist, one case, actions on
a case (a move the state does not allow is a 409 problem naming `current_state`), public progress."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.renderers import NinjaJSONEncoder
from ninja.security import django_auth

from tongban.cases import selectors, services
from tongban.cases.codes import NATIONAL_STATUS, ActedThrough, allowed_actions
from tongban.cases.materials import Deferral
from tongban.cases.models import Case
from tongban.cases.services import Actor
from tongban.core.calendar import WorkingCalendar
from tongban.core.errors import NotFound, PermissionDenied
from tongban.core.problems import problem_openapi
from tongban.core.ratelimit import client_ip, rate_limit_hit
from tongban.identity import selectors as identity
from tongban.identity.models import Staff, User

router = Router(tags=["cases"])

_READ = {
    "401": problem_openapi("请先登录 Authentication required"),
    "404": problem_openapi("未找到该办件 No such case (or not yours to see)"),
    "422": problem_openapi("请求参数有误 Invalid input"),
}
_ACT = {
    **_READ,
    "403": problem_openapi("无权办理此操作 Not allowed to take this action"),
    "409": problem_openapi(
        "当前状态不允许此操作，或办件已被他人处理 Not allowed in the current state (current_state), "
        "or changed since the given revision"
    ),
    "422": problem_openapi("请求参数有误 Invalid input"),
}


class TransitionOut(Schema):
    seq: int
    action: str
    from_state: str
    to_state: str
    actor_name: str
    channel: str
    reason: str
    at: dt.datetime


class ClockOut(Schema):
    colour: str = Field(description="green / yellow（用满 80%）/ red（到期）/ stopped（特别程序）/ none")
    used: int
    limit: int
    remaining: int
    due_on: dt.date | None


class CaseOut(Schema):
    number: str
    item_code: str
    item_name: str
    department: str
    state: str
    revision: int = Field(description="随每次状态变更加一；办理时带上，防止覆盖他人的处理")
    channel: str
    submitted_at: dt.datetime
    accepted_on: dt.date | None
    due_on: dt.date | None
    limit_days: int
    limit_unit: str
    clock: ClockOut
    allowed_actions: list[str]
    national_status: str = Field(description="全国一体化政务服务平台办件状态代码（cases/codes.py NATIONAL_STATUS）")


class CaseDetailOut(CaseOut):
    timeline: list[TransitionOut]


class CaseExchangeOut(Schema):
    """办件信息 as the national exchange carries it: codes of cases/codes.py and catalog/codes.py, dates YYYYMMDD."""

    projid: str = Field(description="办件编号")
    dataver: int = Field(description="数据版本（办件每次状态变更加一）")
    implement_code: str = Field(description="实施编码")
    item_code: str = Field(description="基本编码")
    item_name: str
    item_type: str = Field(description="事项类型代码（GB/T 39046）")
    dept_code: str = Field(description="承办部门统一社会信用代码")
    dept_name: str
    applicant_name: str
    case_type: str = Field(description="办件类型：1 即办件，2 承诺件")
    channel: str
    limit_days: int
    limit_unit: str = Field(description="G 工作日，Z 自然日")
    apply_date: str = Field(description="申请日期 YYYYMMDD")
    accept_date: str = Field(description="受理日期 YYYYMMDD，未受理为空")
    due_date: str = Field(description="办结期限 YYYYMMDD，未受理为空")
    suspended_days: int = Field(description="特别程序不计时天数")
    status: str = Field(description="办件状态代码")
    status_name: str
    step: str = Field(description="报送该状态的办件环节")
    done_result: str = Field(description="办结结果代码（0 出证办结 1 不予许可 5 退件 6 不予受理），未办结为空")
    done_date: str = Field(description="办结日期 YYYYMMDD，未办结为空")


class ProgressOut(Schema):
    number: str
    item_name: str
    department: str
    state: str
    due_on: dt.date | None
    steps: list[dict[str, Any]] = Field(description="办理环节：动作、状态、时间（不含人员信息）")


class DeferralIn(Schema):
    material_id: str = Field(description="办件所依据的办事指南中的材料 id")
    promised_by: dt.date = Field(description="承诺补交日期：今天之后、60 天之内")


class ActionIn(Schema):
    revision: int | None = Field(None, description="看到的办件版本；与当前版本不同则 409")
    reason: str = Field("", max_length=2000)
    kind: str = Field("", description="特别程序类型（suspend）")
    via: str = Field("", description="送达方式（deliver）：electronic / window / post")
    items: list[dict[str, str]] = Field(default_factory=list, description="一次性告知：[{material, problem}]")
    deferred: list[DeferralIn] = Field(default_factory=list, description="容缺受理（accept）：容缺材料及承诺补交日期")


def _row_out(
    row: selectors.CaseRow, *, calendar: WorkingCalendar | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """One case as CaseOut, in plain JSON values (strings for dates), so a list of them needs no encoder hook."""
    clock = selectors.case_clock(case=row, calendar=calendar, today=today)
    return {
        "number": row.number, "item_code": row.item_code, "item_name": row.item_name,
        "department": row.department_name, "state": row.state, "revision": row.revision, "channel": row.channel,
        "submitted_at": _DATES.default(row.submitted_at), "accepted_on": _date(row.accepted_on),
        "due_on": _date(row.due_on), "limit_days": row.limit_days, "limit_unit": row.limit_unit,
        "clock": {"colour": str(clock.colour), "used": clock.used, "limit": clock.limit, "remaining": clock.remaining,
                  "due_on": _date(clock.due_on)},
        "allowed_actions": allowed_actions(row.state), "national_status": NATIONAL_STATUS[row.state].code,
    }  # fmt: skip


_DATES = NinjaJSONEncoder()  # the API's format for a date-time, as ninja renders one


def _date(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _case_out(case: Case) -> dict[str, Any]:
    """One case with its timeline (CaseDetailOut)."""
    out = _row_out(selectors.CaseRow.of(case))
    out["timeline"] = [
        {"seq": t.seq, "action": t.action, "from_state": t.from_state, "to_state": t.to_state,
         "actor_name": t.actor_name, "channel": t.channel, "reason": t.reason, "at": t.at}
        for t in selectors.case_timeline(case=case)
    ]  # fmt: skip
    return out


def _cases_out(cases: QuerySet[Case]) -> HttpResponse:
    """A list of CaseOut, rendered as is: the rows are built here to the schema in plain JSON values (tests check
    them against the OpenAPI document); ninja's validating them again, field by field through its getter, took
    longer than reading them."""
    rows = selectors.case_rows(cases=cases)
    today = timezone.localdate()  # once for the list, as the overrides (`clocks_calendar`)
    calendar = selectors.clocks_calendar(cases=rows, today=today)
    body = json.dumps([_row_out(r, calendar=calendar, today=today) for r in rows], ensure_ascii=False)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _staff(request: HttpRequest) -> Staff | None:
    return identity.staff_for_user(user=request.user)  # type: ignore[arg-type]


def _find(request: HttpRequest, number: str) -> tuple[Case, Actor]:
    """The case and who is acting: its department's staff, a supervisor, or its applicant — else 404."""
    user: User = request.user  # type: ignore[assignment]
    staff = _staff(request)
    if staff is not None:
        case = selectors.cases_for_staff(staff=staff).filter(number=number).first()
        if case is not None:
            return case, Actor.of_staff(staff, ActedThrough.API)
    case = selectors.case_list_for_applicant(user=user).filter(number=number).first()
    person = identity.person_for_user(user=user)
    if case is None or person is None:
        raise NotFound("未找到该办件", "No such case")
    return case, Actor.of_person(person, user, ActedThrough.API)


@router.get("/cases/mine", response=list[CaseOut], auth=django_auth, summary="我的办件 The caller's cases",
            openapi_extra={"responses": _READ})  # fmt: skip
def cases_mine(request: HttpRequest) -> HttpResponse:
    return _cases_out(selectors.case_list_for_applicant(user=request.user)[:100])  # type: ignore[arg-type]


class WorklistQuery(Schema):
    state: str | None = Field(None, description="只看一种状态")


@router.get("/cases/worklist", response=list[CaseOut], auth=django_auth,
            summary="本部门在办办件，按办结期限排列 The department's open cases, nearest due date first",
            openapi_extra={"responses": {**_READ, "403": problem_openapi("只有部门工作人员 Staff only")}})  # fmt: skip
def cases_worklist(request: HttpRequest, query: Query[WorklistQuery]) -> HttpResponse:
    staff = _staff(request)
    if staff is None or staff.department_id is None:
        raise PermissionDenied("只有部门工作人员可以查看办件", "Only department staff can read the worklist")
    states = [query.state] if query.state else None
    return _cases_out(selectors.worklist(staff=staff, states=states)[:200])


@router.get("/cases/progress", response=ProgressOut, auth=None,
            summary="凭办件编号和查询码查询进度（无需登录） Progress by case number and lookup code",
            openapi_extra={"responses": {"404": problem_openapi("编号或查询码不对 No case with this number and code"),
                                         "422": problem_openapi("请求参数有误 Invalid input"),
                                         "429": problem_openapi("查询过于频繁 Too many lookups")}})  # fmt: skip
def case_progress(
    request: HttpRequest, number: str = Query(..., max_length=20), code: str = Query(..., max_length=8)
) -> dict[str, Any]:
    rate_limit_hit(bucket="progress", key=client_ip(request), limit=20, window=60)
    case = selectors.case_lookup(number=number, code=code)
    if case is None:
        raise NotFound("未找到，请核对编号和查询码", "Not found; check the number and the lookup code")
    steps = [
        {"action": t.action, "state": t.to_state, "at": t.at.isoformat()} for t in selectors.case_timeline(case=case)
    ]
    return {"number": case.number, "item_name": case.implementation.item.name, "department": case.department.name,
            "state": case.state, "due_on": case.due_on, "steps": steps}  # fmt: skip


@router.get("/cases/{number}", response=CaseDetailOut, auth=django_auth, summary="一个办件 One case",
            openapi_extra={"responses": _READ})  # fmt: skip
def case_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    case, _actor = _find(request, number)
    return _case_out(case)


@router.get("/cases/{number}/exchange", response=CaseExchangeOut, auth=django_auth,
            summary="办件信息（全国一体化政务服务平台交换格式） The case in the national exchange format",
            openapi_extra={"responses": _READ})  # fmt: skip
def case_exchange(request: HttpRequest, number: str) -> dict[str, Any]:
    case, _actor = _find(request, number)
    return selectors.case_exchange_record(case=case)


@router.post("/cases/{number}/actions/{action}", response=CaseDetailOut, auth=django_auth,
             summary="办理一个动作 Take one action on a case", openapi_extra={"responses": _ACT})  # fmt: skip
def case_act(request: HttpRequest, number: str, action: str, payload: ActionIn) -> dict[str, Any]:
    case, actor = _find(request, number)
    services.case_act(
        case_id=case.pk, action=action, actor=actor, reason=payload.reason, revision=payload.revision,
        kind=payload.kind, via=payload.via, items=payload.items,
        deferred=[Deferral(material_id=d.material_id, promised_by=d.promised_by) for d in payload.deferred],
    )  # fmt: skip
    case.refresh_from_db()
    return _case_out(case)
