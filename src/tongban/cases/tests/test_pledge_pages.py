"""Decisions without a person as the applicant sees them: the receipt says a 秒批 case is approved or points to
the pledge; the case page offers the item's 告知承诺 to sign (ticked, the whole current text) and then shows
it signed with its post-check date; a 秒批 check that failed is named, and the case is with a person. And the
department's reviewer: pledges to check on the worklist, the post-check recorded on the review page."""

import pytest

from tongban.cases import decisions
from tongban.cases.codes import State
from tongban.cases.models import Case, DecisionRule, Pledge
from tongban.cases.services import Actor
from tongban.cases.tests.factories import calendar_beyond_the_package, case_for, published_implementation
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db
PLEDGE = "本人承诺：所填居住信息真实，如有不实，愿承担法律责任并接受撤销决定。"
SIGN_BUTTON = "签署承诺书，当场办结</button>"


@pytest.fixture(autouse=True)
def _next_year(db):
    calendar_beyond_the_package()  # post-checks a few working days away reach into next year late in December


@pytest.fixture
def implementation():
    department = DepartmentFactory(name="示范市医疗保障局")
    impl = published_implementation(department=department, days=3, name="异地就医备案")
    DecisionRule.objects.create(implementation=impl, kind="pledge", pledge_text=PLEDGE, check_within_days=5)
    return impl


@pytest.fixture
def me(client):
    person = person_with_account(name="王秀英")
    client.force_login(person.user)
    return person


def _page(client, case):
    return client.get(f"/account/cases/{case.number}/").content.decode()


def test_the_applicant_signs_the_pledge_and_the_case_is_approved_at_once(client, me, implementation):
    case = case_for(implementation=implementation, applicant=me)
    receipt = client.get(f"/account/applications/{case.number}/").content.decode()
    assert "本事项可以告知承诺方式办理" in receipt and f"/account/cases/{case.number}/#pledge" in receipt
    html = _page(client, case)
    assert PLEDGE in html and SIGN_BUTTON in html

    unticked = client.post(f"/account/cases/{case.number}/", {"action": "pledge", "pledge_text": PLEDGE})
    assert unticked.status_code == 422 and "请勾选“本人已阅读并作出上述承诺”后再签署" in unticked.content.decode()
    assert 'aria-invalid="true"' in unticked.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED

    signed = client.post(f"/account/cases/{case.number}/", {"action": "pledge", "pledge_text": PLEDGE, "agree": "1"},
                         follow=True)  # fmt: skip
    html = signed.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.APPROVED
    pledge = Pledge.objects.get(case=case)
    assert pledge.signed_by == "王秀英" and pledge.text == PLEDGE
    assert "承诺书已签署，申请已当场准予" in html and "签署了承诺书" in html and SIGN_BUTTON not in html
    assert f"部门将在 {pledge.check_due_on:%Y-%m-%d} 前核查承诺内容" in html
    assert "本事项可以告知承诺方式办理" not in client.get(f"/account/applications/{case.number}/").content.decode()


def test_a_pledge_text_changed_since_the_page_was_read_is_not_signed(client, me, implementation):
    case = case_for(implementation=implementation, applicant=me)
    DecisionRule.objects.filter(implementation=implementation).update(pledge_text=PLEDGE + "（修订）")
    stale = client.post(f"/account/cases/{case.number}/", {"action": "pledge", "pledge_text": PLEDGE, "agree": "1"})
    assert stale.status_code == 422 and "请完整确认承诺书内容" in stale.content.decode()
    assert PLEDGE + "（修订）" in stale.content.decode() and not Pledge.objects.exists()


def test_only_the_login_that_applied_signs(client, me, implementation):
    case = case_for(implementation=implementation, applicant=person_with_account(name="刘志刚"), subject_person=me)
    html = _page(client, case)
    assert SIGN_BUTTON not in html
    refused = client.post(f"/account/cases/{case.number}/", {"action": "pledge", "pledge_text": PLEDGE, "agree": "1"})
    assert refused.status_code == 403 and not Pledge.objects.exists()


