"""Reads of identity that others need (DESIGN §2), scoped by who asks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.core.audit import ChainProblem, audit_record, audit_verify
from tongban.core.errors import NotFound
from tongban.core.models import AuditEntry
from tongban.core.rawsql import uuid_param, uuid_value
from tongban.identity.models import (
    Delegation,
    Department,
    Enterprise,
    LoginEvent,
    OidcClientProfile,
    OutboxMessage,
    Person,
    Staff,
    User,
)
from tongban.identity.roles import Role

# Staff who serve citizens directly may open a person's record; every such look is audited.
PERSON_VIEW_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.SUPERVISOR, Role.AGENT_12345})


def person_for_user(*, user: User) -> Person | None:
    if not user.is_authenticated:
        return None
    return Person.objects.select_related("region").filter(user=user).first()


def staff_for_user(*, user: User) -> Staff | None:
    if not user.is_authenticated:
        return None
    return Staff.objects.select_related("department").filter(user=user, active=True).first()


@dataclass(frozen=True)
class StaffSeat:
    """Who an API caller is in one light query: the active staff record's id and its department."""

    staff_id: UUID
    department: Department


_SEAT = (
    "SELECT s.id, d.id, d.credit_code, d.name, d.name_en FROM identity_staff s "
    "JOIN identity_department d ON d.id = s.department_id WHERE s.user_id = %s AND s.active"
)


# For a caller that folds the seat into a statement of its own (verify): parameter uuid_param(user.pk); five
# columns (staff id, department id, credit code, name, name_en), read back with staff_seat_from_row.
STAFF_SEAT_SQL = _SEAT


def staff_seat_from_row(row: tuple[Any, ...]) -> StaffSeat:
    department = Department.from_db(
        "default", ["id", "credit_code", "name", "name_en"], [uuid_value(row[1]), *row[2:5]]
    )
    return StaffSeat(staff_id=uuid_value(row[0]), department=department)


def staff_seat_for_user(*, user: User) -> StaffSeat | None:
    """The active staff record of this login with its department, or None (also for staff without one).
    One plain statement (every verify call asks); the department holds only the fields a hub call
    reads, the others load on first use (deferred)."""
    if not user.is_authenticated:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_SEAT, [uuid_param(user.pk)])
        row = cursor.fetchone()
    return None if row is None else staff_seat_from_row(row)


def staff_get(*, user: User) -> Staff:
    """The active staff record of this login, or NotFound."""
    staff = staff_for_user(user=user)
    if staff is None:
        raise NotFound()
    return staff


def person_get_for_actor(*, actor: User, person_id: UUID) -> Person:
    """A person's record for the person themself or for staff who serve citizens; NotFound otherwise."""
    person = Person.objects.select_related("region", "user").filter(pk=person_id).first()
    if person is None or not actor.is_authenticated:
        raise NotFound()
    if person.user_id is not None and person.user_id == actor.pk:
        return person
    staff = staff_for_user(user=actor)
    if staff is not None and any(staff.has_role(role) for role in PERSON_VIEW_ROLES):
        audit_record(
            action="person.viewed",
            actor=f"staff:{staff.pk}",
            object_type="person",
            object_id=str(person.pk),
            subject=person.id_number,
            data={"department": staff.department.name if staff.department else ""},
        )
        return person
    raise NotFound()


def person_find(*, id_number: str, name: str) -> Person | None:
    """Exact (ID number, name) match, used where a person names someone they know (delegations)."""
    return Person.objects.filter(id_number=id_number.strip().upper(), name=name.strip()).first()


def delegation_list_for_person(*, person: Person, direction: str = "given") -> QuerySet[Delegation]:
    qs = Delegation.objects.select_related("principal_person", "principal_enterprise", "agent")
    if direction == "given":
        return qs.filter(principal_person=person)
    if direction == "received":
        return qs.filter(agent=person)
    raise ValueError(direction)


def delegation_list_for_enterprise(*, enterprise: Enterprise, actor: User) -> QuerySet[Delegation]:
    rep = enterprise.legal_representative
    if rep is None or rep.user_id != actor.pk:
        raise NotFound()
    return Delegation.objects.select_related("agent").filter(principal_enterprise=enterprise)


