"""The window clerk console (一窗受理) through the Django test client: search by ID number, the intake
queue, accept, refuse with reasons, the one-time correction notice, and every refusal shown, not a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tongban.cases import services
from tongban.cases.codes import ActedThrough, State
from tongban.cases.models import Case, CorrectionNotice
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.catalog.codes import MaterialSource, Necessity
from tongban.catalog.schema import MaterialSpec
from tongban.core.audit import AuditEntry
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db

MATERIALS = [
    MaterialSpec(name="居民身份证", originals=1, copies=1, source=MaterialSource.LICENCE),
    MaterialSpec(name="户口簿", originals=1, copies=1),
    MaterialSpec(name="婚姻状况证明", originals=1, necessity=Necessity.DEFERRABLE),
]


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")


@pytest.fixture
def clerk(department):
    return staff_with_roles([Role.CLERK], department=department, mobile="13700000201")


@pytest.fixture
def implementation(department):
    return published_implementation(department=department, days=5, materials=MATERIALS)


@pytest.fixture
def applicant():
    return person_with_account(name="林晓峰")


@pytest.fixture
def case(implementation, applicant):
    return case_for(implementation=implementation, applicant=applicant, answers={"phone": "13812345678"})


@pytest.fixture
def elsewhere():
    """A case of another department, of the same applicant."""
    return published_implementation(department=DepartmentFactory(name="示范市人力资源和社会保障局"))


def _login(client, staff):
    client.force_login(staff.user)
    return client


def _search(client, number):
    return client.post(reverse("cases:window"), {"id_number": number})


def _page(client, case):
    return client.get(reverse("cases:window_case", args=[case.number]))


def test_a_valid_id_number_lists_that_persons_cases_in_the_clerks_department_newest_first(
    client, clerk, implementation, applicant, elsewhere
):
    older = case_for(implementation=implementation, applicant=applicant,
                     submitted_at=timezone.now() - dt.timedelta(days=3))  # fmt: skip
    newer = case_for(implementation=implementation, applicant=applicant)
    theirs = case_for(implementation=elsewhere, applicant=applicant)
    someone_else = case_for(implementation=implementation)
    html = _search(_login(client, clerk), applicant.id_number.lower()).content.decode()  # a lower-case x is fine
    assert html.index(newer.number) < html.index(older.number)
    assert theirs.number not in html and someone_else.number not in html.split('id="queue-title"')[0]
    assert f"林晓峰（{applicant.masked_id}）在本部门的办件" in html
    assert AuditEntry.objects.filter(action="case.window_search").exists()
    assert applicant.id_number not in html.replace(f'value="{applicant.id_number.lower()}"', "")


@pytest.mark.parametrize(
    ("typed", "message"),
    [("11010519491231002", "身份证号应为18位"), ("110105194912310021", "身份证号校验位错误")],
)
def test_an_invalid_id_number_is_explained_and_kept(client, clerk, typed, message):
    response = _search(_login(client, clerk), typed)
    html = response.content.decode()
    assert response.status_code == 422
    assert message in html and f'value="{typed}"' in html and 'aria-invalid="true"' in html


def test_the_invalid_id_number_message_is_in_english_in_english(client, clerk):
    response = _login(client, clerk).post(reverse("cases:window") + "?lang=en", {"id_number": "110105194912310021"})
    html = response.content.decode()
    assert "The check digit of the ID number is wrong" in html


def test_an_id_number_with_no_cases_here_says_so(client, clerk, elsewhere, applicant):
    case_for(implementation=elsewhere, applicant=applicant)
    html = _search(_login(client, clerk), applicant.id_number).content.decode()
    assert "该身份证号在本部门没有办件" in html


def test_the_intake_queue_lists_submitted_cases_oldest_first_and_only_this_departments(
    client, clerk, implementation, elsewhere
):
    first = case_for(implementation=implementation, submitted_at=timezone.now() - dt.timedelta(hours=5))
    second = case_for(implementation=implementation, submitted_at=timezone.now() - dt.timedelta(hours=1))
    accepted = case_for(implementation=implementation)
    services.case_accept(case_id=accepted.pk, actor=Actor.of_staff(clerk, ActedThrough.WINDOW))
    other = case_for(implementation=elsewhere)
    html = _login(client, clerk).get(reverse("cases:window")).content.decode()
    assert "待受理（2）" in html
    assert html.index(first.number) < html.index(second.number)
    assert accepted.number not in html and other.number not in html


def test_the_window_is_for_clerks_only(client, department, case):
    reviewer = staff_with_roles([Role.REVIEWER], department=department)
    _login(client, reviewer)
    assert client.get(reverse("cases:window")).status_code == 404
    assert _page(client, case).status_code == 404
    assert client.post(reverse("cases:window_accept", args=[case.number])).status_code == 404


def test_another_departments_case_is_not_found(client, clerk, elsewhere):
    theirs = case_for(implementation=elsewhere)
    _login(client, clerk)
    assert _page(client, theirs).status_code == 404
    assert client.post(reverse("cases:window_accept", args=[theirs.number]), {"revision": "0"}).status_code == 404
    assert Case.objects.get(pk=theirs.pk).state == State.SUBMITTED


def test_the_intake_page_shows_the_answers_and_the_material_checklist(client, clerk, case):
    html = _page(_login(client, clerk), case).content.decode()
    assert "13812345678" in html and "联系电话" in html
    for name in ("居民身份证", "户口簿", "婚姻状况证明"):
        assert name in html
    assert "容缺" in html and "必要" in html and "免提交" in html
    assert html.count('name="material"') == 3
    assert f'name="revision" value="{case.revision}"' in html


def test_accepting_starts_the_clock_and_says_when_it_is_due(client, clerk, case):
    response = _login(client, clerk).post(
        reverse("cases:window_accept", args=[case.number]), {"revision": str(case.revision)}, follow=True
    )
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and case.due_on is not None
    assert f"已受理，办结期限为 {case.due_on.isoformat()}" in response.content.decode()
    assert case.transitions.order_by("-seq").first().channel == ActedThrough.WINDOW


def test_refusing_without_a_reason_is_explained_and_keeps_nothing_lost(client, clerk, case):
    _login(client, clerk)
    response = client.post(reverse("cases:window_reject", args=[case.number]), {"revision": "0", "reason": "  "})
    assert response.status_code == 422
    assert "请写明不予受理的理由" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED


def test_refusing_with_a_reason(client, clerk, case):
    response = _login(client, clerk).post(
        reverse("cases:window_reject", args=[case.number]),
        {"revision": "0", "reason": "申请事项不属于本部门职权范围"}, follow=True,
    )  # fmt: skip
    assert Case.objects.get(pk=case.pk).state == State.REJECTED_AT_INTAKE
    html = response.content.decode()
    assert "已作出不予受理决定" in html and "申请事项不属于本部门职权范围" in html
    assert 'action="/window/cases/' not in html.split('id="timeline-title"')[0].split("材料核验")[1]


def test_a_stale_page_gets_the_conflict_message_and_keeps_the_reason(client, clerk, case, applicant):
    actor = Actor.of_staff(clerk, ActedThrough.WINDOW)
    services.case_request_correction(case_id=case.pk, actor=actor, items=[{"material": "户口簿", "problem": "缺原件"}])
    services.case_correct(case_id=case.pk, actor=Actor.of_person(applicant, applicant.user))  # back to intake
    response = _login(client, clerk).post(
        reverse("cases:window_reject", args=[case.number]), {"revision": "0", "reason": "材料不符合法定形式"}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "办件已被他人处理" in html and "请刷新后再办理" in html
    assert "材料不符合法定形式</textarea>" in html
    assert f'name="revision" value="{Case.objects.get(pk=case.pk).revision}"' in html  # the page as it is now


def test_the_correction_notice_lists_every_ticked_material_and_links_to_its_pdf(client, clerk, case):
    response = _login(client, clerk).post(
        reverse("cases:window_correction", args=[case.number]),
        {"revision": "0", "material": ["1", "2"], "problem-1": "缺少原件", "problem-2": "已超过有效期",
         "note": "请于工作日到一楼3号窗口补交"},
        follow=True,
    )  # fmt: skip
    notice = CorrectionNotice.objects.get(case=case)
    assert notice.items == [{"material": "户口簿", "problem": "缺少原件"},
                            {"material": "婚姻状况证明", "problem": "已超过有效期"}]  # fmt: skip
    assert notice.note == "请于工作日到一楼3号窗口补交" and notice.issued_by == "赵工作"
    assert Case.objects.get(pk=case.pk).state == State.CORRECTION_REQUESTED
    html = response.content.decode()
    assert "已出具一次性告知书" in html
    assert reverse("cases:window_notice_pdf", args=[case.number]) in html


def test_a_ticked_material_needs_its_problem_and_what_was_typed_is_kept(client, clerk, case):
    response = _login(client, clerk).post(
        reverse("cases:window_correction", args=[case.number]),
        {"revision": "0", "material": ["0", "1"], "problem-0": "证件已过期", "note": "补交说明"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "请写明“户口簿”缺少或有误的情况" in html and 'href="#problem-1"' in html
    assert 'value="证件已过期"' in html and "补交说明</textarea>" in html
    assert html.count("checked") == 2
    assert not CorrectionNotice.objects.exists()


def test_no_ticked_material_is_explained(client, clerk, case):
    response = _login(client, clerk).post(reverse("cases:window_correction", args=[case.number]), {"revision": "0"})
    assert response.status_code == 422 and "请列出需要补正的材料" in response.content.decode()


def test_a_second_correction_notice_is_refused_with_a_message(client, clerk, case, applicant):
    actor = Actor.of_staff(clerk, ActedThrough.WINDOW)
    services.case_request_correction(case_id=case.pk, actor=actor, items=[{"material": "户口簿", "problem": "缺原件"}])
    services.case_correct(case_id=case.pk, actor=Actor.of_person(applicant, applicant.user))
    case.refresh_from_db()
    _login(client, clerk)
    page = _page(client, case).content.decode()
    assert "本办件已出具过一次性告知书" in page and 'name="material"' not in page  # no second checklist offered
    response = client.post(
        reverse("cases:window_correction", args=[case.number]),
        {"revision": str(case.revision), "material": ["0"], "problem-0": "复印件不清晰"},
    )
    assert response.status_code == 409
    assert "本办件已出具过一次性告知书，不能再次要求补正" in response.content.decode()
    assert CorrectionNotice.objects.get(case=case).items == [{"material": "户口簿", "problem": "缺原件"}]


def test_an_action_that_no_longer_applies_names_the_state(client, clerk, case):
    accepted = services.case_accept(case_id=case.pk, actor=Actor.of_staff(clerk, ActedThrough.WINDOW))
    # The page is current (a reload after the acceptance) but the move no longer applies.
    response = _login(client, clerk).post(
        reverse("cases:window_accept", args=[case.number]), {"revision": str(accepted.revision)}
    )
    assert response.status_code == 409
    assert "办件当前状态为“已受理”，不能受理" in response.content.decode()


def test_a_stale_page_reads_as_a_conflict(client, clerk, case):
    services.case_accept(case_id=case.pk, actor=Actor.of_staff(clerk, ActedThrough.WINDOW))
    response = _login(client, clerk).post(reverse("cases:window_accept", args=[case.number]), {"revision": "0"})
    assert response.status_code == 409 and "办件已被他人处理" in response.content.decode()


def test_the_notice_pdf_is_not_found_for_outsiders_or_without_a_notice(client, clerk, case, elsewhere):
    url = reverse("cases:window_notice_pdf", args=[case.number])
    _login(client, clerk)
    assert client.get(url).status_code == 404  # no notice yet
    services.case_request_correction(case_id=case.pk, actor=Actor.of_staff(clerk, ActedThrough.WINDOW),
                                     items=[{"material": "户口簿", "problem": "缺原件"}])  # fmt: skip
    outsider = staff_with_roles([Role.CLERK, Role.REVIEWER], department=elsewhere.department)
    _login(client, outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    citizen = person_with_account()
    client.force_login(citizen.user)
    assert client.get(url).status_code == 404
