"""Declaring an item's decisions without a person (issue 5): its 秒批 rule and its 告知承诺 rule.

The operator writes them as data; everything is checked before anything is saved, and every problem is
named at once by the check's position (第 n 条 / check n), in Chinese and English:
- a data check names a declared predicate (tongban.exchange) with parameters that fit its schema —
  the same check a verify call makes — about the kind of subject the item serves, and the handling
  department must be allowed to ask it (its grant), or every case would go to a person;
- a form check is JSON-Logic over the fields of the item's published form, checked as the form's own
  conditions are at publish (tongban.forms.expr);
- a pledge rule has its pledge text and a post-check within 1–60 working days, and no checks.
A dry run (试算) evaluates the form checks against sample answers without saving anything or asking
the hub. Changes are audited (`cases.decision_rule_saved`, before and after).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from tongban.cases.models import DecisionRule
from tongban.catalog.models import Implementation
from tongban.core.audit import audit_record
from tongban.core.errors import Conflict, InvalidInput, PermissionDenied, in_language
from tongban.exchange.selectors import PredicateRow, grant_check, predicate_list
from tongban.exchange.verify import PredicateInvalid, predicate_params
from tongban.forms import expr
from tongban.forms import selectors as forms
from tongban.forms.schema import FieldSpec
from tongban.identity.models import Staff
from tongban.identity.roles import Role

MAX_CHECKS = 20
MAX_LABEL = 100
MAX_PLEDGE = 4000
POST_CHECK_DAYS = (1, 60)  # working days within which a pledge is checked
PREDICATE, LOGIC = "predicate", "logic"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rule: which check (1-based; None for the rule itself) and which field."""

    check: int | None
    field: str  # label | kind | predicate | params | logic | checks | pledge_text | check_within_days | sample
    message_zh: str
    message_en: str

    @property
    def message(self) -> str:
        return in_language(self.message_zh, self.message_en)


class RuleInvalid(InvalidInput):
    """A rule that cannot be saved: every problem found, each naming its check by position (422)."""

    code = "invalid_rule"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            "；".join(p.message_zh for p in problems),
            "; ".join(p.message_en for p in problems),
            field=problems[0].field,
        )
        self.problems = problems


@dataclass(frozen=True)
class TrialResult:
    """A check in a dry run: held (True/False), or None for a data check the dry run does not ask."""

    label: str
    kind: str
    passed: bool | None
    note_zh: str
    note_en: str

    @property
    def note(self) -> str:
        return in_language(self.note_zh, self.note_en)


def _at(n: int) -> tuple[str, str]:
    return f"第 {n} 条核验条件", f"Check {n}"


def form_fields(*, implementation: Implementation) -> list[FieldSpec] | None:
    """The fields of the item's published online form (what a form check may read); None without one."""
    version = forms.form_current(implementation=implementation)
    return None if version is None else list(forms.schema_for(version).fields)


def form_subject_kind(*, implementation: Implementation) -> str | None:
    version = forms.form_current(implementation=implementation)
    return None if version is None else forms.subject_kind_of(version.schema)


def rules_for(*, implementation: Implementation) -> dict[str, DecisionRule | None]:
    """The item's rules by kind (auto, pledge); None where none is declared."""
    found = {r.kind: r for r in DecisionRule.objects.filter(implementation=implementation)}
    return {kind: found.get(kind) for kind in DecisionRule.Kind.values}


def _json(raw: Any) -> tuple[Any, tuple[int, int] | None]:
    """A JSON text read (the page sends text), anything else as it is; the parse error's place otherwise."""
    if not isinstance(raw, str):
        return raw, None
    text = raw.strip()
    if not text:
        return None, None
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        return None, (error.lineno, error.colno)


class _Context:
    """What checking the checks of one item needs, read once: predicates, form fields, subject kind."""

    def __init__(self, implementation: Implementation) -> None:
        self.implementation = implementation
        self.predicates: dict[str, PredicateRow] = {r.predicate.code: r for r in predicate_list()}
        self.fields = form_fields(implementation=implementation)
        self.subject_kind = form_subject_kind(implementation=implementation)


