"""The materials step of an online application in a real browser: after the last form page the citizen sees
what needs no upload, is told on the check page which material is missing (linked to it), has an executable
named .pdf refused beside its material with the rest kept, uploads the real PDF and submits. axe on each page."""

from __future__ import annotations

import re

import pytest

from tongban.conftest import accessible, log_in
from tongban.forms import services
from tongban.forms.models import Submission
from tongban.forms.tests import uploads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(section, name: str, data: bytes, mime: str) -> None:  # type: ignore[no-untyped-def]
    """Choose a file in a material's section and press its 上传 button."""
    section.get_by_label("选择文件").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    section.get_by_role("button", name="上传").click()


def _material(page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("region", name=re.compile(f"^{name}"))


def test_a_citizen_uploads_the_missing_material_after_a_disguised_executable_is_refused(
    page, client, live_server, city, item
):
    draft = services.draft_start(user=city.user, implementation=item)
    services.draft_save(user=city.user, draft_id=draft.pk, answers={"household_number": "H00012"}, page="applicant")
    log_in(page, client, live_server, city.user)

    page.goto(f"/account/drafts/{draft.pk}/pages/filing/")
    with page.expect_response(lambda r: r.request.method == "POST" and "/pages/filing/" in r.url):
        page.get_by_label("异地转诊就医").check()
    page.get_by_label("备案开始日期").fill("2026-12-05")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_role("button", name="保存并继续").click()

    # What is asked, and what is not: the ID card is held by 公安局, the registration form is the form itself.
    page.get_by_role("heading", name="上传申请材料", level=1).wait_for()
    not_asked = page.get_by_role("region", name="以下材料无需您上传")
    assert "居民身份证 — 免提交" in not_asked.inner_text()
    assert "备案登记表 — 在线填写，无需上传" in not_asked.inner_text()
    residence = _material(page, "异地居住证明")
    assert "必要" in residence.inner_text() and "尚未上传" in residence.inner_text()
    accessible(page, "forms-materials")
    _upload(_material(page, "近期照片"), "照片.png", uploads.png(), "image/png")
    page.get_by_text("已上传“照片.png”（近期照片）。").wait_for()

    # Straight on to the check page: the missing material is named and linked to where it is uploaded.
    page.get_by_role("link", name="继续，核对并提交").click()
    page.get_by_role("heading", name="核对申请内容").wait_for()
    page.get_by_label("本人承诺所填信息真实").check()
    page.get_by_role("button", name="提交申请").click()
    summary = page.get_by_role("alert")
    summary.get_by_role("link", name="请上传材料：异地居住证明").wait_for()
    assert not Submission.objects.exists()
    accessible(page, "forms-materials-check-missing")
    summary.get_by_role("link", name="请上传材料：异地居住证明").click()
    page.get_by_role("heading", name="上传申请材料", level=1).wait_for()

    # An executable renamed .pdf: refused beside its material; the photo and the answers stay.
    _upload(residence, "居住证明.pdf", uploads.windows_exe(), "application/pdf")
    reason = residence.locator(".error-message")
    reason.wait_for()
    assert "“居住证明.pdf”不是 PDF、JPG、PNG 或 OFD 文件" in reason.inner_text()
    assert "“居住证明.pdf”不是 PDF" in page.get_by_role("alert").inner_text()
    assert page.title().startswith("错误：")
    assert residence.get_by_label("选择文件").get_attribute("aria-invalid") == "true"
    assert _material(page, "近期照片").get_by_role("link", name="照片.png").is_visible()
    accessible(page, "forms-materials-refused")

    _upload(residence, "租赁合同.pdf", uploads.pdf(2), "application/pdf")
    page.get_by_text("已上传“租赁合同.pdf”（异地居住证明）。").wait_for()
    assert residence.get_by_role("link", name="租赁合同.pdf").is_visible()
    assert "2 页" in residence.inner_text() and residence.locator(".error-message").count() == 0
    accessible(page, "forms-materials-uploaded")

    page.get_by_role("link", name="继续，核对并提交").click()
    materials = page.get_by_role("region", name="申请材料")
    assert "租赁合同.pdf" in materials.inner_text() and "容缺：可受理后补交" in materials.inner_text()
    page.get_by_label("本人承诺所填信息真实").check()
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("heading", name="申请已提交").wait_for()
    submission = Submission.objects.get()
    assert page.get_by_text(f"申请编号：{submission.number}").is_visible()
    assert sorted(a.filename for a in submission.attachments.all()) == ["照片.png", "租赁合同.pdf"]
    accessible(page, "forms-materials-receipt")
