"""Writes of the data-sharing hub: sharing requests and grants, correction requests (数据纠错), on-demand
pulls, bulk imports (issue 4).

`exchange_pull` is deliberately not one transaction: a denied read must stay metered although the
caller gets PermissionDenied, and a slow source system must not hold a transaction open. Each write
inside it (recording fetched values, metering) is atomic on its own.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, BinaryIO

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from tongban.core.audit import audit_record
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from tongban.core.rawsql import uuid_param
from tongban.exchange import imports
from tongban.exchange.connectors import Connector, FetchedValue, connector_for
from tongban.exchange.models import CorrectionRequest, Grant, HubOperator, SharingRequest
from tongban.exchange.selectors import (
    can_decide,
    correction_get_for_decider,
    grant_check,
    request_get_for_decider,
    subject_find,
    value_display,
)
from tongban.identity.models import Department, Enterprise, Person, Staff, User
from tongban.identity.services import message_send
from tongban.registry import selectors as registry
from tongban.registry.models import DataElement, SharingClass, SubjectKind, TrustLevel
from tongban.registry.services import ValueInput, value_record, values_record_bulk
from tongban.registry.values import value_canonical

Subject = Person | Enterprise
MAX_PERIOD_DAYS = 3 * 365


def _subject_identifier(subject: Subject) -> str:
    return subject.id_number if isinstance(subject, Person) else subject.credit_code


# --- Sharing requests and grants -------------------------------------------------------------------


def _elements(codes: list[str], field: str = "element_codes") -> list[DataElement]:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not wanted:
        raise InvalidInput("请至少选择一个数据项", "Choose at least one data element", field=field)
    found = {e.code: e for e in DataElement.objects.select_related("owner").filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise InvalidInput(
            f"未知的数据项：{'、'.join(unknown)}", f"Unknown data elements: {', '.join(unknown)}", field=field
        )
    return [found[c] for c in wanted]


@transaction.atomic
def sharing_request_submit(
    *, staff: Staff, element_codes: list[str], purpose: str, period_days: int, item_code: str = ""
) -> SharingRequest:
    """A consumer department asks one owner department for conditional elements; due in 10 working days."""
    consumer = staff.department
    if consumer is None:
        raise PermissionDenied("只有部门工作人员可以申请共享", "Only staff of a department can request data")
    purpose = purpose.strip()
    if not purpose:
        raise InvalidInput(
            "请填写用途（如办理的事项）", "Enter the purpose (such as the service item)", field="purpose"
        )
    if not 1 <= period_days <= MAX_PERIOD_DAYS:
        raise InvalidInput(
            f"使用期限应为 1 至 {MAX_PERIOD_DAYS} 天", f"The period must be 1 to {MAX_PERIOD_DAYS} days",
            field="period_days",
        )  # fmt: skip
    elements = _elements(element_codes)
    for element in elements:
        if element.sharing_class == SharingClass.CLOSED:
            raise InvalidInput(
                f"{element.name}（{element.code}）不予共享，不能申请",
                f"{element.name_en or element.code} is never shared and cannot be requested",
                field="element_codes",
            )
        if element.sharing_class == SharingClass.OPEN:
            raise InvalidInput(
                f"{element.name}（{element.code}）是无条件共享数据项，无需申请",
                f"{element.name_en or element.code} is open to every department; no request is needed",
                field="element_codes",
            )
    owners = {e.owner_id for e in elements}
    if len(owners) > 1:
        raise InvalidInput(
            "一次申请只能面向一个部门的数据项，请按部门分别申请",
            "One request goes to one owner department; request each department's elements separately",
            field="element_codes",
        )
    owner = elements[0].owner
    if owner.pk == consumer.pk:
        raise InvalidInput(
            "本部门的数据无需申请共享", "Your department owns these elements; no request is needed",
            field="element_codes",
        )  # fmt: skip
    submitted = timezone.now()
    request = SharingRequest.objects.create(
        consumer=consumer,
        owner=owner,
        item_code=item_code.strip()[:40],
        purpose=purpose[:300],
        element_codes=[e.code for e in elements],
        period_days=period_days,
        requested_by=staff,
        submitted_at=submitted,
        due_on=add_working_days(timezone.localdate(submitted), settings.EXCHANGE_DECISION_WORKING_DAYS),
    )
    audit_record(
        action="exchange.request_submitted", actor=f"staff:{staff.pk}", object_type="sharing_request",
        object_id=str(request.pk), data={"elements": request.element_codes, "owner": owner.name, "purpose": purpose},
    )  # fmt: skip
    return request


@transaction.atomic
def sharing_request_decide(*, staff: Staff, request_id: Any, approve: bool, reason: str = "") -> SharingRequest:
    """The owner's steward approves (a Grant is created) or denies (a reason is required)."""
    request = request_get_for_decider(staff=staff, request_id=request_id, for_update=True)
    if request.status != SharingRequest.Status.PENDING:
        raise Conflict("该申请已经处理过", "This request has already been decided")
    reason = reason.strip()
    if not approve and not reason:
        raise InvalidInput("拒绝时请说明理由", "Give a reason for the denial", field="reason")
    now = timezone.now()
    request.status = SharingRequest.Status.APPROVED if approve else SharingRequest.Status.DENIED
    request.decided_at, request.decided_by, request.decision_reason = now, staff, reason[:500]
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_reason", "updated_at"])
    if approve:
        Grant.objects.create(
            consumer=request.consumer,
            owner=request.owner,
            request=request,
            element_codes=request.element_codes,
            purpose=request.purpose,
            item_code=request.item_code,
            valid_from=now,
            expires_at=now + timedelta(days=request.period_days),
        )
    audit_record(
        action="exchange.request_approved" if approve else "exchange.request_denied", actor=f"staff:{staff.pk}",
        object_type="sharing_request", object_id=str(request.pk),
        data={"elements": request.element_codes, "consumer": request.consumer.name, "reason": reason},
    )  # fmt: skip
    return request


