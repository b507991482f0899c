"""The operator's page for an item's decisions without a person: its 秒批 rule, a row per check (a data
check: predicate and parameters; or a form condition: JSON-Logic), and its 告知承诺 rule (pledge text,
post-check period), each with an active switch; a 试算 (dry run) of the form conditions over sample answers.

Plain form rows, no script needed: a blank row is always there, 再添加一条 adds another, 删除此条 drops one.
One save writes both rules in one transaction or neither; every problem is shown at once beside its
field and in the summary, with everything typed kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.cases import rules
from tongban.cases.models import DecisionRule
from tongban.catalog import selectors as catalog
from tongban.catalog.models import Implementation
from tongban.core.errors import DomainError, NotFound
from tongban.exchange.selectors import grant_denials, predicate_list
from tongban.identity.decorators import staff_required
from tongban.identity.models import Staff
from tongban.identity.roles import Role

AUTO, PLEDGE = DecisionRule.Kind.AUTO.value, DecisionRule.Kind.PLEDGE.value
MAX_ROWS = rules.MAX_CHECKS + 5  # what a posted form may hold, blank and removed rows included
TEMPLATE = "cases/manage/rules.html"


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff with the operator role; other staff are told the page does not exist."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        staff: Staff = request.staff  # type: ignore[attr-defined]
        if not staff.has_role(Role.OPERATOR):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@dataclass
class CheckRow:
    """One check as the page shows it: what was typed (or stored), and the problems beside its fields."""

    label: str = ""
    kind: str = rules.LOGIC
    predicate: str = ""
    params: str = ""
    logic: str = ""
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return not (self.label.strip() or self.predicate or self.params.strip() or self.logic.strip())

    def as_check(self) -> dict[str, Any]:
        if self.kind == rules.PREDICATE:
            return {"label": self.label, "predicate": self.predicate, "params": self.params}
        return {"label": self.label, "logic": self.logic}

    @classmethod
    def of(cls, check: dict[str, Any]) -> CheckRow:
        if rules.PREDICATE in check:
            params = check.get("params") or {}
            return cls(str(check.get("label", "")), rules.PREDICATE, str(check[rules.PREDICATE]),
                       json.dumps(params, ensure_ascii=False) if params else "")  # fmt: skip
        return cls(str(check.get("label", "")), rules.LOGIC, logic=json.dumps(check.get("logic"), ensure_ascii=False))


@dataclass
class RulesForm:
    """Both rules as typed (or as stored), with their problems."""

    rows: list[CheckRow]
    spare: int = 1  # blank rows shown after the checks
    auto_active: bool = False
    pledge_active: bool = False
    pledge_text: str = ""
    pledge_days: str = ""
    sample: str = ""
    problems: dict[str, str] = field(default_factory=dict)  # auto_checks | sample | pledge_text | pledge_days
    summary: list[tuple[str, str]] = field(default_factory=list)  # (anchor, message), in the page's order

    @classmethod
    def stored(cls, found: dict[str, DecisionRule | None]) -> RulesForm:
        auto, pledge = found[AUTO], found[PLEDGE]
        return cls(
            rows=[CheckRow.of(c) for c in (auto.checks if auto else [])],
            auto_active=bool(auto and auto.active),
            pledge_active=bool(pledge and pledge.active),
            pledge_text=pledge.pledge_text if pledge else "",
            pledge_days=str(pledge.check_within_days) if pledge else "",
        )

    @classmethod
    def posted(cls, post: QueryDict) -> RulesForm:
        rows, blanks = [], 0
        for i in range(min(_int(post.get("rows"), 0), MAX_ROWS)):
            p = f"check-{i}-"
            if post.get(p + "remove"):
                continue
            kind = rules.PREDICATE if post.get(p + "kind") == rules.PREDICATE else rules.LOGIC
            row = CheckRow(post.get(p + "label", "")[:200], kind, post.get(p + "predicate", "")[:60],
                           post.get(p + "params", "")[:2000], post.get(p + "logic", "")[:4000])  # fmt: skip
            if row.blank:
                blanks += 1
            else:
                rows.append(row)
        return cls(
            rows=rows,
            spare=max(1, min(blanks, 5)),
            auto_active=bool(post.get("auto-active")),
            pledge_active=bool(post.get("pledge-active")),
            pledge_text=post.get("pledge-text", "")[: rules.MAX_PLEDGE + 100],
            pledge_days=post.get("pledge-days", "")[:10],
            sample=post.get("sample", "")[:4000],
        )

    def shown_rows(self) -> list[CheckRow]:
        return self.rows + [CheckRow() for _ in range(self.spare)]

    def checks(self) -> list[dict[str, Any]]:
        return [r.as_check() for r in self.rows]

    def days(self) -> int:
        return _int(self.pledge_days.strip(), -1)

    def blank(self, kind: str) -> bool:
        if kind == AUTO:
            return not self.rows and not self.auto_active
        return not self.pledge_active and not self.pledge_text.strip() and not self.pledge_days.strip()

    def add(self, kind: str, problems: list[rules.Problem]) -> None:
        for problem in problems:
            if problem.check is not None and problem.check <= len(self.rows):
                self.rows[problem.check - 1].problems.setdefault(problem.field, problem.message)
                self.summary.append((f"check-{problem.check - 1}-{problem.field}", problem.message))
                continue
            if kind == AUTO:
                key = "sample" if problem.field == "sample" else "auto_checks"
            else:
                key = "pledge_days" if problem.field == "check_within_days" else "pledge_text"
            self.problems.setdefault(key, problem.message)
            self.summary.append((key.replace("_", "-"), problem.message))


def _int(raw: str | None, default: int) -> int:
    try:
        return int(raw or "")
    except ValueError:
        return default


def _implementation(code: str) -> Implementation:
    try:
        return catalog.implementation_get_for_operator(code)
    except NotFound:
        raise Http404 from None


def _predicates(implementation: Implementation) -> list[dict[str, Any]]:
    """The declared predicates, and whether the item's department may ask each (its grant)."""
    found = predicate_list()
    elements = [r.element for r in found if r.element is not None]
    denied = grant_denials(consumer=implementation.department, elements=elements)
    return [
        {"row": r, "params": r.predicate.param_schema, "denied": denied.get(r.element.code) if r.element else None}
        for r in found
    ]


