"""A case's materials at the window and on the applicant's page: the files the reviewer opens (audited, only
within the department), the guide the application was made under, 容缺受理 with a dated promise the applicant
keeps online, and uploads while a correction notice is open — each refusal said, nothing else lost."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tongban.cases import services
from tongban.cases.codes import ActedThrough, State
from tongban.cases.materials import Deferral
from tongban.cases.models import DeferredMaterial
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.catalog.codes import MaterialSource, Necessity
from tongban.catalog.schema import MaterialSpec
from tongban.catalog.selectors import guide_published
from tongban.catalog.services import catalog_import_items
from tongban.catalog.tests.factories import item_spec
from tongban.core.audit import AuditEntry
from tongban.core.errors import Conflict, InvalidInput
from tongban.forms.materials import submission_attachment_add
from tongban.forms.tests import uploads
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db

MATERIALS = [
    MaterialSpec(name="居民身份证", source=MaterialSource.LICENCE),
    MaterialSpec(name="房屋租赁合同", necessity=Necessity.REQUIRED),
    MaterialSpec(name="婚姻状况证明", necessity=Necessity.DEFERRABLE),
]


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")


@pytest.fixture
def clerk(department):
    return staff_with_roles([Role.CLERK], department=department)


@pytest.fixture
def applicant():
    return person_with_account(name="林晓峰")


@pytest.fixture
def case(department, applicant):
    implementation = published_implementation(department=department, materials=MATERIALS)
    return case_for(implementation=implementation, applicant=applicant, guide=guide_published(implementation))


def _material(case, name: str):  # type: ignore[no-untyped-def]
    return case.submission.guide.materials.get(name=name)


def _attach(case, name: str, data: bytes, filename: str = "合同.pdf"):  # type: ignore[no-untyped-def]
    return submission_attachment_add(
        user=case.user, submission=case.submission, material_id=_material(case, name).pk,
        stream=io.BytesIO(data), filename=filename, size=len(data),
    )  # fmt: skip


def _supply(case, applicant, name: str, data: bytes, filename: str = "证明.pdf"):  # type: ignore[no-untyped-def]
    return services.case_material_supply(
        case_id=case.pk, actor=Actor.of_person(applicant, applicant.user), material_id=_material(case, name).pk,
        stream=io.BytesIO(data), filename=filename, size=len(data),
    )  # fmt: skip


def _state_of(case) -> str:  # type: ignore[no-untyped-def]
    case.refresh_from_db()
    return case.state


def _window(clerk) -> Actor:  # type: ignore[no-untyped-def]
    return Actor.of_staff(clerk, ActedThrough.WINDOW)


# --- the window -------------------------------------------------------------------------------------------


def test_the_clerk_sees_the_uploaded_file_and_opening_it_is_audited(client, case, clerk):
    attachment = _attach(case, "房屋租赁合同", uploads.pdf(2))
    client.force_login(clerk.user)
    page = client.get(reverse("cases:window_case", args=[case.number])).content.decode()
    link = reverse("cases:case_file", args=[case.number, attachment.pk])
    assert link in page and "合同.pdf" in page and "免提交" in page
    served = client.get(link)
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    used = AuditEntry.objects.filter(action="material.viewed").get()
    assert used.actor == f"staff:{clerk.pk}" and used.data["material"] == "房屋租赁合同"


def test_a_clerk_of_another_department_and_the_wrong_case_number_get_404_for_a_file(client, case, clerk):
    attachment = _attach(case, "房屋租赁合同", uploads.pdf())
    other = case_for(implementation=case.implementation)
    client.force_login(staff_with_roles([Role.CLERK], department=DepartmentFactory()).user)
    assert client.get(reverse("cases:case_file", args=[case.number, attachment.pk])).status_code == 404
    client.force_login(clerk.user)
    assert client.get(reverse("cases:case_file", args=[other.number, attachment.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="material.viewed").exists()


def test_the_checklist_is_the_guide_the_application_was_made_under(client, case, clerk, department):
    spec = item_spec(
        department=department, basic_code=case.implementation.item.basic_code, name=case.implementation.item.name,
        materials=[MaterialSpec(name="新增的证明材料")],
    )  # fmt: skip
    catalog_import_items(specs=[spec], publish=True)
    client.force_login(clerk.user)
    page = client.get(reverse("cases:window_case", args=[case.number])).content.decode()
    assert "房屋租赁合同" in page and "新增的证明材料" not in page


# --- 容缺受理 ---------------------------------------------------------------------------------------------


def test_a_deferrable_material_is_accepted_missing_with_a_dated_promise(case, clerk):
    promised = timezone.localdate() + dt.timedelta(days=10)
    material = _material(case, "婚姻状况证明")
    services.case_accept(
        case_id=case.pk, actor=_window(clerk), deferred=[Deferral(material_id=str(material.pk), promised_by=promised)]
    )
    deferred = DeferredMaterial.objects.get()
    assert (deferred.material_name, deferred.promised_by, deferred.supplied_at) == ("婚姻状况证明", promised, None)
    moved = case.transitions.get(action="accept")
    assert moved.data["deferred"] == [{"material": "婚姻状况证明", "promised_by": promised.isoformat()}]


def test_a_required_material_cannot_be_deferred_and_the_case_stays_at_intake(case, clerk):
    material = _material(case, "房屋租赁合同")
    promised = timezone.localdate() + dt.timedelta(days=5)
    with pytest.raises(InvalidInput, match="是必要材料，不能容缺受理"):
        services.case_accept(case_id=case.pk, actor=_window(clerk), deferred=[Deferral(str(material.pk), promised)])
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and not DeferredMaterial.objects.exists()


@pytest.mark.parametrize("days", [None, 0, -1, 61])
def test_a_deferral_needs_a_date_after_today_and_within_sixty_days(case, clerk, days):
    promised = None if days is None else timezone.localdate() + dt.timedelta(days=days)
    material = _material(case, "婚姻状况证明")
    with pytest.raises(InvalidInput, match="补交期限"):
        services.case_accept(case_id=case.pk, actor=_window(clerk), deferred=[Deferral(str(material.pk), promised)])
    assert _state_of(case) == State.SUBMITTED


def test_the_window_page_defers_and_a_wrong_date_is_said_with_the_ticks_kept(client, case, clerk):
    material = _material(case, "婚姻状况证明")
    client.force_login(clerk.user)
    url = reverse("cases:window_accept", args=[case.number])
    answer = client.post(url, {"revision": case.revision, "defer": str(material.pk), f"promise-{material.pk}": "明天"})
    assert answer.status_code == 422
    body = answer.content.decode()
    assert (
        "请为“婚姻状况证明”填写补交期限" in body and f'value="{material.pk}" id="defer-{material.pk}" checked' in body
    )
    promised = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    answer = client.post(
        url, {"revision": case.revision, "defer": str(material.pk), f"promise-{material.pk}": promised}
    )
    assert answer.status_code == 302 and _state_of(case) == State.ACCEPTED
    assert (
        f"容缺受理，承诺 {promised} 前补交"
        in client.get(reverse("cases:window_case", args=[case.number])).content.decode()
    )


def test_the_applicant_keeps_the_promise_online_and_only_for_that_material(case, clerk, applicant):
    material = _material(case, "婚姻状况证明")
    services.case_accept(
        case_id=case.pk, actor=_window(clerk),
        deferred=[Deferral(str(material.pk), timezone.localdate() + dt.timedelta(days=3))],
    )  # fmt: skip
    with pytest.raises(Conflict, match="不需要补交这项材料"):
        _supply(case, applicant, "房屋租赁合同", uploads.pdf())
    attachment = _supply(case, applicant, "婚姻状况证明", uploads.jpeg(), "证明.jpg")
    assert DeferredMaterial.objects.get().supplied_at is not None
    assert attachment.submission_id == case.submission_id
    assert AuditEntry.objects.filter(action="case.material_supplied", object_id=case.number).exists()


def test_someone_else_cannot_supply_a_material_to_the_case(case, clerk):
    services.case_request_correction(
        case_id=case.pk, actor=_window(clerk), items=[{"material": "房屋租赁合同", "problem": "缺少"}]
    )
    stranger = person_with_account(name="王芳")
    with pytest.raises(Exception, match="只有申请人可以补交材料"):
        _supply(case, stranger, "房屋租赁合同", uploads.pdf())


# --- correction: upload on the case page -----------------------------------------------------------------


def _post_file(client, case, name: str, data: bytes, filename: str):  # type: ignore[no-untyped-def]
    upload = io.BytesIO(data)
    upload.name = filename
    return client.post(
        reverse("cases:applicant_case_material", args=[case.number]),
        {"material": str(_material(case, name).pk), "file": upload},
    )


def test_while_the_notice_is_open_the_applicant_uploads_the_missing_material(client, case, clerk, applicant):
    services.case_request_correction(
        case_id=case.pk, actor=_window(clerk), items=[{"material": "房屋租赁合同", "problem": "缺少"}]
    )
    client.force_login(applicant.user)
    page = client.get(reverse("cases:applicant_case", args=[case.number])).content.decode()
    assert 'name="file"' in page
    assert _post_file(client, case, "房屋租赁合同", uploads.pdf(), "合同.pdf").status_code == 302
    assert "合同.pdf" in client.get(reverse("cases:applicant_case", args=[case.number])).content.decode()


def test_a_bad_file_on_the_case_page_is_named_and_the_case_is_unchanged(client, case, clerk, applicant, settings):
    services.case_request_correction(
        case_id=case.pk, actor=_window(clerk), items=[{"material": "房屋租赁合同", "problem": "缺少"}]
    )
    client.force_login(applicant.user)
    answer = _post_file(client, case, "房屋租赁合同", uploads.windows_exe(), "合同.pdf")
    assert answer.status_code == 422 and "“合同.pdf”不是 PDF、JPG、PNG 或 OFD 文件" in answer.content.decode()
    settings.UPLOAD_MAX_BYTES = 100 * 1024
    answer = _post_file(client, case, "房屋租赁合同", b"%PDF-1.7\n" + b"0" * 300 * 1024, "大.pdf")
    assert answer.status_code == 422 and "“大.pdf”超过 100 KB" in answer.content.decode()
    assert not case.submission.attachments.exists() and _state_of(case) == State.CORRECTION_REQUESTED


def test_no_upload_form_when_nothing_is_awaited_and_a_post_is_a_conflict(client, case, applicant):
    client.force_login(applicant.user)
    assert 'name="file"' not in client.get(reverse("cases:applicant_case", args=[case.number])).content.decode()
    assert _post_file(client, case, "房屋租赁合同", uploads.pdf(), "合同.pdf").status_code == 409


def test_another_citizen_posting_to_the_case_gets_404(client, case):
    client.force_login(person_with_account(name="王芳").user)
    assert _post_file(client, case, "房屋租赁合同", uploads.pdf(), "合同.pdf").status_code == 404


def test_the_reviewer_sees_the_files_on_the_review_page_and_opens_them(client, case, department, clerk):
    attachment = _attach(case, "房屋租赁合同", uploads.pdf(3))
    services.case_accept(case_id=case.pk, actor=_window(clerk))
    reviewer = staff_with_roles([Role.REVIEWER], department=department)
    client.force_login(reviewer.user)
    page = client.get(reverse("cases:review", args=[case.number])).content.decode()
    link = reverse("cases:case_file", args=[case.number, attachment.pk])
    assert "申请材料" in page and link in page and "3 页" in page
    assert client.get(link).status_code == 200
    assert AuditEntry.objects.filter(action="material.viewed", actor=f"staff:{reviewer.pk}").exists()


def test_a_promise_past_its_date_is_told_once_to_the_applicant_and_the_department(
    case, clerk, applicant, django_capture_on_commit_callbacks
):
    from tongban.cases.models import SupervisionNote
    from tongban.identity.models import OutboxMessage

    material = _material(case, "婚姻状况证明")
    accepted_on = timezone.localdate()
    services.case_accept(
        case_id=case.pk, actor=_window(clerk), deferred=[Deferral(str(material.pk), accepted_on + dt.timedelta(days=2))]
    )
    assert services.deferred_materials_remind(today=accepted_on + dt.timedelta(days=2)) == 0  # the day itself is fine
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deferred_materials_remind(today=accepted_on + dt.timedelta(days=3)) == 1
    assert services.deferred_materials_remind(today=accepted_on + dt.timedelta(days=4)) == 0  # once
    told = OutboxMessage.objects.filter(user=applicant.user, body__contains="婚姻状况证明")
    assert told.count() == 1 and "尚未提交" in told.get().body
    assert SupervisionNote.objects.filter(case=case, automatic=True, note__contains="容缺材料").count() == 1


def test_a_kept_promise_is_not_chased(case, clerk, applicant):
    material = _material(case, "婚姻状况证明")
    services.case_accept(
        case_id=case.pk, actor=_window(clerk),
        deferred=[Deferral(str(material.pk), timezone.localdate() + dt.timedelta(days=2))],
    )  # fmt: skip
    _supply(case, applicant, "婚姻状况证明", uploads.png(), "证明.png")
    assert services.deferred_materials_remind(today=timezone.localdate() + dt.timedelta(days=10)) == 0
