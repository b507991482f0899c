import pytest
from django.db import connection

from tongban.core.audit import audit_record, audit_verify, subject_hash
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _chain(n: int = 5) -> list[AuditEntry]:
    return [
        audit_record(action="profile.read", actor="staff:1", subject="11010519491231002X", data={"i": i})
        for i in range(n)
    ]


def test_an_untouched_chain_verifies():
    _chain()
    assert list(audit_verify()) == []


def test_raw_id_numbers_never_reach_the_log():
    entry = _chain(1)[0]
    assert entry.subject_hash == subject_hash("11010519491231002X")
    assert "11010519491231002X" not in str(AuditEntry.objects.values().get(seq=entry.seq))


def test_an_edited_row_is_detected():
    _chain()
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET actor = 'someone-else' WHERE seq = 3")
    problems = list(audit_verify())
    assert [p.seq for p in problems] == [3]
    assert "edited" in problems[0].reason


def test_a_deleted_middle_row_is_detected():
    _chain()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE seq = 2")
    problems = list(audit_verify())
    assert problems and problems[0].seq == 2


def test_a_deleted_tail_is_detected():
    _chain()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE seq = 5")
    assert any("tail" in p.reason for p in audit_verify())


def test_entries_refuse_update_and_delete_through_the_orm():
    entry = _chain(1)[0]
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_audit_verify_command_fails_on_a_broken_chain(capsys):
    from django.core.management import call_command

    _chain()
    call_command("audit", "verify")
    assert "5" in capsys.readouterr().out
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET data = '{}' WHERE seq = 4")
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1


def test_entries_for_a_subject_are_found_by_its_hash_newest_first():
    from tongban.core.audit import audit_list_for_subject

    _chain(3)
    audit_record(action="profile.read", subject="110105194912310037", data={"other": True})
    found = list(audit_list_for_subject(subject=" 11010519491231002x "))  # same person, typed loosely
    assert [e.data["i"] for e in found] == [2, 1, 0]
    assert [e.data["i"] for e in audit_list_for_subject(subject="11010519491231002X", limit=2)] == [2, 1]
    assert list(audit_list_for_subject(subject="")) == []


# --- Appends chained by the sequencer (ADR 0014) ---------------------------------------------------


def test_appends_are_chained_in_order_with_their_reference_and_the_chain_verifies():
    from tongban.core.audit import audit_append, audit_chain
    from tongban.core.models import AuditPending

    _chain(2)  # entries linked in the caller's transaction and appended ones share one chain
    refs = [audit_append(action="verify.answered", subject="11010519491231002X", data={"i": i}) for i in range(3)]
    assert AuditPending.objects.count() == 3  # on_commit never runs inside the test's transaction
    assert audit_chain() == 3 and not AuditPending.objects.exists()
    _chain(1)
    appended = list(AuditEntry.objects.filter(ref__isnull=False).order_by("seq"))
    assert [e.ref for e in appended] == refs and [e.seq for e in appended] == [3, 4, 5]
    assert list(audit_verify()) == []


def test_a_subjects_entries_include_what_is_still_pending():
    from tongban.core.audit import audit_append, audit_list_for_subject

    ref = audit_append(action="verify.answered", subject="11010519491231002X", data={"i": 0})
    [entry] = list(audit_list_for_subject(subject="11010519491231002X"))
    assert entry.ref == ref and entry.seq == 1


def test_an_edited_pending_entry_is_chained_and_named(capsys):
    """Chaining does not read an entry's content (the database links the content hash it was appended with), so
    an entry edited while it waited is chained as it stands, and `audit verify` names it by its seq."""
    from django.core.management import call_command

    from tongban.core.audit import audit_append, audit_chain
    from tongban.core.models import AuditPending

    refs = [audit_append(action="verify.answered", data={"i": i}) for i in range(3)]
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditpending SET data = '{\"i\": 9}' WHERE id = %s", [refs[1]])
    [problem] = list(audit_verify())  # named while it waits
    assert problem.pending == refs[1] and "edited" in problem.reason
    assert audit_chain() == 3 and not AuditPending.objects.exists()
    edited = AuditEntry.objects.get(ref=refs[1])
    [problem] = list(audit_verify())  # and once chained
    assert problem.seq == edited.seq and "edited" in problem.reason
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert f"#{edited.seq}" in capsys.readouterr().out


def test_the_database_links_entries_as_python_computes_them():
    """tongban_audit_chain (PostgreSQL) and core.audit.link_hash agree: an appended entry's hash is the link of
    its predecessor's hash, its seq, its reference and its content hash."""
    from tongban.core.audit import _content_hash, audit_append, audit_chain, link_hash

    _chain(1)
    ref = audit_append(action="verify.answered", actor="staff:7", subject="11010519491231002X",
                       data={"result": "true", "purpose": "养老保险待遇资格认证"})  # fmt: skip
    audit_chain()
    first, entry = AuditEntry.objects.order_by("seq")
    assert entry.ref == ref and entry.prev_hash == first.hash and entry.content_hash == _content_hash(entry)
    assert entry.hash == link_hash(prev_hash=first.hash, seq=2, ref=ref, content_hash=entry.content_hash)
    assert list(audit_verify()) == []


def test_an_edited_reference_breaks_the_chain():
    from tongban.core.audit import audit_append, audit_chain

    audit_append(action="verify.answered", data={})
    audit_chain()
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET ref = ref + 1000 WHERE seq = 1")
    assert [p.seq for p in audit_verify()] == [1]


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_all_end_up_in_one_unbroken_chain():
    """Eight threads append in autocommit, each chaining on commit (or leaving it to the pass running):
    nothing stays pending, no seq is missing or doubled, the chain verifies."""
    import threading

    from django.db import connections

    from tongban.core.audit import audit_append
    from tongban.core.models import AuditPending

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")

    def work(n: int) -> None:
        try:
            for i in range(25):
                audit_append(action="verify.answered", data={"t": n, "i": i})
                if i % 10 == 0:
                    audit_record(action="profile.read", data={"t": n, "i": i})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not AuditPending.objects.exists()
    assert AuditEntry.objects.count() == 8 * 28
    assert AuditEntry.objects.filter(ref__isnull=False).count() == 8 * 25
    assert list(audit_verify()) == []


@pytest.mark.django_db(transaction=True)
def test_the_sequencer_thread_chains_what_requests_appended(settings):
    """Production chains in a thread of each process: the appending request returns at once, the entry is
    linked moments later, and a reader of the subject's entries never waits for it to be."""
    import time

    from tongban.core.audit import audit_append, audit_list_for_subject, audit_sequencer_stop
    from tongban.core.models import AuditPending

    if connection.vendor != "postgresql":
        pytest.skip("the sequencer thread runs on PostgreSQL")
    settings.AUDIT_CHAIN_BACKGROUND = True
    try:
        refs = [audit_append(action="verify.answered", subject="11010519491231002X", data={"i": i}) for i in range(20)]
        deadline = time.monotonic() + 10
        while AuditPending.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not AuditPending.objects.exists()
    finally:
        audit_sequencer_stop()  # and its connection, or the test database cannot be dropped
    assert [e.ref for e in audit_list_for_subject(subject="11010519491231002X")] == refs[::-1]
    assert list(audit_verify()) == []
