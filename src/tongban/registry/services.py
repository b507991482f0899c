"""Writes of the registry: declaring data elements and recording values with provenance (DESIGN §2).

Values are appended, never overwritten. After every write the current value of each touched
(subject, element) is chosen again: among the latest value of every source, the most authoritative
trust level wins, then the latest as_of; if another source's latest value differs, the current one is
flagged as a conflict.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.core.audit import audit_record
from tongban.core.errors import Conflict, InvalidInput
from tongban.identity.models import Department, Enterprise, Person
from tongban.registry.models import (
    DataElement,
    ElementValue,
    Sensitivity,
    SharingClass,
    SubjectKind,
    TrustLevel,
    UpdateCycle,
    ValueType,
)
from tongban.registry.values import value_canonical

CODE_RE = re.compile(r"[A-Z]\.[A-Z][A-Z0-9_]{1,57}")
Subject = Person | Enterprise


@transaction.atomic
def element_declare(
    *,
    code: str,
    name: str,
    owner: Department,
    value_type: str,
    subject_kind: str,
    sharing_class: str,
    update_cycle: str,
    sensitivity: int,
    name_en: str = "",
    legal_basis: str = "",
    pattern: str = "",
    choices: dict[str, str] | None = None,
    position: int = 0,
    actor: str = "system",
) -> DataElement:
    """Add a data element to the catalogue; its code is unique and never reused."""
    code = code.strip()
    if not CODE_RE.fullmatch(code):
        raise InvalidInput(
            f"数据项代码“{code}”格式不正确，应如 P.HUKOU_ADDRESS",
            f"The element code “{code}” is not valid; it should look like P.HUKOU_ADDRESS",
            field="code",
        )
    if not name.strip():
        raise InvalidInput("请填写数据项名称", "Enter the element's name", field="name")
    for value, allowed, field, zh, en in (
        (value_type, ValueType.values, "value_type", "数据类型", "value type"),
        (subject_kind, SubjectKind.values, "subject_kind", "主体类型", "subject kind"),
        (sharing_class, SharingClass.values, "sharing_class", "共享类型", "sharing class"),
        (update_cycle, UpdateCycle.values, "update_cycle", "更新周期", "update cycle"),
    ):
        if value not in allowed:
            raise InvalidInput(f"未知的{zh}“{value}”", f"Unknown {en} “{value}”", field=field)
    if sensitivity not in Sensitivity.values:
        raise InvalidInput("敏感级别应为 1 至 4", "The sensitivity level must be 1 to 4", field="sensitivity")
    if pattern:
        try:
            re.compile(pattern)
        except re.error:
            raise InvalidInput("格式规则不是有效的正则表达式", "The format is not a valid regular expression") from None
    if value_type == ValueType.CODE and not choices:
        raise InvalidInput(
            "代码型数据项须列出允许的代码", "A code element must list its allowed codes", field="choices"
        )
    if DataElement.objects.filter(code=code).exists():
        raise Conflict(f"数据项代码“{code}”已存在", f"The element code “{code}” already exists", field="code")
    element = DataElement.objects.create(
        code=code,
        name=name.strip(),
        name_en=name_en.strip(),
        value_type=value_type,
        pattern=pattern,
        choices=dict(choices or {}),
        owner=owner,
        sharing_class=sharing_class,
        update_cycle=update_cycle,
        legal_basis=legal_basis.strip(),
        sensitivity=sensitivity,
        subject_kind=subject_kind,
        position=max(0, position),
    )
    audit_record(
        action="registry.element_declared", actor=actor, object_type="data_element", object_id=str(element.pk),
        data={"code": code, "owner": owner.name},
    )  # fmt: skip
    return element


@dataclass(frozen=True)
class ValueInput:
    """One value to record: what `values_record_bulk` takes, one per row."""

    subject: Subject
    element: DataElement
    value: Any
    source_department: Department
    as_of: datetime
    trust_level: str = TrustLevel.A
    source_record_id: str = ""


@transaction.atomic
def value_record(
    *,
    subject: Subject,
    element: DataElement,
    value: Any,
    source_department: Department,
    source_record_id: str = "",
    as_of: datetime,
    trust_level: str = TrustLevel.A,
) -> ElementValue:
    """Append one value with its provenance and choose the current value of that fact again."""
    row = ValueInput(subject, element, value, source_department, as_of, trust_level, source_record_id)
    created = _record([row])
    return created[0]


@transaction.atomic
def values_record_bulk(*, rows: Sequence[ValueInput], batch_size: int = 2000) -> int:
    """Append many values at once (register loads): all or nothing; a bad row names its position."""
    return len(_record(rows, batch_size=batch_size))


def _subject_key(subject: Subject) -> tuple[str, Any]:
    return ("person" if isinstance(subject, Person) else "enterprise", subject.pk)


def _check(index: int | None, row: ValueInput) -> str:
    where_zh = f"第 {index} 行：" if index is not None else ""
    where_en = f"Row {index}: " if index is not None else ""
    element = row.element
    kind = SubjectKind.PERSON if isinstance(row.subject, Person) else SubjectKind.ENTERPRISE
    if not isinstance(row.subject, Person | Enterprise) or row.subject.pk is None:
        raise InvalidInput(f"{where_zh}数据主体无效", f"{where_en}the subject is not valid", field="subject")
    if element.subject_kind != kind:
        raise InvalidInput(
            f"{where_zh}数据项 {element.code} 只适用于{SubjectKind(element.subject_kind).label}",
            f"{where_en}data element {element.code} applies to {element.subject_kind} subjects only",
            field="subject",
        )
    if row.trust_level not in TrustLevel.values:
        raise InvalidInput(
            f"{where_zh}可信等级应为 A、B、C 或 D",
            f"{where_en}the trust level must be A, B, C or D",
            field="trust_level",
        )
    if not isinstance(row.as_of, datetime) or timezone.is_naive(row.as_of):
        raise InvalidInput(
            f"{where_zh}数据时点须为带时区的时间", f"{where_en}the as-of time must carry a time zone", field="as_of"
        )
    if row.as_of > timezone.now() + timedelta(minutes=5):
        raise InvalidInput(
            f"{where_zh}数据时点不能晚于现在", f"{where_en}the as-of time is in the future", field="as_of"
        )
    try:
        return value_canonical(
            code=element.code,
            value_type=element.value_type,
            value=row.value,
            pattern=element.pattern,
            choices=element.choices,
        )
    except InvalidInput as exc:
        raise InvalidInput(where_zh + exc.message_zh, where_en + exc.message_en, field="value") from None


def _rank(value: ElementValue) -> tuple[str, float, float]:
    # Sorts best first: trust level A < B < C < D, then the latest as_of, then the latest recorded.
    return (value.trust_level, -value.as_of.timestamp(), -value.recorded_at.timestamp())


def choose_current(values: Iterable[ElementValue]) -> tuple[ElementValue | None, list[ElementValue]]:
    """The current value among all rows of one fact, and the other sources' latest values that differ."""
    latest_per_source: dict[Any, ElementValue] = {}
    for value in values:
        seen = latest_per_source.get(value.source_department_id)
        if seen is None or (value.as_of, value.recorded_at) > (seen.as_of, seen.recorded_at):
            latest_per_source[value.source_department_id] = value
    if not latest_per_source:
        return None, []
    eligible = sorted(latest_per_source.values(), key=_rank)
    winner = eligible[0]
    return winner, [v for v in eligible[1:] if v.value != winner.value]


