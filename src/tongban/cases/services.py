"""Every write to a case: open it from a submission, then one service per lifecycle action.

Each action locks the case row, checks the move against codes.TRANSITIONS (409 naming the current
state otherwise) and against the revision the actor saw (two reviewers deciding at once: the second
gets a conflict, nothing is overwritten), appends a Transition and notifies the applicant after
commit (in-app always, SMS when the applicant has a mobile number).
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from tongban.cases import results, signals
from tongban.cases.clock import days_after, days_between
from tongban.cases.codes import SUPPLY_STATES, TRANSITIONS, ActedThrough, Action, Delivery, State, SuspensionKind
from tongban.cases.materials import Deferral, deferral_supplied, deferrals_record, outstanding_deferrals
from tongban.cases.models import Case, CorrectionNotice, DeferredMaterial, SupervisionNote, Suspension, Transition
from tongban.cases.selectors import deferrals_late, intake_departments
from tongban.catalog import selectors as catalog
from tongban.catalog.codes import CaseType
from tongban.core.audit import audit_record
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tongban.forms.materials import submission_attachment_add
from tongban.forms.models import Attachment, Submission
from tongban.identity.models import OutboxMessage, Person, Staff, User
from tongban.identity.roles import Role
from tongban.identity.services import message_send

LOOKUP_DIGITS = 6
MAX_REASON = 2000


class TransitionRefused(Conflict):
    """The action does not apply in the case's current state: 409 naming that state."""

    code = "transition_refused"

    def __init__(self, case: Case, action: str) -> None:
        state = State(case.state)
        super().__init__(
            f"办件当前状态为“{state.label}”，不能{Action(action).label}",
            f"The case is {state.value.replace('_', ' ')}: “{action.replace('_', ' ')}” does not apply now",
            current_state=state.value,
        )


@dataclass(frozen=True)
class Actor:
    """Who moves a case and through which channel; recorded on every transition."""

    ref: str  # "staff:<id>", "person:<id>", "system:<what>"
    name: str
    channel: str
    staff: Staff | None = field(default=None, compare=False)
    user: User | None = field(default=None, compare=False)

    @classmethod
    def of_staff(cls, staff: Staff, channel: str = ActedThrough.BACKOFFICE) -> Actor:
        return cls(f"staff:{staff.pk}", staff.name, channel, staff=staff, user=staff.user)

    @classmethod
    def of_person(cls, person: Person, user: User, channel: str = ActedThrough.WEB) -> Actor:
        return cls(f"person:{person.pk}", person.name, channel, user=user)

    @classmethod
    def system(cls, what: str) -> Actor:
        return cls(f"system:{what}", "系统", ActedThrough.SYSTEM)


# Who may take each action: staff roles of the case's department, or the applicant.
STAFF_ROLES: dict[str, frozenset[str]] = {
    Action.ACCEPT: frozenset({Role.CLERK, Role.REVIEWER}),
    Action.REJECT: frozenset({Role.CLERK, Role.REVIEWER}),
    Action.REQUEST_CORRECTION: frozenset({Role.CLERK, Role.REVIEWER}),
    Action.START_REVIEW: frozenset({Role.REVIEWER}),
    Action.SUSPEND: frozenset({Role.REVIEWER}),
    Action.RESUME: frozenset({Role.REVIEWER}),
    Action.APPROVE: frozenset({Role.REVIEWER}),
    Action.DENY: frozenset({Role.REVIEWER}),
    Action.DELIVER: frozenset({Role.CLERK, Role.REVIEWER}),
    Action.ARCHIVE: frozenset({Role.CLERK, Role.REVIEWER}),
    Action.REVOKE: frozenset({Role.REVIEWER}),
}
APPLICANT_ACTIONS = frozenset({Action.CORRECT, Action.WITHDRAW})
WINDOW_ACTIONS = frozenset({Action.ACCEPT, Action.REJECT, Action.REQUEST_CORRECTION, Action.DELIVER})


def _today() -> dt.date:
    return timezone.localdate()


def _authorise(case: Case, action: str, actor: Actor) -> None:
    if actor.ref.startswith("system:"):
        return
    if action in APPLICANT_ACTIONS:
        if actor.user is None or actor.user.pk != case.user_id:
            raise PermissionDenied("只有申请人可以办理此操作", "Only the applicant can do this")
        return
    staff = actor.staff
    handles = staff is not None and staff.active and staff.department_id == case.department_id
    # 一窗受理: a service centre's clerks receive (and hand over results) for every department of its region.
    receives = (
        staff is not None
        and staff.active
        and action in WINDOW_ACTIONS
        and (case.department_id in intake_departments(staff=staff))
    )
    if staff is None or not (handles or receives):
        raise PermissionDenied(
            "只有承办部门的工作人员可以办理此操作", "Only staff of the handling department can do this"
        )
    if not set(staff.roles) & STAFF_ROLES[action]:
        raise PermissionDenied("您的角色不能办理此操作", "Your role cannot do this")


