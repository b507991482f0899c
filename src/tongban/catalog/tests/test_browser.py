import re

import pytest
from django.conf import settings
from django.test import Client

from tongban.catalog.models import GuideStatus, GuideVersion
from tongban.catalog.tests.factories import StaffFactory
from tongban.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as_operator(page, live_server):
    staff = StaffFactory(roles=["operator"], name="目录运营员")
    client = Client()
    client.force_login(staff.user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return staff


def check_accessible(page, name):
    assert axe_violations(page) == [], name
    screenshot(page, f"catalog-{name}")


def test_citizen_searches_birth_and_reads_the_certificate_guide(page, live_server, city_items):
    page.goto("/")
    check_accessible(page, "home")
    page.get_by_label("搜索办事事项").fill("出生")
    page.get_by_role("button", name="搜索", exact=True).click()
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.get_by_role("status").first.inner_text().startswith("“出生”共找到")
    check_accessible(page, "search")
    page.get_by_role("link", name="出生医学证明签发").click()
    page.wait_for_url(f"**/items/{city_items['BIRTH01']}/")
    assert page.get_by_role("heading", level=1).inner_text() == "出生医学证明签发"
    materials = page.get_by_role("table")
    assert "住院分娩记录" in materials.inner_text() and "免提交" in materials.inner_text()
    facts = page.locator(".key-facts").inner_text()
    assert "法定 20 个工作日" in facts and "承诺 5 个工作日" in facts
    check_accessible(page, "guide")
    page.emulate_media(media="print")
    screenshot(page, "catalog-guide-print")
    page.emulate_media(media="screen")


def test_browse_pages_are_accessible_in_normal_and_elder_mode(page, live_server, city_items):
    page.goto("/life-events/出生/")
    assert "出生医学证明签发" in page.locator(".hits").inner_text()
    check_accessible(page, "browse-life-event")
    page.get_by_role("button", name="长辈版").click()
    page.wait_for_load_state()
    assert "elder" in page.locator("body").get_attribute("class")
    check_accessible(page, "browse-life-event-elder")
    page.goto("/")
    check_accessible(page, "home-elder")
    page.goto("/search?q=营业执照")
    check_accessible(page, "search-elder")
    page.goto(f"/items/{city_items['BIRTH01']}/")
    check_accessible(page, "guide-elder")
    dept = page.get_by_role("link", name="示范市卫生健康委员会").first
    dept.click()
    page.wait_for_url("**/departments/**")
    check_accessible(page, "browse-department-elder")


def test_operator_edits_publishes_and_the_public_sees_the_new_version(page, live_server, city_items):
    log_in_as_operator(page, live_server)
    code = city_items["BIRTH01"]
    page.goto("/manage/catalog/")
    check_accessible(page, "manage-list")
    page.get_by_role("link", name="出生医学证明签发", exact=True).click()
    check_accessible(page, "manage-history")
    page.get_by_role("link", name="编辑办事指南").click()
    check_accessible(page, "manage-edit")

    # A mistake first: the error summary appears and what was typed stays.
    page.get_by_label("事项简介").fill("新生儿出生后即可在线申领《出生医学证明》。")
    page.get_by_label("承诺办结时限（天数）").fill("30")
    page.get_by_role("button", name="保存草稿并预览").click()
    summary = page.locator("[data-error-summary]")
    assert "承诺时限不能长于法定时限" in summary.inner_text()
    assert page.get_by_label("事项简介").input_value() == "新生儿出生后即可在线申领《出生医学证明》。"
    check_accessible(page, "manage-edit-errors")

    page.get_by_label("承诺办结时限（天数）").fill("3")
    page.get_by_role("button", name="添加一项材料").click()
    page.locator("#id_materials-3-name").fill("新生儿父母户口簿")
    page.locator("#id_materials-3-source").select_option("shared")
    page.get_by_label("修订说明").fill("承诺时限缩短为 3 个工作日")
    page.get_by_role("button", name="保存草稿并预览").click()
    page.wait_for_url(f"**/manage/catalog/{code}/v/2/")
    assert "这是第 2 版草稿的预览" in page.locator("main").inner_text()
    check_accessible(page, "manage-preview")
    page.get_by_role("button", name="发布第 2 版").click()
    page.wait_for_url(f"**/manage/catalog/{code}/")
    assert "第 2 版已发布" in page.locator(".messages").inner_text()

    page.goto(f"/items/{code}/")
    text = page.locator("main").inner_text()
    assert "承诺 3 个工作日" in text and "新生儿父母户口簿" in text and "第 2 版" in text
    assert GuideVersion.objects.get(implementation__code=code, number=1).status == GuideStatus.SUPERSEDED

    page.goto("/manage/catalog/synonyms/")
    check_accessible(page, "manage-synonyms")
