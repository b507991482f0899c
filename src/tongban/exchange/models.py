"""Sharing governance of the data-sharing hub: requests, grants, metering (issue 4, part 3).

A consumer department asks for conditional elements (`SharingRequest`); the owner department's steward
decides within 10 working days; an approval creates a `Grant`. Every read through the hub is metered
per consumer and element (`UsageCounter`). An applicant who finds a shared value wrong opens a
`CorrectionRequest` (数据纠错) to the element's owner department, decided on the same clock.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from tongban.core.models import BaseModel
from tongban.identity.models import Department, Enterprise, Person, Staff, User
from tongban.registry.models import DataElement


class HubOperator(BaseModel):
    """A department that runs the hub (数据局): its stewards may decide every department's requests."""

    department = models.OneToOneField(Department, on_delete=models.CASCADE, related_name="+")


class SharingRequest(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("sharing request", "待审核")
        APPROVED = "approved", pgettext_lazy("sharing request", "已同意")
        DENIED = "denied", pgettext_lazy("sharing request", "已拒绝")

    consumer = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    item_code = models.CharField(max_length=40, blank=True)
    purpose = models.CharField(max_length=300)
    element_codes = models.JSONField(default=list)
    period_days = models.PositiveIntegerField()
    requested_by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "submitted_at"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="exchange_request_work_idx")]


class Grant(BaseModel):
    consumer = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    request = models.OneToOneField(SharingRequest, null=True, on_delete=models.PROTECT, related_name="grant")
    element_codes = models.JSONField(default=list)
    purpose = models.CharField(max_length=300)
    item_code = models.CharField(max_length=40, blank=True)
    valid_from = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revocable = models.BooleanField(default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoke_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["consumer", "expires_at"], name="exchange_grant_consumer_idx")]

    def is_active(self, at: timezone.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.valid_from <= at < self.expires_at


class UsageCounter(BaseModel):
    """Reads through the hub per consumer and element: calls, failures (connector), denials, latency."""

    consumer = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    element_code = models.CharField(max_length=60)
    calls = models.PositiveBigIntegerField(default=0)
    failures = models.PositiveBigIntegerField(default=0)
    denied = models.PositiveBigIntegerField(default=0)
    total_latency_ms = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consumer", "element_code"], name="uniq_usage_counter")]


class Predicate(BaseModel):
    """A yes/no question the hub answers about a subject without revealing the value (可用不可见, issue 4 part 6).

    Declared as data: the element it reads, one operator from a fixed set (tongban.exchange.verify), the
    parameters a caller must give (`param_schema`: name → {"type", "min", "max", "pattern", "label"}) and
    parameters fixed by the declaration (`fixed_params`, e.g. the marital status code for "married")."""

    class Operator(models.TextChoices):
        AGE_AT_LEAST = "age_at_least", pgettext_lazy("predicate operator", "年龄不小于")
        EQUALS = "equals", pgettext_lazy("predicate operator", "等于")
        IN_REGION = "in_region", pgettext_lazy("predicate operator", "属于行政区划")
        AT_LEAST = "at_least", pgettext_lazy("predicate operator", "不小于")
        AT_MOST = "at_most", pgettext_lazy("predicate operator", "不大于")
        IS_TRUE = "is_true", pgettext_lazy("predicate operator", "为是")

    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=200, blank=True)
    element_code = models.CharField(max_length=60)
    operator = models.CharField(max_length=20, choices=Operator.choices)
    param_schema = models.JSONField(default=dict, blank=True)
    fixed_params = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class VerifyQuotaUse(BaseModel):
    """Verify answers a consumer department received on one day, counted against its daily quota."""

    consumer = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consumer", "day"], name="uniq_verify_quota_day")]


class CorrectionRequest(BaseModel):
    """An applicant says a shared value is wrong (数据纠错): the owner department corrects it within 10
    working days (the corrected value becomes a new registry row from the owner, trust level A) or says why
    not. At most one pending request per (subject, element)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("correction request", "待处理")
        CORRECTED = "corrected", pgettext_lazy("correction request", "已更正")
        REJECTED = "rejected", pgettext_lazy("correction request", "未予更正")

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")  # element.owner when opened
    shown_value = models.TextField(blank=True)  # what the applicant saw on the form
    claimed_value = models.TextField(blank=True)  # canonical text of what they say is right; may be blank
    reason = models.CharField(max_length=500)
    raised_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reference = models.CharField(max_length=60, blank=True)  # the draft or submission it came from
    submitted_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decision_reason = models.CharField(max_length=500, blank=True)
    corrected_value = models.TextField(blank=True)  # what was recorded into the registry on acceptance

    class Meta:
        ordering = ["due_on", "submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, enterprise__isnull=True)
                    | models.Q(person__isnull=True, enterprise__isnull=False)
                ),
                name="correction_exactly_one_subject",
            ),
            models.UniqueConstraint(
                fields=["person", "element"],
                condition=models.Q(status="pending"),
                name="uniq_pending_person_correction",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "element"],
                condition=models.Q(status="pending"),
                name="uniq_pending_ent_correction",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="exchange_correction_work_idx"),
            models.Index(fields=["raised_by", "submitted_at"], name="exchange_correction_user_idx"),
        ]

    @property
    def subject(self) -> Person | Enterprise:
        return self.person if self.person_id else self.enterprise  # type: ignore[return-value]

    @property
    def number(self) -> str:
        """The reference the applicant and the department quote (纠错编号); also the registry row's record id."""
        return f"JC-{self.pk.hex[:12].upper()}"
