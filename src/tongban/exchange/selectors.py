"""Reads of the data-sharing hub: the grant check, the steward's worklist (红黄牌), grants, usage, and
correction requests (数据纠错) for the owner's steward and for the applicant."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from tongban.core.calendar import working_days_between
from tongban.core.errors import NotFound, PermissionDenied
from tongban.exchange.models import CorrectionRequest, Grant, HubOperator, Predicate, SharingRequest, UsageCounter
from tongban.identity.models import Department, Enterprise, Person, Staff, User
from tongban.identity.roles import Role
from tongban.registry import selectors as registry
from tongban.registry.models import DataElement, SharingClass, ValueType

YELLOW_SHARE = 0.8  # a yellow card once 80% of the decision period has passed


def _fmt(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d")


def grant_check(
    *, consumer: Department, elements: Iterable[DataElement], grants: list[Grant] | None = None, at: Any = None
) -> None:
    """Raise PermissionDenied (Chinese and English reason) unless the consumer may read every element:
    open elements and a department's own elements always, conditional ones under an active grant,
    closed ones never. `grants`: the consumer's grants when the caller has read them already (at least
    those covering the elements); `at`: the moment they are judged at (now)."""
    now = at or timezone.now()
    for element in elements:
        label_zh, label_en = f"{element.name}（{element.code}）", f"{element.name_en or element.name} ({element.code})"
        if element.owner_id == consumer.pk:
            continue
        if element.sharing_class == SharingClass.OPEN:
            continue
        if element.sharing_class == SharingClass.CLOSED:
            raise PermissionDenied(f"{label_zh}不予共享", f"{label_en} is never shared", field="element_codes")
        if grants is None:
            grants = list(Grant.objects.filter(consumer=consumer).order_by("-expires_at"))
        covering = [g for g in grants if element.code in g.element_codes]
        if any(g.is_active(now) for g in covering):
            continue
        revoked = [g for g in covering if g.revoked_at is not None]
        expired = [g for g in covering if g.revoked_at is None and g.expires_at <= now]
        if revoked and not expired:
            latest = max(revoked, key=lambda g: g.revoked_at or now)
            raise PermissionDenied(
                f"{label_zh}的共享授权已于 {_fmt(latest.revoked_at)} 被撤销",
                f"The grant for {label_en} was revoked on {_fmt(latest.revoked_at)}",
                field="element_codes", reason="revoked",
            )  # fmt: skip
        if expired:
            latest = max(expired, key=lambda g: g.expires_at)
            raise PermissionDenied(
                f"{label_zh}的共享授权已于 {_fmt(latest.expires_at)} 到期，请重新申请",
                f"The grant for {label_en} expired on {_fmt(latest.expires_at)}; request it again",
                field="element_codes", reason="expired",
            )  # fmt: skip
        raise PermissionDenied(
            f"本部门没有{label_zh}的共享授权，请先提交共享申请",
            f"Your department has no grant for {label_en}; submit a sharing request first",
            field="element_codes", reason="no_grant",
        )  # fmt: skip


def grant_denials(*, consumer: Department, elements: Iterable[DataElement]) -> dict[str, PermissionDenied]:
    """Per element, why the consumer may not read it (elements it may read are absent): a form asks the
    applicant for these instead of failing the whole read."""
    grants = list(Grant.objects.filter(consumer=consumer).order_by("-expires_at"))
    denials: dict[str, PermissionDenied] = {}
    for element in elements:
        try:
            grant_check(consumer=consumer, elements=[element], grants=grants)
        except PermissionDenied as exc:
            denials[element.code] = exc
    return denials


def is_hub_operator(department: Department | None) -> bool:
    return department is not None and HubOperator.objects.filter(department=department).exists()


def can_decide(*, staff: Staff, owner: Department) -> bool:
    """The owner department's steward, or a steward of the department that runs the hub (数据局)."""
    if not staff.active or not staff.has_role(Role.STEWARD) or staff.department is None:
        return False
    return staff.department_id == owner.pk or is_hub_operator(staff.department)


def _decider_scope(staff: Staff) -> Q:
    if not staff.active or not staff.has_role(Role.STEWARD) or staff.department is None:
        return Q(pk__in=[])
    return Q() if is_hub_operator(staff.department) else Q(owner=staff.department)


