"""Reads of cases, each scoped by who asks (DESIGN §6): an id in a URL never grants access."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from tongban.cases.clock import Clock, clock_calendar, clock_read
from tongban.cases.codes import (
    CLOCK_RUNNING,
    NATIONAL_STATUS,
    OPEN_STATES,
    SUPPLY_STATES,
    Action,
    ClockColour,
    State,
    done_result,
)
from tongban.cases.models import (
    AutoCheck,
    Case,
    CorrectionNotice,
    DeferredMaterial,
    Pledge,
    SupervisionNote,
    Transition,
)
from tongban.core.calendar import WorkingCalendar
from tongban.core.errors import CalendarUnknown, NotFound
from tongban.core.ratelimit import rate_limit_hit
from tongban.identity.models import Department, Person, Staff, User
from tongban.identity.roles import Role

if TYPE_CHECKING:
    from tongban.forms.models import Submission

LOOKUPS_PER_NUMBER = 30
WIDE_ROLES = frozenset({Role.SUPERVISOR, Role.AUDITOR})  # read every department's cases


def _with_item(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("implementation__item", "department", "agent", "subject_person", "subject_enterprise")


def case_list_for_applicant(*, user: User) -> QuerySet[Case]:
    """The cases this login applied for, and those applied for on this person's behalf (亲友代办)."""
    if not user.is_authenticated:
        return Case.objects.none()
    # The person first: "by this login or for its person" as one condition through the join to persons could use
    # no index and read every case (a quarter of a second per call at 1,000,000 cases).
    mine = Q(user=user)
    person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    if person_id is not None:
        mine |= Q(subject_person_id=person_id)
    return _with_item(Case.objects.filter(mine)).order_by("-submitted_at")


def case_get_for_applicant(*, user: User, case_id: Any) -> Case:
    case = case_list_for_applicant(user=user).filter(pk=case_id).first()
    if case is None:
        raise NotFound("未找到该办件", "No such case")
    return case


def case_for_submission(*, submission: Submission) -> Case | None:
    """The case a submission opened (for the applicant's receipt: its number and state)."""
    return Case.objects.filter(submission=submission).only("id", "number", "state").first()


def cases_for_staff(*, staff: Staff) -> QuerySet[Case]:
    """The cases a staff member may see: their department's, or all for supervisors and auditors; a clerk of a
    government service centre (综合窗口) also those of every department of its region it receives for."""
    if not staff.active:
        return Case.objects.none()
    if set(staff.roles) & WIDE_ROLES:
        return _with_item(Case.objects.all())
    if staff.department_id is None:
        return Case.objects.none()
    return _with_item(Case.objects.filter(department_id__in=intake_departments(staff=staff)))


def intake_departments(*, staff: Staff) -> list[Any]:
    """Departments whose applications this staff member receives: their own, and for a clerk of a service
    centre (一窗受理: one window for all departments) every department of the centre's region."""
    department = staff.department
    if department is None:
        return []
    if department.service_centre and staff.has_role(Role.CLERK):
        return list(Department.objects.filter(region_id=department.region_id).values_list("pk", flat=True))
    return [department.pk]


def case_get_for_staff(*, staff: Staff, case_id: Any) -> Case:
    case = cases_for_staff(staff=staff).filter(pk=case_id).first()
    if case is None:
        raise NotFound("未找到该办件", "No such case")
    return case


def case_get_by_number_for_staff(*, staff: Staff, number: str) -> Case:
    """Any case the staff member may see, by its number (their department's; all for supervisors, auditors)."""
    case = cases_for_staff(staff=staff).filter(number=number).first()
    if case is None:
        raise NotFound("未找到该办件", "No such case")
    return case


def worklist(*, staff: Staff, states: list[str] | None = None) -> QuerySet[Case]:
    """Open cases of the staff member's department, the nearest due date first (undated ones last)."""
    qs = cases_for_staff(staff=staff).filter(state__in=list(states or OPEN_STATES))
    return qs.order_by(F("due_on").asc(nulls_last=True), "submitted_at")


def overdue(*, staff: Staff, today: dt.date | None = None) -> QuerySet[Case]:
    """Cases on the clock whose due date has passed (supervision, 督办)."""
    today = today or timezone.localdate()
    return cases_for_staff(staff=staff).filter(state__in=list(CLOCK_RUNNING), due_on__lt=today).order_by("due_on")


def case_lookup(*, number: str, code: str) -> Case | None:
    """Progress by case number and lookup code, without logging in; None for any mismatch alike.
    Besides the callers' per-IP limit, each number takes LOOKUPS_PER_NUMBER an hour: six-digit codes
    must not be guessed from many addresses."""
    number = (number or "").strip().upper()[:20]
    rate_limit_hit(bucket="progress.number", key=number, limit=LOOKUPS_PER_NUMBER, window=3600)
    case = _with_item(Case.objects.filter(number=number)).first()
    if case is None or not hmac.compare_digest(case.lookup_code, (code or "").strip()[:8]):
        return None
    return case


def case_timeline(*, case: Case) -> list[Transition]:
    return list(case.transitions.order_by("seq"))


