"""Back-office case pages: the department's worklist (nearest due date first, and the 告知承诺 still to be checked
afterwards), the review page where a reviewer examines, suspends, decides, delivers and records a pledge's
post-check, and the supervisor's 督办 dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.cases import decisions, documents, results, selectors, services
from tongban.cases.codes import Action, ClockColour, Delivery, State, SuspensionKind, allowed_actions
from tongban.cases.materials import case_materials
from tongban.cases.models import Case, Pledge
from tongban.cases.services import Actor
from tongban.core.errors import DomainError, InvalidInput, NotFound
from tongban.core.pdf import pdf_response
from tongban.forms import selectors as forms
from tongban.identity.decorators import staff_required
from tongban.identity.models import Staff
from tongban.identity.roles import Role


def _staff(request: HttpRequest) -> Staff:
    return request.staff  # type: ignore[attr-defined,no-any-return]


def _crumbs(*trail: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"label": _("首页"), "url": reverse("catalog:home")},
        {"label": _("工作台"), "url": reverse("identity:backoffice")},
        *({"label": label, "url": url} for label, url in trail),
    ]


def _case(request: HttpRequest, number: str) -> Case:
    try:
        return selectors.case_get_by_number_for_staff(staff=_staff(request), number=number)
    except NotFound:
        raise Http404 from None


def _rows(cases: list[Case], today: dt.date) -> list[dict[str, Any]]:
    """A list's rows with their clocks, the calendar's overrides read once for the list."""
    calendar = selectors.clocks_calendar(cases=cases, today=today)
    return [{"case": c, "clock": selectors.case_clock(case=c, today=today, calendar=calendar)} for c in cases]


@staff_required
def worklist(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    if staff.department is None:
        raise Http404
    today = timezone.localdate()
    state = request.GET.get("state", "")
    states = [state] if state in State.values else None
    rows = _rows(list(selectors.worklist(staff=staff, states=states)[:200]), today)
    context = {
        "rows": rows,
        "state": state,
        "states": [(s.value, s.label) for s in State if s in selectors.OPEN_STATES],
        "pledges": selectors.pledges_to_check(staff=staff) if staff.has_role(Role.REVIEWER) else [],
        "today": today,
        "red": sum(1 for r in rows if r["clock"].colour == ClockColour.RED),
        "yellow": sum(1 for r in rows if r["clock"].colour == ClockColour.YELLOW),
        "breadcrumbs": _crumbs((_("办件审批"), "")),
    }
    return render(request, "cases/backoffice/worklist.html", context)


def _detail_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    staff = _staff(request)
    actions = [a for a in allowed_actions(case.state) if a in services.STAFF_ROLES]
    mine = staff.department_id == case.department_id
    can = {a for a in actions if mine and set(staff.roles) & services.STAFF_ROLES[a]}
    pledge = selectors.pledge(case=case)
    pending = pledge is not None and pledge.outcome == Pledge.Outcome.PENDING
    return {
        "case": case,
        "clock": selectors.case_clock(case=case),
        "timeline": selectors.case_timeline(case=case),
        "rows": forms.submission_rows(case.submission),
        "materials": case_materials(case=case),
        "notice": selectors.correction_notice(case=case),
        "notes": selectors.supervision_notes(case=case),
        "auto_check": selectors.auto_check(case=case),
        "pledge": pledge,
        "can_check_pledge": pending and mine and staff.has_role(Role.REVIEWER),
        "can": can,
        "decision_pdf": mine and case.state in documents.DOCUMENT_STATES,
        "licences": results.case_licences(case=case),
        "supervisor": staff.has_role(Role.SUPERVISOR),
        "kinds": SuspensionKind.choices,
        "deliveries": Delivery.choices,
        "typed": {},
        "breadcrumbs": _crumbs((_("办件审批"), reverse("cases:worklist")), (case.number, "")),
        **extra,
    }


@staff_required
def review(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "cases/backoffice/review.html", _detail_context(request, _case(request, number)))


def _revision(request: HttpRequest) -> int | None:
    raw = request.POST.get("revision", "")
    return int(raw) if raw.isdigit() else None


DONE = {
    Action.START_REVIEW: "已开始审查", Action.SUSPEND: "已启动特别程序，办理时限暂停计算",
    Action.RESUME: "特别程序已结束，暂停的天数已加回办理期限", Action.APPROVE: "已作出准予决定",
    Action.DENY: "已作出不予准予决定", Action.DELIVER: "已记录结果送达", Action.ARCHIVE: "已归档",
    Action.REVOKE: "已撤销决定",
}  # fmt: skip


@staff_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    case = _case(request, number)
    if action not in DONE:  # intake (accept, reject, correction) is the window's; the applicant's are theirs
        raise Http404
    try:
        services.case_act(
            case_id=case.pk, action=action, actor=Actor.of_staff(_staff(request)),
            reason=request.POST.get("reason", ""), revision=_revision(request), kind=request.POST.get("kind", ""),
            via=request.POST.get("via", ""),
        )  # fmt: skip
    except DomainError as error:
        case.refresh_from_db()
        context = _detail_context(request, case, error=error, failed=action, typed=request.POST)
        return render(request, "cases/backoffice/review.html", context, status=error.status)
    messages.success(request, _(DONE[action]))
    return redirect("cases:review", number=case.number)


@staff_required
def decision_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The decision document (决定书), for the handling department's staff only (others: 404)."""
    case = _case(request, number)
    if _staff(request).department_id != case.department_id:
        raise Http404
    try:
        pdf = documents.decision_pdf(case=case)
    except NotFound:
        raise Http404 from None
    return pdf_response(pdf, filename=f"decision-{case.number}.pdf")


