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
