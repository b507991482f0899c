"""The window clerk console (一窗受理), intake side: find a person's cases by ID number, see what waits
for intake, and on a case accept it, refuse it with reasons, or issue the one-time correction notice
(一次性告知书, also as a PDF).

Only clerks of a department use these pages, and only on their own department's cases (404 otherwise).
Every action posts the revision the clerk saw, so a page left open while someone else acted gets the
service's conflict message instead of overwriting; every DomainError re-renders the page with the
message and what was typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.cases import selectors, services, window_queries
from tongban.cases.codes import ActedThrough, State
from tongban.cases.documents import applicant_lines, notice_pdf
from tongban.cases.materials import Deferral, case_materials, deferrable
from tongban.cases.models import Case
from tongban.cases.services import Actor
from tongban.core.errors import DomainError, InvalidInput, NotFound
from tongban.forms import materials as forms_materials
from tongban.forms import selectors as forms
from tongban.forms import services as forms_services
from tongban.forms.views_materials import file_response
from tongban.identity import selectors as identity
from tongban.identity import validators
from tongban.identity.decorators import staff_required
from tongban.identity.models import Staff

MAX_PROBLEM = 500
MAX_NOTE = 2000


def _clerk(request: HttpRequest) -> Staff:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    if not window_queries.window_clerk(staff):
        raise Http404
    return staff


def _crumbs(*trail: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"label": _("首页"), "url": reverse("catalog:home")},
        {"label": _("工作台"), "url": reverse("identity:backoffice")},
        *({"label": label, "url": url} for label, url in trail),
    ]


# --- the console: search by ID number, the intake queue ----------------------------------------


@staff_required
def console(request: HttpRequest) -> HttpResponse:
    """一窗受理. The search is a POST so that ID numbers stay out of URLs and access logs."""
    staff = _clerk(request)
    typed, error, results, searched = "", None, None, ""
    if request.method == "POST":
        typed = request.POST.get("id_number", "")[:40]
        try:
            searched = validators.resident_id(typed, field="id_number").number
        except InvalidInput as invalid:
            error = invalid
        else:
            results = window_queries.window_cases_of_person(staff=staff, id_number=searched)
    context = {
        "typed": typed,
        "error": error,
        "results": results,
        "searched": searched,
        "person": _person_of(results, searched) if results else None,
        **_console_extra(request, staff),
    }
    return render(request, "cases/window/console.html", context, status=error.status if error else 200)


def _console_extra(request: HttpRequest, staff: Staff, **start: Any) -> dict[str, Any]:
    return {
        "queue": list(window_queries.window_intake_queue(staff=staff)[:200]),
        "department": staff.department,
        "items": list(forms.implementations_with_form(department_ids=selectors.intake_departments(staff=staff))),
        "start": {"id_number": "", "name": "", "item": "", "error": None, **start},
        "breadcrumbs": _crumbs((_("一窗受理"), "")),
    }


@staff_required
@require_POST
def apply_for_person(request: HttpRequest) -> HttpResponse:
    """Start (or continue) an application for the person at the window: their ID card's number and name, and
    an item of this department. The clerk then fills in the same form pages the person would online."""
    staff = _clerk(request)
    typed = {k: request.POST.get(k, "")[:100].strip() for k in ("id_number", "name", "item")}
    try:
        number = validators.resident_id(typed["id_number"], field="start-id-number").number
        person = identity.person_find(id_number=number, name=typed["name"])
        if person is None:
            raise NotFound(
                "未找到此人，请核对身份证上的姓名和号码", "No such person; check the name and number on the ID card",
                field="start-id-number",
            )  # fmt: skip
        implementation = (
            forms.implementations_with_form(department_ids=selectors.intake_departments(staff=staff))
            .filter(code=typed["item"])
            .first()
        )
        if implementation is None:
            raise InvalidInput("请选择本部门的办理事项", "Choose an item of this department", field="start-item")
        draft = forms_services.draft_start_at_window(
            clerk_user=request.user, operator=f"staff:{staff.pk}", person=person,  # type: ignore[arg-type]
            implementation=implementation,
        )  # fmt: skip
    except DomainError as error:
        context = {"typed": "", "error": None, "results": None, "searched": "", "person": None,
                   **_console_extra(request, staff, **typed, error=error)}  # fmt: skip
        return render(request, "cases/window/console.html", context, status=error.status)
    messages.info(
        request, _("正在为 %(name)s 办理“%(item)s”。") % {"name": person.name, "item": implementation.item.name}
    )
    return redirect("forms:overview", draft_id=draft.pk)


def _person_of(results: list[Case], id_number: str) -> dict[str, str]:
    """The name and masked number of the person searched for, from one of their cases."""
    for case in results:
        for person in (case.subject_person, case.agent):
            if person is not None and person.id_number == id_number:
                return {"name": person.name, "id": person.masked_id}
    return {"name": "", "id": ""}


# --- the intake page ---------------------------------------------------------------------------


def _case(staff: Staff, number: str) -> Case:
    try:
        return window_queries.window_case_get(staff=staff, number=number)
    except NotFound:
        raise Http404 from None


def _materials(case: Case) -> list[Any]:
    """The materials of the guide the application was made under, not today's."""
    return [m.state.material for m in case_materials(case=case)]


