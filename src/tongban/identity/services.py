"""Writes of identity (DESIGN §2): regions, departments, people, enterprises, staff, accounts,
login with one-time codes, real-name levels, delegations, messages and OIDC clients.

Every function is keyword-only and raises DomainError subclasses with Chinese and English messages.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from tongban.core.audit import audit_record
from tongban.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from tongban.core.ratelimit import rate_limit_hit
from tongban.identity import validators
from tongban.identity.models import (
    Delegation,
    Department,
    Enterprise,
    LoginEvent,
    OidcClientProfile,
    OneTimeCode,
    OutboxMessage,
    PairwiseSubject,
    Person,
    Region,
    Staff,
    UsedAuthorizationCode,
    User,
)
from tongban.identity.plugins import face_verifiers, registry_checks, sms_senders
from tongban.identity.roles import RealNameLevel, Role

OTP_MAX_ATTEMPTS = 5
DELEGATION_MAX_DAYS = 3 * 366


# --- errors -----------------------------------------------------------------------------------


class LoginFailed(DomainError):
    """One answer for every failed password step, so it never tells whether an account exists."""

    code = "login_failed"
    status = 401
    default_zh = "账号或密码错误，或账号已暂时锁定，请核对后再试"
    default_en = "The account or password is wrong, or the account is temporarily locked; check and try again"


class CodeInvalid(DomainError):
    code = "code_invalid"
    status = 401
    default_zh = "验证码已失效，请重新登录获取新的验证码"
    default_en = "The code is no longer valid; log in again to get a new code"


class RegistryMismatch(DomainError):
    code = "registry_mismatch"
    status = 422
    default_zh = "人口库中未找到与该身份证号和姓名匹配的记录，请核对或到政务服务中心窗口办理"
    default_en = (
        "The population register holds no record matching this ID number and name; check or visit a service centre"
    )


class FaceMismatch(DomainError):
    code = "face_mismatch"
    status = 422
    default_zh = "人脸核验未通过，请到政务服务中心窗口现场核验"
    default_en = "The face check did not pass; please verify in person at a service centre"


# --- places and bodies ------------------------------------------------------------------------


@transaction.atomic
def region_create(*, code: str, name: str, name_en: str = "", level: int, parent: Region | None = None) -> Region:
    """An administrative division (GB/T 2260: 6 digits; towns 9 or 12)."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) not in (6, 9, 12):
        raise InvalidInput("区划代码应为6、9或12位数字", "A region code has 6, 9 or 12 digits", field="code")
    if level not in Region.Level.values:
        raise InvalidInput("区划层级无效", "The region level is not valid", field="level")
    if not (name or "").strip():
        raise InvalidInput("请填写区划名称", "Enter the region name", field="name")
    if parent is not None and parent.level >= level:
        raise InvalidInput("上级区划的层级应高于本级", "The parent region must be of a higher level", field="parent")
    if Region.objects.filter(code=code).exists():
        raise Conflict("该区划代码已存在", "This region code already exists", field="code")
    return Region.objects.create(code=code, name=name.strip(), name_en=name_en.strip(), level=level, parent=parent)


@transaction.atomic
def department_create(
    *,
    credit_code: str,
    name: str,
    name_en: str = "",
    short_name: str = "",
    region: Region,
    address: str = "",
    phone: str = "",
    service_centre: bool = False,
) -> Department:
    """`service_centre`: a government service centre whose clerks receive applications for every department
    of its region (一窗受理)."""
    code = validators.credit_code(credit_code)
    if not (name or "").strip():
        raise InvalidInput("请填写部门名称", "Enter the department name", field="name")
    if Department.objects.filter(credit_code=code).exists():
        raise Conflict(
            "该统一社会信用代码的部门已存在", "A department with this credit code exists", field="credit_code"
        )
    return Department.objects.create(
        credit_code=code,
        name=name.strip(),
        name_en=name_en.strip(),
        short_name=short_name.strip(),
        region=region,
        address=address.strip(),
        phone=phone.strip(),
        service_centre=service_centre,
    )


# --- people and accounts ----------------------------------------------------------------------


def _password_check(password: str, *, user: User | None = None, field: str = "password") -> None:
    """Django's password validators, with their message in Chinese and in English."""
    if not password:
        raise InvalidInput("请填写密码", "Enter a password", field=field)
    try:
        validate_password(password, user)
    except DjangoValidationError:
        texts = {}
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                try:
                    validate_password(password, user)
                except DjangoValidationError as exc:
                    texts[lang] = " ".join(str(m) for m in exc.messages)
        raise InvalidInput(texts.get("zh-hans"), texts.get("en"), field=field) from None