def _move(
    case: Case, action: str, actor: Actor, *, reason: str = "", data: dict[str, Any] | None = None,
    revision: int | None = None,
) -> Transition:  # fmt: skip
    """Apply one action to a locked case (the caller saves the case's other fields with it).
    Who may act is checked first: the state is nobody else's business."""
    _authorise(case, action, actor)
    if revision is not None and revision != case.revision:
        last = case.transitions.order_by("-seq").first()
        by = f"（{last.actor_name}，{timezone.localtime(last.at):%H:%M}）" if last else ""
        raise Conflict(
            f"办件已被他人处理{by}，当前状态为“{State(case.state).label}”，请刷新后再办理",
            f"Someone else has acted on this case; it is now {case.state.replace('_', ' ')}. Reload and try again.",
            current_state=case.state,
        )  # fmt: skip
    target = TRANSITIONS.get((case.state, action))  # after the revision: a stale page reads as a conflict
    if target is None:
        raise TransitionRefused(case, action)
    reason = (reason or "").strip()[:MAX_REASON]
    moved = Transition.objects.create(
        case=case, seq=case.revision + 1, action=action, from_state=case.state, to_state=target,
        actor=actor.ref, actor_name=actor.name[:100], channel=actor.channel, reason=reason, data=data or {},
    )  # fmt: skip
    case.state, case.revision = target, case.revision + 1
    audit_record(
        action=f"case.{action}", actor=actor.ref, object_type="case", object_id=case.number,
        data={"from": moved.from_state, "to": target, "channel": actor.channel},
    )  # fmt: skip
    transaction.on_commit(lambda: _notify(case_id=case.pk, seq=moved.seq))
    transaction.on_commit(lambda: signals.moved.send_robust(sender=Case, case_id=case.pk, to_state=target), robust=True)
    return moved


def _locked(case_id: Any) -> Case:
    return Case.objects.select_for_update().get(pk=case_id)


NOTICE_ZH = {
    State.SUBMITTED: "您的申请 {number}（{item}）已提交，等待受理。",
    State.ACCEPTED: "您的申请 {number}（{item}）已受理，承诺于 {due} 前办结。",
    State.REJECTED_AT_INTAKE: "您的申请 {number}（{item}）不予受理：{reason}",
    State.CORRECTION_REQUESTED: "您的申请 {number}（{item}）需要补正材料，请查看一次性告知书。",
    State.IN_REVIEW: "您的申请 {number}（{item}）正在审查。",
    State.SUSPENDED: "您的申请 {number}（{item}）进入特别程序：{reason}，所需时间不计入办理时限。",
    State.APPROVED: "您的申请 {number}（{item}）已准予。",
    State.DENIED: "您的申请 {number}（{item}）不予准予：{reason}",
    State.RESULT_DELIVERED: "您的申请 {number}（{item}）的办理结果已送达。欢迎对本次服务作出评价。",
    State.ARCHIVED: "您的申请 {number}（{item}）已办结归档。",
    State.WITHDRAWN: "您的申请 {number}（{item}）已撤回。",
    State.REVOKED: "您的申请 {number}（{item}）的决定已被撤销：{reason}",
}


def _notify(*, case_id: Any, seq: int) -> None:
    """The applicant hears of every move: in-app always, and by SMS where a mobile number is known."""
    case = Case.objects.select_related("implementation__item", "agent", "user").get(pk=case_id)
    moved = case.transitions.get(seq=seq)
    body = NOTICE_ZH[State(moved.to_state)].format(
        number=case.number, item=case.implementation.item.name, reason=moved.reason or "详见办件页面",
        due=case.due_on.isoformat() if case.due_on else "—",
    )  # fmt: skip
    _tell_applicant(case=case, body=body)


# --- opening -------------------------------------------------------------------------------------


