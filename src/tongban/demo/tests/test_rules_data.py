"""The demo city's 秒批 and 告知承诺: its citizen applying online for 居住证申领 to live in the city is approved
within the request; applying for work the case goes to 公安局's reviewer with the failing check shown; 异地就医备案
is decided at once when the citizen signs its pledge."""

import io

import pytest

from tongban.cases.codes import State
from tongban.cases.models import Case, DecisionRule
from tongban.cases.tests.factories import calendar_beyond_the_package
from tongban.catalog.selectors import implementation_get_by_code
from tongban.demo.rules_data import AUTO_CHECKS, PLEDGE_TEXT
from tongban.demo.tests.conftest import city_per_module
from tongban.forms.materials import attachment_add
from tongban.forms.services import application_submit, draft_save, draft_start
from tongban.forms.tests.uploads import png
from tongban.identity.models import Staff, User

SMALL = {"persons": 60, "enterprises": 10}


city_once = city_per_module(seed=7, **SMALL)  # one city for the module; each test's writes are rolled back


@pytest.fixture
def built(city_once, db, fast_hashing):  # type: ignore[no-untyped-def]
    return city_once


def _apply(user, code, answers):
    """Through the online form as the pages do it: answers, the photo the guide asks for, then submit."""
    draft = draft_start(user=user, implementation=implementation_get_by_code(code))
    for key in draft_save(user=user, draft_id=draft.pk, answers=answers, page=None):
        assert key.startswith("material-"), key
        photo = png()
        attachment_add(user=user, draft_id=draft.pk, material_id=key.removeprefix("material-"),
                       stream=io.BytesIO(photo), filename="照片.png", size=len(photo))  # fmt: skip
    submission = application_submit(user=user, draft_id=draft.pk, consent=[], declaration=True)
    return Case.objects.get(number=submission.number)


RESIDENCE = {"residence_address": "示范市明德区滨河路18号", "resident_since": "2025-01-01", "phone": "13900000001"}


def test_the_demo_declares_both_rules_through_the_operator(built):
    auto = DecisionRule.objects.get(implementation=implementation_get_by_code("GA07002"), kind="auto")
    assert auto.active and auto.checks == AUTO_CHECKS
    pledge = DecisionRule.objects.get(implementation=implementation_get_by_code("YB20003"), kind="pledge")
    assert pledge.active and pledge.pledge_text == PLEDGE_TEXT and pledge.check_within_days == 20
    assert built.counts["decision_rules"] == 2


def test_the_citizen_living_in_the_city_gets_a_residence_permit_within_the_request(built, client):
    citizen = User.objects.get(username="citizen")
    case = _apply(citizen, "GA07002", {**RESIDENCE, "reason": "live"})
    assert case.state == State.APPROVED
    assert [r["passed"] for r in case.auto_check.results] == [True, True]
    assert "核验结果 true" in case.auto_check.results[0]["evidence"]  # asked of the hub under 公安局's grant


def test_applying_for_work_goes_to_the_reviewer_with_the_failing_check_shown(built, client):
    citizen = User.objects.get(username="citizen")
    case = _apply(citizen, "GA07002", {**RESIDENCE, "reason": "work", "employer": "示范市鼎盛餐饮管理有限公司"})
    assert case.state == State.SUBMITTED
    client.force_login(Staff.objects.get(user__username="reviewer-gaj").user)
    html = client.get(f"/backoffice/cases/{case.number}/").content.decode()
    assert "有条件未通过，转人工审查" in html and "<strong>✗</strong> 申领事由为居住" in html


def test_the_citizen_signs_the_pledge_for_out_of_area_care_and_is_decided_at_once(built, client):
    calendar_beyond_the_package()  # the post-check is 20 working days away: into next year from December
    citizen = User.objects.get(username="citizen")
    answers = {"filing_type": "1", "destination": "广东省深圳市", "residence_address": "深圳市南山区科技园路1号",
               "start_date": "2026-12-01", "phone": "13900000001"}  # fmt: skip
    case = _apply(citizen, "YB20003", answers)
    assert case.state == State.SUBMITTED
    client.force_login(citizen)
    assert PLEDGE_TEXT in client.get(f"/account/cases/{case.number}/").content.decode()
    signed = client.post(
        f"/account/cases/{case.number}/", {"action": "pledge", "pledge_text": PLEDGE_TEXT, "agree": "1"}
    )
    assert signed.status_code == 302 and Case.objects.get(pk=case.pk).state == State.APPROVED
