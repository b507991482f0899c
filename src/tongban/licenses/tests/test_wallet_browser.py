"""A firm's legal representative opens 我的证照 in a real browser, reads the business licence and downloads its
signed PDF; anyone scanning the printed QR code reads the public check page, which turns when the licence is
revoked. axe on every page; screenshots at each step."""

from __future__ import annotations

import pytest

from tongban.conftest import axe_violations, screenshot
from tongban.licenses import pdfsign, services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, client, live_server, user) -> None:
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])  # fmt: skip


def _accessible(page, name: str) -> None:
    assert axe_violations(page) == [], name
    screenshot(page, f"licences-{name}")


def test_the_holder_reads_the_licence_in_the_wallet_and_the_public_checks_it(
    page, client, live_server, firm, owner, issue, reviewer
):
    licence = issue()
    _log_in(page, client, live_server, owner.user)

    page.goto("/account/licences/")
    card = page.get_by_role("link", name=licence.licence_type.name)
    assert card.is_visible() and page.get_by_text(firm.name).first.is_visible()
    _accessible(page, "wallet")
    card.click()
    assert page.get_by_role("heading", level=1).inner_text() == licence.licence_type.name
    assert page.get_by_text(licence.fields["business_scope"]).is_visible()
    _accessible(page, "detail")
    href = page.get_by_role("link", name="下载签章版 PDF").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")  # with the page's session, as the link would
    assert pdf.headers["content-type"] == "application/pdf" and pdfsign.pdf_signature_check(pdf=pdf.body()).valid

    page.goto(f"/v/licence/{licence.identifier}")
    assert page.get_by_text("该证照真实有效").is_visible()
    _accessible(page, "check-valid")
    services.licence_revoke(licence=licence, actor=reviewer, reason="注销登记")
    page.reload()
    assert page.get_by_text("不能作为有效证照使用").is_visible()
    _accessible(page, "check-revoked")


def test_the_holder_shows_two_fields_and_a_verifier_reads_the_qr_from_a_screenshot(
    page, browser, client, live_server, owner, issue, tmp_path
):
    licence = issue()
    _log_in(page, client, live_server, owner.user)
    page.goto(f"/account/licences/{licence.identifier}/")
    showing = page.get_by_role("region", name="亮证")
    showing.get_by_label("住所", exact=True).check()
    showing.get_by_label("经营范围", exact=True).check()
    page.get_by_role("button", name="生成亮证二维码").click()
    assert page.get_by_text("60 秒内有效").is_visible()
    _accessible(page, "show")
    shot = tmp_path / "qr.png"
    page.locator(".qr-box").screenshot(path=str(shot))

    verifier = browser.new_page(base_url=live_server.url)  # someone else's phone: no login
    try:
        verifier.goto("/verify/")
        _accessible(verifier, "verify")
        verifier.get_by_label("或选择二维码图片（截图、照片）").set_input_files(str(shot))
        verifier.get_by_role("heading", name="核验结果").wait_for()
        assert verifier.get_by_text("证照有效").is_visible()
        assert verifier.get_by_text(licence.fields["address"]).is_visible()
        assert verifier.get_by_text(licence.fields["business_scope"]).is_visible()
        assert verifier.get_by_text(licence.fields["legal_representative"]).count() == 0  # not ticked
        _accessible(verifier, "verify-valid")
        verifier.goto("/verify/")
        verifier.get_by_label("或选择二维码图片（截图、照片）").set_input_files(str(shot))
        verifier.get_by_role("heading", name="核验结果").wait_for()
        assert verifier.get_by_text("不能重复使用").is_visible()  # the same QR code twice
        _accessible(verifier, "verify-replayed")
    finally:
        verifier.close()


def test_the_holder_authorises_a_department_and_revokes_it(page, client, live_server, owner, issue):
    from tongban.identity.tests.factories import DepartmentFactory

    fund = DepartmentFactory(name="示范市住房公积金管理中心")
    licence = issue()
    _log_in(page, client, live_server, owner.user)
    page.goto(f"/account/licences/{licence.identifier}/")
    page.get_by_label("被授权部门").select_option(label=fund.name)
    page.get_by_label("用途").fill("单位缴存登记核验营业执照")
    page.get_by_label("授权天数（1–365）").fill("30")
    page.locator("#grant-address").check()
    page.get_by_role("button", name="授权", exact=True).click()
    row = page.get_by_role("row", name=fund.name)
    assert row.get_by_text("有效").is_visible() and row.get_by_text("单位缴存登记核验营业执照").is_visible()
    _accessible(page, "grant")
    row.get_by_role("button", name="撤销").click()
    assert page.get_by_role("row", name=fund.name).get_by_text("已撤销").is_visible()
    _accessible(page, "grant-revoked")
