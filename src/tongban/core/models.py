"""Base models and the core tables: audit log, working-day overrides, idempotency keys."""

from __future__ import annotations

import uuid

from django.db import models


class BaseModel(models.Model):
    """UUID primary key and timestamps for every table of the platform."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditContent(models.Model):
    """What an audit entry says, chained or still pending: its hash covers these (core.audit._fields)."""

    at = models.DateTimeField()
    actor = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    # HMAC of a subject's identity number: data-use history without raw ID numbers in the log.
    subject_hash = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        abstract = True


class AuditEntry(AuditContent):
    """One row of the append-only, hash-chained audit log (see core.audit)."""

    seq = models.BigIntegerField(primary_key=True)
    prev_hash = models.CharField(max_length=64)
    # The AuditPending id it was appended as (entries from audit_append; a verify answer's evidence id).
    ref = models.BigIntegerField(null=True, blank=True, unique=True)
    # Entries chained since ADR 0016: the pending row's content hash; `hash` then covers prev_hash, seq, ref and
    # this (core.audit.link_hash), which the database can compute itself. Empty: `hash` covers the content.
    content_hash = models.CharField(max_length=64, blank=True, db_default="")

    class Meta:
        ordering = ["seq"]
        # Declared here rather than as db_index/unique on the fields: on PostgreSQL those add a second,
        # varchar_pattern_ops index per column for LIKE, which nothing here asks, and every entry pays to write.
        indexes = [
            models.Index(fields=["action"], name="core_audit_action_idx"),
            models.Index(fields=["subject_hash", "-seq"], name="core_audit_subject_idx"),  # 谁用了我的数据
        ]
        constraints = [models.UniqueConstraint(fields=["hash"], name="core_audit_hash_unique")]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("audit entries are append-only")


class AuditPending(AuditContent):
    """An audit entry appended without the chain's lock (hot paths such as verify answers), linked into
    AuditEntry in id order by core.audit.audit_chain moments later. `hash` covers its content, so an edit
    while it waits is detected as well (see docs/adr/0014-audit-appends-chained-by-a-sequencer.md)."""

    id = models.BigAutoField(primary_key=True)


class AuditHead(models.Model):
    """Single row holding the chain's tip, locked while appending; also reveals a deleted tail."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class CalendarDay(BaseModel):
    """Operator override of one date: a holiday or make-up working day the package may not know."""

    date = models.DateField(unique=True)
    is_workday = models.BooleanField()
    name = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'holiday'} {self.name}"


class IdempotencyKey(BaseModel):
    """A POST seen with an Idempotency-Key; its stored response is replayed for retries."""

    key = models.CharField(max_length=200)
    actor = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="uniq_idempotency_actor_key")]
