"""Verify-not-reveal (可用不可见, issue 4 part 6): a consumer asks a declared yes/no question about a subject
and gets true / false / undetermined, an evidence id and an as-of time — never the value.

Predicates are rows (`Predicate`), not code: an element, one operator from `OPERATORS` and a parameter
schema. Reading the element follows the hub's grant rules (`selectors.grant_check`) and is metered
like a pull (`UsageCounter`). Enumeration is held
back by rate limits per consumer and per consumer+subject, and a daily quota per consumer; an unknown
subject answers exactly like a known subject whose fact is not held ("undetermined").
"""

from __future__ import annotations

import functools
import re
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tongban.core.audit import PENDING_COLUMNS, audit_append, audit_chain_soon, audit_pending_values, audit_record
from tongban.core.errors import DomainError, InvalidInput, PermissionDenied, RateLimited
from tongban.core.ratelimit import Hit, rate_limit_hits
from tongban.core.rawsql import fetchone_prepared, uuid_param
from tongban.exchange.models import Grant, Predicate
from tongban.exchange.selectors import grant_check
from tongban.exchange.services import USAGE_METER_ONE, usage_meter
from tongban.identity import selectors as identity
from tongban.identity.models import Department, User
from tongban.registry import selectors as registry
from tongban.registry.models import DataElement, SharingClass, ValueType

OPERATORS = {o.value for o in Predicate.Operator}
PARAM_TYPES = {"integer", "decimal", "text"}
# Which element types an operator can read.
OPERATOR_TYPES: dict[str, set[str]] = {
    "age_at_least": {ValueType.DATE},
    "equals": {ValueType.TEXT, ValueType.CODE, ValueType.INTEGER, ValueType.BOOLEAN},
    "in_region": {ValueType.TEXT, ValueType.CODE},
    "at_least": {ValueType.INTEGER, ValueType.DECIMAL},
    "at_most": {ValueType.INTEGER, ValueType.DECIMAL},
    "is_true": {ValueType.BOOLEAN},
}
# The parameter each operator compares with (given by the caller or fixed by the declaration).
OPERATOR_PARAM = {"age_at_least": "n", "equals": "value", "in_region": "region", "at_least": "threshold",
                  "at_most": "threshold", "is_true": ""}  # fmt: skip
DEFAULT_QUOTA = 10_000  # answers per consumer department per day
DEFAULT_RATE = {"consumer": (120, 60), "subject": (5, 60)}  # (requests, seconds)
MAX_SUBJECT = 40


class PredicateInvalid(DomainError):
    """Unregistered or malformed predicate, or parameters that do not fit its schema: 400."""

    code = "invalid_predicate"
    status = 400
    default_zh = "核验条件无效"
    default_en = "The predicate is not valid"


# --- Declaring predicates --------------------------------------------------------------------------


