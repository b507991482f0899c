"""Display helpers for catalogue pages: highlighted matches, limits, code labels in the active language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from tongban.catalog import codes, search

register = template.Library()


@register.filter
def highlight(text: str, terms: Iterable[str] | None) -> SafeString:
    """Mark query words in text; every piece is escaped, so the text cannot inject markup."""
    pieces = search.highlight_spans(str(text or ""), terms or ())
    return format_html_join("", "{}", ((format_html("<mark>{}</mark>", p) if hit else p,) for p, hit in pieces))


_TABLES: dict[str, Any] = {
    "item_type": codes.ItemType,
    "level": codes.Level,
    "target": codes.Target,
    "handling_form": codes.HandlingForm,
    "case_type": codes.CaseType,
    "unit": codes.LimitUnit,
    "online_depth": codes.OnlineDepth,
    "material_form": codes.MaterialForm,
    "source": codes.MaterialSource,
    "necessity": codes.Necessity,
}


@register.filter
def code_label(value: str, table: str) -> str:
    """The label of a GB/T 39046 code, translated (the code tables hold the Chinese labels)."""
    choices = _TABLES[table]
    try:
        label = str(choices(value).label)
    except ValueError:
        return str(value)
    return gettext(label)


@register.simple_tag
def limit_text(days: int, unit: str) -> str:
    """20 个工作日 / 3 个自然日; 0 days reads as 当场办结."""
    if not days:
        return gettext("当场办结")
    return days_text(days, unit)


@register.simple_tag
def days_text(days: int, unit: str) -> str:
    """A number of days of a limit's unit: 3 个工作日 / 3 working days, 3 个自然日 / 3 calendar days."""
    if unit == codes.LimitUnit.NATURAL_DAYS:
        return ngettext("%(n)d 个自然日", "%(n)d 个自然日", days) % {"n": days}
    return ngettext("%(n)d 个工作日", "%(n)d 个工作日", days) % {"n": days}


@register.simple_tag
def visits_text(visits: int) -> str:
    if visits == 0:
        return gettext("0 次（全程网办，不用跑）")
    return ngettext("最多跑 %(n)d 次", "最多跑 %(n)d 次", visits) % {"n": visits}


@register.filter
def localized(obj: Any, field: str = "name") -> str:
    """obj.name_en in English when there is one, else obj.name."""
    lang = get_language() or ""
    if lang.startswith("en"):
        english = getattr(obj, f"{field}_en", "") if not isinstance(obj, dict) else obj.get(f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field, "") if not isinstance(obj, dict) else obj.get(field, ""))