@transaction.atomic
def grant_revoke(*, staff: Staff, grant_id: Any, reason: str) -> Grant:
    try:
        grant = Grant.objects.select_for_update().select_related("owner", "consumer").get(pk=grant_id)
    except (Grant.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该授权", "Grant not found") from None
    if not can_decide(staff=staff, owner=grant.owner):
        raise NotFound("未找到该授权", "Grant not found")
    if grant.revoked_at is not None:
        raise Conflict("该授权已撤销", "This grant is already revoked")
    if not grant.revocable:
        raise Conflict("该授权不可撤销", "This grant cannot be revoked")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请说明撤销理由", "Give a reason for revoking", field="reason")
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = timezone.now(), staff, reason[:500]
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    audit_record(
        action="exchange.grant_revoked", actor=f"staff:{staff.pk}", object_type="grant", object_id=str(grant.pk),
        data={"elements": grant.element_codes, "consumer": grant.consumer.name, "reason": reason},
    )  # fmt: skip
    return grant


# --- Correction requests (数据纠错) ------------------------------------------------------------------

MAX_REASON = 500
MAX_SHOWN = 2000


def _checked_value(element: DataElement, value: str, field: str) -> str:
    try:
        return value_canonical(
            code=element.code, value_type=element.value_type, value=value, pattern=element.pattern,
            choices=element.choices,
        )  # fmt: skip
    except InvalidInput as exc:
        raise InvalidInput(exc.message_zh, exc.message_en, field=field) from None


@transaction.atomic
def correction_open(
    *,
    subject: Person | Enterprise,
    element_code: str,
    shown_value: str,
    claimed_value: str,
    reason: str,
    raised_by: User,
    reference: str = "",
) -> CorrectionRequest:
    """An applicant says a shared value is wrong: a correction request to the element's owner department,
    due in 10 working days. A second request about the same fact while one is pending returns that one.

    The caller has already established that `raised_by` may act for `subject` (the applicant, or a
    represented party under a delegation): the forms engine only shows values it may read."""
    if not isinstance(subject, Person | Enterprise) or subject.pk is None:
        raise InvalidInput("数据主体无效", "The subject is not valid", field="subject")
    element = DataElement.objects.select_related("owner").filter(code=(element_code or "").strip()).first()
    if element is None:
        raise InvalidInput(
            f"未知的数据项：{element_code}", f"Unknown data element: {element_code}", field="element_code"
        )
    kind = SubjectKind.PERSON if isinstance(subject, Person) else SubjectKind.ENTERPRISE
    if element.subject_kind != kind:
        raise InvalidInput(
            f"数据项 {element.code} 只适用于{SubjectKind(element.subject_kind).label}",
            f"Data element {element.code} applies to {element.subject_kind} subjects only",
            field="element_code",
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请说明哪里有误", "Say what is wrong with this information", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"说明最多 {MAX_REASON} 字", f"The explanation can be at most {MAX_REASON} characters", field="reason"
        )
    claimed = (claimed_value or "").strip()
    if claimed:
        claimed = _checked_value(element, claimed, "claimed_value")
    # Lock the subject so two tabs opening the same correction take turns (the partial unique index is
    # the backstop); then a pending request about this fact is the answer.
    model = type(subject)
    model.objects.select_for_update().filter(pk=subject.pk).exists()
    subject_field = "person" if kind == SubjectKind.PERSON else "enterprise"
    existing = (
        CorrectionRequest.objects.select_related("element", "owner")
        .filter(**{subject_field: subject}, element=element, status=CorrectionRequest.Status.PENDING)
        .first()
    )
    if existing is not None:
        return existing
    submitted = timezone.now()
    correction = CorrectionRequest.objects.create(
        **{subject_field: subject},
        element=element,
        owner=element.owner,
        shown_value=(shown_value or "").strip()[:MAX_SHOWN],
        claimed_value=claimed,
        reason=reason,
        raised_by=raised_by,
        reference=(reference or "").strip()[:60],
        submitted_at=submitted,
        due_on=add_working_days(timezone.localdate(submitted), settings.EXCHANGE_DECISION_WORKING_DAYS),
    )
    # The values stay in the request row: the audit log is append-only and a value may itself be personal.
    audit_record(
        action="exchange.correction_opened", actor=f"user:{raised_by.pk}", object_type="correction_request",
        object_id=str(correction.pk), subject=_subject_identifier(subject),
        data={"elements": [element.code], "department": element.owner.name, "purpose": "数据纠错",
              "case": correction.reference, "number": correction.number},
    )  # fmt: skip
    return correction


def _correction_message(correction: CorrectionRequest) -> str:
    element, owner = correction.element, correction.owner.name
    if correction.status == CorrectionRequest.Status.CORRECTED:
        value = value_display(element, correction.corrected_value)
        return (
            f"您反映的“{element.name}”信息有误（编号 {correction.number}），{owner}已更正为“{value}”。"
            "办事时将使用更正后的信息。"
        )
    return (
        f"您反映的“{element.name}”信息有误（编号 {correction.number}），{owner}核实后未予更正。"
        f"理由：{correction.decision_reason}。如有异议，请携带有效证件到{owner}窗口办理，或拨打 12345。"
    )


@transaction.atomic
def correction_decide(
    *, staff: Staff, correction_id: Any, accept: bool, reason: str = "", value: str = ""
) -> CorrectionRequest:
    """The owner's steward corrects the value (recorded into the registry as the owner's, trust level A,
    so the profile's current value changes and the old rows stay as history) or says why not."""
    correction = correction_get_for_decider(staff=staff, correction_id=correction_id, for_update=True)
    if correction.status != CorrectionRequest.Status.PENDING:
        raise Conflict("该纠错申请已经处理过", "This correction request has already been decided")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise InvalidInput("不予更正时请说明理由", "Give a reason for not correcting the value", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"理由最多 {MAX_REASON} 字", f"The reason can be at most {MAX_REASON} characters", field="reason"
        )
    now = timezone.now()
    element, owner = correction.element, correction.owner
    if accept:
        text = (value or "").strip() or correction.claimed_value
        if not text:
            raise InvalidInput(
                "请填写更正后的值（申请人没有提供正确的值）",
                "Enter the corrected value (the applicant did not give one)",
                field="value",
            )
        text = _checked_value(element, text, "value")
        value_record(
            subject=correction.subject, element=element, value=text, source_department=owner,
            source_record_id=correction.number, as_of=now, trust_level=TrustLevel.A,
        )  # fmt: skip
        correction.corrected_value = text
    correction.status = CorrectionRequest.Status.CORRECTED if accept else CorrectionRequest.Status.REJECTED
    correction.decided_at, correction.decided_by, correction.decision_reason = now, staff, reason
    correction.save(
        update_fields=["status", "corrected_value", "decided_at", "decided_by", "decision_reason", "updated_at"]
    )
    audit_record(
        action="exchange.correction_corrected" if accept else "exchange.correction_rejected",
        actor=f"staff:{staff.pk}", object_type="correction_request", object_id=str(correction.pk),
        subject=_subject_identifier(correction.subject),
        data={"elements": [element.code], "department": owner.name, "purpose": "数据纠错",
              "case": correction.reference, "number": correction.number, "reason": reason},
    )  # fmt: skip
    if correction.raised_by_id is not None:
        user, body = correction.raised_by, _correction_message(correction)
        transaction.on_commit(lambda: message_send(user=user, body=body))
    return correction


# --- On-demand pull --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unavailable:
    code: str
    name: str
    reason_zh: str
    reason_en: str


@dataclass
class PullResult:
    values: dict[str, registry.ValueWithProvenance] = field(default_factory=dict)
    unavailable: list[Unavailable] = field(default_factory=list)


def _ttl(code: str) -> int:
    table: dict[str, int] = settings.EXCHANGE_CACHE_TTL
    return int(table.get(code, table.get("*", 0)))


def _fresh_key(subject: Subject, code: str) -> str:
    return f"exchange:fresh:{type(subject).__name__}:{subject.pk}:{code}"


def _fetch_in_thread(connector: Connector, subject: Subject, codes: list[str]) -> list[FetchedValue]:
    try:
        return connector.fetch(subject=subject, element_codes=codes)
    finally:
        connection.close()  # this thread's own database connection


_USAGE_METER_CONFLICT = (
    " ON CONFLICT (consumer_id, element_code) DO UPDATE SET "
    "calls = exchange_usagecounter.calls + 1, failures = exchange_usagecounter.failures + EXCLUDED.failures, "
    "denied = exchange_usagecounter.denied + EXCLUDED.denied, "
    "total_latency_ms = exchange_usagecounter.total_latency_ms + EXCLUDED.total_latency_ms, "
    "updated_at = EXCLUDED.updated_at"
)
_USAGE_METER_INSERT = (
    "INSERT INTO exchange_usagecounter (id, created_at, updated_at, consumer_id, element_code, calls, failures, "
    "denied, total_latency_ms) "
)
_USAGE_METER = _USAGE_METER_INSERT + "VALUES {rows}" + _USAGE_METER_CONFLICT
# One successful read of one element as an upsert of a CTE row source named `quota` (verify folds it into its one
# statement on PostgreSQL; nothing is metered when that source is empty). Named parameters: now, consumer,
# element, latency.
USAGE_METER_ONE = "".join((
    _USAGE_METER_INSERT,
    "SELECT gen_random_uuid(), %(now)s, %(now)s, %(consumer)s, %(element)s, 1, 0, 0, %(latency)s FROM quota",
    _USAGE_METER_CONFLICT,
))  # fmt: skip


def usage_meter(*, consumer: Department, outcomes: dict[str, str], latency_ms: int) -> None:
    """Count one hub read per element for the consumer; outcomes: element code → "ok" | "failed" | "denied"."""
    # One upsert however many elements (PostgreSQL and SQLite ≥ 3.24 both have ON CONFLICT … DO UPDATE):
    # a 40-field form must not meter with 80 queries, nor a verify call with three.
    if not outcomes:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    consumer_id = uuid_param(consumer.pk)
    params: list[Any] = []
    for code, seen in outcomes.items():
        params += [uuid_param(uuid.uuid4()), now, now, consumer_id, code, 1,
                   int(seen == "failed"), int(seen == "denied"), latency_ms]  # fmt: skip
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(outcomes))
    with connection.cursor() as cursor:
        cursor.execute(_USAGE_METER.format(rows=rows), params)