def _check_schema(schema: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(schema, dict):
        raise InvalidInput("参数定义应为对象", "The parameter schema must be an object", field="param_schema")
    for name, spec in schema.items():
        if not isinstance(spec, dict) or spec.get("type") not in PARAM_TYPES:
            raise InvalidInput(
                f"参数 {name} 的类型应为 {'、'.join(sorted(PARAM_TYPES))} 之一",
                f"Parameter {name} must have a type among {', '.join(sorted(PARAM_TYPES))}",
                field="param_schema",
            )
    return schema


@transaction.atomic
def predicate_declare(
    *,
    code: str,
    name: str,
    name_en: str,
    element_code: str,
    operator: str,
    param_schema: dict[str, dict[str, Any]] | None = None,
    fixed_params: dict[str, Any] | None = None,
    actor: str = "system",
) -> Predicate:
    """Declare (or re-declare) a predicate; the element must exist and the operator must fit its type."""
    if operator not in OPERATORS:
        raise InvalidInput(f"未知的运算“{operator}”", f"Unknown operator “{operator}”", field="operator")
    element = DataElement.objects.filter(code=element_code).first()
    if element is None:
        raise InvalidInput(f"未知的数据项：{element_code}", f"Unknown data element: {element_code}", field="element")
    if element.value_type not in OPERATOR_TYPES[operator]:
        raise InvalidInput(
            f"运算“{operator}”不适用于{element.get_value_type_display()}类型的数据项",
            f"Operator “{operator}” does not apply to a {element.value_type} element",
            field="operator",
        )
    schema, fixed = _check_schema(param_schema or {}), dict(fixed_params or {})
    wanted = OPERATOR_PARAM[operator]
    if wanted and wanted not in schema and wanted not in fixed:
        raise InvalidInput(
            f"运算“{operator}”需要参数 {wanted}", f"Operator “{operator}” needs the parameter {wanted}",
            field="param_schema",
        )  # fmt: skip
    predicates_forget()
    transaction.on_commit(predicates_forget)  # and once more when other workers' reads can see it
    predicate, _ = Predicate.objects.update_or_create(
        code=code.strip(),
        defaults={"name": name, "name_en": name_en, "element_code": element_code, "operator": operator,
                  "param_schema": schema, "fixed_params": fixed, "active": True},
    )  # fmt: skip
    audit_record(action="exchange.predicate_declared", actor=actor, object_type="predicate",
                 object_id=str(predicate.pk), data={"code": predicate.code, "element": element_code,
                                                    "operator": operator})  # fmt: skip
    return predicate


# --- Answering -------------------------------------------------------------------------------------

# Active predicates and their elements, read on every call and changed rarely, are kept per process:
# read again after CATALOGUE_SECONDS, and at once when a code is not found (a predicate declared in
# another worker answers on its first call). Deactivating one reaches other workers within a minute.
CATALOGUE_SECONDS = 60.0
_declared: dict[str, Any] = {"by_code": {}, "at": 0.0}


def predicates_forget() -> None:
    """Drop this process's copy of the declared predicates (after a declaration, and between tests)."""
    _declared["by_code"], _declared["at"] = {}, 0.0


def _declared_predicate(code: str) -> tuple[Predicate, DataElement | None] | None:
    state = _declared
    if time.monotonic() - state["at"] > CATALOGUE_SECONDS or code not in state["by_code"]:
        predicates = list(Predicate.objects.filter(active=True))
        elements = DataElement.objects.select_related("owner").in_bulk(
            {p.element_code for p in predicates}, field_name="code"
        )
        state["by_code"] = {p.code: (p, elements.get(p.element_code)) for p in predicates}  # swapped in whole
        state["at"] = time.monotonic()
    found: tuple[Predicate, DataElement | None] | None = state["by_code"].get(code)
    return found


def _param(name: str, spec: dict[str, Any], raw: Any) -> Any:
    kind = spec["type"]
    label = spec.get("label", name)
    bad = PredicateInvalid(f"参数 {label} 的值无效", f"The value of parameter {name} is not valid", field="params")
    if isinstance(raw, bool) or raw is None:
        raise bad
    if kind == "integer":
        if isinstance(raw, float) or not isinstance(raw, int | str):
            raise bad
        try:
            value: Any = int(str(raw).strip())
        except ValueError:
            raise bad from None
    elif kind == "decimal":
        if not isinstance(raw, int | float | str):
            raise bad
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise bad from None
        if not value.is_finite():
            raise bad
    else:
        if not isinstance(raw, str) or not raw.strip() or len(raw) > 200:
            raise bad
        value = raw.strip()
        if spec.get("pattern") and not re.fullmatch(spec["pattern"], value):
            raise bad
    if kind in ("integer", "decimal"):
        if "min" in spec and value < Decimal(str(spec["min"])):
            raise PredicateInvalid(
                f"参数 {label} 不能小于 {spec['min']}", f"Parameter {name} must be at least {spec['min']}",
                field="params",
            )  # fmt: skip
        if "max" in spec and value > Decimal(str(spec["max"])):
            raise PredicateInvalid(
                f"参数 {label} 不能大于 {spec['max']}", f"Parameter {name} must be at most {spec['max']}",
                field="params",
            )  # fmt: skip
    return value


def predicate_params(*, code: str, params: Any) -> tuple[Predicate, dict[str, Any]]:
    """The active predicate named and its checked parameters (caller's and fixed), or PredicateInvalid."""
    found = _declared_predicate((code or "").strip()) if code else None
    predicate = found[0] if found else None
    if predicate is None:
        raise PredicateInvalid(f"未登记的核验条件：{code}", f"Unregistered predicate: {code}", field="predicate")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise PredicateInvalid("参数应为对象", "The parameters must be an object", field="params")
    schema: dict[str, dict[str, Any]] = predicate.param_schema
    unknown = sorted(set(params) - set(schema))
    if unknown:
        raise PredicateInvalid(
            f"核验条件 {predicate.code} 没有参数：{'、'.join(unknown)}",
            f"Predicate {predicate.code} has no parameter: {', '.join(unknown)}", field="params",
        )  # fmt: skip
    missing = sorted(set(schema) - set(params))
    if missing:
        raise PredicateInvalid(
            f"请提供参数：{'、'.join(missing)}", f"Give the parameters: {', '.join(missing)}", field="params"
        )
    checked = {name: _param(name, spec, params[name]) for name, spec in schema.items()}
    return predicate, {**predicate.fixed_params, **checked}


def _years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def predicate_evaluate(*, operator: str, value_type: str, text: str, params: dict[str, Any]) -> bool | None:
    """True or False for a held value; None when the value cannot be read for this operator."""
    try:
        if operator == "age_at_least":
            return _years_between(date.fromisoformat(text), timezone.localdate()) >= int(params["n"])
        if operator == "equals":
            expected = params["value"]
            if value_type == ValueType.BOOLEAN:
                return text == ("true" if str(expected).lower() in ("true", "1", "是", "yes") else "false")
            return text == str(expected)
        if operator == "in_region":
            return text.startswith(str(params["region"]))
        if operator in ("at_least", "at_most"):
            number, threshold = Decimal(text), Decimal(str(params["threshold"]))
            return number >= threshold if operator == "at_least" else number <= threshold
        if operator == "is_true":
            return text == "true"
    except (ValueError, InvalidOperation, KeyError):
        return None
    return None


@dataclass(frozen=True)
class VerifyAnswer:
    result: str  # "true" | "false" | "undetermined"
    evidence_id: int  # the audit entry's seq
    as_of: datetime | None


def _quota(consumer: Department) -> int:
    table: dict[str, int] = getattr(settings, "EXCHANGE_VERIFY_QUOTA", {})
    return int(table.get(consumer.credit_code, table.get("*", DEFAULT_QUOTA)))


def _seconds_to_local_midnight() -> int:
    """The quota is per local (Asia/Shanghai) day, so it renews at local midnight, not UTC's."""
    now = timezone.localtime()
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - now).total_seconds()))


