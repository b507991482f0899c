"""A window clerk in the browser: finds a person by ID number, issues the one-time correction notice
for two materials and opens its PDF, then accepts another case (axe: no serious or critical issues)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tongban.cases.codes import State
from tongban.cases.models import Case, CorrectionNotice
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.catalog.codes import MaterialSource, Necessity
from tongban.catalog.schema import MaterialSpec
from tongban.conftest import axe_violations, log_in, screenshot
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_finds_a_person_issues_the_correction_notice_and_accepts_another_case(page, client, live_server):
    department = DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")
    implementation = published_implementation(
        department=department, name="婚姻登记", days=5,
        materials=[
            MaterialSpec(name="居民身份证", originals=1, copies=1, source=MaterialSource.LICENCE),
            MaterialSpec(name="户口簿", originals=1, copies=1),
            MaterialSpec(name="婚姻状况证明", originals=1, necessity=Necessity.DEFERRABLE),
        ],
    )  # fmt: skip
    applicant = person_with_account(name="林晓峰")
    mine = case_for(implementation=implementation, applicant=applicant, answers={"phone": "13812345678"})
    waiting = case_for(implementation=implementation, applicant=person_with_account(name="王芳"),
                       submitted_at=timezone.now() - dt.timedelta(hours=2))  # fmt: skip
    clerk = staff_with_roles([Role.CLERK], department=department, username="clerk-mzj", mobile="13700000301")
    log_in(page, client, live_server, clerk.user)

    page.goto("/window/")
    page.get_by_role("heading", name="一窗受理", level=1).wait_for()
    wrong_check_digit = applicant.id_number[:-1] + ("0" if applicant.id_number[-1] != "0" else "1")
    page.get_by_role("search").get_by_role("textbox", name="身份证号").fill(wrong_check_digit)
    page.get_by_role("button", name="查找").click()
    assert "身份证号校验位错误" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "window-search-error")

    page.get_by_role("search").get_by_role("textbox", name="身份证号").fill(applicant.id_number)
    page.get_by_role("button", name="查找").click()
    found = page.get_by_role("table", name=f"林晓峰（{applicant.masked_id}）在本部门的办件")
    found.wait_for()
    assert axe_violations(page) == []
    screenshot(page, "window-search-found")
    found.get_by_role("row").filter(has_text=mine.number).get_by_role("link", name="受理").click()

    page.get_by_role("heading", name="材料核验").wait_for()
    assert page.get_by_text("13812345678").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "window-intake")
    page.get_by_label("需补正：户口簿").check()
    page.get_by_label("“户口簿”的问题说明").fill("缺少原件，复印件不清晰")
    page.get_by_label("需补正：婚姻状况证明").check()
    page.get_by_role("button", name="出具一次性告知书").click()  # forgot the second problem
    alert = page.get_by_role("alert")
    assert "请写明“婚姻状况证明”缺少或有误的情况" in alert.inner_text()
    assert page.get_by_label("“户口簿”的问题说明").input_value() == "缺少原件，复印件不清晰"
    assert axe_violations(page) == []
    screenshot(page, "window-correction-error")
    page.get_by_label("“婚姻状况证明”的问题说明").fill("已超过6个月有效期")
    page.get_by_label("其他说明").fill("请于工作日到一楼3号窗口补交")
    page.get_by_role("button", name="出具一次性告知书").click()

    page.get_by_text("已出具一次性告知书").first.wait_for()
    notice = CorrectionNotice.objects.get(case=mine)
    assert [i["material"] for i in notice.items] == ["户口簿", "婚姻状况证明"]
    assert axe_violations(page) == []
    screenshot(page, "window-correction-issued")
    link = page.get_by_role("link", name="打开告知书（PDF）")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    page.get_by_role("link", name="返回一窗受理").click()
    queue = page.get_by_role("table", name="待受理的办件")
    assert mine.number not in queue.inner_text()  # waiting for the applicant now
    queue.get_by_role("row").filter(has_text=waiting.number).get_by_role("link", name="受理").click()
    page.get_by_role("heading", name="受理决定").wait_for()
    page.get_by_role("button", name="受理", exact=True).click()
    page.get_by_text("已受理，办结期限为").wait_for()
    assert Case.objects.get(pk=waiting.pk).state == State.ACCEPTED
    assert axe_violations(page) == []
    screenshot(page, "window-accepted")
