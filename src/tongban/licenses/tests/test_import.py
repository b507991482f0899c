"""存量证照: a file of existing licences becomes licences; every bad row is named with why; a re-run adds nothing."""

from __future__ import annotations

import json

import pytest

from tongban.core.errors import PermissionDenied
from tongban.core.models import AuditEntry
from tongban.identity.tests.factories import EnterpriseFactory, PersonFactory
from tongban.licenses import selectors, services
from tongban.licenses.models import Licence
from tongban.licenses.sdjwt import VerifyPolicy

HEADER = "holder_code,holder_name,number,issued_on,serial,enterprise_name,legal_representative,address,business_scope,registered_capital,established_on\n"  # noqa: E501


def row(firm, *, serial="2019000001", name=None, capital="300", issued="2019-06-01", **over):
    values = {
        "holder_code": firm.credit_code, "holder_name": name or firm.name, "number": f"N{serial}", "issued_on": issued,
        "serial": serial, "enterprise_name": firm.name, "legal_representative": "王五", "address": "示范市港湾路2号",
        "business_scope": "餐饮服务", "registered_capital": capital, "established_on": "2019-05-20", **over,
    }  # fmt: skip
    return ",".join(values.values()) + "\n"


def test_good_rows_are_issued_and_bad_rows_named_by_line(business_type, reviewer, firm):
    other = EnterpriseFactory()
    text = (
        HEADER
        + row(firm)
        + row(other, serial="2019000002", name="不对的名称")
        + row(other, serial="2019000003", capital="很多")
        + row(firm, serial="2019000004", issued="2019-13-01")
        + "91990101MA00000000,某公司,N5,2019-06-01,2019000005,a,b,c,d,1,2019-01-01\n"
        + row(other, serial="2019000006")
    )
    report = services.licences_import(licence_type=business_type, file=text.encode(), name="存量.csv", actor=reviewer)
    assert report.rows_total == 6 and len(report.issued) == 2
    assert [(r.line, r.reason_zh[:6]) for r in report.rejected] == [
        (3, "持证主体名称"),
        (4, "注册资本（万"),
        (5, "issued"),
        (6, "统一社会信用"),
    ]
    licence = selectors.licence_get(identifier=report.issued[0])
    assert (licence.serial, licence.issued_on.isoformat(), licence.fields["registered_capital"]) == (
        "2019000001", "2019-06-01", 300,
    )  # fmt: skip
    assert licence.holder_jwk is None and "cnf" not in json.loads(
        __import__("base64").urlsafe_b64decode(licence.token.split(".")[1] + "==")
    )
    result = selectors.licence_verify(presentation=licence.token, policy=VerifyPolicy(require_key_binding=False))
    assert result.valid
    assert AuditEntry.objects.filter(action="licenses.imported", data__issued=2).exists()


def test_a_second_run_of_the_same_file_issues_nothing_twice(business_type, reviewer, firm):
    text = (HEADER + row(firm)).encode()
    services.licences_import(licence_type=business_type, file=text, name="a.csv", actor=reviewer)
    again = services.licences_import(licence_type=business_type, file=text, name="a.csv", actor=reviewer)
    assert again.issued == [] and "已导入" in again.rejected[0].reason_zh
    assert Licence.objects.count() == 1


def test_jsonl_and_persons_with_their_numbers_masked_in_the_report(amr, reviewer):
    from tongban.licenses.tests.factories import MARRIAGE_CERTIFICATE, LicenceTypeFactory

    marriage = LicenceTypeFactory(
        code=MARRIAGE_CERTIFICATE, department=amr, holder_kind="person",
        fields=[{"name": "spouse_name", "label": "配偶姓名", "type": "text", "required": True, "disclosable": True}],
    )  # fmt: skip
    person = PersonFactory(name="陈静")
    lines = [
        {"holder_code": person.id_number, "holder_name": "陈静", "number": "J1", "issued_on": "2010-01-01",
         "spouse_name": "刘洋"},
        {"holder_code": person.id_number, "holder_name": "陈静", "number": "J2", "issued_on": "2010-01-01"},
        "not json",
    ]  # fmt: skip
    text = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
    report = services.licences_import(licence_type=marriage, file=text.encode(), name="m.jsonl", actor=reviewer)
    assert len(report.issued) == 1
    assert report.rejected[0].holder == person.id_number[:6] + "********" + person.id_number[-4:]
    assert "配偶姓名" in report.rejected[0].reason_zh
    assert report.rejected[1].line == 3 and report.rejected[1].holder == ""


def test_a_file_that_is_not_utf8_text_is_refused(business_type, reviewer):
    from tongban.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="UTF-8"):
        services.licences_import(licence_type=business_type, file=(HEADER + "示范市明德科技有限公司").encode("gb18030"),
                                 actor=reviewer)  # fmt: skip


def test_only_the_issuing_department_imports(business_type, operator):
    with pytest.raises(PermissionDenied):
        services.licences_import(licence_type=business_type, file=HEADER.encode(), actor=operator)