@transaction.atomic
def person_create(
    *,
    id_number: str,
    name: str,
    mobile: str = "",
    region: Region | None = None,
    realname_level: int = 1,
) -> Person:
    """A person of the city's population register; birth date and sex come from the ID number."""
    rid = validators.resident_id(id_number)
    clean_name = validators.person_name(name)
    clean_mobile = validators.mobile(mobile, required=False)
    if realname_level not in RealNameLevel.values:
        raise InvalidInput("实名等级无效", "The real-name level is not valid", field="realname_level")
    if Person.objects.filter(id_number=rid.number).exists():
        raise Conflict("该身份证号的人员已存在", "A person with this ID number exists", field="id_number")
    return Person.objects.create(
        id_number=rid.number,
        name=clean_name,
        birth_date=rid.birth_date,
        sex=rid.sex,
        mobile=clean_mobile,
        region=region,
        realname_level=realname_level,
        source=Person.Source.REGISTER,
    )


@transaction.atomic
def person_account_create(*, person: Person, password: str, username: str | None = None) -> User:
    """Give a person a login; they sign in with ID number, mobile or this username."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        raise Conflict(
            "该身份证号已注册账号，请直接登录", "An account exists for this ID number; please log in", field="id_number"
        )
    username = (username or f"p{person.pk.hex[:12]}").strip()
    if User.objects.filter(username=username).exists():
        raise Conflict("该用户名已被使用", "This username is taken", field="username")
    user = User(username=username, first_name=person.name)
    _password_check(password, user=user)
    user.set_password(password)
    user.save()
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    return user


@transaction.atomic
def person_register(*, name: str, id_number: str, mobile: str, password: str) -> User:
    """Online self-registration: an L1 account. A person already in the register must give their own name."""
    rid = validators.resident_id(id_number)
    clean_name = validators.person_name(name)
    clean_mobile = validators.mobile(mobile)
    _password_check(password, user=User(username=clean_name, first_name=clean_name))
    person = Person.objects.select_for_update().filter(id_number=rid.number).first()
    if person is not None:
        if person.user_id is not None:
            raise Conflict(
                "该身份证号已注册账号，请直接登录",
                "An account exists for this ID number; please log in",
                field="id_number",
            )
        if person.name != clean_name:
            raise InvalidInput("姓名与身份证号不一致", "The name does not match the ID number", field="name")
        person.mobile = clean_mobile
        person.realname_level = RealNameLevel.L1  # the account holder has not proven who they are yet
        person.save(update_fields=["mobile", "realname_level", "updated_at"])
    else:
        person = Person.objects.create(
            id_number=rid.number,
            name=clean_name,
            birth_date=rid.birth_date,
            sex=rid.sex,
            mobile=clean_mobile,
            realname_level=RealNameLevel.L1,
            source=Person.Source.SELF,
        )
    user = person_account_create(person=person, password=password)
    audit_record(
        action="account.registered",
        actor=f"user:{user.pk}",
        object_type="person",
        object_id=str(person.pk),
        subject=person.id_number,
    )
    return user


@transaction.atomic
def enterprise_create(
    *,
    credit_code: str,
    name: str,
    kind: str = "enterprise",
    legal_representative: Person | None = None,
    region: Region | None = None,
    established_on: date | None = None,
    address: str = "",
) -> Enterprise:
    code = validators.credit_code(credit_code)
    if not (name or "").strip():
        raise InvalidInput("请填写企业名称", "Enter the enterprise name", field="name")
    if kind not in Enterprise.Kind.values:
        raise InvalidInput("主体类型无效", "The kind of body is not valid", field="kind")
    if established_on is not None and established_on > timezone.localdate():
        raise InvalidInput("成立日期不能晚于今天", "The date of establishment is in the future", field="established_on")
    if Enterprise.objects.filter(credit_code=code).exists():
        raise Conflict("该统一社会信用代码的主体已存在", "A body with this credit code exists", field="credit_code")
    return Enterprise.objects.create(
        credit_code=code,
        name=name.strip(),
        kind=kind,
        legal_representative=legal_representative,
        region=region,
        established_on=established_on,
        address=address.strip(),
    )


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    name: str,
    department: Department | None,
    roles: list[str],
    mobile: str = "",
) -> Staff:
    username = (username or "").strip()
    if not username:
        raise InvalidInput("请填写用户名", "Enter a username", field="username")
    unknown = [r for r in roles if r not in Role.values]
    if not roles or unknown:
        raise InvalidInput(
            f"角色无效：{', '.join(unknown) or '未选择'}",
            f"Roles not valid: {', '.join(unknown) or 'none chosen'}",
            field="roles",
        )
    clean_name = validators.person_name(name)
    clean_mobile = validators.mobile(mobile, required=False)
    if User.objects.filter(username=username).exists():
        raise Conflict("该用户名已被使用", "This username is taken", field="username")
    user = User(username=username, first_name=clean_name, mobile=clean_mobile)
    _password_check(password, user=user)
    user.set_password(password)
    user.save()
    return Staff.objects.create(user=user, name=clean_name, department=department, roles=list(dict.fromkeys(roles)))


@transaction.atomic
def user_preferences_update(*, user: User, language: str, elder_mode: bool) -> User:
    if language not in {code for code, _ in settings.LANGUAGES}:
        raise InvalidInput("不支持该语言", "This language is not supported", field="language")
    user.language = language
    user.elder_mode = elder_mode
    user.save(update_fields=["language", "elder_mode"])
    return user


# --- messages ---------------------------------------------------------------------------------


def _sms_deliver(*, message_id: UUID) -> None:
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        sender = sms_senders.load()
        sender.send(to=message.to, body=message.body)
    except DomainError as exc:
        OutboxMessage.objects.filter(pk=message_id).update(error=exc.bilingual[:300])
        return
    except Exception as exc:  # a gateway failure must not break the request that sent the message
        OutboxMessage.objects.filter(pk=message_id).update(error=f"{type(exc).__name__}: {exc}"[:300])
        return
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), sender=sender.plugin_id)


@transaction.atomic
def message_send(
    *, body: str, channel: str = OutboxMessage.Channel.IN_APP, user: User | None = None, to: str = ""
) -> OutboxMessage:
    """An in-app message is delivered at once; an SMS goes out through the sms_sender plugin after commit."""
    if channel not in OutboxMessage.Channel.values:
        raise InvalidInput("消息渠道无效", "The message channel is not valid", field="channel")
    if not body.strip():
        raise InvalidInput("消息内容不能为空", "The message is empty", field="body")
    if channel == OutboxMessage.Channel.IN_APP and user is None:
        raise InvalidInput("站内信需要收件人", "An in-app message needs a recipient", field="user")
    message = OutboxMessage.objects.create(
        user=user,
        channel=channel,
        to=to,
        body=body,
        sent_at=timezone.now() if channel == OutboxMessage.Channel.IN_APP else None,
    )
    if channel == OutboxMessage.Channel.SMS:
        transaction.on_commit(lambda: _sms_deliver(message_id=message.pk))
    return message


@transaction.atomic
def message_mark_read(*, message: OutboxMessage, user: User) -> OutboxMessage:
    if message.user_id != user.pk:
        raise NotFound()
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at", "updated_at"])
    return message


# --- login ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginChallenge:
    """The password step passed: a code went to `sent_to` (masked); the code step finishes it."""

    user_id: UUID
    code_id: UUID
    sent_to: str
    identifier_digest: str


def _identifier_digest(identifier: str) -> str:
    normal = identifier.strip().upper().replace(" ", "")
    return hmac.new(settings.SECRET_KEY.encode(), f"login:{normal}".encode(), hashlib.sha256).hexdigest()


def _user_for_identifier(identifier: str) -> User | None:
    value = identifier.strip()
    if not value:
        return None
    compact = value.upper().replace(" ", "")
    if len(compact) == 18 and compact[:17].isdigit():
        person = Person.objects.select_related("user").filter(id_number=compact, user__isnull=False).first()
        return person.user if person else None
    if validators.MOBILE_RE.match(compact):
        users = list(User.objects.filter(person__mobile=compact)[:2]) or list(User.objects.filter(mobile=compact)[:2])
        return users[0] if len(users) == 1 else None  # a shared number identifies nobody
    return User.objects.filter(username=value).first()


def _login_event(*, user: User | None, outcome: str, ip: str, user_agent: str, client: str = "") -> None:
    LoginEvent.objects.create(user=user, outcome=outcome, ip=ip or None, user_agent=user_agent[:300], client=client)


def _lock_key(digest: str) -> str:
    return f"login-fail:{digest}"


def _is_locked(*, digest: str, user: User | None) -> bool:
    if cache.get(_lock_key(digest), 0) >= settings.LOGIN_LOCKOUT_THRESHOLD:
        return True
    return bool(user and user.locked_until and user.locked_until > timezone.now())


def _count_failure(*, digest: str, user: User | None) -> None:
    window = settings.LOGIN_LOCKOUT_MINUTES * 60
    cache.set(_lock_key(digest), cache.get(_lock_key(digest), 0) + 1, timeout=window)
    if user is not None:
        user.failed_logins = F("failed_logins") + 1
        user.save(update_fields=["failed_logins"])
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.LOGIN_LOCKOUT_THRESHOLD:
            user.locked_until = timezone.now() + timedelta(seconds=window)
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])


def _code_hash(code_id: UUID, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"otp:{code_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _mobile_of(user: User) -> str:
    person = Person.objects.filter(user=user).only("mobile").first()
    return (person.mobile if person else "") or user.mobile


@transaction.atomic
def otp_issue(*, user: User, purpose: str = "login") -> OneTimeCode:
    """A fresh 6-digit code by SMS; earlier unused codes for the same purpose stop working."""
    now = timezone.now()
    OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = f"{secrets.randbelow(10**6):06d}"
    otp = OneTimeCode(user=user, purpose=purpose, expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS))
    otp.code_hash = _code_hash(otp.pk, code)
    otp.save(force_insert=True)
    minutes = max(1, settings.OTP_TTL_SECONDS // 60)
    message_send(
        channel=OutboxMessage.Channel.SMS,
        user=user,
        to=_mobile_of(user),
        body=(
            f"【示范市一网通办】您的登录验证码为 {code}，{minutes} 分钟内有效。"
            "工作人员不会向您索要验证码，请勿告诉他人。"
        ),
    )
    return otp


def login_start(*, identifier: str, password: str, ip: str, user_agent: str = "") -> LoginChallenge:
    """Check identifier (ID number, mobile or username) and password, then send a one-time code.

    Not one transaction on purpose: failed attempts must be recorded (login history, lockout
    counter) even though the call ends in LoginFailed.
    """
    digest = _identifier_digest(identifier)
    user = _user_for_identifier(identifier)
    try:
        rate_limit_hit(bucket="login", key=f"ip:{ip}")
    except DomainError:
        _login_event(user=user, outcome=LoginEvent.Outcome.RATE_LIMITED, ip=ip, user_agent=user_agent)
        raise
    if _is_locked(digest=digest, user=user):
        _login_event(user=user, outcome=LoginEvent.Outcome.LOCKED, ip=ip, user_agent=user_agent)
        raise LoginFailed()
    if user is None:
        User().set_password(password)  # spend the same hashing time as for a real account
    if user is None or not user.is_active or not user.check_password(password):
        _count_failure(digest=digest, user=user)
        _login_event(user=user, outcome=LoginEvent.Outcome.BAD_CREDENTIALS, ip=ip, user_agent=user_agent)
        raise LoginFailed()
    otp = otp_issue(user=user)
    mobile = _mobile_of(user)
    masked = f"{mobile[:3]}****{mobile[-4:]}" if mobile else ""
    return LoginChallenge(user_id=user.pk, code_id=otp.pk, sent_to=masked, identifier_digest=digest)


def login_verify_code(
    *, code_id: UUID, code: str, ip: str, user_agent: str = "", identifier_digest: str = "", client: str = ""
) -> User:
    """Finish a login with the one-time code: expires, at most 5 tries, single use."""
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        raise InvalidInput("验证码为6位数字", "The code has 6 digits", field="code")
    otp = OneTimeCode.objects.select_related("user").filter(pk=code_id, purpose="login").first()
    if otp is None:
        raise CodeInvalid()
    user = otp.user
    now = timezone.now()
    if not user.is_active:
        raise CodeInvalid()
    if otp.used_at is not None:
        _login_event(user=user, outcome=LoginEvent.Outcome.BAD_CODE, ip=ip, user_agent=user_agent)
        raise CodeInvalid("该验证码已使用过，请重新登录", "This code has been used; please log in again")
    if otp.expires_at <= now:
        _login_event(user=user, outcome=LoginEvent.Outcome.BAD_CODE, ip=ip, user_agent=user_agent)
        raise CodeInvalid("验证码已过期，请重新登录获取", "The code has expired; log in again to get a new one")
    if otp.attempts >= OTP_MAX_ATTEMPTS:
        _login_event(user=user, outcome=LoginEvent.Outcome.BAD_CODE, ip=ip, user_agent=user_agent)
        raise CodeInvalid(
            "验证码错误次数过多，已失效，请重新登录", "Too many wrong codes; this one no longer works, log in again"
        )
    if not hmac.compare_digest(otp.code_hash, _code_hash(otp.pk, code)):
        OneTimeCode.objects.filter(pk=otp.pk).update(attempts=F("attempts") + 1)
        _login_event(user=user, outcome=LoginEvent.Outcome.BAD_CODE, ip=ip, user_agent=user_agent)
        left = OTP_MAX_ATTEMPTS - otp.attempts - 1
        if left <= 0:
            raise CodeInvalid(
                "验证码错误次数过多，已失效，请重新登录", "Too many wrong codes; this one no longer works, log in again"
            )
        raise InvalidInput(
            f"验证码错误，还可尝试 {left} 次", f"The code is wrong; {left} tries left", field="code", left=left
        )
    with transaction.atomic():
        if not OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(used_at=now):
            raise CodeInvalid("该验证码已使用过，请重新登录", "This code has been used; please log in again")
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
        if identifier_digest:
            cache.delete(_lock_key(identifier_digest))
        _login_event(user=user, outcome=LoginEvent.Outcome.SUCCESS, ip=ip, user_agent=user_agent, client=client)
        person = Person.objects.filter(user=user).only("id_number").first()
        audit_record(
            action="login.success",
            actor=f"user:{user.pk}",
            object_type="user",
            object_id=str(user.pk),
            subject=person.id_number if person else "",
            data={"ip": ip, "method": "password+sms_code"},
        )
    return user


def logout_record(*, user: User, ip: str, user_agent: str = "") -> None:
    _login_event(user=user, outcome=LoginEvent.Outcome.LOGOUT, ip=ip, user_agent=user_agent)


def sso_login_record(*, user: User, client_name: str, ip: str, user_agent: str = "") -> None:
    """A login into a department system through our OIDC provider, shown in the login history."""
    _login_event(user=user, outcome=LoginEvent.Outcome.SUCCESS, ip=ip, user_agent=user_agent, client=client_name[:100])


# --- real-name levels -------------------------------------------------------------------------


@transaction.atomic
def realname_verify_registry(*, person: Person, id_number: str, name: str) -> Person:
    """L1 → L2: the (ID number, name) pair is checked against the population register."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.realname_level >= RealNameLevel.L2:
        raise Conflict("您已完成实名核验", "You have already verified your identity")
    rid = validators.resident_id(id_number)
    clean_name = validators.person_name(name)
    if rid.number != person.id_number:
        raise InvalidInput(
            "身份证号与账号登记的不一致", "The ID number differs from the one on your account", field="id_number"
        )
    if clean_name != person.name:
        raise InvalidInput("姓名与账号登记的不一致", "The name differs from the one on your account", field="name")
    rate_limit_hit(bucket="realname", key=str(person.pk), limit=10, window=3600)
    checker = registry_checks.load()
    result = checker.check(id_number=person.id_number, name=person.name)
    if not result.matched:
        raise RegistryMismatch(field="name")
    person.realname_level = RealNameLevel.L2
    person.save(update_fields=["realname_level", "updated_at"])
    audit_record(
        action="realname.verified_l2",
        actor=f"user:{person.user_id}",
        object_type="person",
        object_id=str(person.pk),
        subject=person.id_number,
        data={"plugin": checker.plugin_id, "reference": result.reference},
    )
    if person.user is not None:
        message_send(user=person.user, body="您已通过实名核验（L2），可以办理需要实名认证的事项。")
    return person


