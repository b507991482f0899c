"""Template helpers for application forms: labels in the active language, widget ids."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

register = template.Library()


def _en() -> bool:
    return (translation.get_language() or "").startswith("en")


@register.filter
def label(spec: Any) -> str:
    return str(spec.label_en if _en() and spec.label_en else spec.label)


@register.filter
def hint(spec: Any) -> str:
    return str(spec.hint_en if _en() and spec.hint_en else spec.hint)


@register.filter
def title(page: Any) -> str:
    return str(page.title_en if _en() and page.title_en else page.title)


@register.filter
def in_language(pair: Any) -> str:
    """A (zh, en) pair or a DomainError as the active language reads it."""
    if hasattr(pair, "message_zh"):
        return str(pair.message_en if _en() else pair.message_zh)
    if isinstance(pair, list | tuple) and len(pair) == 2:
        return str(pair[1] if _en() else pair[0])
    return str(pair)


@register.filter
def input_id(state: Any) -> str:
    """The id an error summary links to: the first radio of a group, else the input itself."""
    spec = state.spec
    return (
        f"f-{spec.key}-0"
        if spec.type in ("choice", "boolean") and len(spec.choices or [1, 2]) <= 5
        else f"f-{spec.key}"
    )


@register.filter
def options(spec: Any) -> list[tuple[str, str]]:
    if spec.type == "boolean":
        return [("true", "是" if not _en() else "Yes"), ("false", "否" if not _en() else "No")]
    return [(str(k), str(v)) for k, v in spec.choices.items()]


@register.filter
def dept(pair: Any) -> str:
    """A department name from a shared value (zh) with its English name when reading English."""
    return str(pair.source_department_en if _en() and pair.source_department_en else pair.source_department)
