"""At the window in a real browser: a clerk applies for the person in front of them (ID card name and number,
an item of the department), fills the same form pages, submits and accepts the case under 容缺受理 — a date
forgotten is said with the tick kept — and the person then supplies the promised material on their own case
page. axe on each page; screenshots at each step."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tongban.cases.codes import State
from tongban.cases.models import Case, DeferredMaterial
from tongban.catalog.codes import MaterialSource, Necessity
from tongban.catalog.schema import MaterialSpec
from tongban.conftest import accessible, log_in
from tongban.forms.models import Channel
from tongban.forms.tests import uploads
from tongban.forms.tests.conftest import city_build, item_with_materials
from tongban.identity.roles import Role
from tongban.identity.tests.factories import staff_with_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city(db, settings):  # type: ignore[no-untyped-def]
    return city_build(settings)


@pytest.fixture
def item(city):  # type: ignore[no-untyped-def]
    """异地转诊就医备案: the ID card is held by 公安局, the referral letter (转诊证明) may follow under 容缺."""
    materials = [
        MaterialSpec(name="居民身份证", source=MaterialSource.LICENCE),
        MaterialSpec(name="转诊证明", necessity=Necessity.DEFERRABLE, notes="转出医院开具"),
    ]
    return item_with_materials(city, materials=materials, basic_code="YB20011", name="异地转诊就医备案")


def test_a_clerk_applies_for_the_person_accepts_under_rongque_and_the_person_supplies_it_online(
    page, client, live_server, city, item
):
    clerk = staff_with_roles([Role.CLERK], department=city.medical, username="clerk-ybj", mobile="13700000311")
    log_in(page, client, live_server, clerk.user)

    page.goto("/window/")
    start = page.get_by_role("region", name="为申请人办理新申请")
    start.get_by_label("申请人身份证号").fill(city.citizen.id_number)
    start.get_by_label("申请人姓名").fill("林晓峰")
    start.get_by_label("办理事项").select_option(item.code)  # the option reads 异地转诊就医备案 (with its department)
    accessible(page, "window-apply-start")
    start.get_by_role("button", name="开始填写").click()

    # The same pages the person would see online, prefilled from 公安局 for them.
    page.get_by_text("正在为 林晓峰 办理“异地转诊就医备案”。").wait_for()
    assert "示范市明德区市民大道6号" in page.get_by_role("region", name="示范市公安局").inner_text()
    accessible(page, "window-apply-overview")
    page.get_by_role("link", name="信息无误，继续填写").click()
    page.get_by_label("户号").fill("H00012")
    page.get_by_role("button", name="保存并继续").click()
    page.get_by_role("heading", name="备案信息", level=1).wait_for()
    with page.expect_response(lambda r: r.request.method == "POST" and "/pages/filing/" in r.url):
        page.get_by_label("异地转诊就医").check()
    page.get_by_label("备案开始日期").fill("2026-12-05")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_role("button", name="保存并继续").click()
    page.get_by_role("heading", name="上传申请材料", level=1).wait_for()  # the referral letter is not at hand
    page.get_by_role("link", name="继续，核对并提交").click()
    page.get_by_role("heading", name="核对申请内容").wait_for()
    page.get_by_label("本人承诺所填信息真实").check()
    page.get_by_role("button", name="提交申请").click()

    # Straight to the case's intake page.
    page.get_by_role("heading", name="材料核验").wait_for()
    case = Case.objects.get()
    assert page.url.endswith(f"/window/cases/{case.number}/")
    assert (case.channel, case.user) == (Channel.WINDOW, city.user)
    assert "窗口" in page.get_by_role("region", name="办件信息").inner_text()

    # 容缺受理: ticked without a date, the reason is said and the tick kept; with one, the case is accepted.
    deferrals = page.get_by_role("group", name="容缺受理")
    deferrals.get_by_role("checkbox", name="转诊证明").check()
    page.get_by_role("button", name="受理", exact=True).click()
    assert "请为“转诊证明”填写补交期限" in page.get_by_role("alert").inner_text()
    assert page.title().startswith("错误：")
    assert deferrals.get_by_role("checkbox", name="转诊证明").is_checked()
    assert Case.objects.get().state == State.SUBMITTED
    accessible(page, "window-apply-deferral-error")
    promised = timezone.localdate() + dt.timedelta(days=7)
    deferrals.get_by_label("补交期限").fill(promised.isoformat())
    page.get_by_role("button", name="受理", exact=True).click()
    page.get_by_text("已受理，办结期限为").wait_for()
    checklist = page.get_by_role("table", name="申请材料清单")
    referral = checklist.get_by_role("row").filter(has_text="转诊证明")
    assert f"容缺受理，承诺 {promised.isoformat()} 前补交" in referral.inner_text()
    assert "免提交" in checklist.get_by_role("row").filter(has_text="居民身份证").inner_text()
    assert Case.objects.get().state == State.ACCEPTED
    accessible(page, "window-apply-accepted")

    # The person, at home, keeps the promise on their own case page.
    page.context.clear_cookies()
    log_in(page, client, live_server, city.user)
    page.goto(f"/account/cases/{case.number}/")
    materials = page.get_by_role("region", name="申请材料")
    assert f"容缺受理：请于 {promised.isoformat()} 前补交" in materials.inner_text()
    accessible(page, "window-apply-applicant-promised")
    materials.get_by_label("上传文件").set_input_files(
        {"name": "转诊证明.jpg", "mimeType": "image/jpeg", "buffer": uploads.jpeg()}
    )
    materials.get_by_role("button", name=re.compile(r"^上传\s*转诊证明")).click()
    page.get_by_text("已上传“转诊证明.jpg”（转诊证明）。").wait_for()
    assert materials.get_by_text("容缺材料已补交").is_visible()
    opened = page.request.get(materials.get_by_role("link", name="转诊证明.jpg").get_attribute("href"))
    assert opened.ok and opened.headers["content-type"] == "image/jpeg"
    assert DeferredMaterial.objects.get().supplied_at is not None
    accessible(page, "window-apply-applicant-supplied")
