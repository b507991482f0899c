"""Writes of the e-licences (issue 6): licence types, seal keys, issuing and every later change of a licence.

Each change of a licence appends a `LicenceEvent` (from, to, who, why) and writes the state's value into the
region's status list in the same transaction, so a revoked licence is never VALID on a list published after
the revocation committed. Pages, the API, case results and bulk import (later) all come through here.
"""

from __future__ import annotations

import contextlib
import math
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongban.core.audit import audit_record
from tongban.core.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from tongban.identity import validators
from tongban.identity.models import Department, Enterprise, Person, Region, Staff
from tongban.identity.roles import Role
from tongban.licenses import imports, selectors, statuslist
from tongban.licenses.codes import (
    STATE_STATUS,
    TRANSITIONS,
    FieldType,
    HolderCodeType,
    HolderKind,
    LicenceState,
    SealKeyState,
    TrustLevel,
    ValidityKind,
)
from tongban.licenses.identifier import identifier_make
from tongban.licenses.models import Licence, LicenceEvent, LicenceType, SealKey, StatusList
from tongban.licenses.sdjwt import PLAIN_ONLY, RESERVED_NAMES, sd_jwt_vc_build
from tongban.licenses.seal import seal_for, seals

TZ = ZoneInfo("Asia/Shanghai")
STATUS_LIST_SIZE = 131072  # entries per list: 32 KiB at 2 bits, a few hundred bytes compressed while sparse
STATUS_LIST_BITS = 2  # VALID, INVALID, SUSPENDED
STATUS_LIST_FILL = 0.75  # a list this full gets a successor: random free indices stay cheap to find
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
Holder = Person | Enterprise
Actor = Staff | str  # a member of staff, or "system:<what>" (an approved case, an import, the expiry run)


class LicenceTypeInvalid(InvalidInput):
    code = "licence_type_invalid"
    default_zh = "证照类型定义有误"
    default_en = "The licence type definition is not valid"


class LicenceFieldsInvalid(InvalidInput):
    code = "licence_fields_invalid"
    default_zh = "照面信息不符合证照类型的要求"
    default_en = "The licence fields do not fit its type"


class LicenceTransitionRefused(Conflict):
    code = "licence_transition_refused"
    default_zh = "证照当前状态下不能进行该操作"
    default_en = "The licence's current state does not allow this"


class SealKeyMissing(Conflict):
    code = "seal_key_missing"
    default_zh = "发证机关没有可用的签章密钥"
    default_en = "The issuing department has no active seal key"


def _actor_ref(actor: Actor, *, department: Department | None, role: Role) -> str:
    """Who acts, checked: staff of the department (or platform staff where `department` is None) with `role`."""
    if isinstance(actor, str):
        if not actor.startswith("system:"):
            raise PermissionDenied("只有系统任务可以不以工作人员身份操作", "Only a system task may act without staff")
        return actor
    if not actor.has_role(role) or (department is not None and actor.department_id != department.pk):
        raise PermissionDenied()
    return f"staff:{actor.pk}"


# --- Licence types ---------------------------------------------------------------------------------------


