"""Sharing governance of the data-sharing hub: requests, grants, metering (issue 4, part 3).

A consumer department asks for conditional elements (`SharingRequest`); the owner department's steward
decides within 10 working days; an approval creates a `Grant`. Every read through the hub is metered
per consumer and element (`UsageCounter`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from tongban.core.models import BaseModel
from tongban.identity.models import Department, Staff


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
