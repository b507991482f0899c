"""用证授权 to an enterprise in a real browser: the holder names the firm by its 统一社会信用代码 on the licence page
(a wrong check character is said beside the field first), then the firm's legal representative opens 收到的用证授权
from 我的证照 and fetches the licence, reading just the fields granted. axe on every page; screenshots."""

from __future__ import annotations

import pytest

from tongban.conftest import accessible, log_in
from tongban.identity.tests.factories import EnterpriseFactory, person_with_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_holder_grants_an_enterprise_and_its_legal_representative_fetches_it(page, client, live_server, owner,
                                                                                 issue):  # fmt: skip
    rep = person_with_account(name="钱立群")
    partner = EnterpriseFactory(name="示范市远航人力资源有限公司", legal_representative=rep)
    licence = issue()
    log_in(page, client, live_server, owner.user)
    page.goto(f"/account/licences/{licence.identifier}/")
    page.get_by_label("企业（填写统一社会信用代码）").check()
    wrong = partner.credit_code[:17] + ("1" if partner.credit_code[17] != "1" else "2")
    page.get_by_label("被授权企业的统一社会信用代码").fill(wrong)
    page.get_by_label("用途").fill("人力资源外包合同签约核验")
    page.locator("#grant-address").check()
    page.get_by_role("button", name="授权", exact=True).click()
    assert page.locator("#grant-granteecode-error").get_by_text("统一社会信用代码校验位错误").is_visible()
    assert page.get_by_label("用途").input_value() == "人力资源外包合同签约核验"  # nothing typed is lost
    assert page.locator("#grant-address").is_checked()
    accessible(page, "licences-grant-enterprise-error")
    page.get_by_label("被授权企业的统一社会信用代码").fill(partner.credit_code)
    page.get_by_role("button", name="授权", exact=True).click()
    row = page.get_by_role("row", name=partner.name)
    assert row.get_by_text("有效").is_visible() and row.get_by_text("人力资源外包合同签约核验").is_visible()
    accessible(page, "licences-grant-enterprise")

    page.context.clear_cookies()
    log_in(page, client, live_server, rep.user)
    page.goto("/account/licences/")
    page.get_by_role("link", name="收到的用证授权").click()
    assert page.get_by_role("heading", level=1).inner_text() == "收到的用证授权"
    row = page.get_by_role("row", name=partner.name)
    assert row.get_by_role("cell", name="人力资源外包合同签约核验", exact=True).is_visible()
    accessible(page, "licences-grants-received")
    page.get_by_role("button", name="调取").click()
    result = page.get_by_role("region", name="调取结果：营业执照")
    assert result.get_by_text(licence.fields["address"]).is_visible()
    assert result.get_by_text(licence.fields["business_scope"]).count() == 0  # not granted
    assert page.get_by_role("row", name=partner.name).get_by_role("cell", name="1", exact=True).is_visible()
    accessible(page, "licences-grant-fetched")
