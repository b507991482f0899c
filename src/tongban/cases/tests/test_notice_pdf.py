"""The one-time correction notice (一次性告知书) is a real PDF with the Chinese text in it (pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from tongban.cases import services
from tongban.cases.codes import ActedThrough
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.conftest import ARTIFACTS
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (Debian poppler-utils)"),
]


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                         check=True)  # fmt: skip
    return re.sub(r"\s+", "", out.stdout.decode())  # CJK lines break anywhere: compare without spaces


@pytest.fixture
def issued():
    department = DepartmentFactory(name="示范市民政局")
    clerk = staff_with_roles([Role.CLERK], department=department)
    applicant = person_with_account(name="林晓峰")
    case = case_for(implementation=published_implementation(department=department, name="婚姻登记"),
                    applicant=applicant)  # fmt: skip
    services.case_request_correction(
        case_id=case.pk, actor=Actor.of_staff(clerk, ActedThrough.WINDOW),
        items=[{"material": "户口簿", "problem": "缺少原件"}, {"material": "婚姻状况证明", "problem": "已超过有效期"}],
        note="请到一楼3号窗口补交",
    )  # fmt: skip
    return case, clerk, applicant


def test_the_notice_is_a_pdf_with_everything_the_applicant_must_know(client, issued):
    case, clerk, applicant = issued
    client.force_login(clerk.user)
    response = client.get(reverse("cases:window_notice_pdf", args=[case.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF-")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "window-correction-notice.pdf").write_bytes(response.content)  # for people to look at
    text = _text(response.content)
    for expected in ("一次性告知书", "示范市民政局", case.number, "林晓峰", applicant.masked_id, "婚姻登记",
                     "1.户口簿：缺少原件", "2.婚姻状况证明：已超过有效期", "请到一楼3号窗口补交",
                     "唯一一次补正告知", "办理时限自材料补齐之日起开始计算", "窗口经办人：赵工作"):  # fmt: skip
        assert expected in text, expected
    assert applicant.id_number not in text  # the ID number masked


def test_a_reviewer_and_a_supervisor_may_read_it_too(client, issued):
    case, clerk, _ = issued
    reviewer = staff_with_roles([Role.REVIEWER], department=clerk.department)
    supervisor = staff_with_roles([Role.SUPERVISOR])
    for staff in (reviewer, supervisor):
        client.force_login(staff.user)
        assert client.get(reverse("cases:window_notice_pdf", args=[case.number])).status_code == 200
