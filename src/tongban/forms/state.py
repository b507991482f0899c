"""Where each field of a form stands for one applicant: shared (prefilled, read-only), collected, declared
(a shared value the applicant disputed) or stopped (only the window can help) — visible or hidden, required
or not. Pure Python over the schema and what is known, in dependency order; no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tongban.forms import expr
from tongban.forms.fieldvalues import field_display
from tongban.forms.schema import FieldSpec, FormSchema
from tongban.registry.selectors import ValueWithProvenance

SHARED, COLLECTED, DECLARED, STOPPED = "shared", "collected", "declared", "stopped"


@dataclass(frozen=True)
class FieldState:
    spec: FieldSpec
    mode: str
    visible: bool
    required: bool
    text: str  # the shared value's text, or the applicant's answer (possibly invalid, kept as typed)
    shared: ValueWithProvenance | None = None  # the hub's value (also for declared: what was disputed)
    unavailable: tuple[str, str] | None = None  # why a bound field is asked: (zh, en)

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def display(self) -> str:
        if self.mode == SHARED and self.shared is not None:
            return self.shared.display
        return field_display(self.spec, self.text)


def binding(spec: FieldSpec) -> str:
    """How drafts key a bound field's hub state: role and element, so two roles stay apart."""
    return f"{spec.role}:{spec.element}"


def typed(spec: FieldSpec, text: str) -> Any:
    """A value as conditions see it: numbers as numbers, booleans as booleans, dates as ISO text."""
    if text == "":
        return None
    try:
        if spec.type == "integer":
            return int(text)
        if spec.type == "decimal":
            return float(Decimal(text))
    except (ValueError, ArithmeticError):
        return None
    if spec.type == "boolean":
        return {"true": True, "false": False}.get(text)
    return text


def form_state(
    *,
    schema: FormSchema,
    answers: Mapping[str, Any],
    shared: Mapping[str, ValueWithProvenance],
    unavailable: Mapping[str, Any],
    disputes: Mapping[str, Mapping[str, Any]],
    age: int | None,
) -> dict[str, FieldState]:
    """Every field's state, keyed by field key in schema order. `shared` and `unavailable` are keyed by
    binding (role:element); hidden fields keep their text but do not count and are not checked."""
    data: dict[str, Any] = {"_age": age}
    states: dict[str, FieldState] = {}
    for key in schema.order:
        spec = schema.field(key)
        value = shared.get(binding(spec)) if spec.bound else None
        dispute = disputes.get(key)
        reason = unavailable.get(binding(spec)) if spec.bound and value is None else None
        if value is not None and dispute:
            mode = STOPPED if dispute.get("stop") else DECLARED
            text = str(dispute.get("value", "")) if mode == DECLARED else value.text
        elif value is not None:
            mode, text = SHARED, value.text
        else:
            mode = STOPPED if spec.bound and reason and spec.if_unavailable == "window" else COLLECTED
            raw = answers.get(key, "")
            text = raw if isinstance(raw, str) else ""
        visible = expr.evaluate(spec.visible_if, data)
        required = visible and (
            spec.required or (spec.required_if is not None and expr.evaluate(spec.required_if, data))
        )
        data[key] = typed(spec, text) if visible else None
        states[key] = FieldState(
            spec=spec,
            mode=mode,
            visible=visible,
            required=required,
            text=text,
            shared=value,
            unavailable=tuple(reason) if reason else None,  # type: ignore[arg-type]
        )
    return {spec.key: states[spec.key] for spec in schema.fields}
