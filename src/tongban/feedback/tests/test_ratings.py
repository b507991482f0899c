"""好差评 on PostgreSQL: a rating once per case after its result, a 差评 opens a rectification that the
department closes with a return visit and an answer, overdue ones escalate, statistics are public."""

import datetime as dt

import pytest

from tongban.cases import services as cases
from tongban.cases.codes import Delivery
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tongban.feedback import selectors, services
from tongban.feedback.codes import RectificationStatus
from tongban.feedback.models import Rectification
from tongban.identity.models import OutboxMessage
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市医疗保障局", name_en="Demo City Healthcare Security Administration")


@pytest.fixture
def reviewer(department):
    return staff_with_roles([Role.REVIEWER, Role.CLERK], department=department, mobile="13700000501")


def delivered_case(department, reviewer, applicant=None):
    case = case_for(implementation=published_implementation(department=department, name="异地就医备案"),
                    applicant=applicant)  # fmt: skip
    actor = Actor.of_staff(reviewer)
    cases.case_accept(case_id=case.pk, actor=actor)
    cases.case_decide(case_id=case.pk, actor=actor, approve=True)
    cases.case_deliver(case_id=case.pk, actor=actor, via=Delivery.ELECTRONIC)
    return case


def test_a_good_rating_is_counted_once_and_needs_no_rectification(department, reviewer):
    case = delivered_case(department, reviewer)
    rating = services.rating_submit(user=case.user, number=case.number, score=5, reasons=["fast", "bogus"])
    assert rating.reasons == ["fast"]  # unknown reasons are dropped
    assert not Rectification.objects.exists()
    with pytest.raises(Conflict):
        services.rating_submit(user=case.user, number=case.number, score=4, reasons=[])


def test_a_case_without_a_result_cannot_be_rated_and_others_cases_are_not_found(department):
    case = case_for(implementation=published_implementation(department=department))
    with pytest.raises(Conflict):
        services.rating_submit(user=case.user, number=case.number, score=5, reasons=[])
    with pytest.raises(NotFound):
        services.rating_submit(user=person_with_account().user, number=case.number, score=5, reasons=[])


def test_a_bad_rating_needs_a_reason_and_opens_a_rectification_due_in_five_working_days(
    department, reviewer, monkeypatch
):
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 9, 30))  # before the National Day holiday
    case = delivered_case(department, reviewer)
    with pytest.raises(InvalidInput):
        services.rating_submit(user=case.user, number=case.number, score=2, reasons=[])
    rating = services.rating_submit(user=case.user, number=case.number, score=2, reasons=["slow"], comment="等了很久")
    rectification = rating.rectification
    # 1–7 October 2026 off; 8 and 9 October and the make-up Saturday 10 October worked: 8, 9, 10, 12, 13.
    assert rectification.due_on == dt.date(2026, 10, 13)
    assert rectification.status == RectificationStatus.OPEN


def test_the_department_answers_after_a_return_visit_and_the_rater_hears(
    department, reviewer, django_capture_on_commit_callbacks
):
    case = delivered_case(department, reviewer)
    rating = services.rating_submit(user=case.user, number=case.number, score=1, reasons=["repeat"])
    with pytest.raises(InvalidInput) as missing:
        services.rectification_answer(rectification_id=rating.rectification.pk, staff=reviewer, return_visit="",
                                      measures="已取消重复材料", answer="已整改")  # fmt: skip
    assert missing.value.field == "return_visit"
    outsider = staff_with_roles([Role.REVIEWER], department=DepartmentFactory(), mobile="13700000502")
    with pytest.raises(PermissionDenied):
        services.rectification_answer(rectification_id=rating.rectification.pk, staff=outsider, return_visit="x",
                                      measures="x", answer="x")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        done = services.rectification_answer(
            rectification_id=rating.rectification.pk, staff=reviewer,
            return_visit="12 月 3 日电话回访，申请人反映需重复提交户口簿",
            measures="户口簿改由户籍库共享，不再要求提交", answer="已改为共享核验，今后无需再提交户口簿。",
        )  # fmt: skip
    assert done.status == RectificationStatus.ANSWERED and done.answered_by == "赵工作"
    told = OutboxMessage.objects.filter(user=case.user, body__contains="今后无需再提交户口簿").get()
    assert case.number in told.body
    with pytest.raises(Conflict):
        services.rectification_answer(rectification_id=done.pk, staff=reviewer, return_visit="x", measures="x",
                                      answer="x")  # fmt: skip


def test_a_complex_case_gets_fifteen_working_days_once(department, reviewer):
    case = delivered_case(department, reviewer)
    rating = services.rating_submit(user=case.user, number=case.number, score=2, reasons=["visits"])
    extended = services.rectification_mark_complex(rectification_id=rating.rectification.pk, staff=reviewer)
    assert extended.complex and extended.due_on > rating.rectification.due_on
    with pytest.raises(Conflict):
        services.rectification_mark_complex(rectification_id=rating.rectification.pk, staff=reviewer)


def test_unanswered_rectifications_escalate_once(department, reviewer):
    case = delivered_case(department, reviewer)
    rating = services.rating_submit(user=case.user, number=case.number, score=1, reasons=["attitude"])
    later = rating.rectification.due_on + dt.timedelta(days=1)
    assert services.rectifications_escalate(today=later) == 1
    assert services.rectifications_escalate(today=later) == 0
    supervisor = staff_with_roles([Role.SUPERVISOR], mobile="13700000503")
    assert selectors.rectifications_for_staff(staff=supervisor).first().escalated_at is not None


def test_statistics_per_department_and_item(department, reviewer):
    for score in (5, 4, 2):
        case = delivered_case(department, reviewer)
        services.rating_submit(user=case.user, number=case.number, score=score, reasons=["slow"] if score == 2 else [])
    (row,) = selectors.ratings_by_department()
    assert (row.name, row.ratings, row.bad, row.rectified) == ("示范市医疗保障局", 3, 1, 0)
    assert row.mean == pytest.approx(11 / 3) and row.good_rate == pytest.approx(2 / 3)
    assert {r.name for r in selectors.ratings_by_item()} == {"异地就医备案"}


def test_the_escalation_command_reports_what_it_did(capsys):
    from django.core.management import call_command

    call_command("feedback", "escalate")
    assert "escalated 0" in capsys.readouterr().out


def test_the_case_page_offers_the_rating_once_there_is_a_result(client, department, reviewer):
    case = delivered_case(department, reviewer)
    client.force_login(case.user)
    assert f"/account/cases/{case.number}/rate" in client.get(f"/account/cases/{case.number}/").content.decode()
    waiting = case_for(implementation=published_implementation(department=department))
    client.force_login(waiting.user)
    assert "/rate" not in client.get(f"/account/cases/{waiting.number}/").content.decode()