def _checklist(case: Case, typed: Any = None, problems: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One row per material with what was uploaded or promised, and what the clerk ticked and wrote kept."""
    ticked = set(typed.getlist("material")) if typed is not None else set()
    rows = []
    for index, held in enumerate(case_materials(case=case)):
        key = str(index)
        rows.append({
            "key": key, "material": held.state.material, "state": held.state, "deferred": held.deferred,
            "ticked": key in ticked, "problem": typed.get(f"problem-{key}", "") if typed is not None else "",
            "error": (problems or {}).get(key, ""),
        })  # fmt: skip
    return rows


def _deferrable_rows(request: HttpRequest, case: Case) -> list[dict[str, Any]]:
    """容缺 materials the clerk may accept without, with what was ticked and typed kept."""
    if case.state != State.SUBMITTED:
        return []
    ticked = set(request.POST.getlist("defer")) if request.method == "POST" else set()
    return [
        {"material": s.material, "id": str(s.material.pk), "ticked": str(s.material.pk) in ticked,
         "promise": request.POST.get(f"promise-{s.material.pk}", "") if request.method == "POST" else ""}
        for s in deferrable(case=case)
    ]  # fmt: skip


def _deferrals(request: HttpRequest) -> list[Deferral]:
    """容缺 ticks and their promised dates as typed; the service says what is wrong with them."""
    deferrals = []
    for material_id in request.POST.getlist("defer"):
        raw = request.POST.get(f"promise-{material_id}", "").strip()
        try:
            promised = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            promised = None
        deferrals.append(Deferral(material_id=material_id, promised_by=promised))
    return deferrals


def _intake_page(request: HttpRequest, case: Case, *, status: int = 200, **extra: Any) -> HttpResponse:
    notice = selectors.correction_notice(case=case)
    context = {
        "case": case,
        "applicant": applicant_lines(case),
        "rows": forms.submission_rows(case.submission),
        "checklist": extra.pop("checklist", None) or _checklist(case),
        "deferrable": _deferrable_rows(request, case),
        "notice": notice,
        "timeline": selectors.case_timeline(case=case),
        "intake": case.state == State.SUBMITTED,
        "may_correct": case.state == State.SUBMITTED and not case.correction_used,
        "typed": {},
        "failed": "",
        "error": None,
        "errors": [],
        "breadcrumbs": _crumbs((_("一窗受理"), reverse("cases:window")), (case.number, "")),
        **extra,
    }
    return render(request, "cases/window/intake.html", context, status=status)


@staff_required
def intake(request: HttpRequest, number: str) -> HttpResponse:
    return _intake_page(request, _case(_clerk(request), number))


def _revision(request: HttpRequest) -> int | None:
    raw = request.POST.get("revision", "")
    return int(raw) if raw.isdigit() else None


def _refused(request: HttpRequest, case: Case, action: str, error: DomainError, **extra: Any) -> HttpResponse:
    """The page again, as it is now, with the service's message and everything the clerk typed."""
    case.refresh_from_db()
    target = {"reason": "#reject-reason", "items": "#materials-title", "deferred": "#deferred-title"}.get(
        error.field or "", ""
    )
    errors = [{"text": error.message, "href": target}]
    return _intake_page(request, case, status=error.status, error=error, errors=errors, failed=action,
                        typed=request.POST, **extra)  # fmt: skip


@staff_required
@require_POST
def accept(request: HttpRequest, number: str) -> HttpResponse:
    staff = _clerk(request)
    case = _case(staff, number)
    try:
        case = services.case_accept(
            case_id=case.pk, actor=Actor.of_staff(staff, ActedThrough.WINDOW), revision=_revision(request),
            note=request.POST.get("note", "")[:MAX_NOTE], deferred=_deferrals(request),
        )  # fmt: skip
    except DomainError as error:
        return _refused(request, case, "accept", error, checklist=_checklist(case))
    if case.due_on is not None and case.due_on != case.accepted_on:
        messages.success(request, _("已受理，办结期限为 %(due)s。") % {"due": case.due_on.isoformat()})
    else:
        messages.success(request, _("已受理。"))
    return redirect("cases:window_case", number=case.number)


@staff_required
@require_POST
def reject(request: HttpRequest, number: str) -> HttpResponse:
    staff = _clerk(request)
    case = _case(staff, number)
    try:
        services.case_reject_at_intake(
            case_id=case.pk, actor=Actor.of_staff(staff, ActedThrough.WINDOW),
            reason=request.POST.get("reason", "")[:MAX_NOTE], revision=_revision(request),
        )  # fmt: skip
    except DomainError as error:
        return _refused(request, case, "reject", error)
    messages.success(request, _("已作出不予受理决定，申请人将收到理由。"))
    return redirect("cases:window_case", number=case.number)


@staff_required
@require_POST
def correction(request: HttpRequest, number: str) -> HttpResponse:
    """一次性告知: every ticked material with what is missing or wrong, and a note, in one notice."""
    staff = _clerk(request)
    case = _case(staff, number)
    materials = _materials(case)
    ticked = set(request.POST.getlist("material"))
    items, problems = [], {}
    for index, material in enumerate(materials):
        key = str(index)
        problem = request.POST.get(f"problem-{key}", "").strip()[:MAX_PROBLEM]
        if key in ticked and not problem:
            problems[key] = _("请写明“%(name)s”缺少或有误的情况") % {"name": material.name}
        elif problem and key not in ticked:
            problems[key] = _("已填写“%(name)s”的问题说明，请勾选该材料或清空说明") % {"name": material.name}
        elif key in ticked:
            items.append({"material": material.name, "problem": problem})
    if problems:
        checklist = _checklist(case, request.POST, problems)
        errors = [{"text": row["error"], "href": f"#problem-{row['key']}"} for row in checklist if row["error"]]
        return _intake_page(request, case, status=422, errors=errors, failed="correction", typed=request.POST,
                            checklist=checklist)  # fmt: skip
    try:
        services.case_request_correction(
            case_id=case.pk, actor=Actor.of_staff(staff, ActedThrough.WINDOW), items=items,
            note=request.POST.get("note", "")[:MAX_NOTE], revision=_revision(request),
        )  # fmt: skip
    except DomainError as error:
        return _refused(request, case, "correction", error, checklist=_checklist(case, request.POST))
    messages.success(request, _("已出具一次性告知书，申请人将收到通知。请打印或发送告知书给申请人。"))
    return redirect("cases:window_case", number=case.number)


# --- the notice as a PDF -----------------------------------------------------------------------


@staff_required
def notice_pdf_view(request: HttpRequest, number: str) -> HttpResponse:
    """Any staff member who may see the case (its department; supervisors, auditors) may read its notice."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    try:
        case = selectors.case_get_by_number_for_staff(staff=staff, number=number)
    except NotFound:
        raise Http404 from None
    notice = selectors.correction_notice(case=case)
    if notice is None:
        raise Http404
    response = HttpResponse(notice_pdf(case=case, notice=notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{case.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def case_file(request: HttpRequest, number: str, attachment_id: Any) -> HttpResponse:
    """One uploaded material of a case, for staff who may see the case; each read is in the audit log."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    try:
        case = selectors.case_get_by_number_for_staff(staff=staff, number=number)
        attachment = forms_materials.attachment_for_submission(submission=case.submission, attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    stream = forms_materials.attachment_open(
        attachment=attachment, actor=f"staff:{staff.pk}", purpose=f"审查办件 {case.number}"
    )
    return file_response(attachment, stream)