def _context(request: HttpRequest, implementation: Implementation, form: RulesForm, **extra: Any) -> dict[str, Any]:
    stored = rules.rules_for(implementation=implementation)
    predicates = _predicates(implementation)
    return {
        "impl": implementation,
        "form": form,
        "rows": form.shown_rows(),
        "stored": stored,
        "predicates": predicates,
        "predicate_codes": {p["row"].predicate.code for p in predicates},
        "fields": rules.form_fields(implementation=implementation),
        "post_check_days": rules.POST_CHECK_DAYS,
        "breadcrumbs": [
            {"label": _("首页"), "url": reverse("catalog:home")},
            {"label": _("事项目录管理"), "url": reverse("catalog:manage")},
            {"label": implementation.item.name, "url": reverse("catalog:manage_history", args=[implementation.code])},
            {"label": _("秒批与告知承诺规则"), "url": ""},
        ],
        **extra,
    }


@operator_required
def rules_page(request: HttpRequest, code: str) -> HttpResponse:
    implementation = _implementation(code)
    if request.method != "POST":
        form = RulesForm.stored(rules.rules_for(implementation=implementation))
        return render(request, TEMPLATE, _context(request, implementation, form))
    form = RulesForm.posted(request.POST)
    action = request.POST.get("action", "")
    if action == "add_row":  # the blank rows there were, and one more
        form.spare += 1
        return render(request, TEMPLATE, _context(request, implementation, form, focus=len(form.rows) + form.spare - 1))
    form.spare = 1
    if action == "dry_run":
        return _dry_run(request, implementation, form)
    if action != "save":
        raise Http404
    return _save(request, implementation, form)


def _dry_run(request: HttpRequest, implementation: Implementation, form: RulesForm) -> HttpResponse:
    try:
        results = rules.rule_dry_run(implementation=implementation, checks=form.checks(), answers=form.sample)
    except rules.RuleInvalid as invalid:
        form.add(AUTO, invalid.problems)
        return render(request, TEMPLATE, _context(request, implementation, form), status=invalid.status)
    return render(request, TEMPLATE, _context(request, implementation, form, trial=results))


def _save(request: HttpRequest, implementation: Implementation, form: RulesForm) -> HttpResponse:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    stored = rules.rules_for(implementation=implementation)
    error: DomainError | None = None
    saved: list[str] = []
    with transaction.atomic():
        for kind in (AUTO, PLEDGE):
            if stored[kind] is None and form.blank(kind):
                continue  # nothing declared and nothing typed
            try:
                rules.decision_rule_save(
                    implementation=implementation, kind=kind,
                    checks=form.checks() if kind == AUTO else [],
                    pledge_text=form.pledge_text if kind == PLEDGE else "",
                    check_within_days=form.days() if kind == PLEDGE else 0,
                    active=form.auto_active if kind == AUTO else form.pledge_active, actor=staff,
                )  # fmt: skip
                saved.append(kind)
            except rules.RuleInvalid as invalid:
                form.add(kind, invalid.problems)
                error = error or invalid
            except DomainError as refused:
                error = error or refused
                form.summary.append(("", refused.message))
        if error is not None:
            transaction.set_rollback(True)  # both rules or neither
    if error is not None:
        return render(request, TEMPLATE, _context(request, implementation, form), status=error.status)
    messages.success(request, _("规则已保存，新提交的申请按新规则办理。") if saved else _("没有需要保存的规则。"))
    return redirect("cases:rules", code=implementation.code)
