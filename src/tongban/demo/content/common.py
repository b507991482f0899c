"""Shorthands the item modules share: limits, codes and the hotline."""

from __future__ import annotations

from tongban.catalog.codes import (
    CaseType,
    HandlingForm,
    ItemType,
    Level,
    LimitUnit,
    OnlineDepth,
    Target,
)
from tongban.catalog.schema import FeeSpec, LimitSpec

G = LimitUnit.WORKING_DAYS
Z = LimitUnit.NATURAL_DAYS
HOTLINE = "12345"  # 示范市政务服务便民热线; complaints and consultations alike

PERSON = [Target.NATURAL_PERSON]
BUSINESS = [Target.ENTERPRISE, Target.NON_LEGAL_ENTERPRISE]
WINDOW_ONLINE = [HandlingForm.WINDOW, HandlingForm.ONLINE]
WINDOW_ONLINE_POST = [HandlingForm.WINDOW, HandlingForm.ONLINE, HandlingForm.POST]

__all__ = [
    "BUSINESS",
    "HOTLINE",
    "PERSON",
    "WINDOW_ONLINE",
    "WINDOW_ONLINE_POST",
    "CaseType",
    "FeeSpec",
    "G",
    "HandlingForm",
    "ItemType",
    "Level",
    "LimitSpec",
    "OnlineDepth",
    "Target",
    "Z",
    "limit",
]


def limit(days: int, unit: LimitUnit = G, note: str = "") -> LimitSpec:
    return LimitSpec(days=days, unit=unit, note=note)