@transaction.atomic
def case_open(*, submission: Submission) -> Case:
    """The case of a submission (one per submission, so a retried submit opens nothing twice)."""
    existing = Case.objects.filter(submission=submission).first()
    if existing is not None:
        return existing
    guide = catalog.guide_published(submission.implementation)
    opened_by, opened_by_name, user = f"person:{submission.agent_id}", submission.agent.name, submission.user
    if submission.operator:  # filled in at the window or on the hotline: the applicant follows it online
        opened_by = submission.operator
        opened_by_name = (
            Staff.objects.filter(pk=submission.operator.partition(":")[2]).values_list("name", flat=True).first() or ""
        )
        person = submission.subject_person
        user = (person.user if person is not None else None) or submission.user
    # The promised limit, else the legal one; a 即办件 promising 0 days is decided the day it is accepted, not
    # within the legal limit (a 0 there means "on the spot", not "none given").
    promised = guide.promised_limit_days > 0 or guide.case_type == CaseType.IMMEDIATE
    limit_days = guide.promised_limit_days if promised else guide.legal_limit_days
    limit_unit = guide.promised_limit_unit if promised else guide.legal_limit_unit
    case = Case.objects.create(
        number=submission.number, lookup_code=f"{secrets.randbelow(10**LOOKUP_DIGITS):0{LOOKUP_DIGITS}d}",
        submission=submission, implementation=submission.implementation, department=submission.department,
        user=user, agent=submission.agent, subject_person=submission.subject_person,
        subject_enterprise=submission.subject_enterprise, channel=submission.channel,
        state=State.SUBMITTED, case_type=guide.case_type,
        limit_days=limit_days, limit_unit=limit_unit, submitted_at=submission.submitted_at,
    )  # fmt: skip
    Transition.objects.create(
        case=case, seq=0, action=Action.SUBMIT, from_state="", to_state=State.SUBMITTED,
        actor=opened_by, actor_name=opened_by_name[:100], channel=submission.channel,
    )  # fmt: skip
    transaction.on_commit(lambda: _notify(case_id=case.pk, seq=0))
    return case


# --- intake (一窗受理) -----------------------------------------------------------------------------


@transaction.atomic
def case_accept(
    *, case_id: Any, actor: Actor, revision: int | None = None, note: str = "", deferred: list[Deferral] | None = None
) -> Case:
    """Accept: the clock starts. An immediate item (即办件) is due the same day. `deferred`: 容缺受理 — 容缺
    materials accepted missing, each with the date the applicant promised to supply it by."""
    case = _locked(case_id)
    moved = _move(case, Action.ACCEPT, actor, reason=note, revision=revision)
    if deferred:
        moved.data = {
            "deferred": deferrals_record(case=case, deferrals=deferred, accepted_by=actor.name, today=_today())
        }
        moved.save(update_fields=["data"])
    case.accepted_on = _today()
    immediate = case.case_type == CaseType.IMMEDIATE or case.limit_days == 0
    case.due_on = case.accepted_on if immediate else days_after(case.accepted_on, case.limit_days, case.limit_unit)
    case.save()
    return case


@transaction.atomic
def case_reject_at_intake(*, case_id: Any, actor: Actor, reason: str, revision: int | None = None) -> Case:
    if not (reason or "").strip():
        raise InvalidInput("请写明不予受理的理由", "Give the reason for not accepting", field="reason")
    case = _locked(case_id)
    _move(case, Action.REJECT, actor, reason=reason, revision=revision)
    case.save()
    return case


@transaction.atomic
def case_request_correction(
    *, case_id: Any, actor: Actor, items: list[dict[str, str]], note: str = "", revision: int | None = None
) -> CorrectionNotice:
    """Issue the one-time correction notice (一次性告知书): every missing or wrong material at once.
    A case gets one; a second is refused."""
    cleaned = [
        {"material": str(i.get("material", "")).strip()[:300], "problem": str(i.get("problem", "")).strip()[:500]}
        for i in items
        if str(i.get("material", "")).strip()
    ]
    if not cleaned:
        raise InvalidInput("请列出需要补正的材料", "List the materials to correct", field="items")
    case = _locked(case_id)
    if case.correction_used:
        raise Conflict(
            "本办件已出具过一次性告知书，不能再次要求补正",
            "This case has had its one-time correction notice; another is not allowed",
            current_state=case.state,
        )
    _move(case, Action.REQUEST_CORRECTION, actor, reason=note, data={"items": cleaned}, revision=revision)
    case.correction_used = True
    case.save()
    return CorrectionNotice.objects.create(case=case, items=cleaned, note=note.strip(), issued_by=actor.name)


