"""A citizen reads 我的一人一档 and then 谁用了我的数据 in a real browser: provenance, the conflict note,
their own look recorded; axe and elder mode."""

import pytest
from django.test import Client

from tongban.conftest import axe_violations, screenshot
from tongban.core.audit import audit_record
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles
from tongban.registry.services import value_record
from tongban.registry.tests.conftest import at
from tongban.registry.tests.factories import DataElementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in_as(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_citizen_reads_their_record_and_who_used_their_data(page, live_server):
    police = DepartmentFactory(name="示范市公安局", name_en="Demo City Public Security Bureau")
    fund = DepartmentFactory(name="示范市住房公积金管理中心", name_en="Demo City Housing Fund Centre")
    civil = DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")
    person = person_with_account(name="林晓峰")
    address = DataElementFactory(code="P.HUKOU_ADDRESS", name="户籍地址", owner=police)
    status = DataElementFactory(
        code="P.MARITAL_STATUS", name="婚姻状况", owner=civil, value_type="code", choices={"10": "未婚", "20": "已婚"}
    )
    for element, value, source, trust, year in (
        (address, "示范省示范市明德区新港路8号3栋1201室", police, "A", 2024),
        (address, "示范市明德区旧城路18号2单元301室", fund, "C", 2025),
        (status, "20", civil, "A", 2023),
    ):
        value_record(
            subject=person, element=element, value=value, source_department=source, as_of=at(year), trust_level=trust
        )
    clerk = staff_with_roles(["clerk"], department=police)
    audit_record(
        action="data.shared",
        actor=f"staff:{clerk.pk}",
        subject=person.id_number,
        data={"elements": ["P.MARITAL_STATUS"], "purpose": "新生儿出生一件事", "case": "SJ-2026-000042"},
    )
    _log_in_as(page, live_server, person.user)

    page.goto("/account/")
    page.get_by_role("link", name="我的一人一档").click()
    page.wait_for_url("**/account/profile/")
    assert page.get_by_role("heading", name="我的一人一档").is_visible()
    police_section = page.get_by_role("region", name="示范市公安局")
    assert police_section.get_by_role("cell", name="示范省示范市明德区新港路8号3栋1201室", exact=False).is_visible()
    assert police_section.get_by_text("A 权威源头库").is_visible()
    assert police_section.get_by_text("示范市住房公积金管理中心记录为“示范市明德区旧城路18号2单元301室”").is_visible()
    assert page.get_by_role("region", name="示范市民政局").get_by_text("已婚").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "registry-profile")

    page.get_by_role("link", name="查看谁用了我的数据").click()
    page.wait_for_url("**/account/data-uses/")
    rows = page.get_by_role("row")
    assert rows.nth(1).get_by_role("cell", name="本人", exact=True).is_visible()  # the look just taken is the newest
    assert rows.nth(1).get_by_text("查看一人一档").is_visible()
    shared = rows.filter(has_text="SJ-2026-000042")
    assert shared.get_by_text("赵工作").is_visible() and shared.get_by_text("新生儿出生一件事").is_visible()
    assert shared.get_by_text("婚姻状况").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "registry-data-uses")

    page.get_by_role("button", name="长辈版").click()
    assert "elder" in page.locator("body").get_attribute("class")
    assert axe_violations(page) == []
    screenshot(page, "registry-data-uses-elder")
    page.goto("/account/profile/")
    assert axe_violations(page) == []
    screenshot(page, "registry-profile-elder")


def test_legal_representative_opens_the_enterprise_record_from_the_enterprise_page(page, live_server):
    from tongban.identity.tests.factories import EnterpriseFactory

    market = DepartmentFactory(name="示范市市场监督管理局")
    owner = person_with_account(name="赵建华")
    firm = EnterpriseFactory(name="示范市鼎盛餐饮管理有限公司", legal_representative=owner)
    capital = DataElementFactory(
        code="E.REGISTERED_CAPITAL", name="注册资本（万元）", owner=market, subject_kind="enterprise",
        value_type="decimal",
    )  # fmt: skip
    value_record(subject=firm, element=capital, value="100", source_department=market, as_of=at(2016, 4, 8))
    _log_in_as(page, live_server, owner.user)
    page.goto(f"/account/enterprises/{firm.pk}/")
    page.get_by_role("link", name="查看本企业的一企一档").click()
    assert page.get_by_role("heading", name="示范市鼎盛餐饮管理有限公司 · 一企一档").is_visible()
    row = page.get_by_role("row", name="注册资本（万元）")
    assert row.get_by_role("cell", name="100", exact=True).is_visible() and row.get_by_text("2016-04-08").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "registry-enterprise-profile")


def test_steward_reads_the_element_catalogue(page, live_server):
    police = DepartmentFactory(name="示范市公安局")
    DataElementFactory(code="P.HUKOU_ADDRESS", name="户籍地址", owner=police, sharing_class="conditional")
    DataElementFactory(code="E.STATUS", name="登记状态", owner=police, subject_kind="enterprise")
    steward = staff_with_roles(["steward"], department=police)
    _log_in_as(page, live_server, steward.user)
    page.goto("/backoffice/data-elements/")
    assert page.get_by_role("heading", name="数据资源目录").is_visible()
    assert page.get_by_role("row", name="户籍地址").get_by_text("有条件共享").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "registry-elements")