_QUOTA_TAKE = (
    "INSERT INTO exchange_verifyquotause (id, created_at, updated_at, consumer_id, day, count) "
    "VALUES (%s, %s, %s, %s, %s, 1) ON CONFLICT (consumer_id, day) DO UPDATE "
    "SET count = exchange_verifyquotause.count + 1, updated_at = EXCLUDED.updated_at RETURNING count"
)


def _quota_take(consumer: Department) -> None:
    """Count one answer against today's quota in one statement; RateLimited (429) once it is used up.
    Called inside the answer's transaction, so a refused answer (or any later failure) counts nothing."""
    quota = _quota(consumer)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _QUOTA_TAKE,
            [uuid_param(uuid.uuid4()), now, now, uuid_param(consumer.pk),
             connection.ops.adapt_datefield_value(timezone.localdate())],
        )  # fmt: skip
        count = cursor.fetchone()[0]
    if count > quota:
        raise RateLimited(
            f"本部门今日核验次数已用完（{quota} 次）", f"Your department has used today's verify quota ({quota})",
            retry_after=_seconds_to_local_midnight(), reason="quota",
        )  # fmt: skip


# Quota, meter and audit entry as one statement on PostgreSQL: one round trip, committed on its own, so the
# quota's and the meter's rows are locked only while it runs (never across Python code) and the chain's head
# not at all (the entry is appended pending, linked by core.audit.audit_chain right after). The quota row
# moves only while under the quota, so a refused answer counts nothing, meters nothing and is not audited.
# Named parameters, each sent once however often it is used (a dozen fewer to adapt on every answer).
_ANSWER_RECORD = "".join((
    "WITH quota AS (INSERT INTO exchange_verifyquotause AS q (id, created_at, updated_at, consumer_id, day, count) "
    "SELECT gen_random_uuid(), %(now)s, %(now)s, %(consumer)s, %(day)s, 1 WHERE %(quota)s >= 1 "
    "ON CONFLICT (consumer_id, day) DO UPDATE "
    "SET count = q.count + 1, updated_at = EXCLUDED.updated_at WHERE q.count < %(quota)s RETURNING q.count), ",
    "meter AS (", USAGE_METER_ONE, " RETURNING 1), ",
    "entry AS (INSERT INTO core_auditpending (", ", ".join(PENDING_COLUMNS), ") ",
    "SELECT ", ", ".join(f"%(entry_{c})s" for c in PENDING_COLUMNS), " FROM quota RETURNING id) ",
    "SELECT (SELECT id FROM entry), (SELECT count(*) FROM meter)",
))  # fmt: skip


