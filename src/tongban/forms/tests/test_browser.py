"""A citizen applies online in a real browser: opens the form from the guide, sees prefilled read-only
fields with their source, fills only the rest, reports one wrong value, consents to write-back, and the
next form is prefilled with it. axe on every page, elder mode on the check page; screenshots at each step."""

from __future__ import annotations

import re

import pytest

from tongban.conftest import accessible, log_in
from tongban.exchange.models import CorrectionRequest
from tongban.forms.models import Draft, Submission
from tongban.identity.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from_outbox(page) -> str:
    outbox = page.context.new_page()
    outbox.goto("/demo/outbox/")
    body = outbox.locator("td.outbox-body").first.inner_text()
    outbox.close()
    return re.search(r"验证码为 (\d{6})", body).group(1)


def _row(scope, label: str):
    """A summary-list row (dt label, dd value) by its label."""
    return scope.locator(".summary-row").filter(has=getattr(scope, "page", scope).locator("dt", has_text=label))


def _start_from_the_guide(page, city) -> None:
    page.goto(f"/items/{city.implementation.code}/")
    assert page.get_by_role("heading", name="异地就医备案", level=1).is_visible()
    page.get_by_role("link", name="在线办理").click()
    page.get_by_role("heading", name="网上申请：异地就医备案").wait_for()
    page.get_by_role("button", name="开始申请").click()
    page.get_by_role("heading", name="我们已从以下部门获取您的信息").wait_for()


def test_citizen_applies_with_prefill_a_correction_and_write_back(page, client, live_server, city):
    # 医保局 may also read household numbers, but 公安局 holds none for this citizen: asked, then written back.
    city.grant.element_codes = ["P.HUKOU_ADDRESS", "P.HOUSEHOLD_NUMBER"]
    city.grant.save()
    log_in(page, client, live_server, city.user)

    page.goto(f"/items/{city.implementation.code}/")
    accessible(page, "forms-guide")
    page.get_by_role("link", name="在线办理").click()
    page.get_by_role("heading", name="网上申请：异地就医备案").wait_for()
    assert page.get_by_text("申请人：本人（林晓峰）").is_visible()
    accessible(page, "forms-start")
    page.get_by_role("button", name="开始申请").click()

    # What the departments already hold: plain text with its source, nothing to type.
    page.get_by_role("heading", name="我们已从以下部门获取您的信息").wait_for()
    police = page.get_by_role("region", name="示范市公安局")
    for label, value in (("姓名", "林晓峰"), ("户籍地址", "示范市明德区市民大道6号")):
        assert value in _row(police, label).inner_text()
    assert police.get_by_text("来源：示范市公安局 · 2025-06-01").count() == 3
    assert police.get_by_text("A 权威源头库").count() == 3
    assert page.locator("main").get_by_role("textbox").count() == 0
    notice = page.get_by_role("status").filter(has_text="以下信息暂时无法从部门获取")
    assert "户号：来源部门暂无该数据" in notice.inner_text()
    accessible(page, "forms-overview")

    # 信息有误: forgetting the reason keeps the corrected value typed.
    police.get_by_role("link", name=re.compile(r"信息有误？\s*户籍地址")).click()
    page.get_by_role("heading", name="户籍地址有误").wait_for()
    assert page.get_by_text("部门记录的内容：示范市明德区市民大道6号").is_visible()
    page.get_by_label("正确的户籍地址").fill("示范市明德区市民大道8号")
    page.get_by_role("button", name="提交纠错").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "请说明哪里有误" in summary.inner_text()
    assert page.title().startswith("错误：")
    assert page.get_by_label("正确的户籍地址").input_value() == "示范市明德区市民大道8号"
    accessible(page, "forms-dispute-error")
    page.get_by_label("哪里有误").fill("门牌号记录错误，应为8号")
    page.get_by_role("button", name="提交纠错").click()
    page.get_by_text("已向数据所属部门提交纠错申请").wait_for()
    row = _row(page, "户籍地址")
    assert "示范市明德区市民大道8号" in row.inner_text()
    assert row.get_by_text("已提出纠错，本次按您填写的办理").is_visible()
    correction = CorrectionRequest.objects.get()
    assert (correction.claimed_value, correction.owner.name) == ("示范市明德区市民大道8号", "示范市公安局")
    accessible(page, "forms-overview-after-dispute")

    # Only what no department could give is asked.
    page.get_by_role("link", name="信息无误，继续填写").click()
    page.get_by_role("heading", name="申请人信息", level=1).wait_for()
    assert page.get_by_text("第 1 步，共 2 步").is_visible()
    assert page.get_by_label("姓名").count() == 0 and page.get_by_label("出生日期").count() == 0
    assert page.get_by_text("本人申报，待核实").is_visible()  # the disputed address, not an input either
    household = page.get_by_label("户号")
    assert "来源部门暂无该数据" in page.locator("#field-household_number").inner_text()
    accessible(page, "forms-applicant")
    household.fill("H00012")
    page.get_by_role("button", name="保存并继续").click()

    # Choosing 异地长期居住 asks for the address there (htmx re-renders the fieldset).
    page.get_by_role("heading", name="备案信息", level=1).wait_for()
    assert page.get_by_label("异地居住地址").count() == 0
    accessible(page, "forms-filing")
    page.get_by_label("联系电话").fill("138")  # typed before the choice: the swap must not wipe it
    with page.expect_response(lambda r: r.request.method == "POST" and "/pages/filing/" in r.url):
        page.get_by_label("异地长期居住").check()
    page.get_by_label("异地居住地址").wait_for()
    assert page.get_by_label("联系电话").input_value() == "138"
    assert page.evaluate("document.activeElement.id") == "f-filing_type-0"  # the swap keeps the keyboard's place
    page.get_by_label("异地居住地址").fill("广东省深圳市南山区科技园1号")
    page.get_by_label("备案开始日期").fill("1899-12-31")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_role("button", name="保存并继续").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "备案开始日期：日期超出合理范围" in summary.inner_text()
    assert page.title().startswith("错误：")
    assert page.evaluate("document.activeElement.dataset.errorSummary") == ""  # focus moved to the summary
    assert page.get_by_label("异地长期居住").is_checked()
    assert page.get_by_label("异地居住地址").input_value() == "广东省深圳市南山区科技园1号"
    assert page.get_by_label("联系电话").input_value() == "13812345678"
    assert page.get_by_label("备案开始日期").input_value() == "1899-12-31"
    accessible(page, "forms-filing-error")
    summary.get_by_role("link", name="备案开始日期：日期超出合理范围").click()
    assert page.evaluate("document.activeElement.id") == "f-start_date"
    page.get_by_label("备案开始日期").fill("2026-12-05")
    page.get_by_role("button", name="保存并继续").click()

    # Check answers, in elder mode: consent to keep the household number, declare, submit.
    page.get_by_role("heading", name="核对申请内容").wait_for()
    accessible(page, "forms-check")
    page.get_by_role("button", name="长辈版").click()
    page.get_by_role("heading", name="核对申请内容").wait_for()
    assert "elder" in page.locator("body").get_attribute("class")
    filing = page.get_by_role("region", name="备案信息")
    assert filing.get_by_text("广东省深圳市南山区科技园1号").is_visible()
    assert filing.get_by_text("2026-12-05").is_visible()
    accessible(page, "forms-check-elder")
    page.get_by_label("户号：H00012").check()
    page.get_by_role("button", name="提交申请").click()  # the declaration forgotten
    summary = page.get_by_role("alert")
    summary.wait_for()
    summary.get_by_role("link", name="请确认申请内容真实有效").click()
    assert page.evaluate("document.activeElement.id") == "declaration"
    assert page.get_by_label("户号：H00012").is_checked() and not Submission.objects.exists()
    accessible(page, "forms-check-declaration-error-elder")
    page.get_by_label("本人承诺所填信息真实").check()
    page.get_by_role("button", name="提交申请").click()

    page.get_by_role("heading", name="申请已提交").wait_for()
    submission = Submission.objects.get()
    assert page.get_by_text(f"申请编号：{submission.number}").is_visible()
    assert page.get_by_text("已按您的同意将 1 项信息保存到一人一档").is_visible()
    assert submission.written_back == ["household_number"]
    assert submission.declared["hukou_address"]["value"] == "示范市明德区市民大道8号"
    accessible(page, "forms-receipt-elder")
    page.get_by_role("link", name="返回我的申请").click()
    page.get_by_role("heading", name="我的申请", level=1).wait_for()
    assert page.get_by_role("row").filter(has_text=submission.number).get_by_text("异地就医备案").is_visible()
    accessible(page, "forms-applications-elder")
    page.get_by_role("button", name="退出长辈版").click()
    page.get_by_role("button", name="长辈版").wait_for()

    # The next application of the same item: a new draft, the household number now shared with its source.
    _start_from_the_guide(page, city)
    assert Draft.objects.count() == 2
    medical = page.get_by_role("region", name="示范市医疗保障局")
    assert "H00012" in _row(medical, "户号").inner_text()
    assert medical.get_by_text(re.compile(r"来源：示范市医疗保障局 · \d{4}-\d{2}-\d{2}")).is_visible()
    assert medical.get_by_text("D 本人申报").is_visible()
    assert page.get_by_role("status").filter(has_text="以下信息暂时无法从部门获取").count() == 0
    accessible(page, "forms-overview-next")


