"""Append-only, hash-chained audit log.

Each entry's hash covers its content and the previous entry's hash, so editing or deleting any
row breaks the chain from that row on; AuditHead remembers the tip so a deleted tail shows too.

Two ways in: `audit_record` links the entry under the head row's lock in the caller's transaction;
`audit_append` (hot paths: every verify answer) writes an AuditPending row without that lock and
`audit_chain` links pending rows in id order, many per lock, right after the commit — on PostgreSQL in one
statement, the database computing each link's hash (ADR 0016). Readers of a subject's entries and
`audit verify` chain what is pending first (ADR 0014).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tongban.core.models import AuditEntry, AuditHead, AuditPending

GENESIS = "0" * 64
logger = logging.getLogger(__name__)


def subject_hash(identifier: str) -> str:
    """Keyed hash of an ID number or credit code; the raw number never reaches the log."""
    key = getattr(settings, "AUDIT_HASH_KEY", settings.SECRET_KEY).encode()
    return hmac.new(key, identifier.strip().upper().encode(), hashlib.sha256).hexdigest()


def _entry_hash(*, prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"prev": prev_hash, "seq": seq, **fields}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


_CONTENT = ("at", "actor", "action", "object_type", "object_id", "subject_hash", "data")  # what a hash covers


def _hashed(content: dict[str, Any]) -> dict[str, Any]:
    """The AuditContent fields (model attributes or _content's dict) as hashed: the time in ISO form."""
    return {**{name: content[name] for name in _CONTENT}, "at": content["at"].isoformat()}


def _fields(entry: AuditEntry | AuditPending) -> dict[str, Any]:
    fields = _hashed({name: getattr(entry, name) for name in _CONTENT})
    ref = getattr(entry, "ref", None)
    if ref is not None:  # entries that came through audit_append; older entries hash as they always did
        fields["ref"] = ref
    return fields


def _content_hash(row: AuditEntry | AuditPending) -> str:
    """The hash of an entry's content alone (a pending row's `hash`; a chained one's `content_hash`)."""
    return _entry_hash(prev_hash="", seq=0, fields=_hashed({name: getattr(row, name) for name in _CONTENT}))


def link_hash(*, prev_hash: str, seq: int, ref: int, content_hash: str) -> str:
    """The hash of an appended entry once chained (ADR 0016): over the link and the content's hash, so that the
    database can chain entries without reading their content (tongban_audit_chain computes the same)."""
    return hashlib.sha256(f"v2:{prev_hash}:{seq}:{ref}:{content_hash}".encode()).hexdigest()


def _chained_hash(entry: AuditEntry) -> str:
    """What an entry's hash should be, by the rule it was chained under."""
    if entry.content_hash and entry.ref is not None:
        return link_hash(prev_hash=entry.prev_hash, seq=entry.seq, ref=entry.ref, content_hash=entry.content_hash)
    return _entry_hash(prev_hash=entry.prev_hash, seq=entry.seq, fields=_fields(entry))


_HEAD_LOCK = "SELECT seq, hash FROM core_audithead WHERE id = 1 FOR UPDATE"
_ENTRY_INSERT = (
    "INSERT INTO core_auditentry (seq, at, actor, action, object_type, object_id, subject_hash, data, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_HEAD_MOVE = "UPDATE core_audithead SET seq = %s, hash = %s WHERE id = 1"


def _head_locked(cursor: Any) -> tuple[int, str]:
    """The chain's tip (seq, hash), its row locked until the transaction ends; SQLite, which has no FOR UPDATE,
    serialises writers itself."""
    lock = _HEAD_LOCK if connection.features.has_select_for_update else _HEAD_LOCK.removesuffix(" FOR UPDATE")
    cursor.execute(lock)
    row = cursor.fetchone()
    if row is None:  # the very first entry: make the head (get_or_create copes with a racing first)
        AuditHead.objects.get_or_create(id=1)
        cursor.execute(lock)
        row = cursor.fetchone()
    return row[0], row[1]


def _content(
    *, action: str, actor: str, object_type: str, object_id: str, subject: str, data: dict[str, Any] | None
) -> tuple[dict[str, Any], str]:
    """An entry's AuditContent fields, as the database will return them (so its hash is over what is read back),
    and its data as the JSON text they were read from."""
    data_json = json.dumps(data or {}, ensure_ascii=False, default=str)
    return {
        "at": timezone.now(), "actor": actor[:200], "action": action, "object_type": object_type,
        "object_id": str(object_id), "subject_hash": subject_hash(subject) if subject else "",
        "data": json.loads(data_json),
    }, data_json  # fmt: skip


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

    Three plain statements under the head row's lock (every data use passes here, so no ORM compilation on
    this path)."""
    with connection.cursor() as cursor:
        head_seq, head_hash = _head_locked(cursor)
        # Under the lock, so entries' times run in seq order.
        content, _ = _content(action=action, actor=actor, object_type=object_type, object_id=object_id,
                              subject=subject, data=data)  # fmt: skip
        entry = AuditEntry(seq=head_seq + 1, prev_hash=head_hash, content_hash="", **content)
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


# --- Appending without the chain's lock ------------------------------------------------------------

# The columns of one pending row, in the order of audit_pending_values; a caller on PostgreSQL may fold
# the INSERT into its own statement (verify writes quota, meter and entry in one round trip).
PENDING_COLUMNS = ("at", "actor", "action", "object_type", "object_id", "subject_hash", "data", "hash")


def audit_pending_values(
    *,
    action: str,
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    subject: str = "",
    data: dict[str, Any] | None = None,
) -> list[Any]:
    """The PENDING_COLUMNS values of one entry, adapted for this connection, its content hash included.
    Every verify answer passes here, so no model is built: the fields are hashed as _content_hash would hash
    the row read back, and the data goes to the database as the JSON text it was hashed from."""
    content, data_json = _content(action=action, actor=actor, object_type=object_type, object_id=object_id,
                                  subject=subject, data=data)  # fmt: skip
    digest = _entry_hash(prev_hash="", seq=0, fields=_hashed(content))
    return [connection.ops.adapt_datetimefield_value(content["at"]), content["actor"], action, object_type,
            content["object_id"], content["subject_hash"], data_json, digest]  # fmt: skip


_PENDING_INSERT = (
    "INSERT INTO core_auditpending (at, actor, action, object_type, object_id, subject_hash, data, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)


def audit_append(
    *,
    action: str,
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    subject: str = "",
    data: dict[str, Any] | None = None,
) -> int:
    """Append one entry without waiting for the chain's lock; returns its reference (AuditEntry.ref once
    chained). It is linked into the chain when the caller's transaction commits (audit_chain_soon)."""
    values = audit_pending_values(action=action, actor=actor, object_type=object_type, object_id=object_id,
                                  subject=subject, data=data)  # fmt: skip
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(_PENDING_INSERT + " RETURNING id", values)
            ref = int(cursor.fetchone()[0])
        else:
            cursor.execute(_PENDING_INSERT, values)
            ref = int(cursor.lastrowid)
    audit_chain_soon()
    return ref


