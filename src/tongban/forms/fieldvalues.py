"""Checking what an applicant typed into one field: a canonical text, or a message that names the fact.

Messages say what to do ("请输入出生日期") in Chinese with the English beside it, and the typed text is
never thrown away by the caller: drafts keep it so the page shows it again next to the message.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from tongban.core.errors import InvalidInput
from tongban.forms.schema import FieldSpec
from tongban.identity import validators

MAX_TEXT = 2000


def _bad(spec: FieldSpec, zh: str, en: str) -> InvalidInput:
    return InvalidInput(f"{spec.label}：{zh}", f"{spec.label_en}: {en}", field=spec.key)


def missing_error(spec: FieldSpec) -> InvalidInput:
    if spec.type in ("choice", "boolean"):
        return InvalidInput(f"请选择{spec.label}", f"Choose the {spec.label_en.lower()}", field=spec.key)
    return InvalidInput(f"请输入{spec.label}", f"Enter the {spec.label_en.lower()}", field=spec.key)


def field_clean(spec: FieldSpec, raw: str) -> str:
    """The canonical text of a non-empty answer (dates ISO, booleans true/false), or InvalidInput."""
    text = raw.strip()
    if len(text) > MAX_TEXT:
        raise _bad(spec, f"内容过长（最多 {MAX_TEXT} 字）", f"too long (at most {MAX_TEXT} characters)")
    if spec.type == "date":
        text = text.replace("/", "-").replace(".", "-")
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise _bad(
                spec, "请按“年-月-日”填写，如 2026-03-08", "enter a date as year-month-day, e.g. 2026-03-08"
            ) from None
        if not date(1900, 1, 1) <= day <= date(2100, 12, 31):
            raise _bad(spec, "日期超出合理范围", "the date is out of range")
        text = day.isoformat()
    elif spec.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,15}", text):
            raise _bad(spec, "请填写整数", "enter a whole number")
        text = str(int(text))
    elif spec.type == "decimal":
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _bad(spec, "请填写数字", "enter a number") from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
            raise _bad(spec, "请填写数字", "enter a number")
        text = format(number.normalize(), "f")
    elif spec.type == "boolean":
        if text not in ("true", "false"):
            raise _bad(spec, "请选择“是”或“否”", "choose yes or no")
    elif spec.type == "choice":
        if text not in spec.choices:
            raise _bad(spec, "请从列表中选择", "choose one of the options")
    elif spec.type == "id_number":
        text = validators.resident_id(text, field=spec.key).number
    elif spec.type == "credit_code":
        text = validators.credit_code(text, field=spec.key)
    elif spec.type == "phone":
        text = validators.mobile(text, field=spec.key)
    if spec.type in ("integer", "decimal"):
        value = float(text)
        if spec.min is not None and value < spec.min:
            raise _bad(spec, f"不能小于 {spec.min:g}", f"must be at least {spec.min:g}")
        if spec.max is not None and value > spec.max:
            raise _bad(spec, f"不能大于 {spec.max:g}", f"must be at most {spec.max:g}")
    if spec.type in ("text", "textarea"):
        if spec.min_length is not None and len(text) < spec.min_length:
            raise _bad(spec, f"至少 {spec.min_length} 个字", f"at least {spec.min_length} characters")
        if spec.max_length is not None and len(text) > spec.max_length:
            raise _bad(spec, f"最多 {spec.max_length} 个字", f"at most {spec.max_length} characters")
        if spec.pattern and not re.fullmatch(spec.pattern, text):
            raise _bad(spec, "格式不正确", "is not in the required format")
    return text


def field_display(spec: FieldSpec, text: str) -> str:
    """How a stored answer reads on check-answers and receipts."""
    if spec.type == "choice":
        return str(spec.choices.get(text, text))
    if spec.type == "boolean":
        return {"true": "是", "false": "否"}.get(text, text)
    return text
