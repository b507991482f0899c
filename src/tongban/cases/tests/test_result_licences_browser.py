"""A reviewer approves a case in the back office and the licence the item yields appears in the applicant's
wallet, with the values of the application. axe on each page; screenshots."""

from __future__ import annotations

import pytest

from tongban.cases.services import Actor, case_act
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.conftest import axe_violations, log_in, screenshot
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles
from tongban.licenses.codes import HolderKind, ValidityKind
from tongban.licenses.tests.factories import LicenceTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELDS = [{"name": "employer", "label": "工作单位", "type": "text", "required": True, "disclosable": True}]


@pytest.fixture(autouse=True)
def _seal_kek(seal_kek):  # type: ignore[no-untyped-def]
    return seal_kek


def test_an_approval_puts_the_licence_in_the_applicants_wallet(page, client, live_server):
    department = DepartmentFactory(name="示范市人力资源和社会保障局")
    implementation = published_implementation(department=department, days=10, name="就业创业证申领")
    LicenceTypeFactory(name="就业创业证", department=department, holder_kind=HolderKind.PERSON, fields=FIELDS,
                       validity_kind=ValidityKind.OPEN_ENDED, issued_by=[implementation.item.basic_code])  # fmt: skip
    reviewer = staff_with_roles([Role.REVIEWER], department=department, mobile="13700000801")
    applicant = person_with_account(name="林晓峰")
    case = case_for(implementation=implementation, applicant=applicant, answers={"employer": "示范市明德科技有限公司"})
    for action in ("accept", "start_review"):
        case_act(case_id=case.pk, action=action, actor=Actor.of_staff(reviewer))

    log_in(page, client, live_server, reviewer.user)
    page.goto(f"/backoffice/cases/{case.number}/")
    page.get_by_role("button", name="准予", exact=True).click()
    page.wait_for_load_state()
    screenshot(page, "cases-approved-with-licence")
    assert page.get_by_text("就业创业证（").is_visible()  # the licence the approval issued, on the review page

    log_in(page, client, live_server, applicant.user)
    page.goto("/account/licences/")
    page.get_by_role("link", name="就业创业证").click()
    assert page.get_by_text("示范市明德科技有限公司").is_visible() and page.get_by_text(case.number).first.is_visible()
    assert axe_violations(page) == []
    screenshot(page, "licences-from-a-case")
