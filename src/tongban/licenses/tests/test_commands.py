from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from tongban.licenses import services
from tongban.licenses.codes import LicenceState, ValidityKind
from tongban.licenses.tests.factories import LicenceTypeFactory, business_fields


def test_the_daily_run_expires_licences_past_their_date(amr, reviewer, firm):
    fixed = LicenceTypeFactory(code="11100000000013338W101", department=amr, validity_kind=ValidityKind.PER_LICENCE)
    today = timezone.localdate()
    licence = services.licence_issue(
        licence_type=fixed, holder=firm, number="F1", fields=business_fields(), actor=reviewer,
        valid_from=today - timedelta(days=9), valid_until=today - timedelta(days=1),
    )  # fmt: skip
    out = StringIO()
    call_command("licenses", "expire", stdout=out)
    licence.refresh_from_db()
    assert licence.state == LicenceState.EXPIRED and "expired 1" in out.getvalue()


def test_check_says_the_seal_backend_is_ready(db):
    out = StringIO()
    call_command("licenses", "check", stdout=out)
    assert "ed25519" in out.getvalue()


def test_import_issues_the_good_rows_names_the_bad_and_exits_1(business_type, firm, tmp_path):
    import json

    import pytest

    good = {"holder_code": firm.credit_code, "holder_name": firm.name, "number": "N1", "serial": "S1",
            "issued_on": "2024-03-01", **business_fields()}  # fmt: skip
    bad = {**good, "holder_code": "91990101MA1234567Y", "serial": "S2"}  # wrong check digit
    path = tmp_path / "licences.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (good, bad)))
    out = StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("licenses", "import", business_type.code, str(path), stdout=out)
    assert stopped.value.code == 1
    assert "issued 1" in out.getvalue() and "rejected 1" in out.getvalue() and "第 2 行" in out.getvalue()
    out = StringIO()
    path.write_text(json.dumps(good, ensure_ascii=False))
    with pytest.raises(SystemExit):  # a re-run issues nothing twice, and says why
        call_command("licenses", "import", business_type.code, str(path), stdout=out)
    assert "issued 0" in out.getvalue() and "已导入" in out.getvalue()
