"""Back-office case pages through the test client: worklist order, review actions, refusals shown with
what was typed, other departments' cases 404, supervision notes and the escalation run."""

import datetime as dt
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from tongban.cases import selectors, services
from tongban.cases.codes import State
from tongban.cases.models import Case, DeferredMaterial, SupervisionNote
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, staff_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市市场监督管理局", name_en="Demo City Market Regulation Administration")


@pytest.fixture
def reviewer(department):
    return staff_with_roles([Role.REVIEWER], department=department, mobile="13700000301")


@pytest.fixture
def implementation(department):
    return published_implementation(department=department, days=5, name="食品经营许可")


@pytest.fixture
def accepted(implementation, reviewer):
    case = case_for(implementation=implementation)
    return services.case_accept(case_id=case.pk, actor=Actor.of_staff(reviewer))


def test_the_worklist_lists_the_departments_open_cases_nearest_due_first(client, reviewer, implementation, accepted):
    waiting = case_for(implementation=implementation)
    other = case_for()  # another department's case
    client.force_login(reviewer.user)
    page = client.get("/backoffice/cases/")
    html = page.content.decode()
    assert page.status_code == 200 and "办件审批" in html
    assert html.index(accepted.number) < html.index(waiting.number)
    assert other.number not in html
    assert "正常：剩" in html
    filtered = client.get("/backoffice/cases/?state=submitted").content.decode()
    assert waiting.number in filtered and accepted.number not in filtered


def test_the_review_page_counts_in_the_cases_unit_in_chinese_and_in_english(client, department, reviewer):
    natural = published_implementation(department=department, days=10, unit="Z", name="特种设备使用登记")
    case = services.case_accept(case_id=case_for(implementation=natural).pk, actor=Actor.of_staff(reviewer))
    Case.objects.filter(pk=case.pk).update(suspended_days=2)  # a special procedure that took two of its days
    client.force_login(reviewer.user)
    html = client.get(f"/backoffice/cases/{case.number}/").content.decode()
    assert "10 个自然日" in html and "已用 0 / 10 个自然日" in html and "正常：剩 10 个自然日" in html
    assert "特别程序 2 个自然日不计入" in html
    assert " 天" not in html and "工作日" not in html
    english = client.get(f"/backoffice/cases/{case.number}/?lang=en").content.decode()
    assert "10 calendar days" in english and "自然日" not in english


def test_a_reviewer_reviews_and_approves_and_the_timeline_shows_it(client, reviewer, accepted):
    client.force_login(reviewer.user)
    page = client.get(f"/backoffice/cases/{accepted.number}/")
    assert "开始审查" in page.content.decode()
    started = client.post(f"/backoffice/cases/{accepted.number}/act/start_review",
                          {"revision": accepted.revision}, follow=True)  # fmt: skip
    assert "已开始审查" in started.content.decode()
    case = Case.objects.get(pk=accepted.pk)
    done = client.post(f"/backoffice/cases/{case.number}/act/approve",
                       {"revision": case.revision, "reason": "经营场所符合要求"}, follow=True)  # fmt: skip
    html = done.content.decode()
    assert "已作出准予决定" in html and "经营场所符合要求" in html
    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_a_denial_without_reasons_is_refused_on_the_page_and_nothing_is_lost(client, reviewer, accepted):
    client.force_login(reviewer.user)
    services.case_start_review(case_id=accepted.pk, actor=Actor.of_staff(reviewer))
    case = Case.objects.get(pk=accepted.pk)
    refused = client.post(f"/backoffice/cases/{case.number}/act/deny", {"revision": case.revision, "reason": "  "})
    assert refused.status_code == 422
    assert "不予准予须写明理由" in refused.content.decode()
    stale = client.post(f"/backoffice/cases/{case.number}/act/deny",
                        {"revision": case.revision - 1, "reason": "场所面积不足"})  # fmt: skip
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "办件已被他人处理" in html and "场所面积不足" in html  # what was typed is still there
    assert Case.objects.get(pk=case.pk).state == State.IN_REVIEW


def test_an_action_the_state_does_not_allow_is_409_naming_the_state(client, reviewer, implementation):
    case = case_for(implementation=implementation)
    client.force_login(reviewer.user)
    refused = client.post(f"/backoffice/cases/{case.number}/act/approve", {"revision": case.revision})
    assert refused.status_code == 409 and "办件当前状态为“已提交”" in refused.content.decode()