def _answer_record(*, consumer: Department, element: DataElement, latency_ms: int, entry: dict[str, Any]) -> int:
    """Take one answer from today's quota, meter the read and audit it; returns the evidence id (the audit
    entry's reference). RateLimited (429) once the quota is used up."""
    quota = _quota(consumer)
    if connection.vendor != "postgresql":  # SQLite: the same three writes as statements of one transaction
        with transaction.atomic():
            _quota_take(consumer)
            usage_meter(consumer=consumer, outcomes={element.code: "ok"}, latency_ms=latency_ms)
            return audit_append(**entry)
    now = timezone.now()
    params: dict[str, Any] = {"now": now, "consumer": consumer.pk, "day": timezone.localdate(now), "quota": quota,
                              "element": element.code, "latency": latency_ms}  # fmt: skip
    params.update(zip((f"entry_{c}" for c in PENDING_COLUMNS), audit_pending_values(**entry), strict=True))
    row = fetchone_prepared(_ANSWER_RECORD, params)
    evidence = row[0] if row else None
    if evidence is None:
        raise RateLimited(
            f"本部门今日核验次数已用完（{quota} 次）", f"Your department has used today's verify quota ({quota})",
            retry_after=_seconds_to_local_midnight(), reason="quota",
        )  # fmt: skip
    audit_chain_soon()
    return int(evidence)


def _rate_limit(consumer: Department, subject: str) -> None:
    rates: dict[str, tuple[int, int]] = {**DEFAULT_RATE, **getattr(settings, "EXCHANGE_VERIFY_RATE", {})}
    rate_limit_hits(
        Hit("verify.consumer", str(consumer.pk), *rates["consumer"]),
        Hit("verify.subject", f"{consumer.pk}:{subject}", *rates["subject"]),
    )


def _not_staff() -> PermissionDenied:
    return PermissionDenied("只有部门工作人员可以核验", "Only department staff can verify")