@transaction.atomic
def case_correct(*, case_id: Any, actor: Actor, note: str = "", revision: int | None = None) -> Case:
    """The applicant answers the notice; the case goes back to intake."""
    case = _locked(case_id)
    _move(case, Action.CORRECT, actor, reason=note, revision=revision)
    CorrectionNotice.objects.filter(case=case).update(answered_at=timezone.now())
    case.save()
    return case


@transaction.atomic
def case_withdraw(*, case_id: Any, actor: Actor, reason: str = "", revision: int | None = None) -> Case:
    case = _locked(case_id)
    _move(case, Action.WITHDRAW, actor, reason=reason, revision=revision)
    if case.suspended_since is not None:
        _end_suspension(case)  # withdrawn during a special procedure: it ends with the case
    case.save()
    return case


# --- review and decision -------------------------------------------------------------------------


@transaction.atomic
def case_start_review(*, case_id: Any, actor: Actor, revision: int | None = None) -> Case:
    case = _locked(case_id)
    _move(case, Action.START_REVIEW, actor, revision=revision)
    case.save()
    return case


@transaction.atomic
def case_suspend(*, case_id: Any, actor: Actor, kind: str, reason: str, revision: int | None = None) -> Suspension:
    """Start a special procedure (inspection, hearing, expert review, testing): the clock stops."""
    if kind not in SuspensionKind.values:
        raise InvalidInput("请选择特别程序的类型", "Choose the kind of special procedure", field="kind")
    if not (reason or "").strip():
        raise InvalidInput("请写明启动特别程序的理由", "Give the reason for the special procedure", field="reason")
    case = _locked(case_id)
    _move(case, Action.SUSPEND, actor, reason=reason, data={"kind": kind}, revision=revision)
    case.suspended_since = _today()
    case.save()
    return Suspension.objects.create(case=case, kind=kind, reason=reason.strip(), started_on=case.suspended_since)


@transaction.atomic
def case_resume(*, case_id: Any, actor: Actor, revision: int | None = None) -> Case:
    """End the special procedure: its days are added back to the due date."""
    case = _locked(case_id)
    _move(case, Action.RESUME, actor, revision=revision)
    _end_suspension(case)
    case.save()
    return case


def _end_suspension(case: Case) -> None:
    today, since = _today(), case.suspended_since or _today()
    counted = days_between(since, today, case.limit_unit)
    Suspension.objects.filter(case=case, ended_on__isnull=True).update(ended_on=today, counted_days=counted)
    if case.due_on is not None and counted:
        case.due_on = days_after(case.due_on, counted, case.limit_unit)
    case.suspended_days += counted
    case.suspended_since = None


@transaction.atomic
def case_decide(
    *, case_id: Any, actor: Actor, approve: bool, reason: str = "", revision: int | None = None,
    evidence: dict[str, Any] | None = None,
) -> Case:  # fmt: skip
    """Approve or deny (a denial needs its reasons); from review, or at acceptance for an immediate item."""
    if not approve and not (reason or "").strip():
        raise InvalidInput("不予准予须写明理由", "A denial needs its reasons", field="reason")
    case = _locked(case_id)
    _move(case, Action.APPROVE if approve else Action.DENY, actor, reason=reason, data=evidence, revision=revision)
    case.decided_at = timezone.now()
    case.save()
    if approve:
        results.case_licences_issue(case=case, actor=actor)
    return case


@transaction.atomic
def case_deliver(*, case_id: Any, actor: Actor, via: str, note: str = "", revision: int | None = None) -> Case:
    if via not in Delivery.values:
        raise InvalidInput("请选择送达方式", "Choose how the result is delivered", field="via")
    case = _locked(case_id)
    _move(case, Action.DELIVER, actor, reason=note, data={"via": via}, revision=revision)
    case.delivered_via = via
    case.save()
    return case


@transaction.atomic
def case_archive(*, case_id: Any, actor: Actor, revision: int | None = None) -> Case:
    case = _locked(case_id)
    _move(case, Action.ARCHIVE, actor, revision=revision)
    case.save()
    return case


@transaction.atomic
def case_revoke(*, case_id: Any, actor: Actor, reason: str, revision: int | None = None) -> Case:
    """Revoke a decision (a failed pledge check, a decision found wrong)."""
    if not (reason or "").strip():
        raise InvalidInput("请写明撤销的理由", "Give the reason for revoking", field="reason")
    case = _locked(case_id)
    _move(case, Action.REVOKE, actor, reason=reason, revision=revision)
    case.save()
    results.case_licences_revoke(case=case, actor=actor, reason=reason.strip())
    return case


