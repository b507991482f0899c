"""The account area, registration, back office and the small things around them, as a person uses them."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from stdnum.cn import ric

from tongban.core.audit import audit_record
from tongban.core.models import AuditEntry
from tongban.identity import services
from tongban.identity.models import Person
from tongban.identity.tests.factories import (
    PASSWORD,
    EnterpriseFactory,
    PersonFactory,
    make_id_number,
    person_with_account,
    staff_with_roles,
)
from tongban.identity.tests.helpers import log_in

pytestmark = pytest.mark.django_db


def _wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def test_registration_with_a_wrong_check_digit_keeps_the_input_and_explains_in_the_pages_language(client):
    number = _wrong_check_digit(make_id_number())
    response = client.post(
        "/register/",
        {"name": "王小明", "id_number": number, "mobile": "13912340000", "password": PASSWORD, "password2": PASSWORD},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "身份证号校验位错误" in page and "The check digit" not in page  # a Chinese page speaks Chinese
    assert 'value="王小明"' in page and f'value="{number}"' in page and 'value="13912340000"' in page
    assert 'aria-invalid="true"' in page
    assert not Person.objects.exists()


def test_on_an_english_page_every_problem_reads_in_english_only(client):
    number = _wrong_check_digit(make_id_number())
    response = client.post(
        "/register/?lang=en",
        {"name": "", "id_number": number, "mobile": "555", "password": PASSWORD, "password2": PASSWORD + "x"},
    )
    page = response.content.decode()
    summary = page[page.index('class="error-summary"') : page.index("</div>", page.index('class="error-summary"'))]
    assert "The check digit of the ID number is wrong" in summary and "This field is required" in summary
    assert "The two passwords differ" in summary
    assert not re.search(r"[\u4e00-\u9fff]", summary.split("</h2>", 1)[1])  # no Chinese among the messages
    assert "身份证号校验位错误" not in page and "此项必填" not in page and "两次输入的密码不一致" not in page


def test_registration_with_an_impossible_birth_date_explains_it(client):
    body = "99010119991332123"  # month 13
    number = body + ric.calc_check_digit(body + "0")
    response = client.post(
        "/register/",
        {"name": "李雷", "id_number": number, "mobile": "13912340001", "password": PASSWORD, "password2": PASSWORD},
    )
    page = response.content.decode()
    assert "身份证号中的出生日期不存在" in page
    assert 'value="李雷"' in page


def test_registration_reports_every_problem_at_once(client):
    response = client.post(
        "/register/", {"name": "", "id_number": "123", "mobile": "555", "password": "x", "password2": "y"}
    )
    page = response.content.decode()
    assert "此项必填" in page and "This field is required" not in page
    assert "身份证号应为18位" in page
    assert "手机号应为11位数字" in page
    assert "两次输入的密码不一致" in page


def test_registration_then_login(client):
    number = make_id_number()
    response = client.post(
        "/register/",
        {"name": "韩梅梅", "id_number": number, "mobile": "13912340002", "password": PASSWORD, "password2": PASSWORD},
    )
    assert response["Location"] == "/login/"
    log_in(client, number, PASSWORD)
    page = client.get("/account/").content.decode()
    assert "韩梅梅" in page and number not in page and number[-4:] in page  # masked ID only


def test_another_persons_page_is_not_found(client):
    me = person_with_account()
    other = PersonFactory()
    log_in(client, me.id_number, PASSWORD)
    assert client.get(f"/account/persons/{me.pk}/").status_code == 200
    response = client.get(f"/account/persons/{other.pk}/")
    assert response.status_code == 404
    assert other.name not in response.content.decode()


def test_a_window_clerk_may_open_a_persons_page_and_it_is_audited(client):
    person = PersonFactory()
    staff_with_roles(["clerk"], username="clerk7")
    log_in(client, "clerk7", PASSWORD)
    assert client.get(f"/account/persons/{person.pk}/").status_code == 200
    assert AuditEntry.objects.filter(action="person.viewed", object_id=str(person.pk)).exists()
    client.post("/logout/")
    staff_with_roles(["operator"], username="op7")
    log_in(client, "op7", PASSWORD)
    assert client.get(f"/account/persons/{person.pk}/").status_code == 404


def test_delegation_pages_grant_list_and_revoke(client):
    me = person_with_account()
    relative = person_with_account(name="张强")
    log_in(client, me.id_number, PASSWORD)
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        "/account/delegations/",
        {"agent_name": "张强", "agent_id_number": relative.id_number, "item_codes": "A001, B002", "valid_until": until},
    )
    assert response.status_code == 302
    page = client.get("/account/delegations/").content.decode()
    assert "张强" in page and "A001、B002" in page and "有效" in page
    delegation = me.delegations_given.get()
    # Someone else cannot revoke it: 404.
    stranger = Client()
    log_in(stranger, relative.id_number, PASSWORD)
    assert stranger.post(f"/account/delegations/{delegation.pk}/revoke").status_code == 404
    assert "我可以代办的授权" in stranger.get("/account/delegations/").content.decode()
    assert client.post(f"/account/delegations/{delegation.pk}/revoke").status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


def test_delegation_form_errors_keep_input(client):
    me = person_with_account()
    log_in(client, me.id_number, PASSWORD)
    yesterday = (timezone.localdate() - timedelta(days=2)).isoformat()
    other = PersonFactory(name="周杰")
    response = client.post(
        "/account/delegations/",
        {"agent_name": "周洁", "agent_id_number": other.id_number, "item_codes": "", "valid_until": yesterday},
    )
    page = response.content.decode()
    assert "未找到与该身份证号和姓名匹配的人员" in page and 'value="周洁"' in page
    response = client.post(
        "/account/delegations/",
        {"agent_name": "周杰", "agent_id_number": other.id_number, "item_codes": "bad code!", "valid_until": yesterday},
    )
    assert "格式不正确" in response.content.decode()


def test_enterprise_section_lets_the_legal_representative_grant_an_agent(client):
    rep = person_with_account()
    agent = PersonFactory(name="吴经办")
    firm = EnterpriseFactory(legal_representative=rep)
    log_in(client, rep.id_number, PASSWORD)
    assert firm.name in client.get("/account/enterprises/").content.decode()
    until = (timezone.localdate() + timedelta(days=90)).isoformat()
    response = client.post(
        f"/account/enterprises/{firm.pk}/",
        {"agent_name": "吴经办", "agent_id_number": agent.id_number, "item_codes": "", "valid_until": until},
    )
    assert response.status_code == 302
    assert firm.delegations_given.get().agent == agent
    other_firm = EnterpriseFactory()
    assert client.get(f"/account/enterprises/{other_firm.pk}/").status_code == 404


def test_realname_upgrade_l1_to_l3_through_the_pages(client):
    person = PersonFactory(name="孙丽")
    services.person_register(name="孙丽", id_number=person.id_number, mobile=person.mobile, password=PASSWORD)
    log_in(client, person.id_number, PASSWORD)
    page = client.get("/account/realname/").content.decode()
    assert "L2：人口库实名核验" in page
    response = client.post("/account/realname/", {"step": "registry", "name": "孙丽", "id_number": person.id_number})
    assert response.status_code == 302
    page = client.get("/account/realname/").content.decode()
    assert "演示：未进行真实人脸比对" in page
    response = client.post("/account/realname/", {"step": "face"})
    assert "请确认进行人脸核验" in response.content.decode()
    client.post("/account/realname/", {"step": "face", "capture": "on"})
    person.refresh_from_db()
    assert person.realname_level == 3
    assert "实名核验" in client.get("/account/messages/").content.decode()


def test_self_registered_person_not_in_the_register_stays_l1(client):
    number = make_id_number()
    services.person_register(name="马识途", id_number=number, mobile="13912340003", password=PASSWORD)
    log_in(client, number, PASSWORD)
    response = client.post("/account/realname/", {"step": "registry", "name": "马识途", "id_number": number})
    assert "人口库中未找到" in response.content.decode()
    response = client.post("/account/realname/", {"step": "registry", "name": "马识图", "id_number": number})
    page = response.content.decode()
    assert "姓名与账号登记的不一致" in page and 'value="马识图"' in page
    assert Person.objects.get(id_number=number).realname_level == 1


def test_preferences_are_saved(client):
    me = person_with_account()
    log_in(client, me.id_number, PASSWORD)
    client.post("/account/", {"language": "en", "elder_mode": "on"})
    me.user.refresh_from_db()
    assert me.user.language == "en" and me.user.elder_mode
    assert "elder" in client.get("/account/").content.decode().split("<body", 1)[1][:80]


def test_login_history_shows_attempts(client):
    me = person_with_account()
    client.post("/login/", {"identifier": me.id_number, "password": "wrong-wrong"})
    log_in(client, me.id_number, PASSWORD)
    page = client.get("/account/logins/").content.decode()
    assert "账号或密码错误" in page and "成功" in page


def test_expired_session_on_a_form_goes_to_login_and_keeps_what_was_typed(client):
    me = person_with_account()
    agent = PersonFactory(name="郑保留")
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        "/account/delegations/",
        {"agent_name": "郑保留", "agent_id_number": agent.id_number, "item_codes": "X1", "valid_until": until},
    )
    assert response["Location"].startswith("/login/?next=/account/delegations/")
    log_in(client, me.id_number, PASSWORD)
    page = client.get("/account/delegations/").content.decode()
    assert 'value="郑保留"' in page and 'value="X1"' in page
    assert "您填写的内容已保留" in page
    # Only once.
    assert 'value="郑保留"' not in client.get("/account/delegations/").content.decode()


def test_csrf_failure_explains_that_the_page_expired():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/register/", {"name": "x"}, HTTP_REFERER="http://testserver/register/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and 'href="http://testserver/register/"' in page


def test_backoffice_shows_each_role_its_tasks(client):
    staff_with_roles(["operator", "auditor"], username="opaud")
    log_in(client, "opaud", PASSWORD)
    page = client.get("/backoffice/").content.decode()
    assert "/manage/catalog/" in page and "/backoffice/audit/" in page
    audit_record(action="test.event", actor="test")
    page = client.get("/backoffice/audit/").content.decode()
    assert "哈希链核验通过" in page and "test.event" in page


def test_backoffice_is_for_staff_and_audit_for_auditors(client):
    me = person_with_account()
    log_in(client, me.id_number, PASSWORD)
    assert client.get("/backoffice/").status_code == 404
    client.post("/logout/")
    assert client.get("/backoffice/")["Location"].startswith("/login/")
    staff_with_roles(["reviewer"], username="rev1")
    log_in(client, "rev1", PASSWORD)
    page = client.get("/backoffice/").content.decode()
    assert "审查本部门受理的办件" in page
    assert client.get("/backoffice/audit/").status_code == 404


def test_demo_outbox_exists_only_in_demo_mode(client, settings):
    assert client.get("/demo/outbox/").status_code == 200
    settings.DEMO_MODE = False
    assert client.get("/demo/outbox/").status_code == 404
    assert "/demo/outbox/" not in client.get("/login/").content.decode()


def test_api_me(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    me = person_with_account()
    log_in(client, me.id_number, PASSWORD)
    data = client.get("/api/v1/me").json()
    assert data["kind"] == "person" and data["name"] == me.name and data["realname_level"] == 1
    assert me.id_number not in str(data)


def test_pages_read_in_english_on_request(client):
    client.cookies["tongban_lang"] = "en"
    page = client.get("/login/").content.decode()
    assert "Log in to Demo City One-Network Services" in page and "Next: get a code" in page
    response = client.post("/login/", {"identifier": "nobody", "password": "wrong-wrong"})
    assert "The account or password is wrong" in response.content.decode()


def test_registration_is_rate_limited_per_address(client):
    data = {"name": "钱多多", "mobile": "13912340009", "password": PASSWORD, "password2": PASSWORD}
    for _ in range(10):
        client.post("/register/", {**data, "id_number": make_id_number()})
    response = client.post("/register/", {**data, "id_number": make_id_number()})
    assert "请求过于频繁" in response.content.decode()


def test_login_history_outcomes_read_in_english(client):
    me = person_with_account()
    client.post("/login/", {"identifier": me.id_number, "password": "wrong-wrong"})
    log_in(client, me.id_number, PASSWORD)
    client.cookies["tongban_lang"] = "en"
    page = client.get("/account/logins/").content.decode()
    assert "Wrong account or password" in page and "Success" in page
