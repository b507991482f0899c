"""POST /api/v1/exchange/pull: a consumer department's staff read a subject's elements through the hub."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.security import django_auth

from tongban.core.errors import PermissionDenied
from tongban.core.problems import problem_openapi
from tongban.exchange import services, verify
from tongban.identity import selectors as identity

router = Router(tags=["exchange"])


class PullIn(Schema):
    subject: str  # ID number or unified social credit code
    elements: list[str]
    purpose: str
    case: str = ""


class ValueOut(Schema):
    code: str
    name: str
    value: str
    display: str
    source_department: str
    source_record_id: str
    as_of: datetime
    trust_level: str
    conflict: bool


class UnavailableOut(Schema):
    code: str
    name: str
    reason_zh: str
    reason_en: str


class PullOut(Schema):
    values: list[ValueOut]
    unavailable: list[UnavailableOut]


@router.post(
    "/exchange/pull",
    response=PullOut,
    auth=django_auth,
    summary="共享调用 Pull a subject's data elements through the hub",
    openapi_extra={
        "responses": {
            "401": problem_openapi("请先登录 Authentication required"),
            "403": problem_openapi("无共享授权、授权过期或已撤销 No, expired or revoked grant"),
            "404": problem_openapi("库中没有该主体 Unknown subject"),
            "422": problem_openapi("请求参数有误 Invalid input"),
        }
    },
)
def pull(request: HttpRequest, payload: PullIn) -> PullOut:
    staff = identity.staff_for_user(user=request.user)  # type: ignore[arg-type]
    if staff is None or staff.department is None or not staff.active:
        raise PermissionDenied("只有部门工作人员可以调用共享数据", "Only department staff can pull shared data")
    result = services.exchange_pull(
        subject=payload.subject,
        element_codes=payload.elements,
        consumer=staff.department,
        purpose=payload.purpose,
        case=payload.case,
        actor=f"staff:{staff.pk}",
    )
    return PullOut(
        values=[
            ValueOut(
                code=v.code,
                name=v.name,
                value=v.text,
                display=v.display,
                source_department=v.source_department,
                source_record_id=v.source_record_id,
                as_of=v.as_of,
                trust_level=v.trust_level,
                conflict=v.conflict,
            )
            for v in result.values.values()
        ],
        unavailable=[
            UnavailableOut(code=u.code, name=u.name, reason_zh=u.reason_zh, reason_en=u.reason_en)
            for u in result.unavailable
        ],
    )


class PredicateVerifyIn(Schema):
    subject: str  # ID number or unified social credit code
    predicate: str  # a registered predicate code, e.g. age_at_least
    params: dict[str, Any] = {}
    purpose: str
    case: str


class PredicateVerifyOut(Schema):
    result: Literal["true", "false", "undetermined"]
    evidence_id: int
    as_of: datetime | None


@router.post(
    "/verify",
    response=PredicateVerifyOut,
    auth=django_auth,
    summary="核验（可用不可见）Verify a predicate about a subject without revealing the value",
    openapi_extra={
        "responses": {
            "400": problem_openapi("核验条件未登记或参数有误 Unregistered or malformed predicate or parameters"),
            "401": problem_openapi("请先登录 Authentication required"),
            "403": problem_openapi("无共享授权、授权过期或已撤销 No, expired or revoked grant"),
            "422": problem_openapi("请求参数有误 Invalid input"),
            "429": problem_openapi("调用过于频繁或今日配额已用完 Rate limited or daily quota used up"),
        }
    },
)
def verify_predicate(request: HttpRequest, payload: PredicateVerifyIn) -> HttpResponse:
    """PredicateVerifyOut written as is (three plain values; the tests check it against the OpenAPI document): every
    verify call answers here, and ninja's validating the answer again cost a tenth of the call."""
    answer = verify.verify_answer_for_user(
        user=request.user,  # type: ignore[arg-type]
        subject=payload.subject,
        predicate_code=payload.predicate,
        params=payload.params,
        purpose=payload.purpose,
        case=payload.case,
    )
    as_of = answer.as_of.isoformat().replace("+00:00", "Z") if answer.as_of else None  # as pydantic writes UTC
    body = json.dumps({"result": answer.result, "evidence_id": answer.evidence_id, "as_of": as_of})
    return HttpResponse(body, content_type="application/json; charset=utf-8")
