"""A steward approves a conditional sharing request in the browser (axe; normal and elder mode)."""

import pytest

from tongban.conftest import axe_violations, screenshot
from tongban.exchange import services
from tongban.exchange.models import Grant
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, staff_with_roles
from tongban.registry.tests.factories import DataElementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, client, live_server, user):
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_steward_approves_a_conditional_request(page, client, live_server):
    police = DepartmentFactory(name="示范市公安局", name_en="Demo City Public Security Bureau")
    civil = DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")
    DataElementFactory(
        code="P.HUKOU_ADDRESS", name="户籍地址", owner=police, sharing_class="conditional", sensitivity=3
    )
    DataElementFactory(code="P.HOUSEHOLD_NUMBER", name="户号", owner=police, sharing_class="conditional")
    clerk = staff_with_roles([Role.REVIEWER], department=civil, username="reviewer-mzj", mobile="13700000002")
    steward = staff_with_roles([Role.STEWARD], department=police, username="steward-gaj", mobile="13700000001")
    services.sharing_request_submit(
        staff=clerk, element_codes=["P.HUKOU_ADDRESS", "P.HOUSEHOLD_NUMBER"], purpose="最低生活保障审核：核对户籍",
        period_days=365,
    )  # fmt: skip
    _login(page, client, live_server, steward.user)

    page.goto("/backoffice/exchange/")
    assert page.get_by_role("heading", name="共享审核", level=1).is_visible()
    row = page.get_by_role("row").filter(has_text="示范市民政局")
    assert "户籍地址、户号" in row.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "exchange-worklist")
    row.get_by_role("link", name="审核").click()

    page.get_by_role("heading", name="审核共享申请").wait_for()
    assert page.get_by_text("最低生活保障审核：核对户籍").is_visible()
    page.get_by_role("button", name="提交审核结果").click()  # forgot to choose
    summary = page.get_by_role("alert")
    assert "请选择审核结果" in summary.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "exchange-decide-error")
    page.get_by_label("同意共享").check()
    page.get_by_role("button", name="提交审核结果").click()

    page.get_by_text("已同意 示范市民政局 的共享申请").wait_for()
    assert page.get_by_text("暂无待审核的共享申请").is_visible()
    grant = Grant.objects.get()
    assert grant.consumer == civil and grant.element_codes == ["P.HUKOU_ADDRESS", "P.HOUSEHOLD_NUMBER"]

    page.get_by_role("link", name="共享授权").click()
    page.get_by_role("heading", name="共享授权", level=1).wait_for()
    assert page.get_by_role("row").filter(has_text="示范市民政局").get_by_text("有效").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "exchange-grants")

    steward.user.elder_mode = True
    steward.user.save()
    page.goto("/backoffice/exchange/import/")
    assert axe_violations(page) == []
    screenshot(page, "exchange-import-elder")
    page.goto("/backoffice/exchange/")
    screenshot(page, "exchange-worklist-elder")


def test_consumer_staff_request_conditional_elements(page, client, live_server):
    police = DepartmentFactory(name="示范市公安局", name_en="Demo City Public Security Bureau")
    civil = DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")
    DataElementFactory(code="P.HUKOU_ADDRESS", name="户籍地址", owner=police, sharing_class="conditional")
    DataElementFactory(code="P.NAME", name="姓名", owner=police, sharing_class="open")
    clerk = staff_with_roles([Role.REVIEWER], department=civil, username="reviewer-mzj", mobile="13700000002")
    _login(page, client, live_server, clerk.user)

    page.goto("/backoffice/")
    page.get_by_role("link", name="申请数据共享").click()
    page.get_by_role("heading", name="申请数据共享", level=1).wait_for()
    page.get_by_role("button", name="提交申请").click()
    assert "请至少选择一个数据项" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "exchange-request-error")
    page.get_by_label("户籍地址（P.HUKOU_ADDRESS）").check()
    page.get_by_label("用途").fill("最低生活保障审核")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("共享申请已提交给 示范市公安局").wait_for()
    assert page.get_by_role("row").filter(has_text="最低生活保障审核").get_by_text("待审核").is_visible()
    assert axe_violations(page) == []
