"""An approval issues the item's licence into the applicant's wallet (issue 6 part 2); a revoked decision
revokes it; an approval whose licence cannot be filled is refused with the reason and changes nothing."""

from __future__ import annotations

import pytest

from tongban.cases import results
from tongban.cases.codes import State
from tongban.cases.models import Case
from tongban.cases.services import Actor, case_act
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.core.errors import InvalidInput
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, staff_with_roles
from tongban.licenses import selectors as licences
from tongban.licenses.codes import HolderKind, LicenceState, ValidityKind
from tongban.licenses.sdjwt import VerifyPolicy
from tongban.licenses.tests.factories import LicenceTypeFactory

pytestmark = pytest.mark.django_db

FIELDS = [
    {"name": "holder", "label": "持证人", "type": "text", "required": True, "disclosable": True, "from": "full_name"},
    {"name": "employer", "label": "工作单位", "type": "text", "required": True, "disclosable": True},
    {"name": "note", "label": "备注", "type": "text", "required": False, "disclosable": True},
]


@pytest.fixture(autouse=True)
def _seal_kek(seal_kek):  # type: ignore[no-untyped-def]
    return seal_kek


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市人力资源和社会保障局")


@pytest.fixture
def implementation(department):
    return published_implementation(department=department, days=10, name="就业创业证申领")


@pytest.fixture
def licence_type(department, implementation):
    return LicenceTypeFactory(name="就业创业证", department=department, holder_kind=HolderKind.PERSON, fields=FIELDS,
                              validity_kind=ValidityKind.OPEN_ENDED, satisfies=["就业创业证"],
                              issued_by=[implementation.item.basic_code])  # fmt: skip


@pytest.fixture
def reviewer(department):
    return Actor.of_staff(staff_with_roles([Role.REVIEWER], department=department, mobile="13700000501"))


def _in_review(case: Case, reviewer: Actor) -> Case:
    for action in ("accept", "start_review"):
        case_act(case_id=case.pk, action=action, actor=reviewer)
    return Case.objects.get(pk=case.pk)


def _approve(case: Case, reviewer: Actor) -> Case:
    case_act(case_id=case.pk, action="approve", actor=reviewer, reason="符合条件")
    return Case.objects.get(pk=case.pk)


def test_approval_issues_the_licence_to_the_applicant_with_the_applications_values(
    implementation, licence_type, reviewer
):
    case = _in_review(case_for(implementation=implementation, answers={"full_name": "王小明",
                                                                          "employer": "示范市明德科技有限公司"}),
                      reviewer)  # fmt: skip
    case = _approve(case, reviewer)
    [licence] = results.case_licences(case=case)
    assert licence.holder_person_id == case.agent_id and licence.number == case.number
    assert licence.fields == {"holder": "王小明", "employer": "示范市明德科技有限公司"}
    assert licence.source == f"case:{case.number}" and licence.state == LicenceState.ISSUED
    assert list(licences.licence_list_for_holder(holder=case.agent)) == [licence]
    result = licences.licence_verify(presentation=licence.token, policy=VerifyPolicy(require_key_binding=False))
    assert result.valid and result.claims["employer"] == "示范市明德科技有限公司"


def test_revoking_the_decision_revokes_the_licence(implementation, licence_type, reviewer):
    case = _approve(_in_review(case_for(implementation=implementation, answers={"full_name": "王小明",
                                                                                "employer": "某单位"}), reviewer),
                    reviewer)  # fmt: skip
    case_act(case_id=case.pk, action="revoke", actor=reviewer, reason="核查发现承诺不实")
    [licence] = results.case_licences(case=case)
    assert licence.state == LicenceState.REVOKED
    result = licences.licence_verify(presentation=licence.token, policy=VerifyPolicy(require_key_binding=False))
    assert result.outcome == "revoked"


def test_an_approval_whose_licence_lacks_a_field_is_refused_and_changes_nothing(implementation, licence_type, reviewer):
    case = _in_review(case_for(implementation=implementation, answers={"full_name": "王小明"}), reviewer)
    with pytest.raises(InvalidInput) as refused:
        _approve(case, reviewer)
    assert "工作单位" in refused.value.message_zh
    case.refresh_from_db()
    assert case.state == State.IN_REVIEW and results.case_licences(case=case) == []


def test_items_that_yield_no_licence_and_denials_issue_nothing(department, licence_type, reviewer):
    other = published_implementation(department=department, days=5, name="失业登记")
    case = _approve(_in_review(case_for(implementation=other), reviewer), reviewer)
    assert case.state == State.APPROVED and results.case_licences(case=case) == []
    yielding = licence_type.issued_by[0]
    denied = _in_review(case_for(implementation=published_implementation(department=department, days=5,
                                                                          basic_code=yielding)), reviewer)  # fmt: skip
    case_act(case_id=denied.pk, action="deny", actor=reviewer, reason="不符合条件")
    assert results.case_licences(case=denied) == []
