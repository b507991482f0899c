"""In the browser: a reviewer approves a case from the worklist; the applicant rates it 2 stars; the
department answers after a return visit and the applicant reads the answer; a supervisor sees an
overdue case (axe: no serious or critical issues on any of these pages)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tongban.cases import services as cases
from tongban.cases.codes import Delivery, State
from tongban.cases.models import Case, DeferredMaterial
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.conftest import axe_violations, screenshot
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, client, live_server, user):
    page.context.clear_cookies()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_approve_rate_two_stars_answer_and_supervise(page, client, live_server):
    department = DepartmentFactory(name="示范市医疗保障局", name_en="Demo City Healthcare Security Administration")
    implementation = published_implementation(department=department, name="异地就医备案", days=5)
    applicant = person_with_account(name="王秀英")
    case = case_for(implementation=implementation, applicant=applicant, answers={"phone": "13812340000"})
    late = case_for(implementation=implementation, applicant=person_with_account(name="李国强"))
    reviewer = staff_with_roles([Role.REVIEWER, Role.CLERK], department=department, username="reviewer-ybj-t",
                                mobile="13700000701")  # fmt: skip
    for accepted in (case, late):
        cases.case_accept(case_id=accepted.pk, actor=Actor.of_staff(reviewer))
    Case.objects.filter(pk=late.pk).update(due_on=dt.date.today() - dt.timedelta(days=2))

    # The reviewer decides from the worklist.
    _login(page, client, live_server, reviewer.user)
    page.goto("/backoffice/")
    page.get_by_role("link", name="办件审批").click()
    page.get_by_role("heading", name="办件审批", level=1).wait_for()
    assert axe_violations(page) == []
    screenshot(page, "cases-worklist")
    page.get_by_role("link", name=case.number).click()
    page.get_by_role("button", name="开始审查").click()
    page.get_by_text("已开始审查").wait_for()
    page.get_by_label("审查意见").fill("参保信息核验一致，准予备案")
    page.get_by_role("button", name="准予", exact=True).click()
    page.get_by_text("已作出准予决定").wait_for()
    page.get_by_role("button", name="记录结果送达").click()
    page.get_by_text("已记录结果送达").wait_for()
    assert axe_violations(page) == []
    screenshot(page, "cases-review-delivered")
    assert Case.objects.get(pk=case.pk).state == State.RESULT_DELIVERED

    # The applicant rates it 2 stars, with a reason.
    _login(page, client, live_server, applicant.user)
    page.goto(f"/account/cases/{case.number}/rate")
    page.get_by_role("heading", name="服务评价", level=1).wait_for()
    page.get_by_label("2 ★ 不满意").check()
    page.get_by_role("button", name="提交评价").click()
    assert "差评请选择或写明不满意的原因" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("2 ★ 不满意").is_checked()  # what was chosen is kept
    page.get_by_label("重复提交已有材料").check()
    page.get_by_label("意见和建议").fill("参保证明各部门都有，还让我再交一次")
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("感谢您的评价").wait_for()
    assert axe_violations(page) == []
    screenshot(page, "feedback-rated")

    # The department answers after the return visit.
    _login(page, client, live_server, reviewer.user)
    page.goto("/backoffice/")
    page.get_by_role("link", name="差评整改").click()
    page.get_by_role("heading", name="差评整改", level=1).wait_for()
    page.get_by_label("回访情况").fill("12 月 2 日电话回访王秀英，核实需重复提交参保证明")
    page.get_by_label("整改措施").fill("参保证明改由医保库共享核验")
    page.get_by_label("答复评价人").fill("已改为共享核验，今后无需再提交参保证明，感谢您的监督。")
    page.get_by_role("button", name="提交整改答复").click()
    page.get_by_text("整改答复已发送评价人").wait_for()
    assert axe_violations(page) == []
    screenshot(page, "feedback-rectified")

    _login(page, client, live_server, applicant.user)
    page.goto(f"/account/cases/{case.number}/rate")
    page.get_by_role("heading", name="部门答复").wait_for()
    assert "今后无需再提交参保证明" in page.content()

    # A supervisor sees the overdue case, a 容缺 material not supplied by its date, and the department's figures.
    DeferredMaterial.objects.create(case=late, material_id=uuid.uuid4(), material_name="灵活就业证明", accepted_by="x",
                                    promised_by=dt.date.today() - dt.timedelta(days=3))  # fmt: skip
    supervisor = staff_with_roles([Role.SUPERVISOR], username="supervisor-t", mobile="13700000702")
    _login(page, client, live_server, supervisor.user)
    page.goto("/backoffice/")
    page.get_by_role("link", name="效能督办").click()
    page.get_by_role("heading", name="效能督办", level=1).wait_for()
    row = page.get_by_role("row").filter(has_text=late.number).filter(has_text="已超期")
    assert "已超期 2 天" in row.inner_text() or "已超期" in row.inner_text()
    page.get_by_role("heading", name="容缺材料逾期未补交（1）").wait_for()
    deferred = page.get_by_role("row").filter(has_text="灵活就业证明")
    assert late.number in deferred.inner_text() and "3 天" in deferred.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "cases-supervision")

    page.goto("/ratings/")
    page.get_by_role("heading", name="政务服务好差评", level=1).wait_for()
    assert "示范市医疗保障局" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "feedback-statistics")
    assert Case.objects.get(pk=case.pk).delivered_via == Delivery.ELECTRONIC