@transaction.atomic
def realname_verify_face(*, person: Person, capture: str) -> Person:
    """L2 → L3: a face check through the face_verifier plugin."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.realname_level >= RealNameLevel.L3:
        raise Conflict("您已完成人脸核验", "You have already passed the face check")
    if person.realname_level < RealNameLevel.L2:
        raise Conflict("请先完成实名核验（L2）", "Verify your ID first (level 2)")
    rate_limit_hit(bucket="face", key=str(person.pk), limit=5, window=3600)
    verifier = face_verifiers.load()
    result = verifier.verify(id_number=person.id_number, name=person.name, capture=capture)
    if not result.passed:
        raise FaceMismatch()
    person.realname_level = RealNameLevel.L3
    person.save(update_fields=["realname_level", "updated_at"])
    audit_record(
        action="realname.verified_l3",
        actor=f"user:{person.user_id}",
        object_type="person",
        object_id=str(person.pk),
        subject=person.id_number,
        data={"plugin": verifier.plugin_id, "score": result.score, "note": result.note},
    )
    if person.user is not None:
        message_send(user=person.user, body="您已通过人脸核验（L3）。")
    return person


# --- delegations ------------------------------------------------------------------------------


def _principal_label(principal: Person | Enterprise) -> str:
    return principal.name


def _may_act_as_principal(*, principal: Person | Enterprise, user: User) -> bool:
    if isinstance(principal, Person):
        return principal.user_id == user.pk
    rep = principal.legal_representative
    return rep is not None and rep.user_id == user.pk


@transaction.atomic
def delegation_grant(
    *,
    principal: Person | Enterprise,
    agent_id_number: str,
    agent_name: str,
    valid_until: datetime,
    granted_by: User,
    item_codes: Sequence[str] = (),
) -> Delegation:
    """A person authorises a relative (亲友代办), or a legal representative an agent of the firm."""
    if not _may_act_as_principal(principal=principal, user=granted_by):
        raise PermissionDenied("只有本人或法定代表人可以授权", "Only the person or the legal representative may grant")
    rid = validators.resident_id(agent_id_number, field="agent_id_number")
    name = validators.person_name(agent_name, field="agent_name")
    agent = Person.objects.filter(id_number=rid.number, name=name).first()
    if agent is None:
        raise InvalidInput(
            "未找到与该身份证号和姓名匹配的人员，请核对",
            "No person matches this ID number and name; please check",
            field="agent_id_number",
        )
    if isinstance(principal, Person) and agent.pk == principal.pk:
        raise InvalidInput("不能授权给自己", "You cannot authorise yourself", field="agent_id_number")
    now = timezone.now()
    if valid_until <= now:
        raise InvalidInput(
            "授权截止时间须晚于现在", "The end of the authorisation must be in the future", field="valid_until"
        )
    if valid_until > now + timedelta(days=DELEGATION_MAX_DAYS):
        raise InvalidInput("授权期限最长3年", "An authorisation lasts at most 3 years", field="valid_until")
    codes = validators.item_codes(list(item_codes))
    principal_filter: dict[str, Any] = (
        {"principal_person": principal} if isinstance(principal, Person) else {"principal_enterprise": principal}
    )
    if Delegation.objects.filter(
        **principal_filter, agent=agent, revoked_at__isnull=True, valid_until__gt=now
    ).exists():
        raise Conflict(
            "您已授权此人且授权仍有效；如需修改，请先撤销原授权",
            "An authorisation for this person is still valid; revoke it first to change it",
            field="agent_id_number",
        )
    delegation = Delegation.objects.create(
        **principal_filter,
        agent=agent,
        item_codes=codes,
        valid_from=now,
        valid_until=valid_until,
        granted_by=granted_by,
    )
    audit_record(
        action="delegation.granted",
        actor=f"user:{granted_by.pk}",
        object_type="delegation",
        object_id=str(delegation.pk),
        subject=principal.id_number if isinstance(principal, Person) else principal.credit_code,
        data={"agent_person": str(agent.pk), "item_codes": codes, "valid_until": valid_until.isoformat()},
    )
    if agent.user is not None:
        scope = "、".join(codes) if codes else "全部事项"
        message_send(
            user=agent.user,
            body=f"{_principal_label(principal)} 已授权您代为办理（{scope}），有效期至 "
            f"{timezone.localtime(valid_until):%Y-%m-%d %H:%M}。",
        )
    return delegation


@transaction.atomic
def delegation_revoke(*, delegation: Delegation, by: User) -> Delegation:
    """Only the principal (or the firm's legal representative) revokes; others get NotFound."""
    delegation = (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("principal_person", "principal_enterprise__legal_representative", "agent__user")
        .get(pk=delegation.pk)
    )
    principal: Person | Enterprise | None = delegation.principal_person or delegation.principal_enterprise
    if principal is None or not _may_act_as_principal(principal=principal, user=by):
        raise NotFound()
    if delegation.revoked_at is not None:
        raise Conflict("该授权已撤销", "This authorisation is already revoked")
    delegation.revoked_at = timezone.now()
    delegation.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        action="delegation.revoked",
        actor=f"user:{by.pk}",
        object_type="delegation",
        object_id=str(delegation.pk),
        subject=principal.id_number if isinstance(principal, Person) else principal.credit_code,
    )
    if delegation.agent.user is not None:
        message_send(user=delegation.agent.user, body=f"{_principal_label(principal)} 已撤销对您的代办授权。")
    return delegation


