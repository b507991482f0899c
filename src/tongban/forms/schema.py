"""The shape of a form: pages and fields, parsed from the JSON an operator publishes (FormVersion.schema).

A published version's JSON is the single source of truth (no derived field rows to drift from it).
`schema_compile` checks everything once at publish — element codes exist, types agree with the element,
conditions name known fields, no condition cycles — and yields the evaluation order for visibility.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tongban.core.errors import InvalidInput
from tongban.forms import expr

KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
FIELD_TYPES = (
    "text",
    "textarea",
    "date",
    "integer",
    "decimal",
    "boolean",
    "choice",
    "id_number",
    "credit_code",
    "phone",
)
# The form type each element value type is asked as.
ELEMENT_TYPES = {
    "text": "text",
    "date": "date",
    "integer": "integer",
    "decimal": "decimal",
    "boolean": "boolean",
    "code": "choice",
}
ROLES = ("subject", "agent")  # the person or enterprise the application is about / the person filling it in
DERIVED_VARS = ("_age",)  # the subject's age in years, for conditions


@dataclass(frozen=True)
class ElementInfo:
    """What the schema needs to know about a data element (from the registry)."""

    code: str
    name: str
    name_en: str
    value_type: str
    subject_kind: str
    owner: str
    owner_en: str
    choices: Mapping[str, str] = field(default_factory=dict)
    pattern: str = ""


@dataclass(frozen=True)
class FieldSpec:
    key: str
    type: str
    label: str
    label_en: str
    page: str
    element: str = ""  # bound to a data element: prefilled when the hub holds it
    role: str = "subject"
    required: bool = True
    hint: str = ""
    hint_en: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)
    min_length: int | None = None
    max_length: int | None = None
    min: float | None = None
    max: float | None = None
    pattern: str = ""
    visible_if: Any = None
    required_if: Any = None
    if_unavailable: str = "ask"  # ask: the applicant enters it | window: only at a service window
    on_dispute: str = "declare"  # declare: the applicant gives the right value | stop: the window route
    writeback: bool = True  # a collected bound value may go back to the profile, with consent
    owner: str = ""  # owner department of the element, for notices
    owner_en: str = ""

    @property
    def bound(self) -> bool:
        return bool(self.element)


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    title_en: str


@dataclass(frozen=True)
class FormSchema:
    pages: tuple[PageSpec, ...]
    fields: tuple[FieldSpec, ...]
    order: tuple[str, ...]  # field keys so that a condition is evaluated after the fields it reads

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def page_fields(self, page: str) -> list[FieldSpec]:
        return [f for f in self.fields if f.page == page]

    @property
    def element_codes(self) -> dict[str, list[str]]:
        """Bound element codes per role, in field order."""
        out: dict[str, list[str]] = {}
        for spec in self.fields:
            if spec.bound and spec.element not in out.setdefault(spec.role, []):
                out[spec.role].append(spec.element)
        return out


def _bad(where: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(f"{where}：{zh}", f"{where}: {en}", field="schema")


def _number(raw: Any, where: str, name: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _bad(where, f"{name} 应为数字", f"{name} must be a number")
    return float(raw)


def _field(raw: Mapping[str, Any], pages: set[str], elements: Mapping[str, ElementInfo], where: str) -> FieldSpec:
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        raise _bad(
            where, "字段标识应为小写字母开头的字母、数字、下划线", "the key must be lower-case letters, digits, _"
        )
    where = f"字段 {key}"
    page = raw.get("page") or next(iter(pages), "")
    if page not in pages:
        raise _bad(where, f"页面“{page}”不存在", f"the page “{page}” does not exist")
    role = raw.get("role", "subject")
    if role not in ROLES:
        raise _bad(where, f"未知的主体角色“{role}”", f"unknown subject role “{role}”")
    code = raw.get("element", "") or ""
    info = elements.get(code) if code else None
    if code and info is None:
        raise _bad(where, f"数据项 {code} 不存在", f"the data element {code} does not exist")
    kind = raw.get("type") or (ELEMENT_TYPES[info.value_type] if info else "")
    if kind not in FIELD_TYPES:
        raise _bad(where, f"未知的字段类型“{kind}”", f"unknown field type “{kind}”")
    if info and ELEMENT_TYPES[info.value_type] != kind and not (info.value_type == "text" and kind == "textarea"):
        raise _bad(
            where,
            f"类型 {kind} 与数据项 {code} 的类型 {info.value_type} 不一致",
            f"type {kind} does not agree with element {code} of type {info.value_type}",
        )
    label = raw.get("label") or (info.name if info else "")
    if not label:
        raise _bad(where, "请填写字段名称", "the field needs a label")
    choices = dict(raw.get("choices") or (info.choices if info else {}) or {})
    if kind == "choice" and not choices:
        raise _bad(where, "选择题须列出选项", "a choice field must list its options")
    for option in ("if_unavailable", "on_dispute"):
        allowed = ("ask", "window") if option == "if_unavailable" else ("declare", "stop")
        if raw.get(option, allowed[0]) not in allowed:
            raise _bad(where, f"{option} 应为 {'/'.join(allowed)}", f"{option} must be {'/'.join(allowed)}")
    pattern = raw.get("pattern", "") or ""
    if pattern:
        try:
            re.compile(pattern)
        except re.error:
            raise _bad(where, "格式规则不是有效的正则表达式", "the pattern is not a valid regular expression") from None
    return FieldSpec(
        key=key,
        type=kind,
        label=str(label),
        label_en=str(raw.get("label_en") or (info.name_en if info else "") or label),
        page=page,
        element=code,
        role=role,
        required=bool(raw.get("required", True)),
        hint=str(raw.get("hint", "")),
        hint_en=str(raw.get("hint_en", "")),
        choices=choices,
        min_length=None if raw.get("min_length") is None else int(raw["min_length"]),
        max_length=None if raw.get("max_length") is None else int(raw["max_length"]),
        min=_number(raw.get("min"), where, "min"),
        max=_number(raw.get("max"), where, "max"),
        pattern=pattern or (info.pattern if info else ""),
        visible_if=raw.get("visible_if"),
        required_if=raw.get("required_if"),
        if_unavailable=raw.get("if_unavailable", "ask"),
        on_dispute=raw.get("on_dispute", "declare"),
        writeback=bool(raw.get("writeback", True)) and bool(code),
        owner=info.owner if info else "",
        owner_en=info.owner_en if info else "",
    )


def _order(fields: list[FieldSpec]) -> tuple[str, ...]:
    """Fields ordered so that each comes after the fields its conditions read; a cycle is an error."""
    deps = {f.key: (expr.variables(f.visible_if) | expr.variables(f.required_if)) - set(DERIVED_VARS) for f in fields}
    done: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(key: str, path: list[str]) -> None:
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            cycle = " → ".join([*path[path.index(key) :], key])
            raise InvalidInput(
                f"字段条件存在循环：{cycle}", f"The field conditions form a cycle: {cycle}", field="schema"
            )
        state[key] = 1
        for dep in sorted(deps[key]):
            visit(dep, [*path, key])
        state[key] = 2
        done.append(key)

    for spec in fields:
        visit(spec.key, [])
    return tuple(done)


def schema_compile(raw: Mapping[str, Any], *, elements: Mapping[str, ElementInfo], subject_kind: str) -> FormSchema:
    """Parse and check a form's JSON; InvalidInput (Chinese and English) names the first problem."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("表单定义应为 JSON 对象", "A form definition must be a JSON object", field="schema")
    raw_pages = raw.get("pages") or []
    pages: list[PageSpec] = []
    for index, page in enumerate(raw_pages, start=1):
        key = page.get("key") if isinstance(page, Mapping) else None
        if not isinstance(key, str) or not KEY_RE.fullmatch(key) or any(p.key == key for p in pages):
            raise _bad(
                f"第 {index} 页", "页面标识缺失、格式不对或重复", "the page key is missing, malformed or repeated"
            )
        pages.append(
            PageSpec(key, str(page.get("title") or key), str(page.get("title_en") or page.get("title") or key))
        )
    if not pages:
        raise InvalidInput("表单至少需要一页", "A form needs at least one page", field="schema")
    fields: list[FieldSpec] = []
    for index, item in enumerate(raw.get("fields") or [], start=1):
        if not isinstance(item, Mapping):
            raise _bad(f"第 {index} 个字段", "应为 JSON 对象", "must be a JSON object")
        spec = _field(item, {p.key for p in pages}, elements, f"第 {index} 个字段")
        if any(f.key == spec.key for f in fields):
            raise _bad(f"字段 {spec.key}", "标识重复", "the key is used twice")
        if spec.bound and spec.role == "subject" and elements[spec.element].subject_kind != subject_kind:
            raise _bad(
                f"字段 {spec.key}",
                f"数据项 {spec.element} 不适用于本事项的申请主体",
                f"element {spec.element} does not apply to this item's applicant",
            )
        if spec.bound and spec.role == "agent" and elements[spec.element].subject_kind != "person":
            raise _bad(
                f"字段 {spec.key}",
                "经办人字段只能绑定自然人数据项",
                "an agent's field can only be bound to a person's element",
            )
        if any(f.role == spec.role and f.element == spec.element for f in fields if spec.bound):
            raise _bad(
                f"字段 {spec.key}",
                f"数据项 {spec.element} 已被其他字段使用",
                f"element {spec.element} is already asked by another field",
            )
        fields.append(spec)
    if not fields:
        raise InvalidInput("表单至少需要一个字段", "A form needs at least one field", field="schema")
    known = [f.key for f in fields] + list(DERIVED_VARS)
    for spec in fields:
        expr.check(spec.visible_if, known=known, where=f"字段 {spec.key}")
        expr.check(spec.required_if, known=known, where=f"字段 {spec.key}")
    empty = [p.key for p in pages if not any(f.page == p.key for f in fields)]
    if empty:
        raise InvalidInput(
            f"页面 {'、'.join(empty)} 没有字段", f"Pages without fields: {', '.join(empty)}", field="schema"
        )
    return FormSchema(pages=tuple(pages), fields=tuple(fields), order=_order(fields))
