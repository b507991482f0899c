"""The applicant's case pages: 我的办件, one case with its clock, timeline and correction notice (answer it,
or withdraw the application; sign the item's 告知承诺 to be decided at once), and the public progress lookup
by case number and lookup code.

Every case is found by number among the login's own cases (another person's number is a 404). A refused
action (a second click, a state that moved on) shows the service's message with what was typed kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from tongban.cases import decisions, documents, results, selectors, services
from tongban.cases.clock import Clock
from tongban.cases.codes import Action, ClockColour, State, allowed_actions
from tongban.cases.materials import case_materials
from tongban.cases.models import AutoCheck, Case, Pledge, Transition
from tongban.cases.services import Actor
from tongban.core.calendar import WorkingCalendar
from tongban.core.errors import CalendarUnknown, DomainError, InvalidInput, NotFound, RateLimited
from tongban.core.pdf import pdf_response
from tongban.core.ratelimit import client_ip, rate_limit_hit
from tongban.forms.uploads import CappedUploadHandler, posted_file
from tongban.identity import selectors as identity
from tongban.identity.decorators import login_required_resume, resumed_form_data
from tongban.identity.models import User
from tongban.identity.pages import account_context

LIST_SIZE = 100
PROGRESS_LIMIT, PROGRESS_WINDOW = 20, 60  # lookups per client IP per minute: enough to retype, not to guess

# How each state reads at a glance (the words carry the meaning; the tone only repeats it).
TONES: dict[str, str] = {
    State.SUBMITTED: "info",
    State.CORRECTION_REQUESTED: "warn",
    State.REJECTED_AT_INTAKE: "danger",
    State.ACCEPTED: "info",
    State.IN_REVIEW: "info",
    State.SUSPENDED: "warn",
    State.APPROVED: "success",
    State.DENIED: "danger",
    State.RESULT_DELIVERED: "success",
    State.ARCHIVED: "neutral",
    State.WITHDRAWN: "neutral",
    State.REVOKED: "danger",
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _clock(case: Case, today: dt.date, calendar: WorkingCalendar | None = None) -> Clock:
    """The case's clock; a date outside the working-day calendar shows as 'not on the clock', never a 500."""
    try:
        return selectors.case_clock(case=case, today=today, calendar=calendar)
    except CalendarUnknown:
        return Clock(ClockColour.NONE, 0, case.limit_days, case.due_on, 0)


def _state(case: Case) -> dict[str, str]:
    return {"label": case.get_state_display(), "tone": TONES.get(case.state, "neutral")}


def _case(request: HttpRequest, number: str) -> Case:
    cases = selectors.case_list_for_applicant(user=_user(request)).filter(number=number)
    found = cases.select_related("pledge", "auto_check").first()  # read with the case: its pledge, its 秒批
    if found is None:
        raise Http404
    return found


def _who(case: Case, moved: Transition) -> str:
    """Who made a move, as the applicant reads it: the department and its officer, themselves, the system."""
    kind = moved.actor.partition(":")[0]
    if kind == "staff":
        return f"{case.department.name} · {moved.actor_name}" if moved.actor_name else case.department.name
    if kind == "person":
        return moved.actor_name or _("申请人")
    return _("系统")


@login_required_resume
def case_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    cases = list(selectors.case_list_for_applicant(user=_user(request))[:LIST_SIZE])
    calendar = selectors.clocks_calendar(cases=cases, today=today)  # the overrides read once for the list
    rows = [{"case": c, "state": _state(c), "clock": _clock(c, today, calendar)} for c in cases]
    context = account_context(request, section="cases", title=_("我的办件"), rows=rows, limit=LIST_SIZE)
    return render(request, "cases/applicant/list.html", context)