def test_a_page_posted_after_the_session_expired_keeps_what_was_typed(page, client, live_server, city):
    log_in(page, client, live_server, city.user)
    _start_from_the_guide(page, city)
    draft = Draft.objects.get()
    page.goto(f"/account/drafts/{draft.pk}/pages/filing/")
    with page.expect_response(lambda r: r.request.method == "POST" and "/pages/filing/" in r.url):
        page.get_by_label("异地转诊就医").check()  # htmx asks what this choice shows
    page.get_by_label("联系电话").fill("13812345678")
    page.context.clear_cookies(name="sessionid")  # the session expired while the page was open
    page.get_by_role("button", name="保存并继续").click()

    page.get_by_text("登录已过期，请重新登录。您填写的内容已保留").wait_for()
    assert "/login/" in page.url
    accessible(page, "forms-session-expired-login")
    page.get_by_label("身份证号、手机号或用户名").fill(city.citizen.id_number)
    page.get_by_role("textbox", name="密码").fill(PASSWORD)
    page.get_by_role("button", name="下一步：获取验证码").click()
    page.get_by_role("textbox", name="短信验证码").fill(_code_from_outbox(page))
    page.get_by_role("button", name="登录", exact=True).click()

    page.get_by_role("heading", name="备案信息", level=1).wait_for()  # back on the page that was posted
    assert page.get_by_label("异地转诊就医").is_checked()
    assert page.get_by_label("联系电话").input_value() == "13812345678"
    kept = Draft.objects.get().answers  # saved on the way back in, not only shown
    assert (kept["filing_type"], kept["phone"]) == ("3", "13812345678")
    accessible(page, "forms-session-resumed")