@transaction.atomic
def _record_fetched(subject: Subject, by_code: dict[str, DataElement], fetched: list[FetchedValue]) -> list[str]:
    """Append the fetched values the registry does not already hold; return codes whose value was bad."""
    current = registry.profile_values(subject=subject, element_codes=[f.code for f in fetched])
    rows, bad = [], []
    for item in fetched:
        element = by_code[item.code]
        try:
            text = value_canonical(
                code=element.code, value_type=element.value_type, value=item.value,
                pattern=element.pattern, choices=element.choices,
            )  # fmt: skip
        except InvalidInput:
            bad.append(item.code)
            continue
        held = current.get(item.code)
        if held and held.text == text and held.as_of == item.as_of and held.source_department == element.owner.name:
            continue
        rows.append(
            ValueInput(subject, element, text, element.owner, item.as_of, item.trust_level, item.source_record_id)
        )
    if rows:
        values_record_bulk(rows=rows)
    return bad


def exchange_pull(
    *,
    subject: Subject | str,
    element_codes: list[str],
    consumer: Department,
    purpose: str,
    actor: str,
    case: str = "",
) -> PullResult:
    """Read a subject's elements for a consumer through the hub: grant check, cache, connectors, metering,
    audit. A slow or failing source never raises: its elements come back in `unavailable` with the reason."""
    purpose = purpose.strip()
    if not purpose:
        raise InvalidInput("请说明用途", "State the purpose of the read", field="purpose")
    elements = _elements(element_codes)
    started = time.monotonic()
    try:
        grant_check(consumer=consumer, elements=elements)
    except PermissionDenied:
        usage_meter(consumer=consumer, outcomes={e.code: "denied" for e in elements}, latency_ms=0)
        raise
    # Only now look the subject up: a consumer without a grant learns nothing about which subjects exist.
    if isinstance(subject, str):
        subject = subject_find(identifier=subject)
    kind = SubjectKind.PERSON if isinstance(subject, Person) else SubjectKind.ENTERPRISE
    wrong = [e.code for e in elements if e.subject_kind != kind]
    if wrong:
        raise InvalidInput(
            f"数据项 {'、'.join(wrong)} 不适用于该主体", f"Elements {', '.join(wrong)} do not apply to this subject",
            field="element_codes",
        )  # fmt: skip
    by_code = {e.code: e for e in elements}
    result = PullResult()
    failed: dict[str, tuple[str, str]] = {}
    stale: dict[Any, list[DataElement]] = defaultdict(list)
    for element in elements:
        if _ttl(element.code) <= 0 or not cache.get(_fresh_key(subject, element.code)):
            stale[element.owner_id].append(element)
    if stale:
        fetched: list[FetchedValue] = []
        futures: dict[Future[list[FetchedValue]], list[DataElement]] = {}
        executor = ThreadPoolExecutor(max_workers=min(8, len(stale)), thread_name_prefix="exchange")
        try:
            for group in stale.values():
                try:
                    connector = connector_for(group[0].owner)
                except DomainError as exc:
                    failed.update({e.code: (exc.message_zh, exc.message_en) for e in group})
                    continue
                futures[executor.submit(_fetch_in_thread, connector, subject, [e.code for e in group])] = group
            deadline = started + settings.EXCHANGE_CONNECTOR_TIMEOUT
            for future, group in futures.items():
                owner = group[0].owner
                try:
                    answer = future.result(timeout=max(0.0, deadline - time.monotonic()))
                except FutureTimeout:
                    reason = (
                        f"{owner.name}系统响应超时，请手动填写",
                        f"{owner.name_en or owner.name} did not answer in time; enter it yourself",
                    )
                    failed.update({e.code: reason for e in group})
                    continue
                except Exception as exc:  # a source system's fault must never reach the caller
                    reason = (
                        f"{owner.name}系统暂不可用（{type(exc).__name__}），请手动填写",
                        f"{owner.name_en or owner.name} is unavailable ({type(exc).__name__}); enter it yourself",
                    )
                    failed.update({e.code: reason for e in group})
                    continue
                wanted = {e.code for e in group}
                fetched.extend(f for f in answer if f.code in wanted)
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
        for code in _record_fetched(subject, by_code, fetched):
            failed[code] = ("来源部门返回的值格式不正确", "The source department returned a value in the wrong format")
        returned = {f.code for f in fetched}
        for group in stale.values():
            for element in group:
                if element.code in returned and element.code not in failed:
                    cache.set(_fresh_key(subject, element.code), True, _ttl(element.code))
    served = registry.profile_values(subject=subject, element_codes=[c for c in by_code if c not in failed])
    outcomes: dict[str, str] = {}
    for element in elements:
        if element.code in failed:
            zh, en = failed[element.code]
            result.unavailable.append(Unavailable(element.code, element.name, zh, en))
            outcomes[element.code] = "failed"
        elif element.code in served:
            result.values[element.code] = served[element.code]
            outcomes[element.code] = "ok"
        else:
            result.unavailable.append(
                Unavailable(element.code, element.name, "来源部门暂无该数据", "The source department holds no value")
            )
            outcomes[element.code] = "ok"
    usage_meter(consumer=consumer, outcomes=outcomes, latency_ms=int((time.monotonic() - started) * 1000))
    if result.values:
        audit_record(
            action="data.read", actor=actor, object_type="exchange", subject=_subject_identifier(subject),
            data={"elements": list(result.values), "purpose": purpose, "case": case, "department": consumer.name},
        )  # fmt: skip
    return result


