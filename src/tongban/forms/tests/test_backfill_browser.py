"""An operator reads the backfill rate in the browser: from the workbench, weekly, chart and table (axe)."""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tongban.conftest import ARTIFACTS, axe_violations, screenshot
from tongban.forms.tests.factories import FormVersionFactory, ImplementationFactory, SubmissionFactory
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _login(page, client, live_server, user):
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _viewport(page, name):
    """The first screen only, at full size (a full-page shot of a long table is shrunk past reading)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def _city():
    """Eight weeks of submissions for three items in two departments, the rates rising as sharing grows."""
    police = DepartmentFactory(name="示范市公安局", name_en="Demo City Public Security Bureau")
    civil = DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")
    applicant = person_with_account()  # one applicant for all: a password hash per submission is slow
    rng = random.Random(4)
    first = datetime(2026, 2, 2, 9, tzinfo=SHANGHAI)  # a Monday
    for department, name, name_en, code, base in (
        (police, "出生户口登记", "Birth household registration", "HK001", 0.55),
        (police, "居住证签发", "Residence permit", "JZ001", 0.40),
        (civil, "最低生活保障", "Minimum living allowance", "DB001", 0.25),
    ):
        implementation = ImplementationFactory(
            department=department, item__name=name, item__name_en=name_en, item__basic_code=code
        )
        version = FormVersionFactory(definition__item=implementation.item, definition__name=f"{name}申请表")
        for day in range(56):
            if code == "DB001" and 14 <= day < 21:
                continue  # a week without applications: a gap in its line, "—" in the table
            for _ in range(rng.randint(0, 3)):
                shown = rng.randint(12, 30)
                rate = min(1.0, base + day * 0.006 + rng.uniform(-0.08, 0.08))
                SubmissionFactory(
                    implementation=implementation, version=version,
                    submitted_at=first + timedelta(days=day, hours=rng.randint(0, 9)),
                    fields_shown=shown, fields_prefilled=round(shown * rate), user=applicant.user, agent=applicant,
                )  # fmt: skip


def test_operator_switches_to_weekly_and_reads_the_chart_and_the_table(page, client, live_server):
    _city()
    operator = staff_with_roles([Role.OPERATOR], username="operator-backfill", mobile="13700000031")
    _login(page, client, live_server, operator.user)

    page.goto("/backoffice/")
    page.get_by_role("link", name="回填率").click()
    page.get_by_role("heading", name="回填率", level=1).wait_for()
    page.get_by_label("开始日期").fill("2026-02-02")
    page.get_by_label("结束日期").fill("2026-03-29")
    page.get_by_role("button", name="查看").click()
    page.get_by_role("heading", name="回填率趋势（按日 · 全部）").wait_for()
    page.locator("#backfill-chart canvas").wait_for()  # ECharts draws after the page's scripts load
    assert axe_violations(page) == []
    screenshot(page, "backfill-daily")
    _viewport(page, "backfill-daily-top")

    page.locator(".segmented label", has_text="周").click()
    assert page.get_by_role("radio", name="周").is_checked()
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**period=week**")
    page.get_by_role("heading", name="回填率趋势（按周 · 全部）").wait_for()
    canvas = page.locator("#backfill-chart canvas")
    canvas.wait_for()
    assert canvas.bounding_box()["height"] > 200
    table = page.get_by_role("table", name="回填率明细（按周 · 全部）")
    assert table.get_by_role("row").count() == 1 + 8  # header and eight Mondays
    first_week = table.get_by_role("row").filter(has_text="2026-02-02 至 2026-02-08")
    assert first_week.get_by_role("cell").last.inner_text().endswith("%")
    assert axe_violations(page) == []
    screenshot(page, "backfill-weekly")
    page.evaluate("document.getElementById('chart-title').scrollIntoView()")
    _viewport(page, "backfill-weekly-chart")

    page.get_by_label("分组").select_option(label="事项")
    page.get_by_role("button", name="查看").click()
    page.get_by_role("heading", name="回填率趋势（按周 · 事项）").wait_for()
    gap = page.get_by_role("row").filter(has_text="2026-02-16 至 2026-02-22").filter(has_text="最低生活保障")
    assert "无提交" in gap.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "backfill-weekly-by-item")
    page.evaluate("document.getElementById('chart-title').scrollIntoView()")
    _viewport(page, "backfill-weekly-by-item-chart")

    operator.user.elder_mode = True
    operator.user.save()
    page.reload()
    page.get_by_role("heading", name="回填率趋势（按周 · 事项）").wait_for()
    assert axe_violations(page) == []
    screenshot(page, "backfill-weekly-elder")
    page.evaluate("window.scrollTo(0, 0)")
    _viewport(page, "backfill-weekly-elder-top")

    operator.user.elder_mode = False
    operator.user.save()
    page.goto(page.url + "&lang=en")
    page.get_by_role("heading", name="Backfill rate over time (Week · Item)").wait_for()
    page.locator("#backfill-chart canvas").wait_for()
    assert axe_violations(page) == []
    _viewport(page, "backfill-weekly-en")
