"""The pages a person reads: 我的一人一档, 一企一档, 谁用了我的数据, and the stewards' element catalogue."""

import pytest

from tongban.core.audit import audit_record
from tongban.core.models import AuditEntry
from tongban.identity.tests.factories import EnterpriseFactory, PersonFactory, person_with_account, staff_with_roles
from tongban.registry.services import value_record
from tongban.registry.tests.conftest import at
from tongban.registry.tests.factories import DataElementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(police, fund):
    person = person_with_account(name="林晓峰")
    address = DataElementFactory(code="P.HUKOU_ADDRESS", name="户籍地址", owner=police)
    account = DataElementFactory(code="P.FUND_ACCOUNT", name="住房公积金个人账号", owner=fund)
    for element, value, source, trust, year in (
        (address, "明德区新港路8号", police, "A", 2024),
        (address, "明德区旧城路18号", fund, "C", 2025),
        (account, "990100000001", fund, "A", 2025),
    ):
        value_record(
            subject=person, element=element, value=value, source_department=source, source_record_id="R-1",
            as_of=at(year), trust_level=trust,
        )  # fmt: skip
    return person


def test_own_profile_shows_values_with_provenance_and_the_conflict(client, citizen):
    client.force_login(citizen.user)
    response = client.get("/account/profile/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("我的一人一档", "示范市公安局", "明德区新港路8号", "2024-01-01", "A 权威源头库", "来源不一致"):
        assert text in html
    assert "示范市住房公积金管理中心记录为“明德区旧城路18号”" in html
    assert citizen.id_number not in html and citizen.masked_id in html


def test_viewing_the_profile_is_audited_under_the_persons_hash(client, citizen):
    client.force_login(citizen.user)
    client.get("/account/profile/")
    entry = AuditEntry.objects.get(action="profile.view")
    assert entry.actor == f"person:{citizen.pk}"
    assert sorted(entry.data["elements"]) == ["P.FUND_ACCOUNT", "P.HUKOU_ADDRESS"]
    assert entry.data["purpose"] == "本人查看"
    assert citizen.id_number not in str(entry.data) and entry.subject_hash


def test_profile_page_in_english(client, citizen):
    client.force_login(citizen.user)
    client.cookies["tongban_lang"] = "en"
    html = client.get("/account/profile/").content.decode()
    assert "My personal record" in html and "Demo City Public Security Bureau" in html


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/account/profile/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_legal_representative_sees_the_enterprise_profile(client, police):
    owner = person_with_account(name="赵建华")
    firm = EnterpriseFactory(name="示范市鼎盛餐饮管理有限公司", legal_representative=owner)
    status = DataElementFactory(code="E.STATUS", name="登记状态", owner=police, subject_kind="enterprise")
    value_record(subject=firm, element=status, value="存续", source_department=police, as_of=at(2025))
    client.force_login(owner.user)
    html = client.get(f"/account/enterprises/{firm.pk}/profile/").content.decode()
    assert "示范市鼎盛餐饮管理有限公司 · 一企一档" in html and "存续" in html
    assert AuditEntry.objects.filter(action="enterprise_profile.view").count() == 1


def test_another_persons_enterprise_profile_is_not_found(client, citizen):
    firm = EnterpriseFactory(legal_representative=PersonFactory())
    client.force_login(citizen.user)
    assert client.get(f"/account/enterprises/{firm.pk}/profile/").status_code == 404
    assert not AuditEntry.objects.filter(action="enterprise_profile.view").exists()


def test_data_uses_lists_entries_about_this_person_only(client, citizen, police):
    clerk = staff_with_roles(["clerk"], department=police)
    audit_record(
        action="data.shared", actor=f"staff:{clerk.pk}", subject=citizen.id_number,
        data={"elements": ["P.HUKOU_ADDRESS"], "purpose": "出生户口登记", "case": "GA-2026-000123"},
    )  # fmt: skip
    other = PersonFactory()
    audit_record(
        action="data.shared", actor=f"staff:{clerk.pk}", subject=other.id_number,
        data={"elements": ["P.FUND_ACCOUNT"], "purpose": "别人的办件", "case": "GA-2026-999999"},
    )  # fmt: skip
    client.force_login(citizen.user)
    html = client.get("/account/data-uses/").content.decode()
    assert "赵工作" in html and "示范市公安局" in html and "户籍地址" in html
    assert "出生户口登记" in html and "GA-2026-000123" in html
    assert "GA-2026-999999" not in html and "别人的办件" not in html


def test_data_uses_are_newest_first_and_paginated(client, citizen):
    for n in range(25):
        audit_record(action="data.shared", actor="system:test", subject=citizen.id_number, data={"case": f"C-{n:02d}"})
    client.force_login(citizen.user)
    first = client.get("/account/data-uses/").content.decode()
    assert first.index("C-24") < first.index("C-23") and "C-04" not in first
    assert "共 25 条记录" in first
    second = client.get("/account/data-uses/?page=2").content.decode()
    assert "C-04" in second and "C-00" in second and "C-24" not in second
    assert client.get("/account/data-uses/?page=abc").status_code == 200  # a bad page number shows page 1


def test_the_element_catalogue_is_for_stewards_and_operators(client, police):
    DataElementFactory(code="P.MARITAL_STATUS", name="婚姻状况", owner=police, sharing_class="conditional")
    steward = staff_with_roles(["steward"], department=police)
    client.force_login(steward.user)
    html = client.get("/backoffice/data-elements/").content.decode()
    assert "P.MARITAL_STATUS" in html and "有条件共享" in html and "《测试条例》" in html
    clerk = staff_with_roles(["clerk"], department=police, mobile="13700000001")
    client.force_login(clerk.user)
    assert client.get("/backoffice/data-elements/").status_code == 404


def test_a_citizen_cannot_open_the_element_catalogue(client, citizen):
    client.force_login(citizen.user)
    assert client.get("/backoffice/data-elements/").status_code == 404


def test_the_stewards_workbench_and_the_enterprise_page_link_here(client, police):
    steward = staff_with_roles(["steward"], department=police)
    client.force_login(steward.user)
    assert 'href="/backoffice/data-elements/"' in client.get("/backoffice/").content.decode()
    owner = person_with_account(name="赵建华")
    firm = EnterpriseFactory(legal_representative=owner)
    client.force_login(owner.user)
    assert (
        f'href="/account/enterprises/{firm.pk}/profile/"'
        in client.get(f"/account/enterprises/{firm.pk}/").content.decode()
    )
    nav = client.get("/account/").content.decode()
    assert 'href="/account/profile/"' in nav and 'href="/account/data-uses/"' in nav


def test_the_persons_own_logins_read_as_their_own_acts_not_as_an_account_id(client, citizen):
    audit_record(action="login.success", actor=f"user:{citizen.user.pk}", subject=citizen.id_number)
    client.force_login(citizen.user)
    html = client.get("/account/data-uses/").content.decode()
    assert "本人" in html and "登录" in html
    assert str(citizen.user.pk) not in html and "login.success" not in html
