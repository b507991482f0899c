"""Prefill: what the hub already holds fills the sharing list; everything else is the collection list.

`prefill_pull` asks the hub once per subject when an application starts and again at submission (a
metered, audited read for the item's department). Elements the department may not read, or whose source
is slow or down, come back as unavailable with the reason, so those fields are asked instead — the form
never fails because a source did. `prefill_values` re-reads the registry's current values for the fields
that were shared, in one query per subject: what pages show between the two pulls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tongban.exchange import selectors as exchange_selectors
from tongban.exchange import services as exchange
from tongban.forms.schema import FormSchema
from tongban.forms.state import binding
from tongban.identity.models import Department, Enterprise, Person
from tongban.registry import selectors as registry
from tongban.registry.models import DataElement

Subject = Person | Enterprise


@dataclass
class PrefillOutcome:
    values: dict[str, registry.ValueWithProvenance] = field(default_factory=dict)  # binding → value
    unavailable: dict[str, list[str]] = field(default_factory=dict)  # binding → [zh, en]

    @property
    def seen(self) -> dict[str, str]:
        """binding → as_of (ISO): what a draft keeps instead of the values themselves."""
        return {key: value.as_of.isoformat() for key, value in self.values.items()}


def _by_subject(schema: FormSchema, subjects: Mapping[str, Subject]) -> dict[Any, tuple[Subject, dict[str, list[str]]]]:
    """Element codes to read per distinct subject, with the bindings each code serves."""
    grouped: dict[Any, tuple[Subject, dict[str, list[str]]]] = {}
    for spec in schema.fields:
        if not spec.bound:
            continue
        subject = subjects[spec.role]
        _, codes = grouped.setdefault((type(subject).__name__, subject.pk), (subject, {}))
        codes.setdefault(spec.element, []).append(binding(spec))
    return grouped


def prefill_pull(
    *,
    schema: FormSchema,
    subjects: Mapping[str, Subject],
    consumer: Department,
    purpose: str,
    actor: str,
    case: str,
) -> PrefillOutcome:
    """Read every bound field's element through the hub for the item's department."""
    outcome = PrefillOutcome()
    for subject, codes in _by_subject(schema, subjects).values():
        elements = list(DataElement.objects.filter(code__in=list(codes)).select_related("owner"))
        denials = exchange_selectors.grant_denials(consumer=consumer, elements=elements)
        names = {e.code: (e.name, e.name_en or e.name) for e in elements}
        for code in denials:
            # The staff-facing reason (which grant is missing) is metered and audited; applicants read this.
            zh, en = names[code]
            reason = [
                f"{consumer.name}暂未获准共享读取“{zh}”，请您填写",
                f"{consumer.name_en or consumer.name} may not read “{en}” from shared data yet; please enter it",
            ]
            outcome.unavailable.update({key: reason for key in codes[code]})
        allowed = [e.code for e in elements if e.code not in denials]
        if not allowed:
            continue
        result = exchange.exchange_pull(
            subject=subject, element_codes=allowed, consumer=consumer, purpose=purpose, actor=actor, case=case
        )
        for code, value in result.values.items():
            outcome.values.update({key: value for key in codes[code]})
        for missing in result.unavailable:
            outcome.unavailable.update({key: [missing.reason_zh, missing.reason_en] for key in codes[missing.code]})
    return outcome


def prefill_values(
    *, schema: FormSchema, subjects: Mapping[str, Subject], seen: Mapping[str, Any]
) -> dict[str, registry.ValueWithProvenance]:
    """The registry's current values for the bindings a pull found (one query per subject)."""
    values: dict[str, registry.ValueWithProvenance] = {}
    for subject, codes in _by_subject(schema, subjects).values():
        wanted = [code for code, keys in codes.items() if any(key in seen for key in keys)]
        if not wanted:
            continue
        for code, value in registry.profile_values(subject=subject, element_codes=wanted).items():
            values.update({key: value for key in codes[code] if key in seen})
    return values
