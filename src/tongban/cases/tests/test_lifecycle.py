"""Cases through their lifecycle on PostgreSQL: intake, the one correction notice, review, suspension,
decision, delivery; refusals name the current state; stale decisions conflict; the applicant hears."""

import datetime as dt

import pytest

from tongban.cases import selectors, services
from tongban.cases.codes import ActedThrough, Action, ClockColour, Delivery, State, SuspensionKind
from tongban.cases.models import Case, Transition
from tongban.cases.services import Actor, TransitionRefused
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.catalog.codes import CaseType, LimitUnit
from tongban.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tongban.identity.models import OutboxMessage
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")


@pytest.fixture
def clerk(department):
    return staff_with_roles([Role.CLERK], department=department, mobile="13700000101")


@pytest.fixture
def reviewer(department):
    return staff_with_roles([Role.REVIEWER], department=department, mobile="13700000102")


@pytest.fixture
def implementation(department):
    return published_implementation(department=department, days=5)


@pytest.fixture
def today(monkeypatch):
    """Pin the service's calendar day (2025-09-30, the eve of the National Day holiday)."""
    day = [dt.date(2025, 9, 30)]
    monkeypatch.setattr(services, "_today", lambda: day[0])
    return day


def _staff(staff, channel=ActedThrough.BACKOFFICE):
    return Actor.of_staff(staff, channel)


def test_a_submission_opens_one_case_with_the_guides_limit_and_a_lookup_code(implementation):
    case = case_for(implementation=implementation)
    assert case.state == State.SUBMITTED and case.number.startswith("SQ")
    assert (case.limit_days, case.limit_unit, case.case_type) == (5, LimitUnit.WORKING_DAYS, CaseType.COMMITTED)
    assert len(case.lookup_code) == 6 and case.lookup_code.isdigit()
    assert services.case_open(submission=case.submission) == case  # a retry opens nothing twice
    assert Case.objects.count() == 1
    first = case.transitions.get()
    assert (first.seq, first.action, first.to_state) == (0, Action.SUBMIT, State.SUBMITTED)


def test_acceptance_starts_the_clock_across_the_national_day_holiday_and_its_make_up_saturday(
    implementation, clerk, today
):
    case = case_for(implementation=implementation)
    case = services.case_accept(case_id=case.pk, actor=_staff(clerk, ActedThrough.WINDOW))
    # 2025: 1–8 October off; Saturday 11 October worked. Five working days after 30 September:
    # 9, 10, 11 (Saturday), 13, 14 October.
    assert (case.accepted_on, case.due_on) == (dt.date(2025, 9, 30), dt.date(2025, 10, 14))
    moved = case.transitions.order_by("-seq").first()
    assert (moved.action, moved.channel, moved.actor_name) == (Action.ACCEPT, ActedThrough.WINDOW, "赵工作")
    assert selectors.case_clock(case=case, today=dt.date(2025, 10, 8)).colour == ClockColour.GREEN
    assert selectors.case_clock(case=case, today=dt.date(2025, 10, 13)).colour == ClockColour.YELLOW  # 4 of 5
    assert selectors.case_clock(case=case, today=dt.date(2025, 10, 14)).colour == ClockColour.RED
    assert selectors.case_clock(case=case, today=dt.date(2025, 10, 15)).overdue


def test_an_immediate_item_is_due_the_day_it_is_accepted(department, clerk, today):
    immediate = published_implementation(department=department, days=0, case_type=CaseType.IMMEDIATE)
    case = services.case_accept(case_id=case_for(implementation=immediate).pk, actor=_staff(clerk))
    assert case.due_on == case.accepted_on == today[0]
    assert case.limit_days == 0  # 当场: not the legal 20 days shown as its limit