def test_no_pledge_is_offered_where_the_item_takes_none(client, me):
    case = case_for(implementation=published_implementation(name="居住证申领"), applicant=me)
    assert SIGN_BUTTON not in _page(client, case)
    refused = client.post(f"/account/cases/{case.number}/", {"action": "pledge", "pledge_text": PLEDGE, "agree": "1"})
    assert refused.status_code == 404 and "本事项不适用告知承诺" in refused.content.decode()


def test_the_receipt_says_a_case_was_approved_by_auto_approval_and_a_failed_check_is_named(client, me):
    impl = published_implementation(name="社会保障卡申领")
    DecisionRule.objects.create(implementation=impl, kind="auto",
                                checks=[{"label": "填写了联系电话", "logic": {"!!": [{"var": "phone"}]}}])  # fmt: skip
    passed = case_for(implementation=impl, applicant=me, answers={"phone": "13900000001"})
    decisions.auto_decide(case=passed)
    receipt = client.get(f"/account/applications/{passed.number}/").content.decode()
    assert "已通过自动审批（秒批）" in receipt and "将对申请进行受理审查" not in receipt
    assert "未能自动核验通过" not in _page(client, passed)

    failed = case_for(implementation=impl, applicant=me, answers={})
    decisions.auto_decide(case=failed)
    assert "将对申请进行受理审查" in client.get(f"/account/applications/{failed.number}/").content.decode()
    html = _page(client, failed)
    assert "以下条件未能自动核验通过，申请已转工作人员人工审查" in html and "<li>填写了联系电话</li>" in html


def _signed(implementation, applicant):
    case = case_for(implementation=implementation, applicant=applicant)
    decisions.pledge_sign(case_id=case.pk, actor=Actor.of_person(applicant, applicant.user), text=PLEDGE)
    return case


def test_the_reviewer_sees_the_pledges_to_check_and_records_a_breach_which_revokes(client, implementation):
    case = _signed(implementation, person_with_account(name="王秀英"))
    reviewer = staff_with_roles([Role.REVIEWER], department=implementation.department, mobile="13700000731")
    client.force_login(reviewer.user)
    worklist = client.get("/backoffice/cases/").content.decode()
    assert "待事后核查的告知承诺" in worklist and f"/backoffice/cases/{case.number}/" in worklist
    assert "记录核查结果</button>" in client.get(f"/backoffice/cases/{case.number}/").content.decode()

    url = f"/backoffice/cases/{case.number}/pledge-check"
    unchosen = client.post(url, {"finding": "现场核查：申请人未在深圳居住"})
    html = unchosen.content.decode()
    assert (
        unchosen.status_code == 422 and "请选择核查结果" in html and "现场核查：申请人未在深圳居住</textarea>" in html
    )
    no_finding = client.post(url, {"outcome": "breached", "finding": " "})
    assert no_finding.status_code == 422 and "请写明核查情况" in no_finding.content.decode()

    done = client.post(url, {"outcome": "breached", "finding": "现场核查：申请人未在深圳居住"}, follow=True)
    assert "已记录核查结果：承诺不实，准予决定已撤销" in done.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.REVOKED
    assert Pledge.objects.get(case=case).outcome == Pledge.Outcome.BREACHED
    assert "待事后核查的告知承诺" not in client.get("/backoffice/cases/").content.decode()
    assert client.post(url, {"outcome": "kept", "finding": "x"}).status_code == 409  # checked once


def test_a_kept_pledge_leaves_the_approval_and_other_departments_cannot_check(client, implementation):
    case = _signed(implementation, person_with_account(name="王秀英"))
    outsider = staff_with_roles([Role.REVIEWER], department=DepartmentFactory(), mobile="13700000732")
    client.force_login(outsider.user)
    url = f"/backoffice/cases/{case.number}/pledge-check"
    assert client.post(url, {"outcome": "kept", "finding": "核查属实"}).status_code in (403, 404)
    reviewer = staff_with_roles([Role.REVIEWER], department=implementation.department, mobile="13700000733")
    client.force_login(reviewer.user)
    assert client.post(url, {"outcome": "kept", "finding": "电话核实属实"}).status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.APPROVED
    assert "核查情况：电话核实属实" in client.get(f"/backoffice/cases/{case.number}/").content.decode()