# --- OIDC ---------------------------------------------------------------------------------------


@transaction.atomic
def oidc_client_register(
    *,
    name: str,
    client_id: str,
    client_secret: str,
    redirect_uris: list[str],
    department: Department | None = None,
) -> Any:
    """A department system as a confidential OIDC client (code flow, RS256 id_token); idempotent."""
    from oauth2_provider.models import get_application_model

    application_model = get_application_model()
    if not client_id.strip() or not client_secret:
        raise InvalidInput("请填写客户端标识和密钥", "Enter a client id and secret", field="client_id")
    if not redirect_uris or any(not uri.startswith(("https://", "http://")) for uri in redirect_uris):
        raise InvalidInput(
            "回调地址须为完整的 http(s) 地址", "Redirect URIs must be absolute http(s) URLs", field="redirect_uris"
        )
    fields = {
        "name": name,
        "client_type": application_model.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": application_model.GRANT_AUTHORIZATION_CODE,
        "redirect_uris": " ".join(redirect_uris),
        "algorithm": application_model.RS256_ALGORITHM,
        "skip_authorization": False,
    }
    app = application_model.objects.filter(client_id=client_id).first()
    if app is None:
        app = application_model(client_id=client_id, client_secret=client_secret, user=None, **fields)
    else:
        for key, value in fields.items():
            setattr(app, key, value)
        app.client_secret = client_secret
    app.full_clean(exclude=["user"])
    app.save()
    OidcClientProfile.objects.update_or_create(client_id=client_id, defaults={"department": department})
    return app