def _checked_input(
    *, predicate_code: str, params: Any, subject: str, purpose: str, case: str
) -> tuple[Predicate, dict[str, Any], str, str, str]:
    """The predicate, its checked parameters, the subject's identifier, purpose and case; PredicateInvalid (400)."""
    predicate, values = predicate_params(code=predicate_code, params=params)
    ident = (subject or "").strip().upper()
    if not ident or len(ident) > MAX_SUBJECT:
        raise PredicateInvalid("请填写主体的身份证号或统一社会信用代码", "Give the subject's ID number or credit code",
                               field="subject")  # fmt: skip
    purpose, case = (purpose or "").strip(), (case or "").strip()
    if not purpose:
        raise PredicateInvalid("请说明用途", "State the purpose", field="purpose")
    if not case:
        raise PredicateInvalid("请填写案件（办件）编号", "Give the case reference", field="case")
    return predicate, values, ident, purpose, case


def _element_of(predicate: Predicate) -> DataElement:
    found = _declared_predicate(predicate.code)
    element = found[1] if found else None
    if element is None:
        raise PredicateInvalid(
            f"核验条件 {predicate.code} 读取的数据项已不存在",
            f"The element of predicate {predicate.code} no longer exists",
            field="predicate",
        )  # fmt: skip
    return element


def _answer(
    *, consumer: Department, predicate: Predicate, element: DataElement, values: dict[str, Any], ident: str,
    value: registry.ValueWithProvenance | None, purpose: str, case: str, actor: str, started: float,
) -> VerifyAnswer:  # fmt: skip
    """Evaluate the (granted) value read, then quota, meter and audit the answer."""
    result = None if value is None else predicate_evaluate(
        operator=predicate.operator, value_type=element.value_type, text=value.text, params=values
    )  # fmt: skip
    as_of = value.as_of if value is not None and result is not None else None
    answer = "undetermined" if result is None else ("true" if result else "false")
    latency_ms = int((time.monotonic() - started) * 1000)
    entry = {"action": "verify.answered", "actor": actor, "object_type": "predicate", "object_id": predicate.code,
             "subject": ident,
             "data": {"predicate": predicate.code, "params": {k: str(v) for k, v in values.items()},
                      "elements": [element.code], "purpose": purpose[:300], "case": case[:100], "result": answer,
                      "department": consumer.name}}  # fmt: skip
    evidence = _answer_record(consumer=consumer, element=element, latency_ms=latency_ms, entry=entry)
    return VerifyAnswer(result=answer, evidence_id=evidence, as_of=as_of)


def _grant_refused(consumer: Department, element: DataElement, grants: list[Grant] | None, at: Any) -> None:
    try:
        grant_check(consumer=consumer, elements=[element], grants=grants, at=at)
    except PermissionDenied:
        usage_meter(consumer=consumer, outcomes={element.code: "denied"}, latency_ms=0)  # like a refused pull
        raise


def verify_answer(
    *,
    consumer: Department,
    subject: str,
    predicate_code: str,
    params: Any,
    purpose: str,
    case: str,
    actor: str,
) -> VerifyAnswer:
    """Answer one predicate about one subject for a consumer department, audited as `verify.answered`.

    Order: predicate and input (400/422) → rate limits (429) → grant (403) → daily quota (429) → answer.
    An unknown subject is answered and audited like a known one without the fact: "undetermined"."""
    predicate, values, ident, purpose, case = _checked_input(
        predicate_code=predicate_code, params=params, subject=subject, purpose=purpose, case=case
    )
    _rate_limit(consumer, ident)
    element = _element_of(predicate)
    started = time.monotonic()
    _grant_refused(consumer, element, None, timezone.now())
    value = registry.current_value_by_identifier(
        subject_kind=element.subject_kind, identifier=ident, element_id=element.pk
    )
    return _answer(consumer=consumer, predicate=predicate, element=element, values=values, ident=ident, value=value,
                   purpose=purpose, case=case, actor=actor, started=started)  # fmt: skip


