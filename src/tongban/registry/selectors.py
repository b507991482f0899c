"""Reads of the registry: a subject's profile with provenance, values for prefill, the element catalogue,
and the person's data-use history (谁用了我的数据)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_lazy

from tongban.core.audit import audit_list_for_subject
from tongban.core.models import AuditEntry
from tongban.core.rawsql import datetime_value, uuid_param, uuid_value
from tongban.identity.models import Department, Enterprise, Person, Staff
from tongban.registry.models import DataElement, ElementValue, SubjectKind, TrustLevel, ValueType
from tongban.registry.services import choose_current
from tongban.registry.values import value_typed

Subject = Person | Enterprise


@dataclass(frozen=True)
class Alternative:
    """Another source's latest value that disagrees with the current one."""

    source_department: str
    value: str
    as_of: datetime
    trust_level: str


@dataclass(frozen=True)
class ValueWithProvenance:
    code: str
    name: str
    name_en: str
    value_type: str
    text: str  # canonical text
    display: str  # what a person reads: labels for codes, 是/否 for booleans
    owner_department: str
    source_department: str
    source_department_en: str
    source_record_id: str
    as_of: datetime
    trust_level: str
    conflict: bool
    alternatives: tuple[Alternative, ...] = ()

    @property
    def typed(self) -> Any:
        return value_typed(self.value_type, self.text)

    @property
    def trust_label(self) -> str:
        return str(TrustLevel(self.trust_level).label)


@dataclass
class DepartmentGroup:
    department: Department
    values: list[ValueWithProvenance] = field(default_factory=list)


def _display_text(value_type: str, choices: dict[str, str] | None, text: str) -> str:
    if value_type == ValueType.CODE:
        label = (choices or {}).get(text)
        return f"{label}" if label else text
    if value_type == ValueType.BOOLEAN:
        return gettext("是") if text == "true" else gettext("否")
    return text


def _display(element: DataElement, text: str) -> str:
    return _display_text(element.value_type, element.choices, text)


def _with_provenance(value: ElementValue, alternatives: tuple[Alternative, ...] = ()) -> ValueWithProvenance:
    element = value.element
    return ValueWithProvenance(
        code=element.code,
        name=element.name,
        name_en=element.name_en,
        value_type=element.value_type,
        text=value.value,
        display=_display(element, value.value),
        owner_department=element.owner.name,
        source_department=value.source_department.name,
        source_department_en=value.source_department.name_en,
        source_record_id=value.source_record_id,
        as_of=value.as_of,
        trust_level=value.trust_level,
        conflict=value.conflict,
        alternatives=alternatives,
    )


def _subject_filter(subject: Subject) -> dict[str, Any]:
    return {"person": subject} if isinstance(subject, Person) else {"enterprise": subject}


# Element and department names change rarely and are read on every prefill: kept per process by primary key
# (UUIDs are never reused, so a key found is never someone else's) and read again after CATALOGUE_SECONDS.
# Each reload builds new dicts and swaps them in whole, so a thread reading the old ones is never disturbed.
CATALOGUE_SECONDS = 60.0
ElementMeta = tuple[str, str, str, str, dict[str, str], str]  # code, name, name_en, value_type, choices, owner
_catalogue_state: dict[str, Any] = {"elements": {}, "departments": {}, "at": 0.0}


def _catalogue(
    element_ids: set[Any], department_ids: set[Any]
) -> tuple[dict[Any, ElementMeta], dict[Any, tuple[str, str]]]:
    state = _catalogue_state
    stale = time.monotonic() - state["at"] > CATALOGUE_SECONDS
    elements, departments = state["elements"], state["departments"]
    if stale or not element_ids <= elements.keys():
        fields = ("pk", "code", "name", "name_en", "value_type", "choices", "owner__name")
        elements = {pk: tuple(meta) for pk, *meta in DataElement.objects.values_list(*fields)}
    if stale or not department_ids <= departments.keys():
        departments = {pk: (n, en) for pk, n, en in Department.objects.values_list("pk", "name", "name_en")}
    if stale:
        state["at"] = time.monotonic()
    state["elements"], state["departments"] = elements, departments
    return elements, departments


_VALUE_COLUMNS = ("element_id", "value", "source_department_id", "source_record_id", "as_of", "trust_level", "conflict")


def _values_from_rows(rows: list[tuple[Any, ...]]) -> dict[str, ValueWithProvenance]:
    elements, departments = _catalogue({r[0] for r in rows}, {r[2] for r in rows})
    values = {}
    for element_id, text, source_id, record_id, as_of, trust_level, conflict in rows:
        code, name, name_en, value_type, choices, owner = elements[element_id]
        source, source_en = departments[source_id]
        values[code] = ValueWithProvenance(
            code=code, name=name, name_en=name_en, value_type=value_type, text=text,
            display=_display_text(value_type, choices, text), owner_department=owner, source_department=source,
            source_department_en=source_en, source_record_id=record_id, as_of=as_of, trust_level=trust_level,
            conflict=conflict,
        )  # fmt: skip
    return values


