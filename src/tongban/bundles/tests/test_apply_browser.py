"""Applying for a 一件事 in a real browser (test city): a parent composes the newborn guide, starts the application,
fills in the one form (everything missing told at once, nothing typed lost), hands in each material once, submits;
after the birth certificate is approved the hukou and vaccination cases open by themselves and the parent reads
one timeline; a service-centre clerk accepts the whole bundle at the 综合窗口. axe on every page; screenshots."""

from __future__ import annotations

import pytest

from tongban.bundles.tests.factories import VALUES, applying_version
from tongban.cases.services import Actor, case_accept, case_decide, case_start_review
from tongban.conftest import axe_violations, log_in, screenshot
from tongban.forms.tests import uploads
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _accessible(page, name: str) -> None:  # type: ignore[no-untyped-def]
    assert axe_violations(page) == [], name
    screenshot(page, f"bundles-apply-{name}")


def test_a_parent_applies_for_the_newborn_bundle_once_and_follows_one_timeline(
    page, client, live_server, city, tmp_path
):
    version = applying_version(city)
    parent = person_with_account(name="王小明", realname_level=2)
    log_in(page, client, live_server, parent.user)
    page.goto("/bundles/newborn/")
    page.get_by_role("group", name="父母一方是否为本市户籍？").get_by_label("是", exact=True).check()
    page.get_by_role("group", name="是否同时申领社会保障卡？").get_by_label("否", exact=True).check()
    page.get_by_role("button", name="生成定制办事指南").click()
    page.get_by_role("button", name="开始在线申请").click()
    page.get_by_role("heading", name="需要您填写（同一信息只填一次）").wait_for()
    _accessible(page, "form")

    page.get_by_label("出生医院").fill("示范市妇幼保健院")
    page.get_by_label("本人承诺所填信息和所交材料真实有效").check()
    page.get_by_role("button", name="提交一件事申请").click()
    page.get_by_role("heading", name="请修改以下问题").wait_for()
    assert page.get_by_label("出生医院").input_value() == "示范市妇幼保健院"  # kept while the rest is missing
    _accessible(page, "form-errors")

    for label, key in (("姓名", "subject.P.NAME"), ("出生日期", "subject.P.BIRTH_DATE"), ("联系电话", "free.phone"),
                       ("户籍地址", "subject.P.HUKOU_ADDRESS")):  # fmt: skip
        page.get_by_label(label, exact=True).fill(VALUES[key])
    page.get_by_role("group", name="随父或随母落户").get_by_label("随母").check()
    page.get_by_role("group", name="缴费方式").get_by_label("银行代扣").check()
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("已保存。").wait_for()
    pdf = tmp_path / "材料.pdf"
    pdf.write_bytes(uploads.pdf())
    forms = page.locator(".upload-form")
    for n in range(forms.count()):  # each material once, however many items need it
        forms.nth(n).locator("input[type=file]").set_input_files(str(pdf))
        forms.nth(n).get_by_role("button", name="上传", exact=True).click()
        page.get_by_text("已上传").first.wait_for()
    page.get_by_label("本人承诺所填信息和所交材料真实有效").check()
    page.get_by_role("button", name="提交一件事申请").click()
    page.get_by_role("heading", name="各事项办理情况").wait_for()
    assert page.get_by_text("等待前置事项办结").first.is_visible()
    _accessible(page, "timeline-submitted")

    from tongban.bundles.models import BundleChild
    from tongban.cases.models import Case

    birth = Case.objects.get(submission_id=BundleChild.objects.get(node="birth").submission_id)
    reviewer = Actor.of_staff(staff_with_roles([Role.REVIEWER], department=birth.department))
    case_accept(case_id=birth.pk, actor=reviewer)
    case_start_review(case_id=birth.pk, actor=reviewer)
    case_decide(case_id=birth.pk, actor=reviewer, approve=True)  # live server: the release runs after commit
    page.reload()
    assert page.get_by_role("row", name="出生户口登记").get_by_text("已提交").is_visible()
    assert page.get_by_role("row", name="出生医学证明签发").get_by_text("准予许可").is_visible()
    _accessible(page, "timeline-released")

    clerk = staff_with_roles([Role.CLERK], department=DepartmentFactory(name="示范市政务服务中心", service_centre=True))
    page.context.clear_cookies()
    log_in(page, client, live_server, clerk.user)
    page.goto("/window/bundles/")
    page.get_by_label("一件事申请编号").fill(BundleChild.objects.get(node="birth").application.number)
    page.get_by_role("button", name="查找").click()
    _accessible(page, "window")
    page.get_by_role("button", name="整件受理（2 个事项）").click()
    page.get_by_text("已整件受理 2 个事项").wait_for()
    _accessible(page, "window-accepted")
    assert version.bundle.code == "newborn"