def audit_chain_soon() -> None:
    """Chain what is pending once the current transaction commits (at once outside a transaction): by this
    process's sequencer thread when settings.AUDIT_CHAIN_BACKGROUND (production), else in this thread."""
    chain = (
        _sequencer.nudge
        if getattr(settings, "AUDIT_CHAIN_BACKGROUND", False) and connection.vendor == "postgresql"
        else audit_chain
    )
    if connection.in_atomic_block:
        transaction.on_commit(chain)
    else:  # committed already (autocommit): what on_commit would do at once, without its bookkeeping
        chain()


# How long the sequencer lets nudges gather before a pass. A pass is two statements whatever it links (the pass and
# the look again after its commit), so a pass per answer would cost more than linking;
# waiting a few milliseconds lets one pass link every entry appended meanwhile. Readers do not see the
# delay: "who used my data" and `audit verify` chain what is pending themselves before they read.
CHAIN_GATHER_SECONDS = 0.05


class _Sequencer:
    """One daemon thread per process that chains pending entries whenever nudged, so that a request that
    appended one returns without the chain's statements (it has its own database connection). Nudges within
    CHAIN_GATHER_SECONDS of each other are served by one pass."""

    def __init__(self) -> None:
        self.pid = 0
        self.event = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.stopping = False

    def nudge(self) -> None:
        if self.pid != os.getpid():  # first use in this process (gunicorn forks after importing)
            with self.lock:
                if self.pid != os.getpid():
                    self.event, self.stopping = threading.Event(), False
                    self.thread = threading.Thread(target=self._run, name="audit-sequencer", daemon=True)
                    self.thread.start()
                    self.pid = os.getpid()
        self.event.set()

    def stop(self) -> None:
        """Chain what is left, end the thread and close its connection (tests, an orderly shutdown)."""
        with self.lock:
            thread, self.pid = self.thread, 0
            if thread is None or not thread.is_alive():
                return
            self.stopping = True
            self.event.set()
        thread.join(timeout=30)

    def _run(self) -> None:
        from django.db import connections

        event = self.event
        try:
            while True:
                event.wait()
                if not self.stopping:
                    time.sleep(CHAIN_GATHER_SECONDS)  # the nudges of the answers meanwhile: one pass for all
                event.clear()
                try:
                    audit_chain()
                except Exception:  # the database away, say: the rows stay pending, the next nudge tries again
                    logger.exception("chaining pending audit entries failed")
                    connections.close_all()
                    time.sleep(1.0)
                    event.set()
                if self.stopping:
                    return
        finally:
            connections.close_all()