def _predicate_check(
    n: int, check: Mapping[str, Any], label: str, ctx: _Context
) -> tuple[dict[str, Any], list[Problem]]:
    zh, en = _at(n)
    code = str(check.get(PREDICATE) or "").strip()
    params, broken = _json(check.get("params"))
    problems: list[Problem] = []
    if not code:
        return {}, [Problem(n, PREDICATE, f"{zh}：请选择要核验的数据条件", f"{en}: choose the predicate to verify")]
    if broken:
        return {}, [
            Problem(
                n,
                "params",
                f"{zh}：参数不是有效的 JSON（第 {broken[0]} 行第 {broken[1]} 列）",
                f"{en}: the parameters are not valid JSON (line {broken[0]}, column {broken[1]})",
            )
        ]
    try:
        predicate_params(code=code, params=params)
    except PredicateInvalid as refused:
        field = "params" if refused.field == "params" else PREDICATE
        problems.append(Problem(n, field, f"{zh}：{refused.message_zh}", f"{en}: {refused.message_en}"))
        return {}, problems
    row = ctx.predicates.get(code)
    element = row.element if row else None
    if element is None:
        problems.append(
            Problem(
                n,
                PREDICATE,
                f"{zh}：核验条件 {code} 读取的数据项已不存在",
                f"{en}: the element predicate {code} reads no longer exists",
            )
        )
        return {}, problems
    if ctx.subject_kind and element.subject_kind != ctx.subject_kind:
        whom_zh, whom_en = ("企业", "enterprises") if ctx.subject_kind == "enterprise" else ("自然人", "persons")
        problems.append(
            Problem(
                n,
                PREDICATE,
                f"{zh}：核验条件 {code} 不适用于本事项的申请主体（{whom_zh}）",
                f"{en}: predicate {code} does not apply to this item's applicants ({whom_en})",
            )
        )
    try:
        grant_check(consumer=ctx.implementation.department, elements=[element])
    except PermissionDenied as denied:
        problems.append(
            Problem(
                n,
                PREDICATE,
                f"{zh}：承办部门无法核验——{denied.message_zh}",
                f"{en}: the handling department cannot ask it — {denied.message_en}",
            )
        )
    return {"label": label, PREDICATE: code, "params": params or {}}, problems


def _logic_check(n: int, check: Mapping[str, Any], label: str, ctx: _Context) -> tuple[dict[str, Any], list[Problem]]:
    zh, en = _at(n)
    tree, broken = _json(check.get(LOGIC))
    if broken:
        return {}, [
            Problem(
                n,
                LOGIC,
                f"{zh}：条件不是有效的 JSON（第 {broken[0]} 行第 {broken[1]} 列）",
                f"{en}: the condition is not valid JSON (line {broken[0]}, column {broken[1]})",
            )
        ]
    if not isinstance(tree, dict) or not tree:
        return {}, [
            Problem(
                n,
                LOGIC,
                f'{zh}：请填写条件，格式为 JSON-Logic 对象，如 {{"==": [{{"var": "字段"}}, "值"]}}',
                f'{en}: write the condition as a JSON-Logic object, e.g. {{"==": [{{"var": "field"}}, "value"]}}',
            )
        ]
    if ctx.fields is None:
        return {}, [
            Problem(
                n,
                LOGIC,
                f"{zh}：本事项没有已发布的网上申请表，不能按申请表内容设置条件",
                f"{en}: this item has no published online form to set conditions on",
            )
        ]
    try:
        expr.check(tree, known=[f.key for f in ctx.fields], where=zh, where_en=en)
    except InvalidInput as refused:
        return {}, [Problem(n, LOGIC, refused.message_zh, refused.message_en)]
    return {"label": label, LOGIC: tree}, []


