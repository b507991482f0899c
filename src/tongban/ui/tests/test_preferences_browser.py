"""Elder mode and the English switch, as a person uses them from any page's header."""

import pytest

from tongban.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_elder_mode_enlarges_text_and_targets_and_is_remembered(page):
    page.goto("/")
    normal_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="长辈版").click()
    assert "elder" in page.locator("body").get_attribute("class")
    elder_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert normal_size == 16 and elder_size >= 18
    target = page.get_by_role("button", name="退出长辈版").bounding_box()
    assert target["height"] >= 60
    page.goto("/")  # a new page load keeps the choice (cookie)
    assert "elder" in page.locator("body").get_attribute("class")
    assert axe_violations(page) == []
    screenshot(page, "ui-home-elder")
    page.get_by_role("button", name="退出长辈版").click()
    assert "elder" not in (page.locator("body").get_attribute("class") or "")


def test_english_switch_translates_the_header_and_can_switch_back(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Demo City One-Network Services" in page.locator("header").inner_text()
    page.get_by_role("button", name="中文").click()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "示范市一网通办" in page.locator("header").inner_text()