# --- one action by name (the API, the back office and the tests) -----------------------------------


def case_act(
    *, case_id: Any, action: str, actor: Actor, reason: str = "", revision: int | None = None, kind: str = "",
    via: str = "", items: list[dict[str, str]] | None = None, deferred: list[Deferral] | None = None,
) -> Case:  # fmt: skip
    """Take one lifecycle action named by `action` through its service, and return the case as it now is.

    `reason` is the action's reason or note (a denial's reasons, a rejection's, the acceptance note...);
    `revision` is the one the actor saw (a stale one is a conflict); `kind` is the special procedure's
    kind (suspend), `via` the delivery (deliver), `items` the one-time notice's list (request_correction),
    `deferred` the 容缺 materials accepted missing with their promised dates (accept).
    Options an action does not use are ignored. An action the table does not name is NotFound (404)."""
    rev = revision
    match action:
        case Action.ACCEPT:
            return case_accept(case_id=case_id, actor=actor, revision=rev, note=reason, deferred=deferred)
        case Action.REJECT:
            return case_reject_at_intake(case_id=case_id, actor=actor, reason=reason, revision=rev)
        case Action.REQUEST_CORRECTION:
            notice = case_request_correction(case_id=case_id, actor=actor, items=items or [], note=reason, revision=rev)
            return notice.case
        case Action.CORRECT:
            return case_correct(case_id=case_id, actor=actor, note=reason, revision=rev)
        case Action.START_REVIEW:
            return case_start_review(case_id=case_id, actor=actor, revision=rev)
        case Action.SUSPEND:
            return case_suspend(case_id=case_id, actor=actor, kind=kind, reason=reason, revision=rev).case
        case Action.RESUME:
            return case_resume(case_id=case_id, actor=actor, revision=rev)
        case Action.APPROVE | Action.DENY:
            return case_decide(case_id=case_id, actor=actor, approve=action == Action.APPROVE, reason=reason,
                               revision=rev)  # fmt: skip
        case Action.DELIVER:
            return case_deliver(case_id=case_id, actor=actor, via=via, note=reason, revision=rev)
        case Action.ARCHIVE:
            return case_archive(case_id=case_id, actor=actor, revision=rev)
        case Action.WITHDRAW:
            return case_withdraw(case_id=case_id, actor=actor, reason=reason, revision=rev)
        case Action.REVOKE:
            return case_revoke(case_id=case_id, actor=actor, reason=reason, revision=rev)
    raise NotFound(f"未知的办理动作：{action}", f"Unknown action: {action}")


# --- supervision (督办) ----------------------------------------------------------------------------

SUPERVISION_ANSWER_DAYS = 2  # working days a department has to answer a 督办 note


@transaction.atomic
def supervision_note_add(*, case_id: Any, actor: Actor, note: str, answer_by: dt.date | None = None) -> SupervisionNote:
    """A supervisor's 督办 on a case, with the date by which the department must answer."""
    staff = actor.staff
    if staff is None or not staff.active or not staff.has_role(Role.SUPERVISOR):
        raise PermissionDenied("只有效能督办人员可以督办", "Only supervisors can add supervision notes")
    if not (note or "").strip():
        raise InvalidInput("请写明督办意见", "Write the supervision note", field="note")
    today = _today()
    answer_by = answer_by or add_working_days(today, SUPERVISION_ANSWER_DAYS)
    if answer_by < today:
        raise InvalidInput("答复期限不能早于今天", "The answer date cannot be in the past", field="answer_by")
    case = _locked(case_id)
    supervised = SupervisionNote.objects.create(
        case=case, author=actor.name, author_ref=actor.ref, note=note.strip()[:MAX_REASON], answer_by=answer_by
    )
    audit_record(action="case.supervised", actor=actor.ref, object_type="case", object_id=case.number,
                 data={"answer_by": answer_by.isoformat()})  # fmt: skip
    return supervised


@transaction.atomic
def supervision_answer(*, note_id: Any, actor: Actor, answer: str) -> SupervisionNote:
    """The handling department answers a 督办 note (once)."""
    if not (answer or "").strip():
        raise InvalidInput("请填写答复", "Write the answer", field="answer")
    supervised = SupervisionNote.objects.select_for_update().select_related("case").get(pk=note_id)
    staff = actor.staff
    if staff is None or staff.department_id != supervised.case.department_id:
        raise PermissionDenied("只有承办部门可以答复督办", "Only the handling department can answer")
    if supervised.answered_at is not None:
        raise Conflict("该督办已答复", "This supervision note has been answered")
    supervised.answer, supervised.answered_at = answer.strip()[:MAX_REASON], timezone.now()
    supervised.save(update_fields=["answer", "answered_at", "updated_at"])
    return supervised