_sequencer = _Sequencer()
audit_sequencer_stop = _sequencer.stop


CHAIN_BATCH = 1000
_CHAIN_PASS = "SELECT tongban_audit_chain(%s, %s)"


def _chain_batch_here() -> int:
    """Link up to CHAIN_BATCH pending rows in id order under the head's lock, as tongban_audit_chain does on
    PostgreSQL (SQLite: this process chains in Python, one writer at a time)."""
    with transaction.atomic(), connection.cursor() as cursor:
        seq, prev = _head_locked(cursor)
        pending = list(AuditPending.objects.order_by("id")[:CHAIN_BATCH])
        entries = []
        for p in pending:
            seq += 1
            before, prev = prev, link_hash(prev_hash=prev, seq=seq, ref=p.id, content_hash=p.hash)
            entries.append(AuditEntry(seq=seq, at=p.at, actor=p.actor, action=p.action, object_type=p.object_type,
                                      object_id=p.object_id, subject_hash=p.subject_hash, data=p.data,
                                      prev_hash=before, hash=prev, ref=p.id, content_hash=p.hash))  # fmt: skip
        if entries:
            AuditEntry.objects.bulk_create(entries)
            AuditPending.objects.filter(id__in=[p.id for p in pending]).delete()
            cursor.execute(_HEAD_MOVE, [seq, prev])
    return len(entries)


def audit_chain(*, wait: bool = False) -> int:
    """Link every pending entry into the chain; returns how many. A pending row is chained as it stands: one
    whose content was edited while it waited no longer matches the content hash it was appended with, and
    `audit verify` names it.

    PostgreSQL: one statement per pass (tongban_audit_chain, ADR 0016), one pass at a time (the function's
    advisory lock, 0x74424155 "tBAU").
    Without `wait`, a caller that finds a pass running leaves its rows to it, since a pass looks again once it
    has committed. With `wait` (readers, `audit verify`), every entry committed before the call is chained when
    it returns."""
    chained = 0
    while True:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_CHAIN_PASS, [CHAIN_BATCH, wait])
                n = int(cursor.fetchone()[0])
            if n < 0:  # another pass is running: it will look again after its commit
                return chained
        else:
            n = _chain_batch_here()
        chained += n
        if n == 0:  # looked at again after the last pass committed: nothing left
            return chained


def audit_list_for_subject(*, subject: str, limit: int | None = None) -> QuerySet[AuditEntry]:
    """Entries about one ID number or credit code (matched by its keyed hash), newest first; what is still
    pending is chained first, so every use shows at once."""
    if not subject.strip():
        return AuditEntry.objects.none()
    audit_chain(wait=True)
    entries = AuditEntry.objects.filter(subject_hash=subject_hash(subject)).order_by("-seq")
    return entries[:limit] if limit is not None else entries


@dataclass(frozen=True)
class ChainProblem:
    seq: int  # for a pending row: 0, and `pending` names it
    reason: str
    pending: int | None = None


def audit_verify() -> Iterator[ChainProblem]:
    """Walk the chain in order and yield every place where it does not hold."""
    expected_prev, expected_seq = GENESIS, 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            yield ChainProblem(expected_seq, f"entries {expected_seq}..{entry.seq - 1} missing (deleted)")
        if entry.prev_hash != expected_prev:
            yield ChainProblem(entry.seq, "previous-hash link broken")
        if _chained_hash(entry) != entry.hash or (entry.content_hash and _content_hash(entry) != entry.content_hash):
            yield ChainProblem(entry.seq, "content does not match its hash (edited)")
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        yield ChainProblem(expected_seq, f"chain ends at {expected_seq - 1} but head records {head.seq} (tail deleted)")
    for pending in AuditPending.objects.order_by("id").iterator(chunk_size=2000):
        if _content_hash(pending) != pending.hash:
            yield ChainProblem(0, "pending entry: content does not match its hash (edited)", pending=pending.id)