@dataclass(frozen=True)
class CaseRow:
    """What a list of cases shows of each (API lists, the worklist): plain values of one joined query, no model
    instances — 200 cases built as models with their item and department cost several times their query."""

    number: str
    state: str
    revision: int
    channel: str
    submitted_at: dt.datetime
    accepted_on: dt.date | None
    due_on: dt.date | None
    limit_days: int
    limit_unit: str
    suspended_since: dt.date | None
    suspended_days: int
    item_code: str
    item_name: str
    department_name: str

    @classmethod
    def of(cls, case: Case) -> CaseRow:
        item = case.implementation.item
        return cls(case.number, case.state, case.revision, case.channel, case.submitted_at, case.accepted_on,
                   case.due_on, case.limit_days, case.limit_unit, case.suspended_since, case.suspended_days,
                   item.basic_code, item.name, case.department.name)  # fmt: skip


_ROW_FIELDS = ("number", "state", "revision", "channel", "submitted_at", "accepted_on", "due_on", "limit_days",
               "limit_unit", "suspended_since", "suspended_days", "implementation__item__basic_code",
               "implementation__item__name", "department__name")  # fmt: skip


def case_rows_query(*, cases: QuerySet[Case]) -> QuerySet[Case, tuple[Any, ...]]:
    """The one query `case_rows` runs (also for EXPLAIN in bench_cases)."""
    return cases.select_related(None).values_list(*_ROW_FIELDS)


def case_rows(*, cases: QuerySet[Case]) -> list[CaseRow]:
    """The cases of a (sliced, ordered) queryset as CaseRow, in one query."""
    return [CaseRow(*values) for values in case_rows_query(cases=cases)]


def case_clock(*, case: Case | CaseRow, today: dt.date | None = None, calendar: WorkingCalendar | None = None) -> Clock:
    """The case's clock; on a list page pass the list's `clocks_calendar` (one read of the overrides). A date
    the working-day calendar does not know yet (next year's holidays not imported) reads as 'not on the clock'
    on every page, never a 500; acting on such a case still says which year to import."""
    try:
        return clock_read(
            state=case.state, limit_days=case.limit_days, unit=case.limit_unit, accepted_on=case.accepted_on,
            due_on=case.due_on, suspended_since=case.suspended_since, suspended_days=case.suspended_days,
            today=today or timezone.localdate(), calendar=calendar,
        )  # fmt: skip
    except CalendarUnknown:
        return Clock(ClockColour.NONE, 0, case.limit_days, case.due_on, 0)


def clocks_calendar(*, cases: Iterable[Case | CaseRow], today: dt.date | None = None) -> WorkingCalendar:
    """The working-day calendar for the clocks of these cases, the operator's overrides read once for all."""
    spans = [(c.limit_unit, c.accepted_on, c.due_on) for c in cases]
    return clock_calendar(spans=spans, today=today or timezone.localdate())


def correction_notice(*, case: Case) -> CorrectionNotice | None:
    return CorrectionNotice.objects.filter(case=case).first()


@dataclass(frozen=True)
class Decision:
    """The decision of a case: approved or denied, the row that made it, and a later revocation."""

    approved: bool
    moved: Transition  # the approve or deny row: reasons, when, by whom
    revoked: Transition | None  # the row that later revoked an approval, if any


def case_decision(*, case: Case) -> Decision | None:
    """The case's decision (approve or deny) and a later revocation; None before a decision."""
    rows = list(case.transitions.filter(action__in=[Action.APPROVE, Action.DENY, Action.REVOKE]).order_by("seq"))
    decided = [t for t in rows if t.action != Action.REVOKE]
    if not decided:
        return None
    moved = decided[-1]
    revoked = next((t for t in rows if t.action == Action.REVOKE and t.seq > moved.seq), None)
    return Decision(approved=moved.action == Action.APPROVE, moved=moved, revoked=revoked)


def _yyyymmdd(moment: dt.date | dt.datetime | None) -> str:
    if moment is None:
        return ""
    day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
    return f"{day:%Y%m%d}"


def case_exchange_record(*, case: Case) -> dict[str, Any]:
    """The case as the national exchange carries it (办件信息): the 办件状态 and 办结结果 of codes.py, the item's
    GB/T 39046 codes, dates as YYYYMMDD (DESIGN §4). No ID numbers: a connector adds what the receiving
    platform may have. `dataver` is the case's revision, so a re-reported record supersedes the last."""
    status = NATIONAL_STATUS[case.state]
    decision = case_decision(case=case)
    if case.state in (State.REJECTED_AT_INTAKE, State.WITHDRAWN):
        ended = case.transitions.filter(to_state=case.state).order_by("-seq").first()
        done_at = ended.at if ended else None
    else:
        done_at = decision.moved.at if decision else None
    item = case.implementation.item
    applicant = case.subject_enterprise.name if case.subject_enterprise else (case.subject_person or case.agent).name
    return {
        "projid": case.number, "dataver": case.revision, "implement_code": case.implementation.code,
        "item_code": item.basic_code, "item_name": item.name, "item_type": item.item_type,
        "dept_code": case.department.credit_code, "dept_name": case.department.name, "applicant_name": applicant,
        "case_type": case.case_type, "channel": case.channel, "limit_days": case.limit_days,
        "limit_unit": case.limit_unit, "apply_date": _yyyymmdd(case.submitted_at),
        "accept_date": _yyyymmdd(case.accepted_on), "due_date": _yyyymmdd(case.due_on),
        "suspended_days": case.suspended_days, "status": status.code, "status_name": status.name,
        "step": status.step, "done_result": done_result(case.state, approved=decision.approved if decision else None),
        "done_date": _yyyymmdd(done_at),
    }  # fmt: skip


