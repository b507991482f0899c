"""Element values as text: checking a value against its element's type and format, and reading it back."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tongban.core.errors import InvalidInput

TRUE_WORDS = frozenset({"true", "1", "yes", "是", "y"})
FALSE_WORDS = frozenset({"false", "0", "no", "否", "n"})
MAX_TEXT = 2000


def _bad(element_code: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(f"数据项 {element_code}：{zh}", f"Data element {element_code}: {en}", field="value")


def value_canonical(
    *, code: str, value_type: str, value: Any, pattern: str = "", choices: dict[str, str] | None = None
) -> str:
    """The canonical text of `value` for an element, or InvalidInput (Chinese and English) saying why not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _bad(code, "值不能为空", "the value must not be empty")
    if value_type == "date":
        text = _date_text(code, value)
    elif value_type == "integer":
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _bad(code, "应为整数", "expected a whole number")
        try:
            text = str(int(str(value).strip()))
        except ValueError:
            raise _bad(code, f"“{value}”不是整数", f"“{value}” is not a whole number") from None
    elif value_type == "decimal":
        if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
            raise _bad(code, "应为数字", "expected a number")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise _bad(code, f"“{value}”不是数字", f"“{value}” is not a number") from None
        if not number.is_finite():
            raise _bad(code, f"“{value}”不是数字", f"“{value}” is not a number")
        text = format(number.normalize(), "f")
    elif value_type == "boolean":
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            text = "true" if value.strip().lower() in TRUE_WORDS else "false"
        else:
            raise _bad(code, f"“{value}”应为“是”或“否”", f"“{value}” should be yes or no")
    elif value_type in ("text", "code"):
        if not isinstance(value, str):
            raise _bad(code, "应为文本", "expected text")
        text = value.strip()
        if len(text) > MAX_TEXT:
            raise _bad(code, f"文本过长（最多 {MAX_TEXT} 字）", f"the text is too long (at most {MAX_TEXT} characters)")
        if value_type == "code" and choices and text not in choices:
            raise _bad(code, f"“{text}”不是允许的代码", f"“{text}” is not one of the allowed codes")
    else:
        raise _bad(code, f"未知的数据类型“{value_type}”", f"unknown value type “{value_type}”")
    if pattern and value_type in ("text", "code") and not re.fullmatch(pattern, text):
        raise _bad(code, f"“{text}”格式不正确", f"“{text}” does not have the required format")
    return text


def _date_text(code: str, value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise _bad(code, f"“{value}”不是有效日期（格式 YYYY-MM-DD）", f"“{value}” is not a valid date (YYYY-MM-DD)")


def value_typed(value_type: str, text: str) -> Any:
    """Read canonical text back as date, int, Decimal, bool or str."""
    if value_type == "date":
        return date.fromisoformat(text)
    if value_type == "integer":
        return int(text)
    if value_type == "decimal":
        return Decimal(text)
    if value_type == "boolean":
        return text == "true"
    return text