def test_a_suspension_stops_the_clock_and_adds_its_working_days_back(implementation, clerk, reviewer, today):
    today[0] = dt.date(2026, 2, 9)  # Monday before the Spring Festival
    case = case_for(implementation=implementation)
    services.case_accept(case_id=case.pk, actor=_staff(clerk))
    services.case_start_review(case_id=case.pk, actor=_staff(reviewer))
    case = Case.objects.get(pk=case.pk)
    assert case.due_on == dt.date(2026, 2, 14)  # 10, 11, 12, 13 and the make-up Saturday 14 February
    today[0] = dt.date(2026, 2, 11)
    services.case_suspend(case_id=case.pk, actor=_staff(reviewer), kind=SuspensionKind.INSPECTION,
                          reason="现场核查经营场所")  # fmt: skip
    stopped = selectors.case_clock(case=Case.objects.get(pk=case.pk), today=dt.date(2026, 3, 1))
    assert stopped.colour == ClockColour.STOPPED and stopped.used == 2
    today[0] = dt.date(2026, 2, 25)  # working days in (11 Feb, 25 Feb]: 12, 13, 14, 24, 25 → five
    case = services.case_resume(case_id=case.pk, actor=_staff(reviewer))
    assert case.suspended_days == 5 and case.state == State.IN_REVIEW
    assert case.due_on == dt.date(2026, 2, 28)  # 14 Feb + five working days: 24, 25, 26, 27, 28 (make-up)
    assert case.suspensions.get().counted_days == 5
    assert selectors.case_clock(case=case, today=dt.date(2026, 2, 25)).used == 2


def test_the_one_time_correction_notice_is_issued_once(implementation, clerk):
    case = case_for(implementation=implementation)
    notice = services.case_request_correction(
        case_id=case.pk, actor=_staff(clerk, ActedThrough.WINDOW),
        items=[{"material": "户口簿", "problem": "缺少本人页"}, {"material": "结婚证", "problem": "复印件不清晰"},
               {"material": "  ", "problem": "blank rows are dropped"}],
    )  # fmt: skip
    assert [i["material"] for i in notice.items] == ["户口簿", "结婚证"]
    applicant = Actor.of_person(case.agent, case.user)
    services.case_correct(case_id=case.pk, actor=applicant, note="已补交户口簿本人页和清晰的结婚证复印件")
    with pytest.raises(Conflict) as refused:
        services.case_request_correction(case_id=case.pk, actor=_staff(clerk), items=[{"material": "户口簿"}])
    assert "一次性告知书" in refused.value.message_zh
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED
    assert selectors.correction_notice(case=case).answered_at is not None


def test_a_move_the_state_does_not_allow_is_409_naming_the_current_state(implementation, reviewer):
    case = case_for(implementation=implementation)
    with pytest.raises(TransitionRefused) as refused:
        services.case_decide(case_id=case.pk, actor=_staff(reviewer), approve=True)
    assert refused.value.status == 409 and refused.value.extra["current_state"] == State.SUBMITTED
    assert "已提交" in refused.value.message_zh
    assert Case.objects.get(pk=case.pk).transitions.count() == 1  # nothing written


def test_two_reviewers_deciding_at_once_one_wins_and_the_other_gets_a_conflict(implementation, clerk, department):
    first = staff_with_roles([Role.REVIEWER], department=department, mobile="13700000103")
    second = staff_with_roles([Role.REVIEWER], department=department, mobile="13700000104")
    case = case_for(implementation=implementation)
    services.case_accept(case_id=case.pk, actor=_staff(clerk))
    services.case_start_review(case_id=case.pk, actor=_staff(first))
    seen = Case.objects.get(pk=case.pk).revision  # both opened the case at this revision
    services.case_decide(case_id=case.pk, actor=_staff(first), approve=True, revision=seen)
    with pytest.raises(Conflict) as lost:
        services.case_decide(case_id=case.pk, actor=_staff(second), approve=False, reason="材料不全", revision=seen)
    assert lost.value.extra["current_state"] == State.APPROVED
    decided = Case.objects.get(pk=case.pk)
    assert decided.state == State.APPROVED
    assert [t.action for t in selectors.case_timeline(case=decided)][-1] == Action.APPROVE


def test_staff_of_another_department_and_other_applicants_cannot_act_or_see(implementation):
    case = case_for(implementation=implementation)
    outsider = staff_with_roles([Role.CLERK, Role.REVIEWER], department=DepartmentFactory(), mobile="13700000105")
    with pytest.raises(PermissionDenied):
        services.case_accept(case_id=case.pk, actor=_staff(outsider))
    with pytest.raises(NotFound):
        selectors.case_get_for_staff(staff=outsider, case_id=case.pk)
    stranger = person_with_account()
    with pytest.raises(NotFound):
        selectors.case_get_for_applicant(user=stranger.user, case_id=case.pk)
    with pytest.raises(PermissionDenied):
        services.case_withdraw(case_id=case.pk, actor=Actor.of_person(stranger, stranger.user))


