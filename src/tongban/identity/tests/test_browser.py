"""Identity pages in a real browser: login with the code from the demo outbox, registration errors,
the demo department system logging in through our OIDC provider, accessibility and screenshots."""

import re

import pytest

from tongban.conftest import axe_violations, screenshot
from tongban.identity import services
from tongban.identity.tests.factories import PASSWORD, make_id_number, person_with_account, staff_with_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from_outbox(page) -> str:
    outbox = page.context.new_page()
    outbox.goto("/demo/outbox/")
    body = outbox.locator("td.outbox-body").first.inner_text()
    outbox.close()
    return re.search(r"验证码为 (\d{6})", body).group(1)


def _log_in(page, identifier: str) -> None:
    page.get_by_label("身份证号、手机号或用户名").fill(identifier)
    page.get_by_role("textbox", name="密码").fill(PASSWORD)
    page.get_by_role("button", name="下一步：获取验证码").click()
    page.get_by_role("textbox", name="短信验证码").fill(_code_from_outbox(page))
    page.get_by_role("button", name="登录", exact=True).click()


def test_citizen_logs_in_with_the_code_read_from_the_demo_outbox(page):
    person = person_with_account(name="欧阳明")
    page.goto("/login/?next=/account/")
    assert page.get_by_role("link", name="打开演示短信发件箱查看验证码").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "identity-login")
    page.get_by_label("身份证号、手机号或用户名").fill(person.id_number)
    page.get_by_role("textbox", name="密码").fill(PASSWORD)
    page.get_by_role("button", name="下一步：获取验证码").click()
    assert page.get_by_role("heading", name="输入短信验证码").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("textbox", name="短信验证码").fill(_code_from_outbox(page))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/account/")
    assert page.get_by_role("heading", name="我的账号").is_visible()
    assert person.masked_id in page.content() and person.id_number not in page.content()
    assert axe_violations(page) == []
    screenshot(page, "identity-account")
    page.get_by_role("button", name="长辈版").click()
    assert "elder" in page.locator("body").get_attribute("class")
    assert axe_violations(page) == []
    screenshot(page, "identity-account-elder")
    page.goto("/account/delegations/")
    assert axe_violations(page) == []
    screenshot(page, "identity-delegations-elder")
    page.goto("/account/realname/")
    assert page.get_by_role("heading", name="L2：人口库实名核验").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "identity-realname-elder")


def test_login_page_in_elder_mode_has_big_targets(page):
    page.goto("/login/")
    page.get_by_role("button", name="长辈版").click()
    box = page.get_by_role("button", name="下一步：获取验证码").bounding_box()
    assert box["height"] >= 60
    assert page.get_by_label("身份证号、手机号或用户名").bounding_box()["height"] >= 60
    assert axe_violations(page) == []
    screenshot(page, "identity-login-elder")


def test_registration_with_a_wrong_check_digit_shows_the_error_and_keeps_the_name(page):
    number = make_id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    page.goto("/register/")
    page.get_by_label("姓名").fill("司马光")
    page.get_by_label("居民身份证号").fill(wrong)
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("设置密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="注册", exact=True).click()
    summary = page.get_by_role("alert")
    assert "身份证号校验位错误" in summary.inner_text()
    assert page.get_by_label("姓名").input_value() == "司马光"
    assert page.get_by_label("居民身份证号").input_value() == wrong
    summary.get_by_role("link").first.click()  # the summary links to the field
    assert page.evaluate("document.activeElement.id") == "id_id_number"
    assert axe_violations(page) == []
    screenshot(page, "identity-register-error")


def test_the_demo_department_system_logs_a_citizen_in_through_the_provider(page, live_server):
    person = person_with_account(name="公孙策")
    services.oidc_client_register(
        name="示范市住房公积金管理中心业务系统",
        client_id="demo-gjj",
        client_secret="demo-gjj-secret",
        redirect_uris=[f"{live_server.url}/demo/rp/callback"],
    )
    page.goto("/demo/rp/")
    page.get_by_role("link", name="使用示范市统一身份认证登录").click()
    page.wait_for_url("**/login/**")
    _log_in(page, person.id_number)
    page.wait_for_url("**/o/authorize/**")
    assert page.get_by_role("heading", name=re.compile("示范市住房公积金管理中心业务系统")).is_visible()
    assert axe_violations(page) == []
    screenshot(page, "identity-oidc-consent")
    page.get_by_role("button", name="同意并登录").click()
    page.wait_for_url("**/demo/rp/")
    assert page.get_by_text("已通过示范市统一身份认证登录").is_visible()
    assert "公孙策" in page.content() and "L1" in page.content()
    sub = page.locator("code.rp-sub").inner_text()
    assert len(sub) == 64 and sub != str(person.user.pk)
    assert axe_violations(page) == []
    screenshot(page, "demo-rp-signed-in")


def test_back_office_for_an_auditor_and_operator(page):
    staff_with_roles(["operator", "auditor"], username="audit-op")
    page.goto("/login/?next=/backoffice/")
    _log_in(page, "audit-op")
    page.wait_for_url("**/backoffice/")
    assert page.get_by_role("link", name=re.compile("事项目录管理")).is_visible()
    assert axe_violations(page) == []
    screenshot(page, "identity-backoffice")
    page.get_by_role("link", name=re.compile("审计日志")).click()
    assert page.get_by_text("哈希链核验通过").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="长辈版").click()
    screenshot(page, "identity-audit-elder")