def profile_values(*, subject: Subject, element_codes: Iterable[str]) -> dict[str, ValueWithProvenance]:
    """Current values of the named elements for one subject, with provenance, in one query (prefill).
    Reads only the columns it returns; names come from the per-process catalogue (bench: register)."""
    rows = ElementValue.objects.filter(**_subject_filter(subject), current=True, element__code__in=list(element_codes))
    return _values_from_rows(list(rows.order_by().values_list(*_VALUE_COLUMNS)))


_CURRENT_BY_PERSON = (
    "SELECT v.element_id, v.value, v.source_department_id, v.source_record_id, v.as_of, v.trust_level, v.conflict "
    "FROM registry_elementvalue v JOIN identity_person s ON s.id = v.person_id "
    "WHERE s.id_number = %s AND v.element_id = %s AND v.current"
)
_CURRENT_BY_ENTERPRISE = (
    "SELECT v.element_id, v.value, v.source_department_id, v.source_record_id, v.as_of, v.trust_level, v.conflict "
    "FROM registry_elementvalue v JOIN identity_enterprise s ON s.id = v.enterprise_id "
    "WHERE s.credit_code = %s AND v.element_id = %s AND v.current"
)


def current_value_sql(*, subject_kind: str) -> str:
    """The statement current_value_by_identifier runs (parameters: identifier, uuid_param(element id)), for a
    caller that folds the read into a statement of its own (verify reads seat, grants and value at once). It
    ends in its WHERE clause, so the caller may add conditions with AND; its rows go to current_value_from_row."""
    return _CURRENT_BY_PERSON if subject_kind == SubjectKind.PERSON else _CURRENT_BY_ENTERPRISE


def current_value_from_row(row: tuple[Any, ...]) -> ValueWithProvenance | None:
    """A row of current_value_sql (seven columns; all None when a LEFT JOIN found nothing) as a value."""
    element, text, source, record_id, as_of, trust_level, conflict = row
    if element is None:
        return None
    values = _values_from_rows(
        [(uuid_value(element), text, uuid_value(source), record_id, datetime_value(as_of), trust_level, bool(conflict))]
    )
    return next(iter(values.values()), None)


def current_value_by_identifier(*, subject_kind: str, identifier: str, element_id: UUID) -> ValueWithProvenance | None:
    """The current value of one element for the person (ID number) or enterprise (credit code) so
    identified. None alike for an unknown subject and a value not held: verify must not tell them apart.

    One plain statement, as every verify answer reads through here; the cursor gives SQLite's text for
    UUIDs, datetimes and booleans, which are read back into what the ORM would have returned."""
    with connection.cursor() as cursor:
        cursor.execute(current_value_sql(subject_kind=subject_kind), [identifier, uuid_param(element_id)])
        row = cursor.fetchone()
    return None if row is None else current_value_from_row(row)


def source_values(
    *, subject: Subject, element_codes: Iterable[str], source: Department
) -> dict[str, ValueWithProvenance]:
    """The latest value one source department recorded for each named element (its own register's view),
    whichever value is current: what that department's connector answers."""
    rows = (
        ElementValue.objects.filter(
            **_subject_filter(subject), source_department=source, element__code__in=list(element_codes)
        )
        .select_related("element__owner", "source_department")
        .order_by("element_id", "-as_of", "-recorded_at")
    )
    latest: dict[str, ValueWithProvenance] = {}
    for row in rows:
        latest.setdefault(row.element.code, _with_provenance(row))
    return latest


def profile_for_subject(*, subject: Subject) -> list[DepartmentGroup]:
    """The whole profile of a subject grouped by owner department (in the order elements were declared);
    conflicting sources listed per value."""
    rows = list(
        ElementValue.objects.filter(**_subject_filter(subject), current=True)
        .select_related("element__owner", "source_department")
        .order_by("element__position", "element__owner__name", "element__code")
    )
    alternatives: dict[Any, tuple[Alternative, ...]] = {}
    conflicting = [row.element_id for row in rows if row.conflict]
    if conflicting:
        history = ElementValue.objects.filter(**_subject_filter(subject), element_id__in=conflicting).select_related(
            "element", "source_department"
        )
        by_element: dict[Any, list[ElementValue]] = {}
        for value in history:
            by_element.setdefault(value.element_id, []).append(value)
        for element_id, values in by_element.items():
            _, differing = choose_current(values)
            alternatives[element_id] = tuple(
                Alternative(v.source_department.name, _display(v.element, v.value), v.as_of, v.trust_level)
                for v in differing
            )
    groups: dict[Any, DepartmentGroup] = {}
    for row in rows:
        owner = row.element.owner
        group = groups.setdefault(owner.pk, DepartmentGroup(department=owner))
        group.values.append(_with_provenance(row, alternatives.get(row.element_id, ())))
    return list(groups.values())


def value_history(*, subject: Subject, element_code: str) -> list[ElementValue]:
    """Every value ever recorded for one fact of one subject, newest first."""
    return list(
        ElementValue.objects.filter(**_subject_filter(subject), element__code=element_code)
        .select_related("element", "source_department")
        .order_by("-as_of", "-recorded_at")
    )