# The caller's seat, the grants covering the element and the element's current value in one statement (the API's
# path on PostgreSQL): the value is read only where the consumer may read it — its own or an open element, or a
# conditional one under a grant active at the moment given — and the grants come back so that grant_check judges
# them in Python with the same moment and gives its reason (revoked, expired, none). Nothing is cached: a revoked
# or expired grant is refused on the very next call.
_GRANTS_COVERING = (
    "SELECT array_agg(revoked_at) AS revoked, array_agg(valid_from) AS valid_from, array_agg(expires_at) AS expires "
    "FROM exchange_grant WHERE %s AND consumer_id = seat.department_id AND element_codes @> jsonb_build_array(%s::text)"
)
_GRANT_ACTIVE = (
    "EXISTS (SELECT 1 FROM exchange_grant a WHERE %s AND a.consumer_id = seat.department_id "
    "AND a.element_codes @> jsonb_build_array(%s::text) AND a.revoked_at IS NULL AND a.valid_from <= %s "
    "AND %s < a.expires_at)"
)


@functools.cache
def _seat_grants_value_sql(subject_kind: str) -> str:
    return "".join((
        "WITH seat (staff_id, department_id, credit_code, name, name_en) AS (", identity.STAFF_SEAT_SQL, ") ",
        "SELECT seat.staff_id, seat.department_id, seat.credit_code, seat.name, seat.name_en, ",
        "g.revoked, g.valid_from, g.expires, val.* FROM seat ",
        "LEFT JOIN LATERAL (", _GRANTS_COVERING, ") g ON true ",
        "LEFT JOIN LATERAL (", registry.current_value_sql(subject_kind=subject_kind),
        " AND (%s OR seat.department_id = %s OR ", _GRANT_ACTIVE, ")) val ON true",
    ))  # fmt: skip


def verify_answer_for_user(
    *, user: User, subject: str, predicate_code: str, params: Any, purpose: str, case: str
) -> VerifyAnswer:
    """verify_answer for the department of a staff login (the API), PermissionDenied (403) for anyone else.

    On PostgreSQL the seat, the grants and the value are one round trip (_seat_grants_value_sql); the answers,
    their order (403 not staff → 400 → 429 → 403 grant → 429 quota) and the audit are verify_answer's."""
    if connection.vendor != "postgresql" or not user.is_authenticated:
        seat = identity.staff_seat_for_user(user=user)
        if seat is None:
            raise _not_staff()
        return verify_answer(consumer=seat.department, subject=subject, predicate_code=predicate_code,
                             params=params, purpose=purpose, case=case, actor=f"staff:{seat.staff_id}")  # fmt: skip
    try:
        predicate, values, ident, purpose, case = _checked_input(
            predicate_code=predicate_code, params=params, subject=subject, purpose=purpose, case=case
        )
        element = _element_of(predicate)
    except PredicateInvalid:
        if identity.staff_seat_for_user(user=user) is None:
            raise _not_staff() from None
        raise
    conditional = element.sharing_class == SharingClass.CONDITIONAL
    open_ = element.sharing_class == SharingClass.OPEN
    now = timezone.now()
    at = connection.ops.adapt_datetimefield_value(now)
    code = element.code
    row = fetchone_prepared(_seat_grants_value_sql(element.subject_kind), [
        uuid_param(user.pk), conditional, code, ident, uuid_param(element.pk), open_,
        uuid_param(element.owner_id), conditional, code, at, at,
    ])  # fmt: skip
    if row is None:
        raise _not_staff()
    seat = identity.staff_seat_from_row(row[:5])
    consumer = seat.department
    _rate_limit(consumer, ident)
    started = time.monotonic()
    revoked, valid_from, expires = row[5] or [], row[6] or [], row[7] or []
    grants = [Grant(element_codes=[code], revoked_at=r, valid_from=v, expires_at=e)
              for r, v, e in zip(revoked, valid_from, expires, strict=True)]  # fmt: skip
    _grant_refused(consumer, element, grants, now)
    value = registry.current_value_from_row(row[8:15])
    return _answer(consumer=consumer, predicate=predicate, element=element, values=values, ident=ident, value=value,
                   purpose=purpose, case=case, actor=f"staff:{seat.staff_id}", started=started)  # fmt: skip