def test_another_departments_staff_and_citizens_get_404(client, accepted):
    outsider = staff_with_roles([Role.REVIEWER], department=DepartmentFactory(), mobile="13700000302")
    client.force_login(outsider.user)
    assert client.get(f"/backoffice/cases/{accepted.number}/").status_code == 404
    assert client.post(f"/backoffice/cases/{accepted.number}/act/approve", {}).status_code == 404
    client.force_login(accepted.user)
    assert client.get(f"/backoffice/cases/{accepted.number}/").status_code == 404


def test_a_supervisor_sees_the_overdue_case_adds_a_note_and_the_department_answers(
    client, reviewer, accepted, monkeypatch
):
    Case.objects.filter(pk=accepted.pk).update(due_on=dt.date.today() - dt.timedelta(days=3))
    supervisor = staff_with_roles([Role.SUPERVISOR], mobile="13700000303")
    client.force_login(supervisor.user)
    board = client.get("/backoffice/supervision/").content.decode()
    assert accepted.number in board and "已超期" in board and "示范市市场监督管理局" in board
    sent = client.post(f"/backoffice/cases/{accepted.number}/supervise", {"note": "请说明超期原因并于两日内办结"},
                       follow=True)  # fmt: skip
    assert "督办意见已发送承办部门" in sent.content.decode()
    note = SupervisionNote.objects.get(case=accepted)
    client.force_login(reviewer.user)
    empty = client.post(f"/backoffice/cases/{accepted.number}/supervision/{note.pk}/answer", {"answer": ""})
    assert empty.status_code == 422 and "请填写答复" in empty.content.decode()
    answered = client.post(f"/backoffice/cases/{accepted.number}/supervision/{note.pk}/answer",
                           {"answer": "现场核查已完成，今日办结"}, follow=True)  # fmt: skip
    assert "已答复督办" in answered.content.decode()
    assert SupervisionNote.objects.get(pk=note.pk).answer == "现场核查已完成，今日办结"


def test_the_supervisor_sees_each_deferred_material_past_its_promised_date(client, accepted, implementation):
    """容缺: a promise not kept by its date is on the supervision board with how late it is; a supplied one, one
    not yet due and one on a withdrawn case are not."""
    today = dt.date.today()

    def defer(case, name, days, **extra):
        DeferredMaterial.objects.create(case=case, material_id=uuid.uuid4(), material_name=name, accepted_by="x",
                                        promised_by=today + dt.timedelta(days=days), **extra)  # fmt: skip

    defer(accepted, "房屋租赁合同", -4)
    defer(accepted, "婚姻状况证明", -2, supplied_at=timezone.now())
    defer(accepted, "营业执照副本", 3)
    withdrawn = case_for(implementation=implementation)
    Case.objects.filter(pk=withdrawn.pk).update(state=State.WITHDRAWN)
    defer(withdrawn, "卫生许可证", -9)
    supervisor = staff_with_roles([Role.SUPERVISOR], mobile="13700000305")
    client.force_login(supervisor.user)
    board = client.get("/backoffice/supervision/").content.decode()
    assert "容缺材料逾期未补交（1）" in board
    assert "房屋租赁合同" in board and "4 天" in board and accepted.number in board
    assert "婚姻状况证明" not in board and "营业执照副本" not in board and "卫生许可证" not in board
    other = staff_with_roles([Role.REVIEWER], department=DepartmentFactory(), mobile="13700000306")
    assert selectors.deferrals_overdue(staff=other) == []  # another department's reviewer: none of it


def test_the_daily_escalation_notes_each_overdue_case_once(accepted, capsys):
    Case.objects.filter(pk=accepted.pk).update(due_on=dt.date.today() - dt.timedelta(days=1))
    call_command("cases", "escalate")
    call_command("cases", "escalate")
    assert SupervisionNote.objects.filter(case=accepted, automatic=True).count() == 1
    assert "escalated 1" in capsys.readouterr().out


def test_the_workbench_links_reviewers_and_supervisors_to_their_pages(client, reviewer):
    client.force_login(reviewer.user)
    assert "/backoffice/cases/" in client.get("/backoffice/").content.decode()
    supervisor = staff_with_roles([Role.SUPERVISOR], mobile="13700000304")
    client.force_login(supervisor.user)
    assert "/backoffice/supervision/" in client.get("/backoffice/").content.decode()