def delegation_get_for_principal(*, actor: User, delegation_id: UUID) -> Delegation:
    """A delegation its principal (or the firm's legal representative) may manage; NotFound otherwise."""
    delegation = (
        Delegation.objects.select_related("principal_person", "principal_enterprise__legal_representative", "agent")
        .filter(pk=delegation_id)
        .filter(Q(principal_person__user=actor) | Q(principal_enterprise__legal_representative__user=actor))
        .first()
    )
    if delegation is None:
        raise NotFound()
    return delegation


def delegation_active(*, principal: Person | Enterprise, agent: Person, item_code: str) -> Delegation | None:
    """The delegation that lets `agent` act for `principal` on this item right now, if any."""
    now = timezone.now()
    qs = Delegation.objects.filter(agent=agent, revoked_at__isnull=True, valid_from__lte=now, valid_until__gt=now)
    if isinstance(principal, Person):
        qs = qs.filter(principal_person=principal)
    else:
        qs = qs.filter(principal_enterprise=principal)
    for delegation in qs.order_by("-created_at"):
        if delegation.covers(item_code):
            return delegation
    return None


def enterprise_list_for_representative(*, person: Person) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(legal_representative=person)


def enterprise_list_acted_for(*, person: Person) -> list[Enterprise]:
    """The enterprises this person acts for now: as legal representative, or as an agent (经办人) holding a
    delegation of the firm that is in force (any scope), each once, by name."""
    now = timezone.now()
    agent_of = Delegation.objects.filter(
        agent=person, principal_enterprise__isnull=False, revoked_at__isnull=True, valid_from__lte=now,
        valid_until__gt=now,
    ).values("principal_enterprise")  # fmt: skip
    return list(Enterprise.objects.filter(Q(legal_representative=person) | Q(pk__in=agent_of)).order_by("name"))


def enterprise_find(*, credit_code: str) -> Enterprise | None:
    """The registered enterprise with this (already validated) unified social credit code, if any."""
    return Enterprise.objects.filter(credit_code=(credit_code or "").strip().upper()[:18]).first()


def enterprise_get_for_representative(*, actor: User, enterprise_id: UUID) -> Enterprise:
    enterprise = (
        Enterprise.objects.select_related("legal_representative")
        .filter(pk=enterprise_id, legal_representative__user=actor)
        .first()
    )
    if enterprise is None:
        raise NotFound()
    return enterprise


def login_history(*, user: User, limit: int = 50) -> list[LoginEvent]:
    return list(LoginEvent.objects.filter(user=user).order_by("-created_at")[:limit])


def message_list(*, user: User, limit: int = 100) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(user=user, channel=OutboxMessage.Channel.IN_APP)[:limit])


def message_get_for_user(*, user: User, message_id: UUID) -> OutboxMessage:
    message = OutboxMessage.objects.filter(pk=message_id, user=user).first()
    if message is None:
        raise NotFound()
    return message


def message_unread_count(*, user: User) -> int:
    return OutboxMessage.objects.filter(user=user, channel=OutboxMessage.Channel.IN_APP, read_at__isnull=True).count()


def outbox_list_demo(*, limit: int = 50) -> list[OutboxMessage]:
    """Every SMS the demo outbox 'sent' — only ever shown in demo mode (the view checks)."""
    return list(OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).order_by("-created_at")[:limit])


def oidc_client_department_name(*, client_id: str) -> str:
    profile = OidcClientProfile.objects.select_related("department").filter(client_id=client_id).first()
    return profile.department.name if profile and profile.department else ""


@dataclass(frozen=True)
class AuditView:
    entries: list[AuditEntry]
    problems: list[ChainProblem]
    total: int


def audit_overview(*, actor: Staff, limit: int = 50) -> AuditView:
    """Recent audit entries and the chain check, for auditors only."""
    if not actor.has_role(Role.AUDITOR):
        raise NotFound()
    entries = list(AuditEntry.objects.order_by("-seq")[:limit])
    return AuditView(entries=entries, problems=list(audit_verify()), total=AuditEntry.objects.count())