def _detail(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    mine = case.user_id == user.pk  # cases applied for on the person's behalf are read-only to them
    actions = set(allowed_actions(case.state)) if mine else set()
    timeline = [
        {"moved": t, "who": _who(case, t), "from_applicant": t.actor.startswith("person:")}
        for t in selectors.case_timeline(case=case)
    ]
    context = account_context(
        request,
        section="cases",
        title=case.number,
        trail=[(_("我的办件"), reverse("cases:applicant_cases"))],
        case=case,
        state=_state(case),
        clock=_clock(case, timezone.localdate()),
        timeline=timeline,
        notice=selectors.correction_notice(case=case),
        has_decision=case.state in documents.DOCUMENT_STATES,
        licences=results.case_licences(case=case),
        can_correct=Action.CORRECT in actions,
        materials=_material_rows(case, mine),
        can_withdraw=Action.WITHDRAW in actions,
        **_decided_without_a_person(case, mine),
        typed={},
        failed="",
    )
    context.update(extra)
    return context


@login_required_resume
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The case page; a POST answers the correction notice or withdraws (`action`), on this same URL so a
    session that expired mid-answer comes back here after login with the text typed again."""
    case = _case(request, number)
    if request.method == "POST":
        return _act(request, case, request.POST.get("action", ""))
    resumed = resumed_form_data(request)
    if resumed and resumed.get("action") in ACTIONS:
        return render(request, TEMPLATE, _detail(request, case, typed=resumed, failed=resumed["action"]))
    return render(request, TEMPLATE, _detail(request, case))


def _material_rows(case: Case, mine: bool) -> list[dict[str, Any]]:
    """The case's materials; an upload form where one is awaited: any uploadable material while the
    correction notice is open, a promised 容缺 material after acceptance."""
    correcting = mine and case.state == State.CORRECTION_REQUESTED
    rows = []
    for held in case_materials(case=case):
        uploadable = held.state.way == "upload"
        awaited = mine and uploadable and (correcting or (held.outstanding and case.state in services.SUPPLY_STATES))
        rows.append({"state": held.state, "deferred": held.deferred, "awaited": awaited, "key": held.state.key})
    return rows


@csrf_exempt  # checked below, once the capped upload handler is in place
def case_material(request: HttpRequest, number: str) -> HttpResponse:
    request.upload_handlers.insert(0, CappedUploadHandler(request))
    return _case_material(request, number)


@csrf_protect
@require_POST
@login_required_resume
def _case_material(request: HttpRequest, number: str) -> HttpResponse:
    """Add one file to the case (correction or 容缺); a refused file is named beside its material."""
    case = _case(request, number)
    user = _user(request)
    actor = Actor.of_person(identity.person_for_user(user=user) or case.agent, user)
    material_id = request.POST.get("material", "")
    try:
        upload = posted_file(request)
        attachment = services.case_material_supply(
            case_id=case.pk, actor=actor, material_id=material_id, stream=upload, filename=upload.name or "",
            size=upload.size or 0,
        )  # fmt: skip
    except DomainError as error:
        case.refresh_from_db()
        context = _detail(request, case, material_error=error, material_failed=f"material-{material_id}")
        return render(request, TEMPLATE, context, status=error.status)
    done = {"name": attachment.filename, "material": attachment.material_name}
    messages.success(request, _("已上传“%(name)s”（%(material)s）。") % done)
    return redirect(reverse("cases:applicant_case", args=[case.number]) + "#materials-title")


TEMPLATE = "cases/applicant/detail.html"
PLEDGE = "pledge"
ACTIONS = (Action.CORRECT, Action.WITHDRAW, PLEDGE)


def _decided_without_a_person(case: Case, mine: bool) -> dict[str, Any]:
    """告知承诺 the applicant may sign now (or has signed), and the 秒批 checks that did not hold."""
    signed: Pledge | None = getattr(case, "pledge", None)  # read with the case (_case)
    rule = decisions.pledge_rule(case=case) if mine and signed is None and case.state == State.SUBMITTED else None
    checked: AutoCheck | None = getattr(case, "auto_check", None)
    failed = [r["label"] for r in checked.results if not r["passed"]] if checked and not checked.passed else []
    return {"pledge_offer": rule, "pledge": signed, "auto_failed": failed}


def _act(request: HttpRequest, case: Case, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    user = _user(request)
    person = identity.person_for_user(user=user) or case.agent
    actor = Actor.of_person(person, user)
    try:
        if action == Action.CORRECT:
            services.case_correct(case_id=case.pk, actor=actor, note=request.POST.get("note", ""))
            messages.success(request, _("补正已提交，部门将重新受理审查，结果将通过站内信和短信告知。"))
        elif action == PLEDGE:
            if not request.POST.get("agree"):
                raise InvalidInput(
                    "请勾选“本人已阅读并作出上述承诺”后再签署", "Tick “I have read and make this pledge” to sign",
                    field="agree",
                )  # fmt: skip
            decisions.pledge_sign(case_id=case.pk, actor=actor, text=request.POST.get("pledge_text", ""))
            messages.success(request, _("承诺书已签署，申请已当场准予。部门将在规定期限内核查承诺内容。"))
        else:
            services.case_withdraw(case_id=case.pk, actor=actor, reason=request.POST.get("reason", ""))
            messages.success(request, _("申请已撤回。"))
    except DomainError as error:
        case.refresh_from_db()
        context = _detail(request, case, error=error, failed=action, typed=request.POST)
        return render(request, TEMPLATE, context, status=error.status)
    return redirect("cases:applicant_case", number=case.number)


@login_required_resume
def case_decision_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The decision document (决定书) of one of the login's cases; 404 before a decision."""
    case = _case(request, number)
    try:
        pdf = documents.decision_pdf(case=case)
    except NotFound:
        raise Http404 from None
    return pdf_response(pdf, filename=f"decision-{case.number}.pdf")


NOT_FOUND = ("未找到，请核对编号和查询码", "Not found; check the case number and the lookup code")


def progress(request: HttpRequest) -> HttpResponse:
    """Progress without logging in: the number and lookup code (a POST, so the code stays out of URLs and
    logs). Any wrong pair reads the same, and lookups are limited per client address."""
    crumbs = [{"label": _("首页"), "url": reverse("catalog:home")}, {"label": _("办件进度查询"), "url": ""}]
    context: dict[str, Any] = {"breadcrumbs": crumbs, "number": "", "code": "", "found": None, "error": None}
    if request.method != "POST":
        return render(request, "cases/applicant/progress.html", context)
    number, code = request.POST.get("number", "")[:40].strip(), request.POST.get("code", "")[:20].strip()
    context.update(number=number, code=code)
    try:
        rate_limit_hit(bucket="progress", key=client_ip(request), limit=PROGRESS_LIMIT, window=PROGRESS_WINDOW)
    except RateLimited as error:
        context["error"] = error
        response = render(request, "cases/applicant/progress.html", context, status=429)
        response["Retry-After"] = str(error.extra.get("retry_after", PROGRESS_WINDOW))
        return response
    case = selectors.case_lookup(number=number, code=code) if number and code else None
    if case is None:
        context["error"] = NotFound(*NOT_FOUND)
        return render(request, "cases/applicant/progress.html", context, status=404)
    # Only what the pair may tell anyone holding it: no names, no reasons, no personal data.
    events = [
        {"at": t.at, "title": t.get_action_display(), "detail": t.get_to_state_display()}
        for t in selectors.case_timeline(case=case)
    ]
    context.update(found=case, state=_state(case), events=events, code="")
    return render(request, "cases/applicant/progress.html", context)