def cases_escalate(*, today: dt.date | None = None) -> int:
    """The daily escalation: every case on the clock past its due date gets one automatic 督办 note
    (and its department a message); returns how many were escalated now."""
    today = today or _today()
    escalated = 0
    overdue = Case.objects.filter(state__in=[State.ACCEPTED, State.IN_REVIEW], due_on__lt=today).exclude(
        supervision_notes__automatic=True
    )
    for case in overdue.select_related("implementation__item", "department").iterator():
        with transaction.atomic():
            SupervisionNote.objects.create(
                case=case, author="系统督办", author_ref="system:escalation", automatic=True,
                note=f"已超过承诺办结期限（{case.due_on:%Y-%m-%d}），请立即办理并说明超期原因。",
                answer_by=add_working_days(today, SUPERVISION_ANSWER_DAYS),
            )  # fmt: skip
            due = case.due_on.isoformat() if case.due_on else ""
            audit_record(action="case.escalated", actor="system:escalation", object_type="case",
                         object_id=case.number, data={"due_on": due})  # fmt: skip
        escalated += 1
    return escalated


# --- materials after submission ----------------------------------------------------------------


@transaction.atomic
def case_material_supply(
    *, case_id: Any, actor: Actor, material_id: Any, stream: IO[bytes], filename: str, size: int
) -> Attachment:
    """The applicant adds a file to a case: answering the correction notice (any material it may need), or
    keeping a 容缺 promise after acceptance (that material only)."""
    case = _locked(case_id)
    if actor.user is None or actor.user.pk != case.user_id:
        raise PermissionDenied("只有申请人可以补交材料", "Only the applicant can add materials")
    outstanding = {str(d.material_id) for d in outstanding_deferrals(case=case)}
    if case.state != State.CORRECTION_REQUESTED and (
        case.state not in SUPPLY_STATES or str(material_id) not in outstanding
    ):
        raise Conflict(
            f"办件当前状态为“{State(case.state).label}”，不需要补交这项材料",
            f"The case is {case.state.replace('_', ' ')}: this material is not awaited",
            current_state=case.state,
        )  # fmt: skip
    attachment = submission_attachment_add(
        user=actor.user, submission=case.submission, material_id=material_id, stream=stream, filename=filename,
        size=size,
    )  # fmt: skip
    kept = deferral_supplied(case=case, material_id=attachment.material_id)
    audit_record(
        action="case.material_supplied", actor=actor.ref, object_type="case", object_id=case.number,
        data={"material": attachment.material_name, "deferred": kept, "sha256": attachment.sha256},
    )  # fmt: skip
    return attachment


def deferred_materials_remind(*, today: dt.date | None = None) -> int:
    """The daily run: each 容缺 promise past its date and not kept is told once to the applicant (in-app and
    SMS) and to the handling department on its supervision list; returns how many were told now."""
    today = today or _today()
    overdue = (
        deferrals_late(today=today)
        .filter(reminded_at__isnull=True)
        .select_related("case__implementation__item", "case__user", "case__agent")
    )
    told = 0
    for deferred in overdue:
        case = deferred.case
        with transaction.atomic():
            if not DeferredMaterial.objects.filter(pk=deferred.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue  # another run told them
            body = (
                f"您的申请 {case.number}（{case.implementation.item.name}）承诺于 {deferred.promised_by:%Y-%m-%d} 前"
                f"补交的“{deferred.material_name}”尚未提交，请尽快在办件页面上传或到窗口补交。"
            )
            transaction.on_commit(functools.partial(_tell_applicant, case=case, body=body))
            SupervisionNote.objects.create(
                case=case, author="系统督办", author_ref="system:deferred-materials", automatic=True,
                note=f"容缺材料“{deferred.material_name}”已过承诺补交期限（{deferred.promised_by:%Y-%m-%d}），请跟进。",
                answer_by=add_working_days(today, SUPERVISION_ANSWER_DAYS),
            )  # fmt: skip
        told += 1
    return told


def _tell_applicant(*, case: Case, body: str) -> None:
    message_send(body=body, user=case.user)
    mobile = case.agent.mobile or case.user.mobile
    if mobile:
        message_send(body=f"【示范市政务服务】{body}", channel=OutboxMessage.Channel.SMS, to=mobile)