def _checks(checks: Any, ctx: _Context) -> tuple[list[dict[str, Any]], list[Problem]]:
    if not isinstance(checks, list):
        return [], [Problem(None, "checks", "核验条件应为列表", "The checks must be a list")]
    if len(checks) > MAX_CHECKS:
        return [], [Problem(None, "checks", f"核验条件最多 {MAX_CHECKS} 条", f"At most {MAX_CHECKS} checks")]
    kept: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for n, check in enumerate(checks, start=1):
        zh, en = _at(n)
        if not isinstance(check, Mapping):
            problems.append(Problem(n, "kind", f"{zh}：格式不正确", f"{en}: malformed"))
            continue
        label = str(check.get("label") or "").strip()
        if not label:
            problems.append(
                Problem(
                    n,
                    "label",
                    f"{zh}：请填写名称（审查人员和申请人看到的说明）",
                    f"{en}: give it a label (what reviewers and applicants read)",
                )
            )
        elif len(label) > MAX_LABEL:
            problems.append(
                Problem(
                    n,
                    "label",
                    f"{zh}：名称最多 {MAX_LABEL} 字",
                    f"{en}: the label takes at most {MAX_LABEL} characters",
                )
            )
        if (PREDICATE in check) == (LOGIC in check):
            problems.append(
                Problem(
                    n,
                    "kind",
                    f"{zh}：请选择核验方式（数据核验或申请表条件）之一",
                    f"{en}: choose one way to check (a predicate or a form condition)",
                )
            )
            continue
        one = _predicate_check if PREDICATE in check else _logic_check
        normal, found = one(n, check, label, ctx)
        problems.extend(found)
        kept.append(normal)
    return kept, problems


def decision_rule_validate(
    *,
    implementation: Implementation,
    kind: str,
    checks: Any,
    pledge_text: str,
    check_within_days: int,
    active: bool = True,
) -> dict[str, Any]:
    """The rule's fields as they would be stored (checks normalised), or RuleInvalid naming every problem.
    A switched-off 秒批 rule may be left without checks; everything else holds whether it is on or not."""
    if kind not in DecisionRule.Kind.values:
        raise InvalidInput(f"未知的规则类型“{kind}”", f"Unknown kind of rule “{kind}”", field="kind")
    ctx = _Context(implementation)
    kept, problems = _checks(checks, ctx)
    text = (pledge_text or "").strip()
    days = check_within_days
    if kind == DecisionRule.Kind.AUTO:
        if not problems and not kept and active:
            problems.append(
                Problem(
                    None, "checks", "启用秒批规则至少需要一条核验条件", "A switched-on auto-approval rule needs a check"
                )
            )
        if text or days:
            problems.append(
                Problem(
                    None,
                    "pledge_text",
                    "秒批规则没有承诺书和事后核查期限",
                    "An auto-approval rule has no pledge text or post-check period",
                )
            )
    else:
        if kept or problems:
            problems = [
                Problem(
                    None,
                    "checks",
                    "告知承诺规则不设核验条件：申请人签署承诺书即当场作出决定",
                    "A pledge rule has no checks: signing the pledge decides the case at once",
                )
            ]
        if not text:
            problems.append(
                Problem(
                    None,
                    "pledge_text",
                    "请填写承诺书内容（申请人签署的全文）",
                    "Write the pledge text (the whole text the applicant signs)",
                )
            )
        elif len(text) > MAX_PLEDGE:
            problems.append(
                Problem(
                    None,
                    "pledge_text",
                    f"承诺书最多 {MAX_PLEDGE} 字",
                    f"The pledge text takes at most {MAX_PLEDGE} characters",
                )
            )
        low, high = POST_CHECK_DAYS
        if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
            problems.append(
                Problem(
                    None,
                    "check_within_days",
                    f"事后核查期限应为 {low} 至 {high} 个工作日",
                    f"The post-check period must be {low} to {high} working days",
                )
            )
    if problems:
        raise RuleInvalid(problems)
    return {"checks": kept, "pledge_text": text, "check_within_days": days if kind == DecisionRule.Kind.PLEDGE else 0}


