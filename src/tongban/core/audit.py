"""Append-only, hash-chained audit log.

Each entry's hash covers its content and the previous entry's hash, so editing or deleting any
row breaks the chain from that row on; AuditHead remembers the tip so a deleted tail shows too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tongban.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def subject_hash(identifier: str) -> str:
    """Keyed hash of an ID number or credit code; the raw number never reaches the log."""
    key = getattr(settings, "AUDIT_HASH_KEY", settings.SECRET_KEY).encode()
    return hmac.new(key, identifier.strip().upper().encode(), hashlib.sha256).hexdigest()


def _entry_hash(*, prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"prev": prev_hash, "seq": seq, **fields}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "subject_hash": entry.subject_hash,
        "data": entry.data,
    }


_HEAD_LOCK = "SELECT seq, hash FROM core_audithead WHERE id = 1 FOR UPDATE"
_ENTRY_INSERT = (
    "INSERT INTO core_auditentry (seq, at, actor, action, object_type, object_id, subject_hash, data, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_HEAD_MOVE = "UPDATE core_audithead SET seq = %s, hash = %s WHERE id = 1"


@transaction.atomic(savepoint=False)  # inside a caller's transaction, no savepoint round trips: it fails whole
def audit_record(
    *,
    action: str,
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    subject: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `subject` is an ID number or credit code; only its keyed hash is kept.

    Three plain statements under the head row's lock (every verify answer and data use passes here,
    so no ORM compilation on this path); SQLite, which has no FOR UPDATE, serialises writers itself."""
    lock = _HEAD_LOCK if connection.features.has_select_for_update else _HEAD_LOCK.removesuffix(" FOR UPDATE")
    with connection.cursor() as cursor:
        cursor.execute(lock)
        row = cursor.fetchone()
        if row is None:  # the very first entry: make the head (get_or_create copes with a racing first)
            AuditHead.objects.get_or_create(id=1)
            cursor.execute(lock)
            row = cursor.fetchone()
        head_seq, head_hash = row
        entry = AuditEntry(
            seq=head_seq + 1,
            at=timezone.now(),
            actor=actor[:200],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            subject_hash=subject_hash(subject) if subject else "",
            # Round-trip through JSON so the hash is computed over what the database will return.
            data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
            prev_hash=head_hash,
        )
        entry.hash = _entry_hash(prev_hash=head_hash, seq=entry.seq, fields=_fields(entry))
        data_field = AuditEntry._meta.get_field("data")
        cursor.execute(_ENTRY_INSERT, [
            entry.seq, connection.ops.adapt_datetimefield_value(entry.at), entry.actor, entry.action,
            entry.object_type, entry.object_id, entry.subject_hash,
            data_field.get_db_prep_value(entry.data, connection), entry.prev_hash, entry.hash,
        ])  # fmt: skip
        cursor.execute(_HEAD_MOVE, [entry.seq, entry.hash])
    entry._state.adding = False  # it is in the table now: save() would refuse, as for any stored entry
    return entry


def audit_list_for_subject(*, subject: str, limit: int | None = None) -> QuerySet[AuditEntry]:
    """Entries about one ID number or credit code (matched by its keyed hash), newest first."""
    if not subject.strip():
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.filter(subject_hash=subject_hash(subject)).order_by("-seq")
    return entries[:limit] if limit is not None else entries


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def audit_verify() -> Iterator[ChainProblem]:
    """Walk the chain in order and yield every place where it does not hold."""
    expected_prev, expected_seq = GENESIS, 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            yield ChainProblem(expected_seq, f"entries {expected_seq}..{entry.seq - 1} missing (deleted)")
        if entry.prev_hash != expected_prev:
            yield ChainProblem(entry.seq, "previous-hash link broken")
        recomputed = _entry_hash(prev_hash=entry.prev_hash, seq=entry.seq, fields=_fields(entry))
        if recomputed != entry.hash:
            yield ChainProblem(entry.seq, "content does not match its hash (edited)")
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        yield ChainProblem(expected_seq, f"chain ends at {expected_seq - 1} but head records {head.seq} (tail deleted)")
