"""The demo city's content: regions, departments and service items with full guides (no database).

Everything here is fictional: 示范省/示范市 with region codes under the unassigned 99 prefix, bodies with
generated credit codes, telephone numbers under the unassigned area code 0699. The laws and national
regulations cited in the guides are real; provincial and municipal rules named after 示范 are not.
"""

from __future__ import annotations

from tongban.catalog.schema import ItemSpec
from tongban.demo.content import items_birth, items_business, items_civil, items_home, items_social
from tongban.demo.content.departments import BY_KEY, DEPARTMENTS, DepartmentData, code_of
from tongban.demo.content.regions import CITY_CODE, DISTRICTS, PROVINCE_CODE, REGIONS, RegionData

ITEMS: tuple[ItemSpec, ...] = (
    *items_birth.ITEMS,
    *items_business.ITEMS,
    *items_social.ITEMS,
    *items_home.ITEMS,
    *items_civil.ITEMS,
)

__all__ = [
    "BY_KEY",
    "CITY_CODE",
    "DEPARTMENTS",
    "DISTRICTS",
    "ITEMS",
    "PROVINCE_CODE",
    "REGIONS",
    "DepartmentData",
    "RegionData",
    "code_of",
    "item_specs",
]


def item_specs() -> list[ItemSpec]:
    """Fresh copies of every item spec (callers may change theirs without touching the content)."""
    return [spec.model_copy(deep=True) for spec in ITEMS]