def _pairwise_sub(*, user: User, sector: str) -> str:
    key = getattr(settings, "OIDC_PAIRWISE_KEY", settings.SECRET_KEY).encode()
    return hmac.new(key, f"pairwise:{sector}:{user.pk}".encode(), hashlib.sha256).hexdigest()


def pairwise_subject_get_or_create(*, user: User, sector: str) -> str:
    """The `sub` this user has towards one client sector; stored, so it survives a key change."""
    existing = PairwiseSubject.objects.filter(user=user, sector=sector).values_list("sub", flat=True).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return PairwiseSubject.objects.create(
                user=user, sector=sector, sub=_pairwise_sub(user=user, sector=sector)
            ).sub
    except IntegrityError:  # created concurrently
        return PairwiseSubject.objects.get(user=user, sector=sector).sub


def _code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@transaction.atomic
def authorization_code_record_use(*, code: str, client_id: str, access_token_ids: list[int]) -> None:
    """Remember an exchanged code and what it produced, so a replay can revoke them."""
    UsedAuthorizationCode.objects.update_or_create(
        code_hash=_code_digest(code), defaults={"client_id": client_id, "access_token_ids": access_token_ids}
    )


@transaction.atomic
def authorization_code_replay(*, code: str, client_id: str) -> bool:
    """A code seen again: revoke every token issued from it (RFC 6749 §4.1.2). True if it was a replay."""
    from oauth2_provider.models import get_access_token_model

    used = UsedAuthorizationCode.objects.select_for_update().filter(code_hash=_code_digest(code)).first()
    if used is None or used.client_id != client_id:
        return False
    tokens = get_access_token_model().objects.filter(pk__in=used.access_token_ids)
    for token in tokens:
        token.revoke()  # also revokes its refresh token
    used.replayed_at = timezone.now()
    used.save(update_fields=["replayed_at", "updated_at"])
    audit_record(
        action="oidc.code_replayed",
        actor=f"client:{client_id}",
        object_type="authorization_code",
        object_id=used.code_hash[:16],
        data={"revoked_tokens": len(used.access_token_ids)},
    )
    return True
