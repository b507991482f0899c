"""数据纠错 in the browser: a steward corrects a value and the citizen sees it on 我的一人一档 (axe)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tongban.conftest import axe_violations, screenshot
from tongban.exchange import services
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles
from tongban.registry.services import value_record
from tongban.registry.tests.factories import DataElementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, client, live_server, user):
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_steward_corrects_a_value_and_the_citizen_sees_it_on_the_profile(page, client, live_server):
    police = DepartmentFactory(name="示范市公安局", name_en="Demo City Public Security Bureau")
    address = DataElementFactory(
        code="P.HUKOU_ADDRESS", name="户籍地址", name_en="Registered address", owner=police,
        sharing_class="conditional",
    )  # fmt: skip
    citizen = person_with_account(name="林晓峰")
    value_record(
        subject=citizen, element=address, value="明德区新港路8号", source_department=police, source_record_id="GA-1",
        as_of=datetime(2025, 1, 1, 12, tzinfo=ZoneInfo("Asia/Shanghai")),
    )  # fmt: skip
    steward = staff_with_roles([Role.STEWARD], department=police, username="steward-gaj", mobile="13700000001")
    correction = services.correction_open(
        subject=citizen, element_code="P.HUKOU_ADDRESS", shown_value="明德区新港路8号",
        claimed_value="明德区新港路18号", reason="门牌号少了一个 1", raised_by=citizen.user,
        reference="草稿 1a2b3c4d",
    )  # fmt: skip

    _login(page, client, live_server, steward.user)
    page.goto("/backoffice/exchange/")
    section = page.get_by_role("region", name="数据纠错（1）")
    row = section.get_by_role("row").filter(has_text="户籍地址")
    assert citizen.masked_id in row.inner_text() and "明德区新港路18号" in row.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "exchange-worklist-corrections")
    row.get_by_role("link", name="处理").click()

    page.get_by_role("heading", name="处理数据纠错", level=1).wait_for()
    assert page.get_by_text(correction.number).is_visible()
    assert axe_violations(page) == []
    screenshot(page, "exchange-correction-decide")
    page.get_by_label("不予更正").check()
    page.get_by_role("button", name="提交处理结果").click()  # no reason given
    summary = page.get_by_role("alert")
    assert "不予更正时请说明理由" in summary.inner_text()
    assert page.title().startswith("错误：")
    assert page.get_by_label("不予更正").is_checked()  # the choice is kept
    assert axe_violations(page) == []
    screenshot(page, "exchange-correction-decide-error")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_reason"

    page.get_by_label("更正", exact=True).check()
    page.get_by_role("button", name="提交处理结果").click()
    page.get_by_text("已更正“户籍地址”").wait_for()
    assert page.get_by_text("暂无待处理的数据纠错").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "exchange-worklist-corrections-decided")

    _login(page, client, live_server, citizen.user)
    page.goto("/account/profile/")
    page.get_by_role("heading", name="我的一人一档", level=1).wait_for()
    profile_row = page.get_by_role("row").filter(has_text="户籍地址")
    assert "明德区新港路18号" in profile_row.inner_text() and "明德区新港路8号" not in profile_row.inner_text()
    assert "示范市公安局" in profile_row.inner_text()
    assert axe_violations(page) == []

    page.get_by_role("navigation", name="我的账号").get_by_role("link", name="数据纠错").click()
    page.get_by_role("heading", name="数据纠错", level=1).wait_for()
    mine = page.get_by_role("row").filter(has_text="户籍地址")
    assert "已更正" in mine.inner_text() and "更正为“明德区新港路18号”" in mine.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "exchange-my-corrections")
    mine.get_by_role("link", name="户籍地址").click()
    page.get_by_role("heading", name="数据纠错：户籍地址").wait_for()
    assert axe_violations(page) == []

    citizen.user.elder_mode = True
    citizen.user.save()
    page.goto("/account/corrections/")
    assert axe_violations(page) == []
    screenshot(page, "exchange-my-corrections-elder")
