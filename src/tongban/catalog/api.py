"""The public catalogue API: search published items, read a full guide, list life events. No login needed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tongban.catalog import selectors
from tongban.catalog.codes import (
    CaseType,
    HandlingForm,
    ItemType,
    Level,
    LimitUnit,
    MaterialForm,
    MaterialSource,
    Necessity,
    OnlineDepth,
    Target,
)
from tongban.core.problems import problem_openapi as _problem
from tongban.core.ratelimit import client_ip, rate_limit_hit

router = Router(tags=["catalog"])

_INVALID = {"422": _problem("请求参数有误 Invalid parameters (RFC 9457 problem)")}
_LIMITED = {
    "429": {
        **_problem("请求过于频繁 Too many searches (RFC 9457 problem)"),
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
    }
}
_NOT_FOUND = {"404": _problem("未找到该事项 No published item with this code (RFC 9457 problem)")}


class ItemSummaryOut(Schema):
    code: str = Field(description="实施编码 implementation code (credit code + level + basic code)")
    basic_code: str = Field(description="基本编码 basic code")
    name: str
    name_en: str
    item_type: ItemType
    department: str = Field(description="实施部门名称")
    department_code: str = Field(description="实施部门统一社会信用代码")
    summary: str
    for_person: bool = Field(description="个人办事")
    for_legal: bool = Field(description="法人办事")
    visits: int = Field(description="到现场次数 (0 = 全程网办)")
    online_depth: OnlineDepth
    case_type: CaseType
    promised_limit_days: int
    promised_limit_unit: LimitUnit
    url: str = Field(description="办事指南页面")


class ItemListOut(Schema):
    total: int
    limit: int
    offset: int
    relaxed: bool = Field(description="true when no item matched every word and these match some words")
    items: list[ItemSummaryOut]


class LimitOut(Schema):
    days: int
    unit: LimitUnit
    note: str


class FeeOut(Schema):
    name: str
    amount: Decimal = Field(description="元 yuan")
    basis: str


class PlaceOut(Schema):
    name: str
    address: str
    hours: str
    phone: str


class MaterialOut(Schema):
    name: str
    originals: int = Field(description="原件份数")
    copies: int = Field(description="复印件份数")
    form: MaterialForm
    necessity: Necessity
    issuer: str
    source: MaterialSource
    exempt: bool = Field(description="免提交: supplied by shared data, a licence or the department itself")
    notes: str
    sample: str
    blank_form: str
    online_form: bool


class GuideOut(Schema):
    code: str
    basic_code: str
    name: str
    name_en: str
    item_type: ItemType
    level: Level
    department: str
    department_code: str
    version: int
    published_at: datetime | None
    targets: list[Target]
    handling_forms: list[HandlingForm]
    case_type: CaseType
    legal_limit: LimitOut
    promised_limit: LimitOut
    fees: list[FeeOut]
    conditions: list[str]
    legal_basis: list[str]
    places: list[PlaceOut]
    process: list[str]
    visits: int
    online_depth: OnlineDepth
    realname_level: int
    life_events: list[str]
    keywords: list[str]
    summary: str
    materials: list[MaterialOut]
    consult_phone: str
    complaint_phone: str
    result: str
    delivery: str


class LifeEventOut(Schema):
    name: str
    name_en: str
    for_legal: bool
    count: int


class ItemQuery(Schema):
    q: str = Field("", max_length=10_000, description="搜索词（中文分词，支持同义词）; longer text is cut to 64 chars")
    target: Literal["person", "legal"] | None = Field(None, description="person 个人办事 / legal 法人办事")
    life_event: str | None = Field(None, max_length=50, description="人生事件主题, e.g. 出生")
    department: str | None = Field(None, max_length=18, description="实施部门统一社会信用代码")
    limit: int = Field(20, ge=1, le=selectors.MAX_LIMIT)
    offset: int = Field(0, ge=0, le=100_000)


def _summary(hit: Any) -> ItemSummaryOut:
    return ItemSummaryOut(
        code=hit.code,
        basic_code=hit.basic_code,
        name=hit.name,
        name_en=hit.name_en,
        item_type=hit.item_type,
        department=hit.department.name,
        department_code=hit.department.credit_code,
        summary=hit.summary,
        for_person=hit.for_person,
        for_legal=hit.for_legal,
        visits=hit.visits,
        online_depth=hit.online_depth,
        case_type=hit.case_type,
        promised_limit_days=hit.promised_limit_days,
        promised_limit_unit=hit.promised_limit_unit,
        url=f"/items/{hit.code}/",
    )


@router.get(
    "/items",
    response=ItemListOut,
    summary="搜索事项 Search published service items",
    openapi_extra={"responses": {**_INVALID, **_LIMITED}},
)
def list_items(request: HttpRequest, filters: Query[ItemQuery]) -> ItemListOut:
    rate_limit_hit(bucket="search", key=client_ip(request))
    results = selectors.item_search(
        q=filters.q,
        target=filters.target,
        life_event=filters.life_event,
        department=filters.department,
        limit=filters.limit,
        offset=filters.offset,
    )
    return ItemListOut(
        total=results.total,
        limit=results.limit,
        offset=results.offset,
        relaxed=results.relaxed,
        items=[_summary(h) for h in results.hits],
    )


@router.get(
    "/items/{code}",
    response=GuideOut,
    summary="办事指南 The published guide of one item",
    description="`code` is the implementation code, or a basic code that only one department implements.",
    openapi_extra={"responses": {**_NOT_FOUND}},
)
def get_item(request: HttpRequest, code: str) -> GuideOut:
    impl = selectors.implementation_get_by_code(code)
    guide = selectors.guide_published(impl)
    return GuideOut(
        code=impl.code,
        basic_code=impl.item.basic_code,
        name=impl.item.name,
        name_en=impl.item.name_en,
        item_type=impl.item.item_type,
        level=impl.level,
        department=impl.department.name,
        department_code=impl.department.credit_code,
        version=guide.number,
        published_at=guide.published_at,
        targets=guide.targets,
        handling_forms=guide.handling_forms,
        case_type=guide.case_type,
        legal_limit=LimitOut(days=guide.legal_limit_days, unit=guide.legal_limit_unit, note=guide.legal_limit_note),
        promised_limit=LimitOut(
            days=guide.promised_limit_days, unit=guide.promised_limit_unit, note=guide.promised_limit_note
        ),
        fees=[FeeOut(**f) for f in guide.fees],
        conditions=guide.conditions,
        legal_basis=guide.legal_basis,
        places=[PlaceOut(**p) for p in guide.places],
        process=guide.process,
        visits=guide.visits,
        online_depth=guide.online_depth,
        realname_level=guide.realname_level,
        life_events=guide.life_events,
        keywords=guide.keywords,
        summary=guide.summary,
        materials=[
            MaterialOut(
                name=m.name,
                originals=m.originals,
                copies=m.copies,
                form=m.form,
                necessity=m.necessity,
                issuer=m.issuer,
                source=m.source,
                exempt=m.exempt,
                notes=m.notes,
                sample=m.sample,
                blank_form=m.blank_form,
                online_form=m.online_form,
            )
            for m in guide.materials.all()
        ],
        consult_phone=guide.consult_phone,
        complaint_phone=guide.complaint_phone,
        result=guide.result,
        delivery=guide.delivery,
    )


@router.get("/life-events", response=list[LifeEventOut], summary="人生事件主题 Life events with item counts")
def list_life_events(request: HttpRequest) -> list[LifeEventOut]:
    return [
        LifeEventOut(name=e.name, name_en=e.name_en, for_legal=e.for_legal, count=e.count)
        for e in selectors.life_event_list()
    ]