@staff_required
@require_POST
def supervise(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    raw = request.POST.get("answer_by", "")
    try:
        answer_by = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        answer_by = dt.date.min  # the service names the field
    try:
        services.supervision_note_add(
            case_id=case.pk, actor=Actor.of_staff(_staff(request)), note=request.POST.get("note", ""),
            answer_by=answer_by,
        )  # fmt: skip
    except DomainError as error:
        context = _detail_context(request, case, error=error, failed="supervise", typed=request.POST)
        return render(request, "cases/backoffice/review.html", context, status=error.status)
    messages.success(request, _("督办意见已发送承办部门"))
    return redirect("cases:review", number=case.number)


@staff_required
@require_POST
def supervision_reply(request: HttpRequest, number: str, note_id: Any) -> HttpResponse:
    case = _case(request, number)
    note = next((n for n in selectors.supervision_notes(case=case) if n.pk == note_id), None)
    if note is None:
        raise Http404
    try:
        services.supervision_answer(note_id=note.pk, actor=Actor.of_staff(_staff(request)),
                                    answer=request.POST.get("answer", ""))  # fmt: skip
    except DomainError as error:
        context = _detail_context(request, case, error=error, failed="answer", failed_note=note.pk, typed=request.POST)
        return render(request, "cases/backoffice/review.html", context, status=error.status)
    messages.success(request, _("已答复督办"))
    return redirect("cases:review", number=case.number)


@staff_required
def supervision(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    if not staff.has_role(Role.SUPERVISOR):
        raise Http404
    today = timezone.localdate()
    watched = selectors.cases_for_staff(staff=staff).filter(state__in=[State.ACCEPTED, State.IN_REVIEW])
    rows = _rows(list(watched.order_by("due_on")[:500]), today)
    rows = [r for r in rows if r["clock"].colour in (ClockColour.RED, ClockColour.YELLOW)]
    deferrals = [(d, (today - d.promised_by).days) for d in selectors.deferrals_overdue(staff=staff, today=today)]
    context = {
        "rows": rows,
        "deferrals": deferrals,
        "timeliness": selectors.department_timeliness(staff=staff, today=today),
        "breadcrumbs": _crumbs((_("效能督办"), "")),
    }
    return render(request, "cases/backoffice/supervision.html", context)


@staff_required
@require_POST
def pledge_check(request: HttpRequest, number: str) -> HttpResponse:
    """The post-check of a signed 告知承诺: kept, or breached (the decision is revoked), with what was found."""
    case = _case(request, number)
    pledge = selectors.pledge(case=case)
    if pledge is None:
        raise Http404
    outcome = request.POST.get("outcome", "")
    try:
        if outcome not in (Pledge.Outcome.KEPT, Pledge.Outcome.BREACHED):
            raise InvalidInput("请选择核查结果", "Choose what the check found", field="outcome")
        decisions.pledge_check(
            pledge_id=pledge.pk, actor=Actor.of_staff(_staff(request)), kept=outcome == Pledge.Outcome.KEPT,
            finding=request.POST.get("finding", ""),
        )  # fmt: skip
    except DomainError as error:
        case.refresh_from_db()
        context = _detail_context(request, case, error=error, failed="pledge_check", typed=request.POST)
        return render(request, "cases/backoffice/review.html", context, status=error.status)
    kept = outcome == Pledge.Outcome.KEPT
    messages.success(request, _("已记录核查结果：承诺属实") if kept else _("已记录核查结果：承诺不实，准予决定已撤销"))
    return redirect("cases:review", number=case.number)