def _fields_checked(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not isinstance(fields, list) or not fields:
        raise LicenceTypeInvalid("证照类型至少要有一个照面信息项", "A licence type needs at least one field")
    seen: set[str] = set()
    out = []
    for position, spec in enumerate(fields, 1):
        name = spec.get("name", "") if isinstance(spec, dict) else ""
        if not _FIELD_NAME.fullmatch(name) or name in selectors.STANDARD_CLAIMS | PLAIN_ONLY | RESERVED_NAMES:
            raise LicenceTypeInvalid(
                f"第{position}项的名称 {name!r} 不可用：小写字母开头，仅含小写字母、数字和下划线，且不与标准项重名",
                f"Field {position}: name {name!r} is not usable (lower-case identifier, not a standard claim)",
                field="fields",
            )
        if name in seen:
            raise LicenceTypeInvalid(
                f"第{position}项与前面的项重名", f"Field {position} repeats a name", field="fields"
            )
        seen.add(name)
        kind = spec.get("type", FieldType.TEXT)
        if kind not in FieldType.values or not str(spec.get("label", "")).strip():
            raise LicenceTypeInvalid(
                f"第{position}项需要中文名称和类型（文本、日期或数字）",
                f"Field {position} needs a label and a type (text, date or number)",
                field="fields",
            )
        out.append(
            {
                "name": name,
                "label": str(spec["label"]).strip(),
                "label_en": str(spec.get("label_en", "")).strip(),
                "type": kind,
                "required": bool(spec.get("required", True)),
                "disclosable": bool(spec.get("disclosable", True)),
                # The application form field a case-issued licence takes this value from (default: `name`).
                "from": str(spec.get("from", "") or name).strip(),
            }
        )
    return out


@transaction.atomic
def licence_type_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    department: Department,
    holder_kind: HolderKind | str,
    fields: list[dict[str, Any]],
    validity_kind: ValidityKind | str,
    validity_years: int | None = None,
    trust_level: TrustLevel | str = TrustLevel.A,
    satisfies: list[str] | None = None,
    name_en: str = "",
    issued_by: list[str] | None = None,
) -> LicenceType:
    """Add a licence type to the catalogue (证照目录). Operators declare them; departments issue them."""
    ref = _actor_ref(actor, department=None, role=Role.OPERATOR)
    code = code.strip().upper()
    if not re.fullmatch(r"[0-9A-Z]{21}", code):
        raise LicenceTypeInvalid(
            "证照类型代码应为21位数字或大写字母", "The type code must be 21 digits or capitals", field="code"
        )
    if LicenceType.objects.filter(code=code).exists():
        raise LicenceTypeInvalid("该证照类型代码已存在", "This type code exists already", field="code")
    if holder_kind not in HolderKind.values or validity_kind not in ValidityKind.values:
        raise LicenceTypeInvalid()
    if trust_level not in TrustLevel.values:
        raise LicenceTypeInvalid("证照等级应为A–D", "The trust level is A to D", field="trust_level")
    if (validity_kind == ValidityKind.YEARS) != bool(validity_years):
        raise LicenceTypeInvalid(
            "按年计算有效期时须填写年限，其他规则不填",
            "Years are given for a validity in years, and only then",
            field="validity_years",
        )
    if not name.strip():
        raise LicenceTypeInvalid("请填写证照名称", "The licence name is required", field="name")
    materials = list(dict.fromkeys(m.strip() for m in satisfies or [] if m and m.strip()))
    licence_type = LicenceType.objects.create(
        code=code,
        name=name.strip(),
        name_en=name_en.strip(),
        department=department,
        holder_kind=holder_kind,
        fields=_fields_checked(fields),
        validity_kind=validity_kind,
        validity_years=validity_years if validity_kind == ValidityKind.YEARS else None,
        trust_level=trust_level,
        satisfies=materials,
        issued_by=list(dict.fromkeys(c.strip().upper() for c in issued_by or [] if c and c.strip())),
    )
    audit_record(
        action="licenses.type_created", actor=ref, object_type="licence_type", object_id=licence_type.code,
        data={"name": licence_type.name, "department": department.credit_code},
    )  # fmt: skip
    return licence_type


# --- Seal keys -------------------------------------------------------------------------------------------


def _next_kid(region: Region, year: int) -> str:
    prefix = f"{region.code}-{year}-"
    taken = [
        int(k.removeprefix(prefix))
        for k in SealKey.objects.filter(kid__startswith=prefix).values_list("kid", flat=True)
    ]
    return f"{prefix}{max(taken, default=0) + 1}"


