"""An operator declares an item's 秒批 checks and its 告知承诺 in the browser: from the item's page, a data check
and a form condition (a mistyped field is named beside its row, nothing typed is lost), a dry run, then the
pledge; axe finds nothing serious or critical on any step."""

from __future__ import annotations

import pytest

from tongban.cases.models import DecisionRule
from tongban.cases.tests.factories import published_implementation
from tongban.conftest import axe_violations, log_in, screenshot
from tongban.exchange.verify import predicate_declare
from tongban.forms.services import form_publish
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, staff_with_roles
from tongban.registry.tests.factories import DataElementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PLEDGE = "本人承诺：所填居住信息真实，如有不实，愿承担法律责任并接受撤销决定。"
FORM = {
    "subject": "person",
    "pages": [{"key": "main", "title": "居住信息"}],
    "fields": [
        {"key": "reason", "type": "choice", "label": "申领事由", "page": "main",
         "choices": {"work": "就业", "study": "就读", "live": "居住"}},
        {"key": "phone", "type": "phone", "label": "联系电话", "page": "main"},
    ],
}  # fmt: skip


def test_an_operator_declares_the_checks_and_the_pledge_of_an_item(page, client, live_server):
    department = DepartmentFactory(name="示范市公安局", name_en="Demo City Public Security Bureau")
    birth = DataElementFactory(code="P.BIRTH_DATE", value_type="date", owner=department, sharing_class="open")
    years = {"n": {"type": "integer", "min": 0, "max": 150, "label": "周岁"}}
    predicate_declare(code="age_at_least", name="年满N周岁", name_en="Aged at least N", element_code=birth.code,
                      operator="age_at_least", param_schema=years)  # fmt: skip
    impl = published_implementation(department=department, days=7, name="居住证申领")
    form_publish(item=impl.item, schema=FORM)
    operator = staff_with_roles([Role.OPERATOR], username="operator-browser", mobile="13700000721")
    log_in(page, client, live_server, operator.user)

    page.goto(f"/manage/catalog/{impl.code}/")
    page.get_by_role("link", name="秒批与告知承诺规则").click()
    page.get_by_role("heading", level=1, name="秒批与告知承诺规则：居住证申领").wait_for()
    assert axe_violations(page) == []

    page.get_by_label("启用秒批：新提交的申请按以下条件自动核验").check()
    first = page.get_by_role("group", name="核验条件 1")
    first.get_by_label("名称").fill("申请人年满 16 周岁")
    first.get_by_label("核验方式").select_option("predicate")
    first.get_by_label("数据核验条件").select_option("age_at_least")
    first.get_by_label("参数（JSON）").fill('{"n": 16}')
    page.get_by_role("button", name="再添加一条核验条件").click()
    second = page.get_by_role("group", name="核验条件 2")
    second.get_by_label("名称").fill("申领事由为居住")
    second.get_by_label("核验方式").select_option("logic")
    second.get_by_label("申请表条件（JSON-Logic）", exact=True).fill('{"==": [{"var": "reson"}, "live"]}')
    page.get_by_label("启用告知承诺：申请人可以签署承诺书代替证明材料").check()
    page.get_by_label("承诺书内容").fill(PLEDGE)
    page.get_by_label("事后核查期限（工作日）").fill("0")
    page.get_by_role("button", name="保存规则").click()

    alert = page.get_by_role("alert")
    assert "第 2 条核验条件：条件引用了不存在的字段 reson" in alert.inner_text()
    assert "事后核查期限应为 1 至 60 个工作日" in alert.inner_text()
    assert page.get_by_role("group", name="核验条件 1").get_by_label("参数（JSON）").input_value() == '{"n": 16}'
    assert page.get_by_label("承诺书内容").input_value() == PLEDGE
    assert not DecisionRule.objects.exists()
    assert axe_violations(page) == []
    screenshot(page, "rules-errors")

    alert.get_by_role("link", name="第 2 条核验条件：条件引用了不存在的字段 reson").click()
    page.keyboard.press("Control+A")
    page.keyboard.type('{"==": [{"var": "reason"}, "live"]}')
    page.get_by_label("事后核查期限（工作日）").fill("20")
    page.get_by_text("试算：用一份样例申请内容检验申请表条件（不保存）").click()
    page.get_by_label("样例申请内容（JSON）").fill('{"reason": "work"}')
    page.get_by_role("button", name="试算", exact=True).click()
    results = page.get_by_role("status").filter(has_text="试算结果")
    assert "申领事由为居住 — 样例内容不符合" in results.inner_text()
    assert not DecisionRule.objects.exists()
    assert axe_violations(page) == []
    screenshot(page, "rules-dry-run")

    page.get_by_role("button", name="保存规则").click()
    page.get_by_text("规则已保存，新提交的申请按新规则办理。").wait_for()
    auto = DecisionRule.objects.get(implementation=impl, kind="auto")
    assert [c["label"] for c in auto.checks] == ["申请人年满 16 周岁", "申领事由为居住"] and auto.active
    assert DecisionRule.objects.get(implementation=impl, kind="pledge").check_within_days == 20
    assert axe_violations(page) == []
    screenshot(page, "rules-saved")
