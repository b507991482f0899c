"""People, organisations and accounts: who acts on the platform and for whom."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from tongban.core.models import BaseModel
from tongban.identity.roles import RealNameLevel, Role


class User(AbstractUser):
    """A login. Persons and staff hang off it one-to-one; it holds UI preferences."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    language = models.CharField(max_length=10, blank=True)
    elder_mode = models.BooleanField(default=False)
    locked_until = models.DateTimeField(null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    # Where one-time login codes go for staff; a person's codes go to Person.mobile.
    mobile = models.CharField(max_length=20, blank=True)


class Region(BaseModel):
    """An administrative division by its 6-digit code (GB/T 2260), arranged as a tree."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        CITY = 2, "市级"
        COUNTY = 3, "县级"
        TOWN = 4, "乡镇(街道)级"

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100, blank=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Department(BaseModel):
    """A government body that implements service items; identified by its unified credit code."""

    credit_code = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    short_name = models.CharField(max_length=50, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    # 政务服务中心 (综合窗口, 一窗受理): its clerks receive applications for every department of its region.
    service_centre = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(BaseModel):
    """A natural person (自然人) known by resident ID number; may or may not have a login."""

    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Source(models.TextChoices):
        # The city's population register (人口库) versus a row created by online self-registration.
        REGISTER = "register", "人口库"
        SELF = "self", "自行注册"

    user = models.OneToOneField(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="person")
    id_number = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=50)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    mobile = models.CharField(max_length=20, blank=True)
    realname_level = models.PositiveSmallIntegerField(choices=RealNameLevel.choices, default=RealNameLevel.L1)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="persons")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REGISTER)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_mobile(self) -> str:
        return f"{self.mobile[:3]}****{self.mobile[-4:]}" if len(self.mobile) >= 7 else ""

    @property
    def masked_id(self) -> str:
        return f"{self.id_number[:3]}***********{self.id_number[-4:]}"


class Enterprise(BaseModel):
    """A legal person or individual business (法人/个体工商户) known by unified credit code."""

    class Kind(models.TextChoices):
        # 服务对象 codes from GB/T 39046 where they apply to registered bodies.
        COMPANY = "enterprise", "企业法人"
        INSTITUTION = "institution", "事业法人"
        SOCIAL = "social", "社会组织法人"
        NON_LEGAL = "non_legal", "非法人企业"
        INDIVIDUAL = "individual", "个体工商户"

    credit_code = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    legal_representative = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="represented_enterprises"
    )
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="enterprises")
    established_on = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Staff(BaseModel):
    """A government worker's account: department (none for platform-wide roles) and roles."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(max_length=50)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="staff_members"
    )
    roles = models.JSONField(default=list)  # list of Role values
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return self.name

    def has_role(self, role: Role | str) -> bool:
        return self.active and str(role) in self.roles


class Delegation(BaseModel):
    """A principal (person or enterprise) lets an agent person act for them (亲友代办 / 企业经办人)."""

    principal_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="delegations_given"
    )
    principal_enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="delegations_given"
    )
    agent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="delegations_received")
    # Basic codes of the items the agent may handle; empty means every item.
    item_codes = models.JSONField(default=list, blank=True)
    valid_from = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(principal_person__isnull=False, principal_enterprise__isnull=True)
                    | models.Q(principal_person__isnull=True, principal_enterprise__isnull=False)
                ),
                name="delegation_exactly_one_principal",
            )
        ]

    def is_active(self, at: timezone.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.valid_from <= at < self.valid_until

    def covers(self, item_code: str) -> bool:
        return not self.item_codes or item_code in self.item_codes


class LoginEvent(BaseModel):
    """Login history: every attempt, its outcome and channel (shown on the account page)."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", pgettext_lazy("login outcome", "成功")
        BAD_CREDENTIALS = "bad_credentials", pgettext_lazy("login outcome", "账号或密码错误")
        BAD_CODE = "bad_code", pgettext_lazy("login outcome", "验证码错误")
        LOCKED = "locked", pgettext_lazy("login outcome", "账号已锁定")
        RATE_LIMITED = "rate_limited", pgettext_lazy("login outcome", "请求过于频繁")
        LOGOUT = "logout", pgettext_lazy("login outcome", "退出")

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="login_events")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    client = models.CharField(max_length=100, blank=True)  # OIDC client name when through SSO

    class Meta:
        ordering = ["-created_at"]


class OneTimeCode(BaseModel):
    """A one-time login code sent through the outbox; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="one_time_codes")
    purpose = models.CharField(max_length=30, default="login")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)


class OutboxMessage(BaseModel):
    """A message to a person (SMS or in-app), kept as sent; the SMS sender is a plugin."""

    class Channel(models.TextChoices):
        SMS = "sms", "短信"
        IN_APP = "in_app", "站内信"

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(max_length=50, blank=True)
    body = models.TextField()
    sender = models.CharField(max_length=50, blank=True)  # plugin id
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class PairwiseSubject(BaseModel):
    """The stable, per-client `sub` handed to an OIDC client: clients cannot correlate users."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pairwise_subjects")
    sector = models.CharField(max_length=200)  # client's sector identifier (its redirect host)
    sub = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "sector"], name="uniq_pairwise_user_sector")]


class OidcClientProfile(BaseModel):
    """What the platform knows about an OIDC client beyond DOT's Application: who runs it."""

    # DOT's Application is swappable; referring to it by client_id keeps migrations independent of that.
    client_id = models.CharField(max_length=100, unique=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="oidc_clients"
    )


class UsedAuthorizationCode(BaseModel):
    """An exchanged authorization code (hash only) and the tokens it produced.

    DOT deletes the grant on exchange; remembering the code lets a replay be recognised and the
    tokens issued from it revoked (RFC 6749 §4.1.2).
    """

    code_hash = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=100)
    access_token_ids = models.JSONField(default=list)
    replayed_at = models.DateTimeField(null=True, blank=True)