def test_a_clerk_cannot_decide(implementation, clerk):
    case = case_for(implementation=implementation)
    services.case_accept(case_id=case.pk, actor=_staff(clerk))
    with pytest.raises(PermissionDenied):
        services.case_decide(case_id=case.pk, actor=_staff(clerk), approve=True)


def test_a_denial_needs_reasons_and_a_rejection_too(implementation, clerk, reviewer):
    case = case_for(implementation=implementation)
    with pytest.raises(InvalidInput):
        services.case_reject_at_intake(case_id=case.pk, actor=_staff(clerk), reason=" ")
    services.case_accept(case_id=case.pk, actor=_staff(clerk))
    with pytest.raises(InvalidInput):
        services.case_decide(case_id=case.pk, actor=_staff(reviewer), approve=False)


def test_decide_deliver_archive_and_the_applicant_hears_of_each_move(
    implementation, clerk, reviewer, django_capture_on_commit_callbacks
):
    applicant = person_with_account(mobile="13900000201")
    with django_capture_on_commit_callbacks(execute=True):
        case = case_for(implementation=implementation, applicant=applicant)
        services.case_accept(case_id=case.pk, actor=_staff(clerk))
        services.case_start_review(case_id=case.pk, actor=_staff(reviewer))
        services.case_decide(case_id=case.pk, actor=_staff(reviewer), approve=True, reason="材料齐全，符合条件")
        services.case_deliver(case_id=case.pk, actor=_staff(clerk), via=Delivery.ELECTRONIC)
        services.case_archive(case_id=case.pk, actor=_staff(clerk))
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.ARCHIVED and case.decided_at is not None and case.delivered_via == Delivery.ELECTRONIC
    assert [t.seq for t in case.transitions.all()] == [0, 1, 2, 3, 4, 5]
    in_app = OutboxMessage.objects.filter(user=applicant.user, channel=OutboxMessage.Channel.IN_APP)
    assert in_app.count() == 6
    assert any("已受理" in m.body and case.due_on.isoformat() in m.body for m in in_app)
    assert OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS, to="13900000201").count() == 6


def test_withdrawal_is_open_until_the_decision(implementation, clerk, reviewer):
    case = case_for(implementation=implementation)
    services.case_accept(case_id=case.pk, actor=_staff(clerk))
    services.case_withdraw(case_id=case.pk, actor=Actor.of_person(case.agent, case.user), reason="不再需要")
    assert Case.objects.get(pk=case.pk).state == State.WITHDRAWN
    decided = case_for(implementation=implementation)
    services.case_accept(case_id=decided.pk, actor=_staff(clerk))
    services.case_decide(case_id=decided.pk, actor=_staff(reviewer), approve=True)
    with pytest.raises(TransitionRefused):
        services.case_withdraw(case_id=decided.pk, actor=Actor.of_person(decided.agent, decided.user))


def test_progress_is_found_by_number_and_code_and_nothing_else(implementation):
    case = case_for(implementation=implementation)
    assert selectors.case_lookup(number=case.number.lower(), code=case.lookup_code) == case
    wrong = f"{(int(case.lookup_code) + 1) % 10**6:06d}"
    assert selectors.case_lookup(number=case.number, code=wrong) is None
    assert selectors.case_lookup(number="SQ00000000000000", code=case.lookup_code) is None


def test_the_worklist_puts_the_nearest_due_date_first_and_overdue_cases_are_found(
    implementation, clerk, reviewer, today
):
    later, sooner, waiting = (case_for(implementation=implementation) for _ in range(3))
    today[0] = dt.date(2026, 3, 2)
    services.case_accept(case_id=sooner.pk, actor=_staff(clerk))
    today[0] = dt.date(2026, 3, 4)
    services.case_accept(case_id=later.pk, actor=_staff(clerk))
    listed = list(selectors.worklist(staff=reviewer))
    assert listed[:2] == [sooner, later] and listed[2] == waiting
    assert list(selectors.overdue(staff=reviewer, today=dt.date(2026, 3, 10))) == [sooner]
    assert Transition.objects.filter(case=sooner, action=Action.ACCEPT).count() == 1
