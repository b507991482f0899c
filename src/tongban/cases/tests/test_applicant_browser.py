"""An applicant follows a case in a real browser: opens 我的办件, reads the clock and timeline on the case
page, reads the one-time correction notice and answers it; someone without a login checks progress by
number and lookup code. axe on every page, also in elder mode and in English; screenshots at each step."""

from __future__ import annotations

import re

import pytest

from tongban.cases import services
from tongban.cases.codes import Action, State
from tongban.cases.models import Case
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.conftest import axe_violations, log_in, screenshot
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    department = DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")
    clerk = staff_with_roles([Role.CLERK], department=department, mobile="13700000501")
    implementation = published_implementation(department=department, days=5, name="婚姻登记档案查询")
    applicant = person_with_account(name="林晓峰")
    accepted = case_for(implementation=implementation, applicant=applicant)
    services.case_accept(case_id=accepted.pk, actor=Actor.of_staff(clerk), note="材料齐全")
    waiting = case_for(implementation=implementation, applicant=applicant)
    services.case_request_correction(
        case_id=waiting.pk, actor=Actor.of_staff(clerk),
        items=[{"material": "户口簿", "problem": "缺少本人页"}, {"material": "结婚证", "problem": "复印件不清晰"}],
        note="请一次补齐后提交",
    )  # fmt: skip
    return {
        "applicant": applicant,
        "accepted": Case.objects.get(pk=accepted.pk),
        "waiting": Case.objects.get(pk=waiting.pk),
    }


def _accessible(page, name: str) -> None:
    assert axe_violations(page) == [], name
    screenshot(page, f"cases-applicant-{name}")


def test_an_applicant_reads_the_notice_and_answers_it(page, client, live_server, world):
    log_in(page, client, live_server, world["applicant"].user)
    waiting, accepted = world["waiting"], world["accepted"]

    page.goto("/account/cases/")
    page.get_by_role("heading", name="我的办件", level=1).wait_for()
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert waiting.number in rows.nth(0).inner_text()  # newest first
    assert "待补正" in rows.nth(0).inner_text()
    assert "正常：剩 5 个工作日" in rows.nth(1).inner_text() and accepted.due_on.isoformat() in rows.nth(1).inner_text()
    _accessible(page, "list")

    page.get_by_role("link", name=accepted.number).click()
    page.get_by_role("heading", name="婚姻登记档案查询", level=1).wait_for()
    timeline = page.get_by_role("region", name="办理过程")
    assert "提交申请" in timeline.inner_text() and "示范市民政局 · 赵工作" in timeline.inner_text()
    assert "意见：材料齐全" in timeline.inner_text()
    assert accepted.lookup_code in page.get_by_role("region", name="办理状态").inner_text()
    _accessible(page, "accepted")

    page.goto(f"/account/cases/{waiting.number}/")
    notice = page.get_by_role("region", name="一次性告知书")
    items = notice.get_by_role("listitem")
    assert [items.nth(i).inner_text() for i in range(items.count())] == ["户口簿：缺少本人页", "结婚证：复印件不清晰"]
    _accessible(page, "notice")
    notice.get_by_label("补正说明").fill("已补交户口簿本人页和清晰的结婚证复印件")
    notice.get_by_role("button", name="提交补正").click()
    page.get_by_text("补正已提交").wait_for()
    assert "已提交" in page.get_by_role("region", name="办理状态").inner_text()
    assert page.get_by_role("button", name="提交补正").count() == 0
    assert "您的说明：已补交户口簿本人页" in page.get_by_role("region", name="办理过程").inner_text()
    _accessible(page, "answered")
    moved = Case.objects.get(pk=waiting.pk).transitions.order_by("-seq").first()
    assert (moved.action, moved.to_state) == (Action.CORRECT, State.SUBMITTED)


def test_a_second_answer_from_a_stale_page_shows_the_refusal_and_keeps_the_text(page, client, live_server, world):
    log_in(page, client, live_server, world["applicant"].user)
    waiting = world["waiting"]
    page.goto(f"/account/cases/{waiting.number}/")
    services.case_correct(case_id=waiting.pk, actor=Actor.of_person(world["applicant"], world["applicant"].user))
    page.get_by_label("补正说明").fill("第二次提交的说明")
    page.get_by_role("button", name="提交补正").click()
    summary = page.get_by_role("alert")
    assert "办件当前状态为“已提交”，不能补正提交" in summary.inner_text()
    assert page.get_by_label("补正说明").input_value() == "第二次提交的说明"
    assert page.get_by_role("button", name="提交补正").count() == 0  # the text is kept, not offered again
    _accessible(page, "refused")


def test_the_case_pages_in_elder_mode_and_english(page, client, live_server, world):
    user = world["applicant"].user
    user.elder_mode = True
    user.save(update_fields=["elder_mode"])
    log_in(page, client, live_server, user)
    waiting = world["waiting"]
    page.goto(f"/account/cases/{waiting.number}/")
    assert "elder" in (page.locator("body").get_attribute("class") or "")
    for button in ("提交补正", "撤回申请"):
        assert page.get_by_role("button", name=button).bounding_box()["height"] >= 60
    _accessible(page, "notice-elder")
    page.goto("/account/cases/")
    _accessible(page, "list-elder")
    page.goto(f"/account/cases/{waiting.number}/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    _accessible(page, "notice-en")


def test_someone_checks_progress_with_the_number_and_code(page, world):
    accepted = world["accepted"]
    page.goto("/progress/")
    page.get_by_role("heading", name="办件进度查询", level=1).wait_for()
    _accessible(page, "progress")

    page.get_by_label("办件编号").fill(accepted.number)
    page.get_by_label("查询码").fill("999999" if accepted.lookup_code != "999999" else "888888")
    page.get_by_role("button", name="查询").click()
    assert "未找到，请核对编号和查询码" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("办件编号").input_value() == accepted.number
    _accessible(page, "progress-wrong")

    page.get_by_label("查询码").fill(accepted.lookup_code)
    page.get_by_role("button", name="查询").click()
    result = page.get_by_role("region", name=re.compile("的进度"))
    text = result.inner_text()
    assert "婚姻登记档案查询" in text and "已受理" in text and accepted.due_on.isoformat() in text
    assert "林晓峰" not in page.content() and "赵工作" not in page.content()
    _accessible(page, "progress-found")

    page.goto("/progress/?lang=en")
    _accessible(page, "progress-en")