@dataclass(frozen=True)
class Timeliness:
    """One department's figures for the supervision dashboard."""

    department: str
    open: int
    yellow: int
    overdue: int
    decided: int
    decided_on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return self.decided_on_time / self.decided if self.decided else None


def deferrals_late(*, today: dt.date) -> QuerySet[DeferredMaterial]:
    """Every 容缺 promise past its date and not kept, on a case still open to supply it (the daily reminder's and
    the supervision board's one definition of "late")."""
    return DeferredMaterial.objects.filter(
        promised_by__lt=today, supplied_at__isnull=True, case__state__in=list(SUPPLY_STATES)
    )


def deferrals_overdue(*, staff: Staff, today: dt.date | None = None) -> list[DeferredMaterial]:
    """The late 容缺 promises (deferrals_late) on cases this staff member may see (supervision): the longest late
    first, with each case's item and department."""
    late = deferrals_late(today=today or timezone.localdate()).filter(
        case__in=cases_for_staff(staff=staff).values("pk")
    )
    return list(late.select_related("case__implementation__item", "case__department").order_by("promised_by")[:200])


def department_timeliness(*, staff: Staff, today: dt.date | None = None) -> list[Timeliness]:
    """Per department: open cases, how many are yellow or overdue, and decided ones on time."""
    today = today or timezone.localdate()
    rows: dict[str, dict[str, int]] = {}
    fields = ("state", "limit_days", "limit_unit", "accepted_on", "due_on", "suspended_since", "suspended_days",
              "decided_at", "department__name")  # fmt: skip
    cases = list(cases_for_staff(staff=staff).filter(accepted_on__isnull=False).select_related(None)
                 .select_related("department").only(*fields))  # fmt: skip
    running = [c for c in cases if c.state in CLOCK_RUNNING or c.state == State.SUSPENDED]
    calendar = clocks_calendar(cases=running, today=today)
    for case in cases:
        row = rows.setdefault(case.department.name, {"open": 0, "yellow": 0, "overdue": 0, "decided": 0, "ok": 0})
        if case.state in CLOCK_RUNNING or case.state == State.SUSPENDED:
            row["open"] += 1
            clock = case_clock(case=case, today=today, calendar=calendar)
            row["yellow"] += clock.colour == ClockColour.YELLOW
            row["overdue"] += clock.overdue
        elif case.decided_at is not None and case.due_on is not None:
            row["decided"] += 1
            row["ok"] += timezone.localtime(case.decided_at).date() <= case.due_on
    return [
        Timeliness(name, r["open"], r["yellow"], r["overdue"], r["decided"], r["ok"])
        for name, r in sorted(rows.items())
    ]


def supervision_notes(*, case: Case) -> list[SupervisionNote]:
    return list(case.supervision_notes.order_by("created_at"))


def auto_check(*, case: Case) -> AutoCheck | None:
    """The 秒批 evaluation of a case, if its item has a rule: what held and what failed."""
    return AutoCheck.objects.filter(case=case).first()


def pledge(*, case: Case) -> Pledge | None:
    return Pledge.objects.filter(case=case).first()


def pledges_to_check(*, staff: Staff, limit: int = 50) -> list[Pledge]:
    """告知承诺 of the staff member's department still to be checked afterwards, the nearest due first."""
    if staff.department_id is None:
        return []
    pending = Pledge.objects.filter(case__department_id=staff.department_id, outcome=Pledge.Outcome.PENDING)
    return list(pending.select_related("case__implementation__item", "case__agent").order_by("check_due_on")[:limit])


def case_submission_id(*, case_id: Any) -> Any:
    """The submission a case was opened from (bundles finds its item's child by it)."""
    return Case.objects.filter(pk=case_id).values_list("submission_id", flat=True).first()


def cases_for_submissions(*, submission_ids: list[Any]) -> dict[Any, Case]:
    """submission id → its case, with what a timeline shows (for one bundle application's children)."""
    rows = Case.objects.filter(submission_id__in=submission_ids).select_related("implementation__item", "department")
    return {c.submission_id: c for c in rows}


def transitions_of(*, cases: list[Case]) -> list[Transition]:
    """Every move of these cases, oldest first: one timeline across departments (一件事)."""
    rows = Transition.objects.filter(case__in=cases).select_related("case__implementation__item", "case__department")
    return list(rows.order_by("at", "seq"))