def _snapshot(rule: DecisionRule) -> dict[str, Any]:
    return {
        "checks": rule.checks,
        "pledge_text": rule.pledge_text,
        "check_within_days": rule.check_within_days,
        "active": rule.active,
    }


@transaction.atomic
def decision_rule_save(
    *,
    implementation: Implementation,
    kind: str,
    checks: Any,
    pledge_text: str,
    check_within_days: int,
    active: bool,
    actor: Staff,
) -> DecisionRule:
    """Create or change an item's rule of one kind, after checking all of it; operators only, audited.
    Saving what is already stored changes nothing and records nothing."""
    if actor is None or not actor.has_role(Role.OPERATOR):
        raise PermissionDenied(
            "只有平台运营人员可以设置秒批和告知承诺规则",
            "Only platform operators can set auto-approval and pledge rules",
        )
    values = decision_rule_validate(
        implementation=implementation,
        kind=kind,
        checks=checks,
        pledge_text=pledge_text,
        check_within_days=check_within_days,
        active=active,
    )
    after = {**values, "active": bool(active)}
    try:
        with transaction.atomic():
            rule = DecisionRule.objects.select_for_update().filter(implementation=implementation, kind=kind).first()
            before = None if rule is None else _snapshot(rule)
            if rule is not None and before == after:
                return rule
            rule = rule or DecisionRule(implementation=implementation, kind=kind)
            for name, value in after.items():
                setattr(rule, name, value)
            rule.save()
            audit_record(
                action="cases.decision_rule_saved",
                actor=f"staff:{actor.user.username}",
                object_type="cases.DecisionRule",
                object_id=str(rule.pk),
                data={
                    "implementation": implementation.code,
                    "item": implementation.item.basic_code,
                    "kind": kind,
                    "before": before,
                    "after": after,
                },
            )
    except IntegrityError:  # another operator created it in the same moment
        raise Conflict(
            "规则刚被其他人保存，请刷新页面后再修改",
            "Someone else has just saved this rule; reload the page and change it again",
        ) from None
    return rule


def rule_dry_run(*, implementation: Implementation, checks: Any, answers: Any) -> list[TrialResult]:
    """试算: the checks as typed (checked like a save, nothing stored) against sample answers (an object of
    field key → text, or its JSON). Form checks are evaluated; data checks are named, not asked."""
    sample, broken = _json(answers)
    problems: list[Problem] = []
    if broken or (sample is not None and not isinstance(sample, dict)):
        problems.append(
            Problem(
                None,
                "sample",
                '样例申请内容应为 JSON 对象，如 {"reason": "live"}',
                'The sample answers must be a JSON object, e.g. {"reason": "live"}',
            )
        )
    try:
        values = decision_rule_validate(
            implementation=implementation,
            kind=DecisionRule.Kind.AUTO,
            checks=checks,
            pledge_text="",
            check_within_days=0,
        )
    except RuleInvalid as invalid:
        raise RuleInvalid([*invalid.problems, *problems]) from None
    if problems:
        raise RuleInvalid(problems)
    data = {str(k): v for k, v in (sample or {}).items()}
    results: list[TrialResult] = []
    for check in values["checks"]:
        if PREDICATE in check:
            results.append(
                TrialResult(
                    check["label"],
                    PREDICATE,
                    None,
                    "提交申请时向数据共享平台核验，试算不查询",
                    "Asked of the exchange hub when an application is made; not in a dry run",
                )
            )
            continue
        try:
            held = expr.evaluate(check[LOGIC], data)
        except Exception as broken_logic:  # as decisions._one: a condition that cannot be computed does not hold
            results.append(
                TrialResult(
                    check["label"],
                    LOGIC,
                    False,
                    f"条件无法计算：{type(broken_logic).__name__}",
                    f"The condition cannot be computed: {type(broken_logic).__name__}",
                )
            )
            continue
        results.append(
            TrialResult(
                check["label"],
                LOGIC,
                held,
                "样例内容符合" if held else "样例内容不符合",
                "The sample meets it" if held else "The sample does not meet it",
            )
        )
    return results
