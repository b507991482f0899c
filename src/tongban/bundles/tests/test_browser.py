"""一件事一次办 in a real browser: a parent answers the newborn bundle's questions and reads the composed guide
(items in order, one set of materials, what it saves); an operator opens the designer, saves the draft and sees
it checked. axe on every page; screenshots."""

from __future__ import annotations

import pytest

from tongban.bundles.services import bundle_import
from tongban.catalog.tests.factories import StaffFactory
from tongban.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _accessible(page, name: str) -> None:
    assert axe_violations(page) == [], name
    screenshot(page, f"bundles-{name}")


def test_a_parent_composes_the_newborn_guide(page, city):
    bundle_import(spec=city.spec())
    page.goto("/bundles/")
    _accessible(page, "list")
    page.get_by_role("link", name="新生儿出生一件事").first.click()
    page.get_by_role("group", name="父母一方是否为本市户籍？").get_by_label("是", exact=True).check()
    page.get_by_role("group", name="是否同时申领社会保障卡？").get_by_label("是", exact=True).check()
    page.get_by_role("button", name="生成定制办事指南").click()
    page.get_by_role("heading", name="您需要办理的事项").wait_for()
    assert page.get_by_role("group", name="证件照如何提供？").is_visible()  # asked once the card is chosen
    assert page.get_by_text("出生医学证明签发").first.is_visible()
    _accessible(page, "guide")


def test_an_operator_saves_and_checks_a_draft(page, client, live_server, city):
    bundle_import(spec=city.spec())
    client.force_login(StaffFactory(roles=["operator"]).user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])  # fmt: skip
    page.goto("/manage/bundles/")
    _accessible(page, "manage")
    page.get_by_role("link", name="新生儿出生一件事").first.click()
    page.get_by_role("button", name="保存草稿并检查").click()
    page.get_by_text("草稿已保存，检查未发现问题，可以发布。").wait_for()
    _accessible(page, "manage-draft")