# --- Bulk import -----------------------------------------------------------------------------------


@transaction.atomic
def exchange_import(
    *,
    file: bytes | BinaryIO,
    name: str = "",
    element_codes: list[str] | None = None,
    source_department: Department,
    actor: str,
    trust_level: str = "A",
    progress: Callable[[int, int], None] | None = None,
) -> imports.ImportReport:
    """Import a CSV or JSONL file of a department's values. Every row is checked before anything is written;
    rejected rows are named with the reason, the good rows are all written in one transaction."""
    report = imports.parse(
        file=file, name=name, element_codes=element_codes, source_department=source_department, progress=progress
    )
    rows = [
        ValueInput(r.subject, r.element, r.value, source_department, r.as_of, trust_level, r.record_id)
        for r in report.good
    ]
    if rows:
        values_record_bulk(rows=rows)
    report.written = len(rows)
    audit_record(
        action="exchange.imported", actor=actor, object_type="department", object_id=str(source_department.pk),
        data={"file": name, "elements": report.element_codes, "rows_ok": report.rows_ok,
              "rows_rejected": len(report.rejected), "values": len(rows)},
    )  # fmt: skip
    return report


@transaction.atomic
def hub_operator_add(*, department: Department, actor: str = "system") -> None:
    """Let the stewards of a department (the 数据局 that runs the hub) decide every department's requests."""
    _, created = HubOperator.objects.get_or_create(department=department)
    if created:
        audit_record(action="exchange.hub_operator_added", actor=actor, object_type="department",
                     object_id=str(department.pk), data={"department": department.name})  # fmt: skip