def _record(rows: Sequence[ValueInput], *, batch_size: int = 2000) -> list[ElementValue]:
    now = timezone.now()
    single = len(rows) == 1
    new: list[ElementValue] = []
    for index, row in enumerate(rows, start=1):
        text = _check(None if single else index, row)
        is_person = isinstance(row.subject, Person)
        new.append(
            ElementValue(
                person=row.subject if is_person else None,  # type: ignore[misc]
                enterprise=None if is_person else row.subject,  # type: ignore[misc]
                element=row.element,
                value=text,
                source_department=row.source_department,
                source_record_id=row.source_record_id[:100],
                as_of=row.as_of,
                trust_level=row.trust_level,
                recorded_at=now,
            )
        )
    groups: dict[tuple[str, Any, Any], list[ElementValue]] = defaultdict(list)
    for value in new:
        kind, subject_id = ("person", value.person_id) if value.person_id else ("enterprise", value.enterprise_id)
        groups[(kind, subject_id, value.element_id)].append(value)
    existing = _existing(groups.keys())
    for value in existing:
        kind, subject_id = ("person", value.person_id) if value.person_id else ("enterprise", value.enterprise_id)
        groups[(kind, subject_id, value.element_id)].append(value)

    losing: list[ElementValue] = []  # existing rows that stop being current or change their flag
    winning: list[ElementValue] = []  # existing rows that become current
    for group in groups.values():
        winner, differing = choose_current(group)
        for value in group:
            is_current = value is winner
            conflict = is_current and bool(differing)
            if value._state.adding:
                value.current, value.conflict = is_current, conflict
            elif (value.current, value.conflict) != (is_current, conflict):
                was_current = value.current
                value.current, value.conflict = is_current, conflict
                (winning if is_current and not was_current else losing).append(value)
    # Clear old current rows before setting new ones: the partial unique index allows one per fact.
    if losing:
        ElementValue.objects.bulk_update(losing, ["current", "conflict"], batch_size=batch_size)
    if winning:
        ElementValue.objects.bulk_update(winning, ["current", "conflict"], batch_size=batch_size)
    ElementValue.objects.bulk_create(new, batch_size=batch_size)
    return new


CHUNK = 500  # subjects per query: SQLite limits bound parameters


def _existing(keys: Iterable[tuple[str, Any, Any]]) -> list[ElementValue]:
    """Lock the subjects (so two writers to one fact take turns) and load their rows of the touched elements."""
    wanted = set(keys)
    by_kind: dict[str, set[Any]] = defaultdict(set)
    elements: set[Any] = set()
    for kind, subject_id, element_id in wanted:
        by_kind[kind].add(subject_id)
        elements.add(element_id)
    found: list[ElementValue] = []
    for kind, model in (("person", Person), ("enterprise", Enterprise)):
        ids = sorted(by_kind[kind], key=str)
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            list(model.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk", flat=True))
            rows = ElementValue.objects.filter(**{f"{kind}_id__in": chunk}, element_id__in=elements)
            for value in rows:
                if (kind, value.person_id or value.enterprise_id, value.element_id) in wanted:
                    found.append(value)
    return found
