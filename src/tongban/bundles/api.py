"""The bundles API: published bundles with their measured reduction, and the guide composed for answers
(the situational guide of 一件事一次办) — public, like the catalogue; and the operator's draft and publish."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.security import django_auth

from tongban.bundles import selectors, services
from tongban.bundles.checks import Problem
from tongban.bundles.merge import Composition, answers_kept
from tongban.bundles.models import BundleKind
from tongban.bundles.reduction import Reduction, reduction_of
from tongban.bundles.schema import BundleSpec
from tongban.core.errors import InvalidInput, PermissionDenied
from tongban.core.problems import problem_openapi as _problem
from tongban.identity.selectors import staff_for_user

router = Router(tags=["bundles"])

_NOT_FOUND = {"404": _problem("未找到该一件事 No published bundle with this code (RFC 9457 problem)")}
_INVALID = {
    "400": _problem("请求体不是 JSON Body is not JSON (RFC 9457 problem)"),
    "422": _problem("请求参数有误 Invalid parameters (RFC 9457 problem)"),
}
_UNAVAILABLE = {"409": _problem("有事项暂停办理 An item of the bundle is unavailable (RFC 9457 problem)")}


class MeasureOut(Schema):
    separately: int = Field(description="逐项办理 items done one by one")
    bundled: int = Field(description="一件事办理 as the bundle")
    saved: int


class ReductionOut(Schema):
    items: int
    materials: MeasureOut = Field(description="需提交的材料 materials to hand in")
    form_fields: MeasureOut = Field(description="需填写的表单字段 form fields asked")
    visits: MeasureOut = Field(description="到现场次数 visits")
    steps: MeasureOut = Field(description="办理环节 steps (as the bundle: along the longest chain)")
    promised_days: MeasureOut = Field(description="承诺时限 promised days (as the bundle: the critical path)")
    critical_path: list[str] = Field(description="item keys along the critical path, upstream first")


class BundleSummaryOut(Schema):
    code: str
    name: str
    name_en: str
    kind: BundleKind
    version: int
    available: bool = Field(description="false while an item has no published guide (the reduction is then absent)")
    reduction: ReductionOut | None


class OptionOut(Schema):
    key: str
    label: str
    label_en: str
    items: list[str]


class QuestionOut(Schema):
    key: str
    text: str
    text_en: str
    multiple: bool
    requires: str = Field(description="question.option that must be chosen first, or empty")
    options: list[OptionOut]


class ItemOut(Schema):
    key: str
    name: str
    name_en: str
    code: str = Field(description="实施编码 implementation code")
    department: str
    core: bool
    upstream: list[str] = Field(description="items whose result this one needs")
    promised_days: int
    result: str


class BundleOut(BundleSummaryOut):
    description: str
    description_en: str
    life_event: str
    items: list[ItemOut]
    questions: list[QuestionOut]


class GuideIn(Schema):
    answers: dict[str, str | list[str]] = Field(
        max_length=50, description="question key → option key (a list if multiple); {} before any answer"
    )
    values: dict[str, str] = Field(
        default_factory=dict,
        max_length=500,
        description="form values typed so far, by merged field key: those still asked come back in `kept`",
    )


class FieldOut(Schema):
    key: str
    label: str
    label_en: str
    type: str
    required: bool
    listed: str = Field(description="sharing 共享清单 (bound: prefilled when the hub holds it) / collection 采集清单")
    asked: bool
    element: str
    role: str
    filled_by: list[str] = Field(description="upstream items whose result fills it")
    items: list[str] = Field(description="items that receive it")


class BundleMaterialOut(Schema):
    name: str
    way: str = Field(description="exempt 免提交 / pledge 告知承诺 / applicant 申请人提交")
    necessity: str
    items: list[str]
    exempt_because: list[str]


class BundleGuideOut(Schema):
    asked: list[str] = Field(description="questions to ask now, in order")
    answers: dict[str, list[str]] = Field(description="the answers that count")
    unanswered: list[str]
    items: list[ItemOut]
    fields: list[FieldOut]
    materials: list[BundleMaterialOut]
    kept: dict[str, str]
    reduction: ReductionOut


def _reduction(r: Reduction) -> ReductionOut:
    measures = {k: MeasureOut(separately=m.separately, bundled=m.bundled, saved=m.saved) for k, m in r.measures.items()}
    return ReductionOut(items=r.items, critical_path=list(r.critical_path), **measures)


def _items(composition: Composition) -> list[ItemOut]:
    return [
        ItemOut(
            key=i.node.key,
            name=i.node.name,
            name_en=i.node.name_en,
            code=i.node.code,
            department=i.node.department,
            core=i.node.core,
            upstream=list(i.upstream),
            promised_days=i.node.promised_days,
            result=i.node.result,
        )
        for i in composition.items
    ]


def _summary(bundle: Any) -> dict[str, Any]:
    version = selectors.bundle_version_published(bundle=bundle)
    try:
        reduction: ReductionOut | None = _reduction(selectors.bundle_reduction(version=version))
    except selectors.BundleItemUnavailable:
        reduction = None  # one bundle with an item withdrawn does not hide the others
    return {
        "code": bundle.code,
        "name": bundle.name,
        "name_en": bundle.name_en,
        "kind": bundle.kind,
        "version": version.number,
        "available": reduction is not None,
        "reduction": reduction,
    }


@router.get("/bundles", response=list[BundleSummaryOut], summary="一件事 Published bundles with their reduction")
def list_bundles(request: HttpRequest) -> list[BundleSummaryOut]:
    return [BundleSummaryOut(**_summary(b)) for b in selectors.bundle_list()]


@router.get(
    "/bundles/{code}",
    response=BundleOut,
    summary="一件事 One published bundle: items, situational questions, reduction",
    openapi_extra={"responses": {**_NOT_FOUND, **_UNAVAILABLE}},
)
def get_bundle(request: HttpRequest, code: str) -> BundleOut:
    bundle = selectors.bundle_get(code=code)
    version = selectors.bundle_version_published(bundle=bundle)
    everything = selectors.bundle_guide(version=version, answers=None)
    questions = everything.definition.questions
    return BundleOut(
        **_summary(bundle),
        description=bundle.description,
        description_en=bundle.description_en,
        life_event=bundle.life_event,
        items=_items(everything),
        questions=[
            QuestionOut(
                key=q.key,
                text=q.text,
                text_en=q.text_en,
                multiple=q.multiple,
                requires=".".join(q.requires) if q.requires else "",
                options=[
                    OptionOut(key=o.key, label=o.label, label_en=o.label_en, items=list(o.nodes)) for o in q.options
                ],
            )
            for q in questions
        ],
    )


@router.post(
    "/bundles/{code}/guide",
    response=BundleGuideOut,
    summary="定制指南 The guide composed for these answers: items, one form, one set of materials",
    openapi_extra={"responses": {**_NOT_FOUND, **_INVALID, **_UNAVAILABLE}},
)
def compose_guide(request: HttpRequest, code: str, payload: GuideIn) -> BundleGuideOut:
    version = selectors.bundle_version_published(bundle=selectors.bundle_get(code=code))
    composition = selectors.bundle_guide(version=version, answers=payload.answers)
    chosen = composition.situation
    return BundleGuideOut(
        asked=[q.key for q in chosen.asked],
        answers={k: list(v) for k, v in chosen.answers.items()},
        unanswered=list(chosen.unanswered),
        items=_items(composition),
        fields=[
            FieldOut(
                key=f.key,
                label=f.label,
                label_en=f.label_en,
                type=f.type,
                required=f.required,
                listed=f.list,
                asked=f.asked,
                element=f.element,
                role=f.role,
                filled_by=list(f.filled_by),
                items=list(f.nodes),
            )
            for f in composition.fields
        ],
        materials=[
            BundleMaterialOut(
                name=m.name,
                way=m.way,
                necessity=m.necessity,
                items=list(dict.fromkeys(n for n, _ in m.sources)),
                exempt_because=list(m.exempt_because),
            )
            for m in composition.materials
        ],
        kept=answers_kept(previous=payload.values, composition=composition),
        reduction=_reduction(reduction_of(composition)),
    )


# --- the operator's designer, through the same services as its page ------------------------------------------

_OPERATOR = {
    "401": _problem("请先登录 Authentication required"),
    "403": _problem("只有平台运营人员 Operators only"),
}


class ProblemOut(Schema):
    code: str = Field(description="cycle / unreachable / field_conflict / unknown_material / item_unavailable")
    zh: str
    en: str
    where: list[str] = Field(description="item or question keys concerned")


class DraftOut(Schema):
    code: str
    version: int
    status: str
    problems: list[ProblemOut] = Field(description="what stops publishing (empty: it may be published)")


def _operator(request: HttpRequest) -> str:
    staff = staff_for_user(user=request.user)  # type: ignore[arg-type]
    if staff is None or not staff.has_role("operator"):
        raise PermissionDenied("只有平台运营人员可以设计一件事", "Only platform operators design bundles")
    return f"staff:{staff.user.username}"


def _problems(problems: list[Problem]) -> list[ProblemOut]:
    return [ProblemOut(code=p.code, zh=p.zh, en=p.en, where=list(p.where)) for p in problems]


@router.put(
    "/manage/bundles/{code}/draft",
    response=DraftOut,
    auth=django_auth,
    summary="保存一件事草稿 Save a bundle's draft and check it",
    openapi_extra={"responses": {**_OPERATOR, **_INVALID}},
)
def draft_save(request: HttpRequest, code: str, spec: BundleSpec) -> DraftOut:
    actor = _operator(request)
    if spec.code != code:
        raise InvalidInput("定义中的编码与地址不一致", "The code in the definition differs from the path", field="code")
    draft = services.bundle_draft_save(spec=spec, actor=actor)
    return DraftOut(
        code=code, version=draft.number, status=draft.status, problems=_problems(selectors.bundle_check(version=draft))
    )


@router.post(
    "/manage/bundles/{code}/publish",
    response=DraftOut,
    auth=django_auth,
    summary="发布一件事草稿 Publish the bundle's draft (refused with every problem)",
    openapi_extra={"responses": {**_OPERATOR, **_NOT_FOUND, **_INVALID, "409": _problem("没有草稿 No draft")}},
)
def draft_publish(request: HttpRequest, code: str) -> DraftOut:
    actor = _operator(request)
    version = services.bundle_publish(bundle=selectors.bundle_get(code=code), actor=actor)
    return DraftOut(code=code, version=version.number, status=version.status, problems=[])