@transaction.atomic
def seal_key_rotate(
    *, actor: Actor, department: Department | None = None, region: Region | None = None, reason: str = ""
) -> SealKey:
    """A new active key for an issuing department (or, with only `region`, for the region's platform, which
    signs its status lists). The key it replaces is retired: it signs nothing more and stays published, so
    licences it sealed still verify."""
    ref = _actor_ref(actor, department=None, role=Role.OPERATOR)
    region = department.region if department is not None else region
    if region is None:
        raise InvalidInput("请指定发证机关或地区", "Name the issuing department or the region")
    region = Region.objects.select_for_update().get(pk=region.pk)  # kids are numbered per region
    now = timezone.now()
    retired = list(
        SealKey.objects.select_for_update().filter(region=region, department=department, state=SealKeyState.ACTIVE)
    )
    for old in retired:
        # The private half is destroyed: a retired key can never sign again, even if the KEK leaks later.
        seal_for(old).retire(kid=old.kid)
        old.state, old.retired_at, old.private_sealed = SealKeyState.RETIRED, now, b""
        old.save(update_fields=["state", "retired_at", "private_sealed", "updated_at"])
    backend = seals.load()
    kid = _next_kid(region, now.astimezone(TZ).year)
    made = backend.generate(kid=kid)
    key = SealKey.objects.create(
        region=region, department=department, kid=kid, backend=backend.plugin_id, algorithm=backend.algorithm,
        public_jwk=made.public_jwk, private_sealed=made.private_sealed,
    )  # fmt: skip
    audit_record(
        action="licenses.seal_key_rotated", actor=ref, object_type="seal_key", object_id=kid,
        data={"retired": [k.kid for k in retired], "department": department.credit_code if department else "",
              "region": region.code, "reason": reason},
    )  # fmt: skip
    return key


def _active_key(*, department: Department | None, region: Region) -> SealKey:
    key = SealKey.objects.filter(region=region, department=department, state=SealKeyState.ACTIVE).first()
    if key is None:  # the first licence (or list) of an issuer makes its first key
        key = seal_key_rotate(actor="system:first-issue", department=department, region=region)
    return key


# --- Status lists ----------------------------------------------------------------------------------------


