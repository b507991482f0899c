"""The working-day calendar in a real browser: an operator fills in a year the package does not know."""

import datetime as dt

import pytest

from tongban.conftest import axe_violations, screenshot
from tongban.identity.tests.factories import staff_with_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in_as_operator(page, client, live_server):
    staff = staff_with_roles(["operator"], username="op_browser")
    client.force_login(staff.user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _year_csv(tmp_path, year: int):
    rows = ["date,is_workday,name"]
    day = dt.date(year, 1, 1)
    while day.year == year:
        if day in (dt.date(year, 1, 1), *(dt.date(year, 10, d) for d in range(1, 8))):
            rows.append(f"{day:%Y-%m-%d},0,{'元旦' if day.month == 1 else '国庆节'}")
        elif day == dt.date(year, 10, 11):
            rows.append(f"{day:%Y-%m-%d},1,调休上班")
        else:
            rows.append(f"{day:%Y-%m-%d},{0 if day.weekday() >= 5 else 1},")
        day += dt.timedelta(days=1)
    path = tmp_path / f"{year}-holidays.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    return path


def test_operator_moves_to_an_unknown_year_and_imports_its_schedule(page, client, live_server, tmp_path):
    _log_in_as_operator(page, client, live_server)
    page.goto("/backoffice/")
    page.get_by_role("link", name="工作日历管理").click()
    page.wait_for_url("**/backoffice/calendar/")
    assert page.get_by_role("heading", name="工作日历管理", level=1).is_visible()
    page.goto("/backoffice/calendar/?year=2026")
    october = page.locator("#month-10")
    assert october.locator("caption").inner_text().startswith("2026年10月")
    assert "国庆节" in october.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "identity-calendar-2026")

    for _ in range(5):  # 2026 → 2031, one year at a time
        page.get_by_role("link", name="下一年").click()
    page.wait_for_url("**/backoffice/calendar/?year=2031")
    assert page.get_by_text("2031 年尚未导入节假日安排").is_visible()
    assert page.locator("td.cal-unknown").count() == 365
    assert axe_violations(page) == []
    screenshot(page, "identity-calendar-2031-unknown")

    page.get_by_label("CSV 文件").set_input_files(str(_year_csv(tmp_path, 2031)))
    page.get_by_role("button", name="导入", exact=True).click()
    page.wait_for_url("**/backoffice/calendar/?year=2031")
    assert page.get_by_text("已导入 2031-holidays.csv：新增 365 天").is_visible()
    assert page.get_by_text("2031 年尚未导入节假日安排").count() == 0
    assert page.locator("td.cal-unknown").count() == 0
    october = page.locator("#month-10")
    assert october.locator("td.cal-holiday").count() == 7
    assert "调休上班" in october.locator("td.cal-makeup").inner_text()  # Saturday 11 October 2031
    assert axe_violations(page) == []
    screenshot(page, "identity-calendar-2031-imported")

    page.get_by_role("button", name="长辈版").click()
    assert "elder" in page.locator("body").get_attribute("class")
    assert axe_violations(page) == []
    screenshot(page, "identity-calendar-2031-elder")


def test_a_bad_csv_shows_the_line_and_the_override_form_works_by_keyboard(page, client, live_server, tmp_path):
    _log_in_as_operator(page, client, live_server)
    page.goto("/backoffice/calendar/?year=2031")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,is_workday\n2031-01-01,0\n2031-13-01,1\n", encoding="utf-8")
    page.get_by_label("CSV 文件").set_input_files(str(bad))
    page.get_by_role("button", name="导入", exact=True).click()
    summary = page.get_by_role("alert")
    assert "第 3 行：日期无效" in summary.inner_text()
    assert page.locator("td.cal-unknown").count() == 365  # nothing imported, the page still works
    assert axe_violations(page) == []
    screenshot(page, "identity-calendar-import-error")

    page.get_by_label("日期").fill("2031-05-06")
    page.get_by_label("这一天").select_option("0")
    page.get_by_label("名称或原因").fill("因台风停止办公")
    page.get_by_label("名称或原因").press("Enter")
    page.wait_for_url("**/backoffice/calendar/?year=2031#month-5")
    cell = page.locator("#month-5 td.cal-manual")
    assert cell.count() == 1
    assert "运营人员调整：因台风停止办公" in cell.inner_text()
    page.get_by_role("link", name="删除 2031-05-06").click()
    assert page.get_by_text("确定要删除这条调整记录吗？").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="确认删除").click()
    page.wait_for_url("**/backoffice/calendar/?year=2031#month-5")
    assert page.locator("td.cal-manual").count() == 0
