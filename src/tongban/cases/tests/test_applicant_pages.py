"""The applicant's case pages through the test client: 我的办件 newest first with the clock in words, the
case page (timeline, correction notice answered, withdrawal), another person's case a 404, refusals shown
with what was typed, and the public progress lookup (one answer for every wrong pair, rate-limited)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.cases import services
from tongban.cases.codes import Action, State
from tongban.cases.models import Case, Transition
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db

NOT_FOUND = "未找到，请核对编号和查询码"
WITHDRAW_BUTTON = "撤回申请</button>"
CORRECT_BUTTON = "提交补正</button>"


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")


@pytest.fixture
def clerk(department):
    return staff_with_roles([Role.CLERK], department=department, mobile="13700000401")


@pytest.fixture
def implementation(department):
    return published_implementation(department=department, days=5, name="婚姻登记档案查询")


@pytest.fixture
def applicant():
    return person_with_account(name="林晓峰")


@pytest.fixture
def case(implementation, applicant):
    return case_for(implementation=implementation, applicant=applicant)


@pytest.fixture
def awaiting_correction(case, clerk):
    services.case_request_correction(
        case_id=case.pk, actor=Actor.of_staff(clerk),
        items=[{"material": "户口簿", "problem": "缺少本人页"}, {"material": "结婚证", "problem": "复印件不清晰"}],
        note="请一次补齐",
    )  # fmt: skip
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def me(client, applicant):
    client.force_login(applicant.user)
    return client


def _url(case):
    return f"/account/cases/{case.number}/"


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_my_cases_lists_my_cases_newest_first_with_the_clock_in_words(me, implementation, applicant, clerk):
    older = case_for(implementation=implementation, applicant=applicant)
    older = services.case_accept(case_id=older.pk, actor=Actor.of_staff(clerk))
    newer = case_for(implementation=implementation, applicant=applicant)
    someone_elses = case_for(implementation=implementation)
    html = _text(me.get("/account/cases/"))
    assert "我的办件" in html
    assert html.index(newer.number) < html.index(older.number)
    assert someone_elses.number not in html
    assert "婚姻登记档案查询" in html and "示范市民政局" in html
    assert "已受理" in html and "已提交" in html  # the state as words
    assert older.due_on.isoformat() in html and "正常：剩 5 个工作日" in html  # the colour said in words
    assert "受理后计算" in html  # the unaccepted one has no due date yet


def test_the_list_needs_a_login(client):
    response = client.get("/account/cases/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_case_page_shows_the_clock_lookup_code_and_timeline_with_who_acted(me, case, clerk):
    services.case_accept(case_id=case.pk, actor=Actor.of_staff(clerk), note="材料齐全")
    case.refresh_from_db()
    response = me.get(_url(case))
    html = _text(response)
    assert response.status_code == 200
    assert case.lookup_code in html and "办件进度查询" in html
    assert case.accepted_on.isoformat() in html and case.due_on.isoformat() in html
    assert "已用 0 / 5 个工作日" in html and "正常：剩 5 个工作日" in html
    assert "提交申请" in html and "林晓峰" in html  # the first row: the applicant
    assert "受理" in html and "示范市民政局 · 赵工作" in html and "意见：材料齐全" in html
    assert WITHDRAW_BUTTON in html  # before a decision, withdrawal is offered
    assert CORRECT_BUTTON not in html


def test_in_english_the_case_page_gives_the_limit_in_working_days_not_in_chinese(me, case, clerk):
    services.case_accept(case_id=case.pk, actor=Actor.of_staff(clerk))
    html = _text(me.get(f"{_url(case)}?lang=en"))
    assert "5 working days" in html
    assert "工作日" not in html and "个" not in html


def test_a_case_on_natural_days_says_so(me, department, applicant, clerk):
    natural = published_implementation(department=department, days=3, unit="Z", name="结婚登记")
    case = services.case_accept(case_id=case_for(implementation=natural, applicant=applicant).pk,
                                actor=Actor.of_staff(clerk))  # fmt: skip
    html = _text(me.get(_url(case)))
    assert "3 个自然日" in html and "已用 0 / 3 个自然日" in html and "正常：剩 3 个自然日" in html
    assert "工作日" not in html
    english = _text(me.get(f"{_url(case)}?lang=en"))
    assert "3 calendar days" in english


def test_another_persons_case_is_a_404(client, case):
    client.force_login(person_with_account().user)
    assert client.get(_url(case)).status_code == 404
    assert client.post(_url(case), {"action": "withdraw"}).status_code == 404
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED
    assert client.get("/account/cases/SQ000000000000/").status_code == 404


def test_the_applicant_reads_every_item_of_the_notice_and_answers_it(me, awaiting_correction):
    case = awaiting_correction
    html = _text(me.get(_url(case)))
    assert "一次性告知书" in html and "待补正" in html
    assert "户口簿</strong>：缺少本人页" in html and "结婚证</strong>：复印件不清晰" in html
    assert "说明：请一次补齐" in html and CORRECT_BUTTON in html
    answered = me.post(_url(case), {"action": "correct", "note": "已补交户口簿本人页"}, follow=True)
    html = _text(answered)
    assert answered.redirect_chain[-1][0] == _url(case)
    assert "补正已提交" in html and "您已于" in html and "您的说明：已补交户口簿本人页" in html
    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    moved = case.transitions.order_by("-seq").first()
    assert (moved.action, moved.actor_name, moved.reason) == (Action.CORRECT, "林晓峰", "已补交户口簿本人页")


def test_a_second_answer_is_refused_with_the_state_named_and_the_text_kept(me, awaiting_correction):
    case = awaiting_correction
    me.post(_url(case), {"action": "correct", "note": "第一次"})
    again = me.post(_url(case), {"action": "correct", "note": "重复点击的说明"})
    html = _text(again)
    assert again.status_code == 409
    assert "办件当前状态为“已提交”，不能补正提交" in html
    assert "重复点击的说明</textarea>" in html and CORRECT_BUTTON not in html  # kept, not offered again
    assert Transition.objects.filter(case=case, action=Action.CORRECT).count() == 1


def test_the_refusal_reads_in_english_when_the_language_is_english(me, awaiting_correction):
    case = awaiting_correction
    me.post(_url(case), {"action": "correct"})
    again = me.post(f"{_url(case)}?lang=en", {"action": "correct", "note": "twice"})
    assert again.status_code == 409
    assert "does not apply" in again.content.decode()


def test_the_applicant_withdraws_with_a_reason_and_a_second_click_is_refused(me, case):
    done = me.post(_url(case), {"action": "withdraw", "reason": "已在窗口办理"}, follow=True)
    html = _text(done)
    assert "申请已撤回" in html and "已撤回" in html and "您的说明：已在窗口办理" in html
    assert WITHDRAW_BUTTON not in html
    again = me.post(_url(case), {"action": "withdraw", "reason": "再点一次"})
    assert again.status_code == 409
    assert "不能撤回申请" in _text(again) and "再点一次</textarea>" in _text(again)
    assert Transition.objects.filter(case=case, action=Action.WITHDRAW).count() == 1


def test_a_decided_case_offers_no_withdrawal(me, case, clerk, department):
    reviewer = staff_with_roles([Role.REVIEWER], department=department, mobile="13700000402")
    services.case_accept(case_id=case.pk, actor=Actor.of_staff(clerk))
    services.case_decide(case_id=case.pk, actor=Actor.of_staff(reviewer), approve=True)
    html = _text(me.get(_url(case)))
    assert "准予许可" in html and WITHDRAW_BUTTON not in html
    refused = me.post(_url(case), {"action": "withdraw"})
    assert refused.status_code == 409 and "办件当前状态为“准予许可”" in _text(refused)


def test_an_unknown_action_is_a_404(me, case):
    assert me.post(_url(case), {"action": "approve"}).status_code == 404


def test_the_submission_receipt_and_my_applications_link_to_the_case(me, case):
    assert _url(case) in me.get(f"/account/applications/{case.number}/").content.decode()
    assert _url(case) in me.get("/account/applications/").content.decode()


def test_progress_by_number_and_code_shows_the_steps_but_no_names(client, case, clerk):
    services.case_accept(case_id=case.pk, actor=Actor.of_staff(clerk), note="材料齐全，身份证号 110101")
    case.refresh_from_db()
    assert client.get("/progress/").status_code == 200
    found = client.post("/progress/", {"number": case.number.lower(), "code": f" {case.lookup_code} "})
    html = _text(found)
    assert found.status_code == 200
    assert "婚姻登记档案查询" in html and "示范市民政局" in html and "已受理" in html
    assert case.due_on.isoformat() in html and "提交申请" in html
    for private in ("林晓峰", "赵工作", "材料齐全", "110101"):
        assert private not in html
    assert case.lookup_code not in html  # not echoed back into the page


def test_every_wrong_pair_gets_the_same_answer(client, case):
    wrong_code = client.post(
        "/progress/", {"number": case.number, "code": "000000" if case.lookup_code != "000000" else "111111"}
    )
    no_such = client.post("/progress/", {"number": "SQ209901010000001", "code": case.lookup_code})
    empty = client.post("/progress/", {"number": "", "code": ""})
    for response in (wrong_code, no_such, empty):
        assert response.status_code == 404 and NOT_FOUND in response.content.decode()
        assert "婚姻登记档案查询" not in response.content.decode()
    assert case.number in wrong_code.content.decode()  # what was typed is kept


def test_progress_lookups_are_rate_limited_per_client_address(client, case):
    for _ in range(20):
        client.post("/progress/", {"number": case.number, "code": "x"})
    limited = client.post("/progress/", {"number": case.number, "code": case.lookup_code})
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "请求过于频繁，请稍后再试" in limited.content.decode()
    assert "婚姻登记档案查询" not in limited.content.decode()
    other = client.post("/progress/", {"number": case.number, "code": case.lookup_code}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_and_case_page_queries_do_not_grow_with_the_cases(me, implementation, applicant, awaiting_correction):
    case_for(implementation=implementation, applicant=applicant)
    me.get("/account/cases/")  # the session's first request of the minute writes its idle limit
    few = _queries(me, "/account/cases/")
    for _ in range(4):
        case_for(implementation=implementation, applicant=applicant)
    assert _queries(me, "/account/cases/") == few
    assert few <= 8
    # 12, the login's person, and the materials: guide, its list, files, 容缺
    assert _queries(me, _url(awaiting_correction)) <= 17
