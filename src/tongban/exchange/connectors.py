"""Connectors: one plugin per source system, asked on demand for a subject's elements (issue 4, part 2).

settings.EXCHANGE_CONNECTORS maps an owner department's credit code (or "*" for any other) to a plugin
id of `connectors`. The demo connectors read the demo city's registry values — the departmental
tables come later (ADR 0006); "demo-slow" and "demo-down" exist so the fault paths can be shown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from pydantic import BaseModel

from tongban.core.errors import ConfigError
from tongban.core.plugins import Plugin, Registry
from tongban.identity.models import Department, Enterprise, Person
from tongban.registry import selectors as registry

Subject = Person | Enterprise


@dataclass(frozen=True)
class FetchedValue:
    """One value a source system returned, with its provenance."""

    code: str
    value: Any
    source_record_id: str
    as_of: datetime
    trust_level: str = "A"


class Connector(Plugin):
    def fetch(self, *, subject: Subject, element_codes: list[str]) -> list[FetchedValue]:
        raise NotImplementedError


connectors = Registry[Connector]("connector")


@connectors.register("demo-registry")
class DemoRegistryConnector(Connector):
    """The demo city's departmental tables, read from the values the demo build loaded."""

    label = "演示：示范市部门库（一人一档数据）"
    demo: ClassVar[bool] = True

    def fetch(self, *, subject: Subject, element_codes: list[str]) -> list[FetchedValue]:
        # A department's table holds what that department recorded, not what applicants declared elsewhere.
        values: dict[str, registry.ValueWithProvenance] = {}
        for owner in registry.element_owners(codes=element_codes):
            values.update(registry.source_values(subject=subject, element_codes=element_codes, source=owner))
        return [FetchedValue(code, v.text, v.source_record_id, v.as_of, v.trust_level) for code, v in values.items()]


class _SlowOptions(BaseModel):
    seconds: float = 5.0


@connectors.register("demo-slow")
class DemoSlowConnector(DemoRegistryConnector):
    """A source system that answers too late (to show the timeout path)."""

    label = "演示：响应缓慢的部门库"
    options_model = _SlowOptions
    options: _SlowOptions

    def fetch(self, *, subject: Subject, element_codes: list[str]) -> list[FetchedValue]:
        time.sleep(self.options.seconds)
        return super().fetch(subject=subject, element_codes=element_codes)


@connectors.register("demo-down")
class DemoDownConnector(Connector):
    """A source system that is down (to show the failure path)."""

    label = "演示：故障中的部门库"
    demo: ClassVar[bool] = True

    def fetch(self, *, subject: Subject, element_codes: list[str]) -> list[FetchedValue]:
        raise ConnectionError("demo source system is down")

    def check_config(self) -> None:
        raise ConfigError("演示故障连接器总是不可用", "The demo down connector is always unavailable")


def connector_for(owner: Department) -> Connector:
    """The connector of an owner department from settings.EXCHANGE_CONNECTORS (credit code, else "*")."""
    table: dict[str, Any] = settings.EXCHANGE_CONNECTORS
    chosen = table.get(owner.credit_code) or table.get("*") or ""
    options = settings.EXCHANGE_CONNECTOR_OPTIONS.get(chosen, {})
    if not chosen:
        raise ConfigError(
            f"{owner.name} 未配置数据连接器", f"No connector is configured for {owner.name_en or owner.name}"
        )
    return connectors.load(chosen, options)
