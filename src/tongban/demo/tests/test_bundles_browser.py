"""The demo city's 一件事一次办 in a real browser (issue 7), as its printed accounts would do them.

- 新生儿出生一件事: 林晓峰 (`citizen`) answers the situational questions, reads the composed guide, fills in the
  one form (what the departments share is shown, not asked), hands in each material once and submits; the
  birth certificate is decided on 卫健委's reviewer page, its licence reaches the 出生户口登记 case as the
  《出生医学证明》 (免提交), which 公安局's reviewer decides on their page; 医保局 and 人社局 decide the rest. The
  parent reads one timeline with every item approved and the certificate in the wallet.
- 开办餐饮店一件事: 赵建华 (`legalrep`), already holding his firm's 营业执照, applies as 示范市鼎盛餐饮管理有限公司;
  李娜 (`clerk`) accepts the whole bundle at the 综合窗口; once every item is decided the firm holds the one
  行业综合许可证（餐饮） (一业一证).

The city is built inside each test (the live server needs committed data). axe on every page; screenshots."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from tongban.bundles.models import BundleApplication, BundleChild
from tongban.bundles.selectors import definitions_forget
from tongban.cases.codes import State
from tongban.cases.models import Case
from tongban.cases.services import Actor, case_accept, case_decide, case_start_review
from tongban.conftest import accessible, log_in
from tongban.demo.builder import BuildResult, demo_build
from tongban.demo.content.bundles import BIRTH_MEDICAL_CERTIFICATE, INDUSTRY_COMBINED_PERMIT
from tongban.demo.tests.conftest import FAST_HASHING
from tongban.forms.materials import EXEMPT, submission_material_states
from tongban.forms.tests.uploads import png
from tongban.identity.models import Department, Enterprise, Staff, User
from tongban.identity.roles import Role
from tongban.identity.tests.factories import staff_with_roles
from tongban.licenses.models import Licence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEWBORN_ITEMS = ("出生医学证明签发", "出生户口登记", "预防接种证办理", "城乡居民基本医疗保险参保登记", "社会保障卡申领")
RESTAURANT_ITEMS = ("食品经营许可", "公共场所卫生许可", "户外招牌设置审批")


@pytest.fixture
def demo_city(seal_kek: Any) -> BuildResult:
    definitions_forget()  # bundle definitions are kept per process: this city's, not an earlier test's
    with override_settings(PASSWORD_HASHERS=FAST_HASHING):
        return demo_build(persons=40, enterprises=12)


def _accessible(page: Any, name: str) -> None:
    accessible(page, f"demo-bundles-{name}")


def _as(page: Any, client: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, client, live_server, User.objects.get(username=username))


def _choose(page: Any, group: str, option: str) -> None:
    page.get_by_role("group", name=group, exact=True).get_by_label(option, exact=True).check()


def _upload_every_material(page: Any, tmp_path: Path, *, skip: tuple[str, ...] = ()) -> list[str]:
    """Each material the one form asks to upload (but those in `skip`), once; every upload also saves what was
    typed."""
    scan = tmp_path / "材料.png"
    scan.write_bytes(png())
    asked = page.get_by_label(re.compile(r"^上传“"))
    labels = []
    for n in range(asked.count()):
        label = asked.nth(n - len(labels)).evaluate("input => input.labels[0].textContent")
        if any(name in label for name in skip):
            continue
        labels.append(label)
        chooser = page.get_by_label(label, exact=True)
        chooser.set_input_files(str(scan))
        with page.expect_navigation():
            page.get_by_role("listitem").filter(has=chooser).get_by_role("button", name="上传", exact=True).click()
        page.get_by_text("已上传：").wait_for()
    assert asked.count() == len(skip)
    return labels


def _submit(page: Any) -> None:
    page.get_by_label("本人承诺所填信息和所交材料真实有效").check()
    page.get_by_role("button", name="提交一件事申请").click()
    page.get_by_role("heading", name=re.compile("各事项办理情况|请修改以下问题")).wait_for()
    problems = page.locator("[data-error-summary]")
    assert problems.count() == 0, problems.inner_text()


def _case(application: BundleApplication, node: str) -> Case:
    return Case.objects.get(submission_id=BundleChild.objects.get(application=application, node=node).submission_id)


def _decide(case: Case, reviewer: Staff, *, accept: bool = True) -> None:
    actor = Actor.of_staff(reviewer)
    if accept:
        case_accept(case_id=case.pk, actor=actor)
    case_start_review(case_id=case.pk, actor=actor)
    case_decide(case_id=case.pk, actor=actor, approve=True, reason="符合条件，准予办理")


def _reviewer(username: str) -> Staff:
    return Staff.objects.get(user__username=username)


def _approve_on_the_review_page(page: Any, case: Case) -> None:
    page.get_by_role("button", name="开始审查").click()
    page.get_by_label("审查意见", exact=True).fill("材料齐全，符合条件，准予办理")
    page.get_by_role("button", name="准予", exact=True).click()
    page.get_by_role("heading", name="办理状态").wait_for()
    case.refresh_from_db()
    assert case.state == State.APPROVED, case.state


def test_a_parent_applies_once_for_the_newborn_and_four_departments_decide(
    page: Any, client: Any, live_server: Any, demo_city: BuildResult, tmp_path: Path
) -> None:
    parent = User.objects.get(username="citizen")
    _as(page, client, live_server, "citizen")
    page.goto("/bundles/newborn/")
    _accessible(page, "newborn")
    _choose(page, "新生儿父母一方是否为示范市常住户口？", "是")
    _choose(page, "是否同时为新生儿申领社会保障卡？", "是")
    page.get_by_role("button", name="生成定制办事指南").click()
    _choose(page, "是否已准备好新生儿证件照？", "已准备，在线上传")  # asked once the card is wanted
    page.get_by_role("button", name="生成定制办事指南").click()
    composed = page.get_by_role("region", name="您需要办理的事项")
    for name in NEWBORN_ITEMS:
        assert composed.get_by_role("link", name=name).is_visible(), name
    _accessible(page, "newborn-composed")

    page.get_by_role("button", name="开始在线申请").click()
    page.get_by_role("heading", name="需要您填写（同一信息只填一次）").wait_for()
    shared = page.get_by_role("region", name="共享信息（无需填写）")
    assert shared.get_by_text("林晓峰").is_visible() and shared.get_by_text("H00001").is_visible()
    asked = page.get_by_role("region", name="需要您填写（同一信息只填一次）")
    assert asked.get_by_label("姓名", exact=True).count() == 0  # shared, so shown and not editable
    assert asked.get_by_label("户籍地址", exact=True).count() == 0
    _accessible(page, "newborn-form")

    today = timezone.localdate()
    _choose(page, "民族", "汉族")
    _choose(page, "申请人与新生儿关系", "父亲")
    page.get_by_label("新生儿姓名", exact=True).fill("林小满")
    _choose(page, "新生儿性别", "女")
    page.get_by_label("新生儿出生日期", exact=True).fill((today - dt.timedelta(days=3)).isoformat())
    page.get_by_label("出生时间", exact=True).fill("08:35")
    _choose(page, "出生医院（助产机构）", "示范市妇幼保健院")
    page.get_by_label("出生体重（克）", exact=True).fill("3250")
    page.get_by_label("联系电话", exact=True).fill("13812345678")
    _choose(page, "落户方式", "随父落户")
    _choose(page, "新生儿与户主关系", "女")
    _choose(page, "户口页领取方式", "到派出所户籍窗口领取")
    page.get_by_label("现居住地址", exact=True).fill("示范市明德区市民大道6号1单元401室")
    _choose(page, "接种单位", "明德区社区卫生服务中心预防接种门诊")
    page.get_by_label("预约办理日期", exact=True).fill((today + dt.timedelta(days=7)).isoformat())
    _choose(page, "个人缴费方式", "线上缴费（税务缴费渠道）")
    _choose(page, "申领类型", "首次申领")
    _choose(page, "金融功能合作银行", "工商银行")
    _choose(page, "领取方式", "到服务网点领取")
    # The rest is shared or comes from the birth certificate; the late-registration statement is optional.
    assert _upload_every_material(page, tmp_path, skip=("逾期申报情况说明",)) == ["上传“近期正面免冠彩色证件照”"]
    assert page.get_by_label("新生儿姓名").input_value() == "林小满"  # kept through the upload
    _submit(page)
    hukou_row = page.get_by_role("row", name=re.compile("^出生户口登记"))
    assert hukou_row.get_by_text("待“出生医学证明签发”办结").is_visible()
    _accessible(page, "newborn-submitted")

    application = BundleApplication.objects.get(user=parent, version__bundle__code="newborn")
    assert application.children.count() == len(NEWBORN_ITEMS)

    # 卫健委 decides the birth certificate on its reviewer's page; the approval issues the e-licence.
    birth = _case(application, "birth_certificate")
    case_accept(case_id=birth.pk, actor=Actor.of_staff(_reviewer("reviewer-wjw")))
    _as(page, client, live_server, "reviewer-wjw")
    page.goto(f"/backoffice/cases/{birth.number}/")
    _approve_on_the_review_page(page, birth)
    assert page.get_by_text("出生医学证明（").first.is_visible()
    _accessible(page, "newborn-birth-approved")
    certificate = Licence.objects.get(licence_type__code=BIRTH_MEDICAL_CERTIFICATE, holder_person=parent.person)
    assert certificate.fields["baby_name"] == "林小满"

    # The hukou case opened by itself, the certificate standing for the 《出生医学证明》 it needs.
    hukou = _case(application, "hukou")
    assert hukou.state == State.SUBMITTED
    [given] = [s for s in submission_material_states(submission=hukou.submission) if "出生医学证明" in s.material.name]
    assert given.way == EXEMPT and given.provided is not None
    assert given.provided["case"] == birth.number and given.provided["licence"] == certificate.identifier
    case_accept(case_id=hukou.pk, actor=Actor.of_staff(_reviewer("reviewer-gaj")))
    _as(page, client, live_server, "reviewer-gaj")
    page.goto(f"/backoffice/cases/{hukou.number}/")
    materials = page.get_by_role("region", name="申请材料")
    given_row = materials.get_by_role("definition").filter(has_text=f"电子证照：出生医学证明（{certificate.number}）")
    assert given_row.get_by_text("免提交").is_visible() and given_row.get_by_text("签章与状态核验通过").is_visible()
    _accessible(page, "newborn-hukou-review")
    _approve_on_the_review_page(page, hukou)

    # The vaccination certificate, then medical insurance (after hukou), then the card (after insurance).
    _decide(_case(application, "vaccination"), _reviewer("reviewer-wjw"))
    _decide(_case(application, "medical_insurance"), _reviewer("reviewer-ybj"))
    _decide(_case(application, "social_card"), _reviewer("reviewer-rsj"))

    _as(page, client, live_server, "citizen")
    page.goto(f"/bundles/applications/{application.pk}/")
    assert page.get_by_text("本一件事各事项均已办结。").is_visible()
    for name in NEWBORN_ITEMS:
        assert page.get_by_role("row", name=re.compile(f"^{name}")).get_by_text(re.compile("^准予")).is_visible(), name
    results = page.get_by_role("region", name="办理结果")
    assert results.get_by_role("link", name="出生医学证明").is_visible()
    _accessible(page, "newborn-done")
    page.goto("/account/licences/")
    assert page.get_by_role("link", name="出生医学证明").is_visible()
    _accessible(page, "newborn-wallet")


def test_a_restaurant_bundle_is_accepted_whole_at_the_window_and_yields_one_combined_licence(
    page: Any, client: Any, live_server: Any, demo_city: BuildResult, tmp_path: Path
) -> None:
    firm = Enterprise.objects.get(name="示范市鼎盛餐饮管理有限公司")
    _as(page, client, live_server, "legalrep")
    page.goto("/bundles/restaurant/")
    _choose(page, "以什么形式开办？", "已领取营业执照")
    _choose(page, "店内是否设有茶座、酒吧或咖啡馆等需卫生许可的公共场所？", "是")
    _choose(page, "是否在建筑物外墙设置户外招牌？", "是")
    page.get_by_role("button", name="生成定制办事指南").click()
    composed = page.get_by_role("region", name="您需要办理的事项")
    for name in RESTAURANT_ITEMS:
        assert composed.get_by_role("link", name=name).is_visible(), name
    assert composed.get_by_role("link", name="企业设立登记").count() == 0  # the firm is registered already
    _accessible(page, "restaurant-composed")
    page.get_by_label("以哪家企业的名义办理").select_option(label=firm.name)
    page.get_by_role("button", name="开始在线申请").click()
    page.get_by_role("heading", name="需要您填写（同一信息只填一次）").wait_for()
    shared = page.get_by_role("region", name="共享信息（无需填写）")
    assert shared.get_by_text(firm.name).is_visible() and shared.get_by_text(firm.credit_code).is_visible()
    _accessible(page, "restaurant-form")

    page.get_by_label("经营场所", exact=True).fill("示范市新港区渔港街253号11号商铺")
    _choose(page, "主体业态", "餐饮服务经营者")  # asked only of a restaurant: the next question appears at once
    _choose(page, "是否经营冷食类食品", "否")
    page.get_by_label("经营面积（平方米）", exact=True).fill("120")
    page.get_by_label("联系电话", exact=True).fill("13912345678")
    _choose(page, "场所类别", "咖啡馆、酒吧、茶座")
    page.get_by_label("从业人数", exact=True).fill("8")
    page.get_by_label("卫生管理人员姓名", exact=True).fill("赵建华")
    _choose(page, "办理方式", "一般程序（现场审查后发证）")
    page.get_by_label("招牌文字", exact=True).fill("鼎盛餐饮")
    _choose(page, "招牌形式", "平行于墙面")
    page.get_by_label("招牌长度（米）", exact=True).fill("6")
    page.get_by_label("招牌高度（米）", exact=True).fill("1.2")
    page.get_by_label("设置高度（米，招牌底边距地面）", exact=True).fill("3.5")
    _choose(page, "采用《示范市店招标牌设置导则》标准样式", "是")
    _upload_every_material(page, tmp_path)
    _submit(page)
    _accessible(page, "restaurant-submitted")
    application = BundleApplication.objects.get(subject_enterprise=firm, version__bundle__code="restaurant")
    assert page.get_by_text(application.number).first.is_visible()

    # 李娜 at the 综合窗口 finds the application by its number and accepts every item at once.
    _as(page, client, live_server, "clerk")
    page.goto("/window/bundles/")
    page.get_by_label("一件事申请编号", exact=True).fill(application.number)
    page.get_by_role("button", name="查找").click()
    page.get_by_role("heading", name="各事项").wait_for()
    _accessible(page, "restaurant-window")
    page.get_by_role("button", name=f"整件受理（{len(RESTAURANT_ITEMS)} 个事项）").click()
    page.get_by_text(f"已整件受理 {len(RESTAURANT_ITEMS)} 个事项").wait_for()
    _accessible(page, "restaurant-window-accepted")
    cases = {node: _case(application, node) for node in ("food_licence", "hygiene_licence", "shop_sign")}
    assert {c.state for c in cases.values()} == {State.ACCEPTED}

    # Each department decides its own case; the last decision issues the one combined permit.
    city_management = Department.objects.get(name="示范市城市管理局")  # the demo city has no 城管 reviewer account
    _decide(cases["food_licence"], _reviewer("reviewer"), accept=False)
    _decide(cases["hygiene_licence"], _reviewer("reviewer-wjw"), accept=False)
    assert not Licence.objects.filter(licence_type__code=INDUSTRY_COMBINED_PERMIT).exists()  # one item still open
    _decide(cases["shop_sign"], staff_with_roles([Role.REVIEWER], department=city_management), accept=False)
    combined = Licence.objects.get(licence_type__code=INDUSTRY_COMBINED_PERMIT)
    assert combined.holder_enterprise == firm
    for name in RESTAURANT_ITEMS:
        assert name in combined.fields["permits"], name

    _as(page, client, live_server, "legalrep")
    page.goto(f"/bundles/applications/{application.pk}/")
    assert page.get_by_role("region", name="办理结果").get_by_role("link", name="行业综合许可证（餐饮）").is_visible()
    _accessible(page, "restaurant-done")