def _status_slot(region: Region) -> tuple[StatusList, int]:
    """A random free index on the region's current list; indices are never reused (licences stay forever)."""
    # The region first, then its list: the order seal_key_rotate takes them too, so the two never deadlock, and
    # two issues that find the list full open one successor, not two. Issues of a region queue here either way.
    Region.objects.select_for_update().get(pk=region.pk)
    current = StatusList.objects.select_for_update().filter(region=region).order_by("-number").first()
    if current is None or current.allocated >= current.size * STATUS_LIST_FILL:
        number = current.number + 1 if current else 1
        size, bits = STATUS_LIST_SIZE, STATUS_LIST_BITS
        current = StatusList.objects.create(region=region, number=number, size=size, bits=bits,
                                            data=bytes(size * bits // 8))  # fmt: skip
    while True:
        idx = secrets.randbelow(current.size)
        if not Licence.objects.filter(status_list=current, status_idx=idx).exists():
            break
    current.allocated += 1
    current.save(update_fields=["allocated", "updated_at"])
    return current, idx


def _status_write(licence: Licence, state: str) -> None:
    lst = StatusList.objects.select_for_update().get(pk=licence.status_list_id)
    data = bytearray(lst.data)
    statuslist.status_set(data, licence.status_idx, STATE_STATUS[state], bits=lst.bits)
    lst.data = bytes(data)
    lst.save(update_fields=["data", "updated_at"])


def platform_sign(*, region: Region) -> tuple[str, Callable[[bytes], bytes]]:
    """The kid and a signer of the region's platform key (status lists, the trust list)."""
    with transaction.atomic():
        key = _active_key(department=None, region=region)
    return key.kid, lambda data: seal_for(key).sign(kid=key.kid, data=data)


def status_list_sign(*, status_list: StatusList, now: datetime | None = None) -> str:
    """The list as a signed `statuslist+jwt`, by the region's platform key, valid a day and cached 15 minutes."""
    at = int((now or timezone.now()).timestamp())
    with transaction.atomic():
        key = _active_key(department=None, region=status_list.region)
    lst = StatusList.objects.get(pk=status_list.pk)  # the bits as committed now
    return statuslist.status_list_token_build(
        iss=selectors.issuer_url(lst.region), uri=selectors.status_uri(lst), kid=key.kid, bits=lst.bits,
        data=bytes(lst.data), iat=at, exp=at + settings.LICENCE_STATUS_LIST_VALIDITY,
        ttl=settings.LICENCE_STATUS_LIST_TTL, sign=lambda data: seal_for(key).sign(kid=key.kid, data=data),
    )  # fmt: skip


# --- Licences --------------------------------------------------------------------------------------------


def _field_values(licence_type: LicenceType, fields: dict[str, Any]) -> dict[str, Any]:
    specs = {f["name"]: f for f in licence_type.fields}
    unknown = sorted(set(fields) - set(specs))
    if unknown:
        raise LicenceFieldsInvalid(
            f"证照类型没有这些信息项：{'、'.join(unknown)}", f"The type has no fields {', '.join(unknown)}"
        )
    out: dict[str, Any] = {}
    for name, spec in specs.items():
        value = fields.get(name)
        if value in (None, ""):
            if spec.get("required", True):
                raise LicenceFieldsInvalid(
                    f"请填写{spec['label']}", f"{spec.get('label_en') or name} is required", field=name
                )
            continue
        if spec["type"] == FieldType.DATE:
            try:
                value = value.isoformat() if isinstance(value, date) else date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise LicenceFieldsInvalid(f"{spec['label']}应为日期", f"{name} must be a date", field=name) from None
        elif spec["type"] == FieldType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise LicenceFieldsInvalid(f"{spec['label']}应为数字", f"{name} must be a number", field=name)
        else:
            value = str(value).strip()
        out[name] = value
    return out


def _valid_until(licence_type: LicenceType, valid_from: date, given: date | None) -> date | None:
    if licence_type.validity_kind == ValidityKind.YEARS:
        assert licence_type.validity_years
        # The same day so many years on, less one: from 2026-05-22 for 5 years → through 2031-05-21.
        try:
            anniversary = valid_from.replace(year=valid_from.year + licence_type.validity_years)
        except ValueError:  # 29 February in a common year
            anniversary = date(valid_from.year + licence_type.validity_years, 3, 1)
        return anniversary - timedelta(days=1)
    if licence_type.validity_kind == ValidityKind.OPEN_ENDED:
        return None
    if given is None or given < valid_from:
        raise LicenceFieldsInvalid(
            "请填写不早于生效日期的有效期截止日期", "A valid-until date on or after valid-from is required",
            field="valid_until",
        )  # fmt: skip
    return given


def _end_of_day(day: date) -> int:
    """exp of a licence valid through `day`: midnight after it, China time."""
    return int(datetime.combine(day + timedelta(days=1), time(), tzinfo=TZ).timestamp())


def _holder(holder: Holder) -> tuple[str, str, str, str]:
    if isinstance(holder, Person):
        return HolderKind.PERSON, holder.name, holder.id_number, HolderCodeType.ID_NUMBER
    return HolderKind.ENTERPRISE, holder.name, holder.credit_code, HolderCodeType.CREDIT_CODE


def _token(licence: Licence, key: SealKey) -> str:
    """The SD-JWT VC of a licence: every licence claim a disclosure, only the envelope in plain."""
    lt, dept = licence.licence_type, licence.department
    claims: dict[str, Any] = {
        "licence_id": licence.identifier,
        "licence_name": lt.name,
        "licence_number": licence.number,
        "holder_name": licence.holder_name,
        "holder_code": licence.holder_code,
        "holder_code_type": licence.holder_code_type,
        "issuer_name": dept.name,
        "issuer_code": dept.credit_code,
        "region_code": dept.region.code,
        "issued_on": licence.issued_on.isoformat(),
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,  # None: 长期有效
        "trust_level": lt.trust_level,
        **licence.fields,
    }
    if licence.replaces_id:
        claims["replaces"] = Licence.objects.values_list("identifier", flat=True).get(pk=licence.replaces_id)
    return sd_jwt_vc_build(
        iss=selectors.issuer_url(dept.region), vct=selectors.vct_url(lt), kid=key.kid, claims=claims,
        sign=lambda data: seal_for(key).sign(kid=key.kid, data=data), iat=int(timezone.now().timestamp()),
        exp=_end_of_day(licence.valid_until) if licence.valid_until else None,
        status={"status_list": {"idx": licence.status_idx, "uri": selectors.status_uri(licence.status_list)}},
        holder_jwk=licence.holder_jwk,
    )  # fmt: skip


def _event(licence: Licence, *, from_state: str, to_state: str, actor: str, reason: str, **data: Any) -> None:
    seq = (LicenceEvent.objects.filter(licence=licence).aggregate(n=Max("seq"))["n"] or 0) + 1
    LicenceEvent.objects.create(licence=licence, seq=seq, from_state=from_state, to_state=to_state, actor=actor,
                                reason=reason, data=data)  # fmt: skip


@dataclass(frozen=True)
class _Issue:
    holder: Holder
    number: str
    fields: dict[str, Any]
    issued_on: date
    valid_from: date
    valid_until: date | None
    holder_jwk: dict[str, Any] | None


def _create(licence_type: LicenceType, spec: _Issue, *, serial: str, version: int, replaces: Licence | None,
            ref: str, reason: str) -> Licence:  # fmt: skip
    dept = licence_type.department
    kind, name, code, code_type = _holder(spec.holder)
    if kind != licence_type.holder_kind:
        raise LicenceFieldsInvalid("持证主体类型与证照类型不符", "The holder is not the kind this licence is for")
    if spec.holder_jwk is not None and (spec.holder_jwk.get("kty"), spec.holder_jwk.get("crv")) != ("OKP", "Ed25519"):
        raise LicenceFieldsInvalid("持证人密钥应为 Ed25519 公钥", "The holder key must be an Ed25519 public JWK")
    if spec.holder_jwk is not None and "d" in spec.holder_jwk:
        raise LicenceFieldsInvalid("只能提交持证人公钥", "Only the holder's public key may be given")
    identifier = identifier_make(type_code=licence_type.code, issuer_code=dept.credit_code, serial=serial,
                                 version=version)  # fmt: skip
    key = _active_key(department=dept, region=dept.region)
    status_list, idx = _status_slot(dept.region)
    licence = Licence(
        identifier=str(identifier), licence_type=licence_type, department=dept, serial=serial, version=version,
        number=spec.number.strip(), holder_kind=kind, holder_name=name, holder_code=code, holder_code_type=code_type,
        holder_person=spec.holder if isinstance(spec.holder, Person) else None,
        holder_enterprise=spec.holder if isinstance(spec.holder, Enterprise) else None,
        fields=_field_values(licence_type, spec.fields), issued_on=spec.issued_on, valid_from=spec.valid_from,
        valid_until=_valid_until(licence_type, spec.valid_from, spec.valid_until), status_list=status_list,
        status_idx=idx, kid=key.kid, holder_jwk=spec.holder_jwk, replaces=replaces,
    )  # fmt: skip
    if not licence.number:
        raise LicenceFieldsInvalid("请填写证照编号", "The licence number is required", field="number")
    licence.token = _token(licence, key)
    licence.save()
    _event(licence, from_state="", to_state=LicenceState.ISSUED, actor=ref, reason=reason, kid=key.kid)
    audit_record(
        action="licenses.issued", actor=ref, object_type="licence", object_id=licence.identifier, subject=code,
        data={"type": licence_type.code, "version": version, "replaces": replaces.identifier if replaces else ""},
    )  # fmt: skip
    return licence


@transaction.atomic
def licence_issue(
    *,
    licence_type: LicenceType,
    holder: Holder,
    number: str,
    fields: dict[str, Any],
    actor: Actor,
    issued_on: date | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    holder_jwk: dict[str, Any] | None = None,
    serial: str | None = None,
    reason: str = "",
    source: str = "",
) -> Licence:
    """Issue a licence of `licence_type` to `holder`, signed by the issuing department's active seal key.

    `valid_until` is taken only for types whose validity each licence sets; `holder_jwk` is the wallet key
    presentations must be bound to (cnf). The serial defaults to a random 32-hex one."""
    ref = _actor_ref(actor, department=licence_type.department, role=Role.REVIEWER)
    if not licence_type.active:
        raise Conflict("该证照类型已停用", "This licence type is no longer issued")
    today = timezone.localdate()
    spec = _Issue(holder, number, fields, issued_on or today, valid_from or issued_on or today, valid_until,
                  holder_jwk)  # fmt: skip
    serial = (serial or uuid.uuid4().hex).upper()
    if Licence.objects.filter(department=licence_type.department, serial=serial).exists():
        raise Conflict("该证照序号已使用", "This serial is taken")
    licence = _create(licence_type, spec, serial=serial, version=1, replaces=None, ref=ref, reason=reason)
    if source:  # what issued it ("case:<number>"): a revoked decision revokes what it issued
        licence.source = source[:60]
        licence.save(update_fields=["source"])
    return licence


def _move(licence: Licence, *, to: LicenceState, actor: Actor, reason: str, role: Role = Role.REVIEWER) -> Licence:
    ref = _actor_ref(actor, department=licence.department, role=role)
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    if (licence.state, to) not in TRANSITIONS:
        raise LicenceTransitionRefused(
            f"证照处于“{LicenceState(licence.state).label}”状态，不能改为“{to.label}”",
            f"A licence that is {licence.state} cannot become {to}",
            current_state=licence.state,
        )
    if to != LicenceState.ISSUED and not reason.strip() and not ref.startswith("system:"):
        raise InvalidInput("请说明理由", "A reason is required", field="reason")
    from_state = licence.state
    licence.state = to
    licence.save(update_fields=["state", "updated_at"])
    _event(licence, from_state=from_state, to_state=to, actor=ref, reason=reason.strip())
    _status_write(licence, to)
    audit_record(
        action=f"licenses.{to}" if to != LicenceState.ISSUED else "licenses.resumed", actor=ref,
        object_type="licence", object_id=licence.identifier, subject=licence.holder_code,
        data={"from": from_state, "reason": reason.strip()},
    )  # fmt: skip
    return licence


@transaction.atomic
def licence_suspend(*, licence: Licence, actor: Actor, reason: str) -> Licence:
    """暂扣: SUSPENDED on the status list until resumed."""
    return _move(licence, to=LicenceState.SUSPENDED, actor=actor, reason=reason)


@transaction.atomic
def licence_resume(*, licence: Licence, actor: Actor, reason: str = "") -> Licence:
    """End a suspension: VALID again, the same token."""
    return _move(licence, to=LicenceState.ISSUED, actor=actor, reason=reason)


@transaction.atomic
def licence_revoke(*, licence: Licence, actor: Actor, reason: str) -> Licence:
    """撤销/注销/吊销: INVALID for good."""
    return _move(licence, to=LicenceState.REVOKED, actor=actor, reason=reason)


@transaction.atomic
def licence_replace(
    *,
    licence: Licence,
    actor: Actor,
    reason: str,
    number: str | None = None,
    fields: dict[str, Any] | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    holder_jwk: dict[str, Any] | None = None,
) -> Licence:
    """换发/补发/变更: the next version of the same licence (same serial, version + 1) with what changed; the
    old version becomes `replaced` (INVALID) and keeps its history, the new one names it in `replaces`."""
    old = _move(licence, to=LicenceState.REPLACED, actor=actor, reason=reason)
    ref = _actor_ref(actor, department=old.department, role=Role.REVIEWER)
    holder: Holder | None = old.holder_person or old.holder_enterprise
    assert holder is not None
    today = timezone.localdate()
    spec = _Issue(
        holder, number or old.number, {**old.fields, **(fields or {})}, today, valid_from or today,
        valid_until if valid_until is not None else old.valid_until,
        holder_jwk if holder_jwk is not None else old.holder_jwk,
    )  # fmt: skip
    return _create(old.licence_type, spec, serial=old.serial, version=old.version + 1, replaces=old, ref=ref,
                   reason=reason)  # fmt: skip


@transaction.atomic
def licences_expire(*, today: date | None = None) -> int:
    """Mark every licence past its valid-until date expired (daily); its token's exp already says so, the
    status list and the history say it too."""
    today = today or timezone.localdate()
    due = Licence.objects.filter(state__in=[LicenceState.ISSUED, LicenceState.SUSPENDED], valid_until__lt=today)
    count = 0
    for licence in due.select_related("department").order_by("pk"):
        _move(licence, to=LicenceState.EXPIRED, actor="system:expiry", reason=f"有效期届满（{today:%Y-%m-%d}）")
        count += 1
    return count


def _import_row(licence_type: LicenceType, record: dict[str, Any], *, ref: str) -> Licence:
    code = str(record.get("holder_code") or "").strip().upper()
    if licence_type.holder_kind == HolderKind.PERSON:
        validators.resident_id(code, field="holder_code")
        holder: Holder | None = Person.objects.filter(id_number=code).first()
    else:
        validators.credit_code(code, field="holder_code")
        holder = Enterprise.objects.filter(credit_code=code).first()
    if holder is None:
        raise LicenceFieldsInvalid("库中没有该持证主体", "No such holder is registered", field="holder_code")
    if str(record.get("holder_name") or "").strip() != holder.name:
        raise LicenceFieldsInvalid("持证主体名称与登记不符", "The holder's name does not match the register")

    def day(name: str) -> date | None:
        raw = str(record.get(name) or "").strip()
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            raise LicenceFieldsInvalid(f"{name} 应为日期（YYYY-MM-DD）", f"{name} must be a date", field=name) from None

    issued_on = day("issued_on")
    if issued_on is None:
        raise LicenceFieldsInvalid("请填写发证日期 issued_on", "issued_on is required", field="issued_on")
    serial = str(record.get("serial") or "").strip().upper() or uuid.uuid4().hex.upper()
    if Licence.objects.filter(department=licence_type.department, serial=serial).exists():
        raise Conflict("该证照已导入（序号重复）", "This licence was imported already (same serial)")
    names = set(licence_type.field_names())
    fields = {k: v for k, v in record.items() if k in names and v not in (None, "")}
    for field_spec in licence_type.fields:  # CSV gives text: a number field is read as one
        value = fields.get(field_spec["name"])
        if field_spec["type"] == FieldType.NUMBER and isinstance(value, str):
            with contextlib.suppress(ValueError):  # if not a number, _field_values names it
                fields[field_spec["name"]] = int(value) if value.lstrip("-").isdigit() else float(value)
    spec = _Issue(holder, str(record.get("number") or ""), fields, issued_on, day("valid_from") or issued_on,
                  day("valid_until"), None)  # fmt: skip
    return _create(licence_type, spec, serial=serial, version=1, replaces=None, ref=ref, reason="存量证照导入")


def licences_import(*, licence_type: LicenceType, file: bytes, name: str = "", actor: Actor) -> imports.ImportReport:
    """存量证照: issue a licence for each good row of a file of existing licences, and name every bad row with
    why. Each row is its own transaction, so one bad row stops nothing; a re-run with the same serials issues
    nothing twice. The licences have no wallet key yet (no cnf): the wallet binds one when the holder adds it."""
    ref = _actor_ref(actor, department=licence_type.department, role=Role.REVIEWER)
    report = imports.ImportReport(name=name)
    unknown = set()
    for line, record in imports.records(file, name=name):
        report.rows_total += 1
        holder = imports.mask(str((record or {}).get("holder_code") or "").strip().upper())
        if record is None:
            report.rejected.append(imports.Rejected(line, "", "格式错误，无法读取该行", "Malformed row"))
            continue
        unknown |= set(record) - set(imports.BASE_COLUMNS) - set(licence_type.field_names())
        try:
            with transaction.atomic():
                licence = _import_row(licence_type, record, ref=ref)
        except DomainError as exc:
            report.rejected.append(imports.Rejected(line, holder, exc.message_zh, exc.message_en))
            continue
        report.issued.append(licence.identifier)
    audit_record(
        action="licenses.imported", actor=ref, object_type="licence_type", object_id=licence_type.code,
        data={"file": name, "rows": report.rows_total, "issued": len(report.issued),
              "rejected": len(report.rejected), "ignored_columns": sorted(unknown)},
    )  # fmt: skip
    return report
