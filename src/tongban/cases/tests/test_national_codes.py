"""National exchange codes (DESIGN §4, cases/codes.py): every state has its 办件状态 code, a concluded case its
办结结果, and the API and the exchange record carry them."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tongban.cases import selectors, services
from tongban.cases.codes import DECIDED, NATIONAL_STATUS, TERMINAL, Action, DoneResult, State, done_result
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, staff_with_roles


def test_every_state_has_one_national_status_code_of_its_own():
    assert set(NATIONAL_STATUS) == set(State.values)
    codes = [s.code for s in NATIONAL_STATUS.values()]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 2 and code.isdigit() for code in codes)
    assert all(s.name and s.step for s in NATIONAL_STATUS.values())


@pytest.mark.parametrize("state", State.values)
def test_a_concluded_case_has_a_done_result_and_an_open_one_none(state):
    concluded = state in TERMINAL or state in DECIDED
    for approved in (True, False):
        result = done_result(state, approved=approved if state in DECIDED else None)
        assert bool(result) == concluded, state
        assert result == "" or result in DoneResult.values


def test_the_done_result_says_how_the_case_ended():
    assert done_result(State.APPROVED, approved=True) == DoneResult.ISSUED == "0"
    assert done_result(State.ARCHIVED, approved=False) == DoneResult.DENIED == "1"
    assert done_result(State.REVOKED, approved=True) == DoneResult.ISSUED  # the revocation is its own status
    assert done_result(State.WITHDRAWN, approved=None) == DoneResult.RETURNED == "5"
    assert done_result(State.REJECTED_AT_INTAKE, approved=None) == DoneResult.NOT_ACCEPTED == "6"
    assert done_result(State.IN_REVIEW, approved=None) == ""


# --- in the API and the exchange record --------------------------------------------------------------


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市人力资源和社会保障局")


@pytest.fixture
def reviewer(department):
    return staff_with_roles([Role.REVIEWER, Role.CLERK], department=department, mobile="13700000501")


@pytest.fixture
def case(department):
    return case_for(implementation=published_implementation(department=department, days=10))


def _act(case, reviewer, action, **options):
    return services.case_act(case_id=case.pk, action=action, actor=Actor.of_staff(reviewer), **options)


def _ymd(day: dt.date) -> str:
    return f"{day:%Y%m%d}"


@pytest.mark.django_db
def test_the_api_gives_the_national_status_with_the_state(client, reviewer, case):
    client.force_login(reviewer.user)
    assert client.get(f"/api/v1/cases/{case.number}").json()["national_status"] == "01"
    _act(case, reviewer, Action.ACCEPT)
    assert client.get("/api/v1/cases/worklist").json()[0]["national_status"] == NATIONAL_STATUS[State.ACCEPTED].code
    moved = client.post(f"/api/v1/cases/{case.number}/actions/start_review", json.dumps({}),
                        content_type="application/json")  # fmt: skip
    assert moved.json()["national_status"] == "05"


@pytest.mark.django_db
def test_the_exchange_record_of_an_approved_case(client, reviewer, case, department):
    for action in (Action.ACCEPT, Action.START_REVIEW):
        _act(case, reviewer, action)
    _act(case, reviewer, Action.APPROVE, reason="符合条件")
    client.force_login(reviewer.user)
    record = client.get(f"/api/v1/cases/{case.number}/exchange").json()
    today = timezone.localdate()
    assert record["projid"] == case.number and record["dataver"] == 3
    assert record["implement_code"] == case.implementation.code and len(record["implement_code"]) >= 20
    assert record["dept_code"] == department.credit_code
    assert (record["status"], record["step"], record["done_result"]) == ("07", "办结", "0")
    assert record["apply_date"] == _ymd(timezone.localtime(case.submitted_at).date())
    assert record["accept_date"] == record["done_date"] == _ymd(today)
    assert record["due_date"] and record["case_type"] == "2" and record["limit_unit"] == "G"
    assert selectors.case_exchange_record(case=selectors.case_get_for_staff(staff=reviewer, case_id=case.pk)) == record


@pytest.mark.django_db
def test_the_exchange_record_of_a_case_not_accepted_or_still_open(client, reviewer, case):
    client.force_login(reviewer.user)
    open_record = client.get(f"/api/v1/cases/{case.number}/exchange").json()
    assert (open_record["status"], open_record["done_result"], open_record["done_date"]) == ("01", "", "")
    assert open_record["accept_date"] == open_record["due_date"] == ""
    _act(case, reviewer, Action.REJECT, reason="不属于本部门职责")
    record = client.get(f"/api/v1/cases/{case.number}/exchange").json()
    assert (record["status"], record["done_result"]) == ("04", "6")
    assert record["done_date"] == _ymd(timezone.localdate())


@pytest.mark.django_db
def test_the_exchange_record_is_scoped_like_the_case(client, case):
    outsider = staff_with_roles([Role.REVIEWER], department=DepartmentFactory(), mobile="13700000502")
    client.force_login(outsider.user)
    assert client.get(f"/api/v1/cases/{case.number}/exchange").status_code == 404
    client.force_login(case.user)
    assert client.get(f"/api/v1/cases/{case.number}/exchange").json()["status"] == "01"  # the applicant's own