def element_list() -> QuerySet[DataElement]:
    return DataElement.objects.select_related("owner").order_by("-subject_kind", "position", "owner__name", "code")


def element_owners(*, codes: Iterable[str]) -> list[Department]:
    """The distinct owner departments of the named elements."""
    return list(Department.objects.filter(data_elements__code__in=list(codes)).distinct())


def element_names(*, codes: Iterable[str]) -> dict[str, str]:
    return dict(DataElement.objects.filter(code__in=list(codes)).values_list("code", "name"))


# --- 谁用了我的数据 -------------------------------------------------------------------------------

ACTION_LABELS = {
    "profile.view": gettext_lazy("查看一人一档"),
    "enterprise_profile.view": gettext_lazy("查看一企一档"),
    "person.viewed": gettext_lazy("查看个人信息"),
    "data.shared": gettext_lazy("共享调用"),
    "data.read": gettext_lazy("共享调用"),
    "login.success": gettext_lazy("登录"),
    "account.registered": gettext_lazy("注册账号"),
    "realname.verified_l2": gettext_lazy("实名核验（L2）"),
    "realname.verified_l3": gettext_lazy("人脸核验（L3）"),
    "delegation.granted": gettext_lazy("授权代办"),
    "delegation.revoked": gettext_lazy("撤销代办授权"),
    "verify.answered": gettext_lazy("核验（可用不可见）"),
    "exchange.correction_opened": gettext_lazy("提出数据纠错"),
    "exchange.correction_corrected": gettext_lazy("数据纠错：已更正"),
    "exchange.correction_rejected": gettext_lazy("数据纠错：未更正"),
    "form.submitted": gettext_lazy("提交申请"),
    "profile.written_back": gettext_lazy("本人同意回写一人一档"),
    "licenses.issued": gettext_lazy("签发电子证照"),
    "licence.shown": gettext_lazy("亮证：被扫码核验"),
    "licence.used_as_material": gettext_lazy("调用电子证照作申请材料"),
    "licence.grant_created": gettext_lazy("授权部门使用电子证照"),
    "licence.grant_used": gettext_lazy("部门凭授权调取电子证照"),
    "licence.grant_refused": gettext_lazy("授权已失效，调取被拒绝"),
    "licence.grant_revoked": gettext_lazy("撤销用证授权"),
}
# The same acts when the grantee is an enterprise (the entry names it under "enterprise").
ENTERPRISE_ACTION_LABELS = {
    "licence.grant_created": gettext_lazy("授权企业使用电子证照"),
    "licence.grant_used": gettext_lazy("企业凭授权调取电子证照"),
}


@dataclass(frozen=True)
class DataUse:
    at: datetime
    who: str
    department: str
    action: str
    action_label: str
    elements: list[str]
    purpose: str
    case_reference: str
    by_self: bool


def data_use_entries(*, person: Person) -> QuerySet[AuditEntry]:
    """Audit entries about this person (by the keyed hash of their ID number), newest first."""
    return audit_list_for_subject(subject=person.id_number)


def data_uses_describe(*, person: Person, entries: Iterable[AuditEntry]) -> list[DataUse]:
    """Readable rows for the entries of one page: who (staff name and department), which elements."""
    entries = list(entries)
    staff_ids: set[UUID] = set()
    codes: set[str] = set()
    for entry in entries:
        kind, _, ident = entry.actor.partition(":")
        if kind == "staff":
            with contextlib.suppress(ValueError):
                staff_ids.add(UUID(ident))
        codes.update(str(code) for code in entry.data.get("elements", []) or [])
    staff = {str(s.pk): s for s in Staff.objects.select_related("department").filter(pk__in=staff_ids)}
    names = element_names(codes=codes)
    uses = []
    for entry in entries:
        kind, _, ident = entry.actor.partition(":")
        # Acts of the person's own login (actor "user:<id>") are theirs too.
        by_self = (kind == "person" and ident == str(person.pk)) or (kind == "user" and ident == str(person.user_id))
        department = str(entry.data.get("department", "") or entry.data.get("enterprise", "") or "")
        labels: dict[str, Any] = ENTERPRISE_ACTION_LABELS if entry.data.get("enterprise") else {}
        if by_self:
            who = gettext("本人")
        elif kind == "staff" and ident in staff:
            member = staff[ident]
            who = member.name
            department = department or (member.department.name if member.department else "")
        else:
            who = str(entry.data.get("actor_name", "") or entry.actor or gettext("系统"))
        uses.append(
            DataUse(
                at=entry.at,
                who=who,
                department=department,
                action=entry.action,
                action_label=str(labels.get(entry.action) or ACTION_LABELS.get(entry.action, entry.action)),
                elements=[names.get(str(code), str(code)) for code in entry.data.get("elements", []) or []],
                purpose=str(entry.data.get("purpose", "") or ""),
                case_reference=str(entry.data.get("case", "") or entry.data.get("case_reference", "") or ""),
                by_self=by_self,
            )
        )
    return uses
