"""The decision document (决定书) of an approval or a denial is a real PDF with the Chinese text in it
(pdftotext), for the applicant and the handling department only; a denial tells how to seek remedy."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from tongban.cases import services
from tongban.cases.codes import Action, Delivery
from tongban.cases.models import Case
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for
from tongban.catalog.codes import ItemType
from tongban.catalog.models import Implementation
from tongban.catalog.services import catalog_import_items
from tongban.catalog.tests.factories import item_spec
from tongban.conftest import ARTIFACTS
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (Debian poppler-utils)"),
]

BASIS = "《中华人民共和国食品安全法》第三十五条"


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                         check=True)  # fmt: skip
    return re.sub(r"\s+", "", out.stdout.decode())  # CJK lines break anywhere: compare without spaces


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市市场监督管理局")


@pytest.fixture
def reviewer(department):
    return staff_with_roles([Role.REVIEWER], department=department, mobile="13700000401")


@pytest.fixture
def spec(department):
    return item_spec(department=department, name="食品经营许可", item_type=ItemType.LICENSING, legal_basis=[BASIS],
                     result="食品经营许可证")  # fmt: skip


@pytest.fixture
def applicant():
    return person_with_account(name="林晓峰")


@pytest.fixture
def in_review(spec, reviewer, applicant):
    report = catalog_import_items(specs=[spec], publish=True)
    implementation = Implementation.objects.select_related("item", "department").get(code=report.published[0])
    case = case_for(implementation=implementation, applicant=applicant)
    for action in (Action.ACCEPT, Action.START_REVIEW):
        services.case_act(case_id=case.pk, action=action, actor=Actor.of_staff(reviewer))
    return case


def _decide(case: Case, reviewer, action: str, reason: str) -> Case:
    return services.case_act(case_id=case.pk, action=action, actor=Actor.of_staff(reviewer), reason=reason)


def _applicant_pdf(client, applicant, case):
    client.force_login(applicant.user)
    return client.get(reverse("cases:applicant_decision_pdf", args=[case.number]))


def test_an_approval_is_a_pdf_with_the_case_the_decision_and_its_legal_basis(client, in_review, reviewer, applicant):
    _decide(in_review, reviewer, Action.APPROVE, "经营场所、设备设施符合要求")
    response = _applicant_pdf(client, applicant, in_review)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline") and response["Cache-Control"] == "private, no-store"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "decision-approved.pdf").write_bytes(response.content)  # for people to look at
    text = _text(response.content)
    today = timezone.localdate()
    for expected in ("准予行政许可决定书", in_review.number, "林晓峰", applicant.masked_id, "食品经营许可",
                     "示范市市场监督管理局", "经审查，符合法定条件、标准", f"根据{BASIS}的规定",
                     "本机关决定准予行政许可", "经营场所、设备设施符合要求", "办理结果食品经营许可证", "审批：赵工作",
                     f"{today.year}年{today.month}月{today.day}日"):  # fmt: skip
        assert expected in text, expected
    assert "行政复议" not in text  # remedies are told with a denial
    assert applicant.id_number not in text


def test_a_denial_gives_its_reasons_and_how_to_seek_remedy(client, in_review, reviewer, applicant):
    _decide(in_review, reviewer, Action.DENY, "经营场所面积不足，不符合食品经营场所要求")
    # still served once the result is delivered
    services.case_act(case_id=in_review.pk, action=Action.DELIVER, actor=Actor.of_staff(reviewer),
                      via=Delivery.ELECTRONIC)  # fmt: skip
    response = _applicant_pdf(client, applicant, in_review)
    assert response.status_code == 200
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "decision-denied.pdf").write_bytes(response.content)
    text = _text(response.content)
    for expected in ("不予行政许可决定书", in_review.number, "林晓峰", "食品经营许可", "示范市市场监督管理局",
                     "本机关决定不予行政许可", "不予行政许可的理由", "经营场所面积不足，不符合食品经营场所要求", BASIS,
                     "《中华人民共和国行政许可法》第三十八条第二款", "如不服本决定",
                     "自收到本决定书之日起六十日内依法申请行政复议",
                     "自收到本决定书之日起六个月内依法向人民法院提起行政诉讼"):  # fmt: skip
        assert expected in text, expected


def test_the_legal_basis_is_the_guides_of_the_day_of_the_decision(client, in_review, reviewer, applicant, spec):
    _decide(in_review, reviewer, Action.APPROVE, "")
    revised = spec.model_copy(update={"legal_basis": ["《示范市食品经营管理办法》第八条"]})
    catalog_import_items(specs=[revised], publish=True)  # the guide revised after the decision
    text = _text(_applicant_pdf(client, applicant, in_review).content)
    assert BASIS in text and "示范市食品经营管理办法" not in text


def test_a_revoked_approval_says_so_on_the_document(client, in_review, reviewer, applicant):
    _decide(in_review, reviewer, Action.APPROVE, "")
    services.case_act(case_id=in_review.pk, action=Action.REVOKE, actor=Actor.of_staff(reviewer),
                      reason="申请人隐瞒有关情况")  # fmt: skip
    text = _text(_applicant_pdf(client, applicant, in_review).content)
    assert "本决定已于" in text and "撤销。撤销理由：申请人隐瞒有关情况" in text


def test_the_department_reads_it_from_the_review_page(client, in_review, reviewer):
    client.force_login(reviewer.user)
    review = reverse("cases:review", args=[in_review.number])
    url = reverse("cases:decision_pdf", args=[in_review.number])
    assert url not in client.get(review).content.decode()  # nothing decided yet
    assert client.get(url).status_code == 404
    _decide(in_review, reviewer, Action.DENY, "不符合条件")
    assert url in client.get(review).content.decode()
    clerk = staff_with_roles([Role.CLERK], department=reviewer.department, mobile="13700000402")
    client.force_login(clerk.user)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_nobody_else_gets_it(client, in_review, reviewer, applicant):
    _decide(in_review, reviewer, Action.APPROVE, "")
    other_clerk = staff_with_roles([Role.CLERK, Role.REVIEWER], department=DepartmentFactory(), mobile="13700000403")
    supervisor = staff_with_roles([Role.SUPERVISOR], mobile="13700000404")
    for staff in (other_clerk, supervisor):  # a supervisor watches the clock; the decision is the department's
        client.force_login(staff.user)
        assert client.get(reverse("cases:decision_pdf", args=[in_review.number])).status_code == 404
    assert _applicant_pdf(client, person_with_account(), in_review).status_code == 404  # another citizen
    client.force_login(other_clerk.user)
    assert client.get(reverse("cases:applicant_decision_pdf", args=[in_review.number])).status_code == 404
    client.logout()
    anonymous = client.get(reverse("cases:applicant_decision_pdf", args=[in_review.number]))
    assert anonymous.status_code == 302  # to the login page


def test_the_applicants_case_page_links_it_once_decided(client, in_review, reviewer, applicant):
    client.force_login(applicant.user)
    page = reverse("cases:applicant_case", args=[in_review.number])
    url = reverse("cases:applicant_decision_pdf", args=[in_review.number])
    assert url not in client.get(page).content.decode()
    assert client.get(url).status_code == 404
    _decide(in_review, reviewer, Action.APPROVE, "")
    assert url in client.get(page).content.decode()
