"""秒批 and 告知承诺: rule evaluation kept as evidence, approval within the request when every check holds,
the failing check shown to a person otherwise; a pledge decides at once and a failed post-check revokes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tongban.cases import decisions
from tongban.cases.codes import Action, State
from tongban.cases.models import AutoCheck, Case, DecisionRule, Pledge
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.core.errors import Conflict, InvalidInput, PermissionDenied
from tongban.exchange.verify import predicate_declare
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles
from tongban.registry.services import value_record
from tongban.registry.tests.factories import DataElementFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
PLEDGE = "本人承诺所填信息真实、完整，如有不实，愿承担相应法律责任并接受撤销决定。"


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市人力资源和社会保障局")


@pytest.fixture
def implementation(department):
    return published_implementation(department=department, days=10, name="就业登记")


@pytest.fixture
def adult_check(department):
    birth = DataElementFactory(code="P.BIRTH_DATE", name="出生日期", value_type="date", owner=department,
                               sharing_class="open")  # fmt: skip
    schema = {"n": {"type": "integer", "min": 0, "max": 150}}
    predicate_declare(code="age_at_least", name="年满N周岁", name_en="Aged at least N", element_code="P.BIRTH_DATE",
                      operator="age_at_least", param_schema=schema)  # fmt: skip
    return birth


def _rule(implementation, **fields):
    return DecisionRule.objects.create(implementation=implementation, **fields)


def _applicant(birth_element, department, born: str):
    person = person_with_account()
    value_record(subject=person, element=birth_element, value=born, source_department=department,
                 as_of=dt.datetime(2020, 1, 1, tzinfo=TZ))  # fmt: skip
    return person


CHECKS = [
    {"label": "申请人年满 16 周岁", "predicate": "age_at_least", "params": {"n": 16}},
    {"label": "填写了联系电话", "logic": {"!!": [{"var": "phone"}]}},
]


def test_when_every_check_holds_the_case_is_approved_at_once_with_the_evidence(implementation, department, adult_check):
    _rule(implementation, kind=DecisionRule.Kind.AUTO, checks=CHECKS)
    applicant = _applicant(adult_check, department, "1990-05-01")
    case = case_for(implementation=implementation, applicant=applicant, answers={"phone": "13900000001"})
    evidence = decisions.auto_decide(case=case)
    case = Case.objects.get(pk=case.pk)
    assert evidence.passed and case.state == State.APPROVED and case.decided_at is not None
    assert [r["passed"] for r in evidence.results] == [True, True]
    approve = case.transitions.get(action=Action.APPROVE)
    assert approve.actor == "system:auto-approval" and approve.data["auto_check"] == str(evidence.pk)
    assert "秒批" in approve.reason


def test_when_one_check_fails_a_person_decides_and_sees_which(implementation, department, adult_check):
    _rule(implementation, kind=DecisionRule.Kind.AUTO, checks=CHECKS)
    child = _applicant(adult_check, department, "2015-05-01")
    case = case_for(implementation=implementation, applicant=child, answers={"phone": "13900000002"})
    evidence = decisions.auto_decide(case=case)
    assert not evidence.passed and Case.objects.get(pk=case.pk).state == State.SUBMITTED
    failing = [r for r in evidence.results if not r["passed"]]
    assert [r["label"] for r in failing] == ["申请人年满 16 周岁"] and "false" in failing[0]["evidence"]


def test_a_check_the_hub_cannot_answer_sends_the_case_to_a_person(implementation, department):
    _rule(implementation, kind=DecisionRule.Kind.AUTO,
          checks=[{"label": "未登记的条件", "predicate": "no_such_predicate"}])  # fmt: skip
    case = case_for(implementation=implementation)
    evidence = decisions.auto_decide(case=case)
    assert not evidence.passed and "无法核验" in evidence.results[0]["evidence"]
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED


def test_without_a_rule_nothing_is_decided(implementation):
    case = case_for(implementation=implementation)
    assert decisions.auto_decide(case=case) is None and not AutoCheck.objects.exists()


def test_a_signed_pledge_decides_at_once_and_a_failed_post_check_revokes(implementation, department):
    _rule(implementation, kind=DecisionRule.Kind.PLEDGE, pledge_text=PLEDGE, check_within_days=20)
    case = case_for(implementation=implementation)
    applicant = Actor.of_person(case.agent, case.user)
    with pytest.raises(InvalidInput):
        decisions.pledge_sign(case_id=case.pk, actor=applicant, text="本人承诺")
    pledge = decisions.pledge_sign(case_id=case.pk, actor=applicant, text=PLEDGE)
    assert Case.objects.get(pk=case.pk).state == State.APPROVED
    assert pledge.check_due_on > dt.date.today()
    reviewer = staff_with_roles([Role.REVIEWER], department=department, mobile="13700000601")
    outsider = staff_with_roles([Role.REVIEWER], department=DepartmentFactory(), mobile="13700000602")
    with pytest.raises(PermissionDenied):
        decisions.pledge_check(pledge_id=pledge.pk, actor=Actor.of_staff(outsider), kept=False, finding="x")
    checked = decisions.pledge_check(pledge_id=pledge.pk, actor=Actor.of_staff(reviewer), kept=False,
                                     finding="现场核查：申请人未在申报单位就业")  # fmt: skip
    assert checked.outcome == Pledge.Outcome.BREACHED
    revoked = Case.objects.get(pk=case.pk)
    assert revoked.state == State.REVOKED
    assert "承诺不实" in revoked.transitions.get(action=Action.REVOKE).reason
    with pytest.raises(Conflict):
        decisions.pledge_check(pledge_id=pledge.pk, actor=Actor.of_staff(reviewer), kept=True, finding="x")


def test_a_kept_pledge_leaves_the_decision_standing(implementation, department):
    _rule(implementation, kind=DecisionRule.Kind.PLEDGE, pledge_text=PLEDGE, check_within_days=20)
    case = case_for(implementation=implementation)
    pledge = decisions.pledge_sign(case_id=case.pk, actor=Actor.of_person(case.agent, case.user), text=PLEDGE)
    reviewer = staff_with_roles([Role.REVIEWER], department=department, mobile="13700000603")
    decisions.pledge_check(pledge_id=pledge.pk, actor=Actor.of_staff(reviewer), kept=True, finding="核查属实")
    assert Case.objects.get(pk=case.pk).state == State.APPROVED