def request_get_for_decider(*, staff: Staff, request_id: Any, for_update: bool = False) -> SharingRequest:
    queryset = SharingRequest.objects.filter(_decider_scope(staff)).select_related("consumer", "owner")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=request_id)
    except (SharingRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该共享申请", "Sharing request not found") from None


@dataclass(frozen=True)
class WorkItem:
    request: SharingRequest
    elements: list[DataElement]
    elapsed: int  # working days since submission
    card: str  # "", "yellow" or "red"

    @property
    def overdue(self) -> bool:
        return self.card == "red"


class OnTheClock(Protocol):
    """Anything the owner must answer by a due date: a SharingRequest or a CorrectionRequest."""

    submitted_at: datetime
    due_on: date


def card_for(request: OnTheClock, today: date | None = None) -> tuple[int, str]:
    """(working days elapsed, 红黄牌): red when past the due date, yellow at 80% of the period."""
    today = today or timezone.localdate()
    elapsed = working_days_between(timezone.localdate(request.submitted_at), today)
    if today > request.due_on:
        return elapsed, "red"
    if elapsed >= YELLOW_SHARE * settings.EXCHANGE_DECISION_WORKING_DAYS:
        return elapsed, "yellow"
    return elapsed, ""


def _elements_by_code(requests: Iterable[Any]) -> dict[str, DataElement]:
    codes = {c for r in requests for c in r.element_codes}
    return {e.code: e for e in DataElement.objects.filter(code__in=codes)}


def request_worklist(*, staff: Staff, today: date | None = None) -> list[WorkItem]:
    """Pending requests the steward may decide, earliest due first."""
    pending = list(
        SharingRequest.objects.filter(_decider_scope(staff), status=SharingRequest.Status.PENDING)
        .select_related("consumer", "owner", "requested_by")
        .order_by("due_on", "submitted_at")
    )
    elements = _elements_by_code(pending)
    items = []
    for request in pending:
        elapsed, card = card_for(request, today)
        items.append(WorkItem(request, [elements[c] for c in request.element_codes if c in elements], elapsed, card))
    return items


def request_decided_list(*, staff: Staff, limit: int = 20) -> QuerySet[SharingRequest]:
    return (
        SharingRequest.objects.filter(_decider_scope(staff))
        .exclude(status=SharingRequest.Status.PENDING)
        .select_related("consumer", "owner")
        .order_by("-decided_at")[:limit]
    )


# --- Correction requests (数据纠错) ------------------------------------------------------------------


def value_display(element: DataElement, text: str) -> str:
    """What a person reads for a canonical value: the label of a code, 是/否 for a boolean."""
    if not text:
        return ""
    if element.value_type == ValueType.CODE:
        label = element.choices.get(text)
        return f"{label}（{text}）" if label else text
    if element.value_type == ValueType.BOOLEAN:
        return gettext("是") if text == "true" else gettext("否") if text == "false" else text
    return text


def _corrections() -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.select_related("element", "owner", "person", "enterprise", "decided_by")


def correction_get_for_decider(*, staff: Staff, correction_id: Any, for_update: bool = False) -> CorrectionRequest:
    """A correction request the steward may decide (own department's elements, every one for the hub
    operator), or NotFound: another department's request looks like no request."""
    queryset = _corrections().filter(_decider_scope(staff))
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=correction_id)
    except (CorrectionRequest.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound("未找到该纠错申请", "Correction request not found") from None


@dataclass(frozen=True)
class CorrectionItem:
    correction: CorrectionRequest
    elapsed: int  # working days since it was opened
    card: str  # "", "yellow" or "red"

    @property
    def subject_name(self) -> str:
        c = self.correction
        return c.person.name if c.person is not None else c.enterprise.name if c.enterprise else ""

    @property
    def subject_id(self) -> str:
        """The masked ID number of a person; an enterprise's credit code is public."""
        c = self.correction
        return c.person.masked_id if c.person is not None else c.enterprise.credit_code if c.enterprise else ""

    @property
    def subject_label(self) -> str:
        return f"{self.subject_name}（{self.subject_id}）"

    @property
    def shown(self) -> str:
        return value_display(self.correction.element, self.correction.shown_value)

    @property
    def claimed(self) -> str:
        return value_display(self.correction.element, self.correction.claimed_value)

    @property
    def corrected(self) -> str:
        return value_display(self.correction.element, self.correction.corrected_value)


def correction_item(correction: CorrectionRequest, today: date | None = None) -> CorrectionItem:
    elapsed, card = card_for(correction, today)
    return CorrectionItem(correction, elapsed, card)


def correction_worklist(*, staff: Staff, today: date | None = None) -> list[CorrectionItem]:
    """Pending correction requests the steward may decide, earliest due first, with 红黄牌."""
    pending = _corrections().filter(_decider_scope(staff), status=CorrectionRequest.Status.PENDING)
    return [correction_item(c, today) for c in pending.order_by("due_on", "submitted_at")]


def correction_decided_list(*, staff: Staff, limit: int = 20) -> list[CorrectionItem]:
    decided = (
        _corrections()
        .filter(_decider_scope(staff))
        .exclude(status=CorrectionRequest.Status.PENDING)
        .order_by("-decided_at")[:limit]
    )
    return [CorrectionItem(c, 0, "") for c in decided]


def correction_list_for_user(*, user: User) -> QuerySet[CorrectionRequest]:
    """The correction requests this login opened, newest first, with their outcome."""
    if not user.is_authenticated:
        return CorrectionRequest.objects.none()
    return _corrections().filter(raised_by=user).order_by("-submitted_at")


def correction_get_for_user(*, user: User, correction_id: Any) -> CorrectionRequest:
    try:
        return correction_list_for_user(user=user).get(pk=correction_id)
    except (CorrectionRequest.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound("未找到该纠错申请", "Correction request not found") from None


def correction_current_value(*, correction: CorrectionRequest) -> registry.ValueWithProvenance | None:
    """What the registry holds now for the fact a correction is about (with its source), if anything."""
    values = registry.profile_values(subject=correction.subject, element_codes=[correction.element.code])
    return values.get(correction.element.code)


def correction_pending_for_subject(*, subject: Person | Enterprise) -> dict[str, CorrectionRequest]:
    """Pending correction requests about one subject by element code: a form shows "纠错处理中" for these
    instead of offering "信息有误?" again."""
    field = "person" if isinstance(subject, Person) else "enterprise"
    pending = CorrectionRequest.objects.filter(**{field: subject}, status=CorrectionRequest.Status.PENDING)
    return {c.element.code: c for c in pending.select_related("element")}


@dataclass(frozen=True)
class GrantRow:
    grant: Grant
    elements: list[DataElement]
    status: str  # active | expired | revoked


def grant_list(*, staff: Staff) -> list[GrantRow]:
    """Grants of the departments the steward decides for, newest first."""
    scope = _decider_scope(staff)
    grants = list(Grant.objects.filter(scope).select_related("consumer", "owner").order_by("-valid_from"))
    elements = _elements_by_code(grants)
    now = timezone.now()
    rows = []
    for grant in grants:
        status = "revoked" if grant.revoked_at else ("active" if grant.is_active(now) else "expired")
        rows.append(GrantRow(grant, [elements[c] for c in grant.element_codes if c in elements], status))
    return rows


def requests_of_consumer(*, staff: Staff) -> QuerySet[SharingRequest]:
    """The sharing requests of the staff member's department."""
    if staff.department is None:
        return SharingRequest.objects.none()
    return SharingRequest.objects.filter(consumer=staff.department).select_related("owner").order_by("-submitted_at")


def requestable_elements() -> QuerySet[DataElement]:
    """Conditional elements: the only ones a request can name."""
    return (
        DataElement.objects.filter(sharing_class=SharingClass.CONDITIONAL)
        .select_related("owner")
        .order_by("owner__name", "position", "code")
    )


@dataclass(frozen=True)
class PredicateRow:
    """A declared predicate as a rule editor shows it: what it reads and about whom."""

    predicate: Predicate
    element: DataElement | None  # None when the element it reads is no longer declared


def predicate_list() -> list[PredicateRow]:
    """The active predicates (verify-not-reveal questions) with their elements, by code."""
    predicates = list(Predicate.objects.filter(active=True).order_by("code"))
    elements = DataElement.objects.select_related("owner").in_bulk(
        {p.element_code for p in predicates}, field_name="code"
    )
    return [PredicateRow(p, elements.get(p.element_code)) for p in predicates]


def usage_for_consumer(*, consumer: Department) -> QuerySet[UsageCounter]:
    return UsageCounter.objects.filter(consumer=consumer).order_by("element_code")


def subject_find(*, identifier: str) -> Person | Enterprise:
    """The person (18-character ID number) or enterprise (credit code) named, or NotFound."""
    ident = (identifier or "").strip().upper()
    subject = Person.objects.filter(id_number=ident).first() or Enterprise.objects.filter(credit_code=ident).first()
    if subject is None:
        raise NotFound("库中没有该主体", "No person or enterprise with this identifier", field="subject")
    return subject


@dataclass
class DepartmentPerformance:
    """How an owner department serves the hub: reads of its elements and its pending decisions (红黄牌)."""

    department: Department
    calls: int = 0
    failures: int = 0
    denied: int = 0
    latency_ms: int = 0
    pending: int = 0
    yellow: int = 0
    red: int = 0

    @property
    def failure_rate(self) -> float:
        return self.failures / self.calls if self.calls else 0.0

    @property
    def mean_latency_ms(self) -> int:
        return round(self.latency_ms / self.calls) if self.calls else 0


def department_performance(*, staff: Staff, today: date | None = None) -> list[DepartmentPerformance]:
    """Per owner department the steward may see (every department for the hub operator)."""
    if not staff.has_role(Role.STEWARD) or staff.department is None:
        return []
    owners = {e.code: e.owner for e in DataElement.objects.select_related("owner")}
    rows: dict[Any, DepartmentPerformance] = {}
    everyone = is_hub_operator(staff.department)

    def row(owner: Department) -> DepartmentPerformance | None:
        if not everyone and owner.pk != staff.department_id:
            return None
        return rows.setdefault(owner.pk, DepartmentPerformance(owner))

    for counter in UsageCounter.objects.all():
        owner = owners.get(counter.element_code)
        perf = row(owner) if owner else None
        if perf is not None:
            perf.calls += counter.calls
            perf.failures += counter.failures
            perf.denied += counter.denied
            perf.latency_ms += counter.total_latency_ms
    for request in SharingRequest.objects.filter(status=SharingRequest.Status.PENDING).select_related("owner"):
        perf = row(request.owner)
        if perf is not None:
            perf.pending += 1
            _, card = card_for(request, today)
            perf.yellow += card == "yellow"
            perf.red += card == "red"
    return sorted(rows.values(), key=lambda p: (-p.red, -p.yellow, p.department.name))
