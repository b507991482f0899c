"""Pages of an online application: start, shared data confirmed, one page per topic, check answers, submit.

Every page POST saves what was typed (also when invalid) so nothing is lost; shared values are never
taken from the browser. htmx re-renders only the fieldset when an answer changes what is shown.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.catalog import selectors as catalog
from tongban.core.errors import DomainError, NotFound
from tongban.forms import materials, selectors, services, signals
from tongban.forms.models import Draft, Submission
from tongban.forms.state import COLLECTED
from tongban.identity import selectors as identity
from tongban.identity.decorators import login_required_resume, resumed_form_data
from tongban.identity.models import Enterprise, Person, User
from tongban.identity.pages import account_context
from tongban.ui.htmx import refresh_changed_answer


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _crumbs(*trail: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": _("首页"), "url": reverse("catalog:home")}, *({"label": lbl, "url": url} for lbl, url in trail)]


def _draft(request: HttpRequest, draft_id: UUID) -> Draft:
    try:
        return selectors.draft_get_for_user(user=_user(request), draft_id=draft_id)
    except NotFound:
        raise Http404 from None


def _submitted(draft: Draft) -> HttpResponse | None:
    """After submission the draft's pages lead to the receipt (browser back shows 'already submitted')."""
    submission = getattr(draft, "submission", None)
    if submission is None:
        return None
    return _receipt(submission)


def _receipt(submission: Any) -> HttpResponse:
    """After submission: the applicant's receipt, or for a clerk who filled it in, the case at the window."""
    if submission.operator:
        return redirect("cases:window_case", number=submission.number)
    return redirect("forms:submission", number=submission.number)


def _draft_crumbs(draft: Draft, *trail: tuple[str, str]) -> list[dict[str, str]]:
    impl = draft.implementation
    return _crumbs(
        (impl.item.name, reverse("catalog:guide", args=[impl.code])),
        (_("网上申请"), reverse("forms:overview", args=[draft.pk])),
        *trail,
    )


def _subjects_for(person: Person, implementation: Any, kind: str) -> list[tuple[str, str]]:
    """Whom the person may apply for: (value, label) — self, enterprises represented, principals."""
    code = implementation.item.basic_code
    if kind == "enterprise":
        options = [(f"e:{e.pk}", e.name) for e in identity.enterprise_list_for_representative(person=person)]
        for d in identity.delegation_list_for_person(person=person, direction="received"):
            if d.principal_enterprise and d.is_active() and d.covers(code):
                options.append((f"e:{d.principal_enterprise.pk}", f"{d.principal_enterprise.name}（{_('代办')}）"))
        return options
    options = [("self", _("本人（%(name)s）") % {"name": person.name})]
    for d in identity.delegation_list_for_person(person=person, direction="received"):
        if d.principal_person and d.is_active() and d.covers(code):
            options.append((f"p:{d.principal_person.pk}", _("为 %(name)s 代办") % {"name": d.principal_person.name}))
    return options


def _chosen_subject(value: str) -> Person | Enterprise | None:
    kind, _sep, ident = value.partition(":")
    try:
        if kind == "e":
            return Enterprise.objects.get(pk=UUID(ident))
        if kind == "p":
            return Person.objects.get(pk=UUID(ident))
    except (ValueError, Person.DoesNotExist, Enterprise.DoesNotExist):
        raise NotFound("未找到办理对象", "Not found", field="subject") from None
    return None


@login_required_resume
def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    try:
        implementation = catalog.implementation_get_by_code(code)
        guide = catalog.guide_published(implementation)
    except NotFound:
        raise Http404 from None
    version = selectors.form_current(implementation=implementation)
    person = identity.person_for_user(user=_user(request))
    kind = selectors.subject_kind_of(version.schema) if version else "person"
    options = _subjects_for(person, implementation, kind) if person else []
    error: DomainError | None = None
    if request.method == "POST" and version is not None:
        try:
            subject = _chosen_subject(request.POST.get("subject", "self"))
            draft = services.draft_start(user=_user(request), implementation=implementation, subject=subject)
            return redirect("forms:overview", draft_id=draft.pk)
        except DomainError as exc:
            error = exc
    context = {
        "implementation": implementation,
        "guide": guide,
        "version": version,
        "person": person,
        "options": options,
        "error": error,
        "kind": kind,
        "breadcrumbs": _crumbs((implementation.item.name, reverse("catalog:guide", args=[code])), (_("网上申请"), "")),
    }
    return render(request, "forms/start.html", context, status=422 if error else 200)


def _groups(view: selectors.DraftView) -> list[dict[str, Any]]:
    """Shared values grouped by the department they came from, in field order."""
    groups: dict[str, dict[str, Any]] = {}
    for state in view.states.values():
        if state.visible and state.shared is not None and state.mode != "collected":
            source = state.shared.source_department
            groups.setdefault(
                source, {"department": source, "department_en": state.shared.source_department_en, "states": []}
            )["states"].append(state)
    return list(groups.values())


@login_required_resume
def draft_overview(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if (done := _submitted(draft)) is not None:
        return done
    view = selectors.draft_view(draft=draft)
    unavailable = [s for s in view.states.values() if s.visible and s.unavailable]
    pages = view.asked_pages
    context = {
        "draft": draft,
        "view": view,
        "groups": _groups(view),
        "unavailable": unavailable,
        "first_page": pages[0].key if pages else None,
        "after_pages": _after_pages(draft),
        "shown_prefilled": view.counts,
        "breadcrumbs": _draft_crumbs(draft),
    }
    return render(request, "forms/overview.html", context)


@require_POST
@login_required_resume
def draft_refresh(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if (done := _submitted(draft)) is not None:
        return done
    services.draft_refresh(draft=draft)
    messages.success(request, _("已重新从各部门获取数据。"))
    return redirect("forms:overview", draft_id=draft.pk)


def _after_pages(draft: Draft) -> str:
    """After the last page: the materials step when something is to be uploaded, else the check page (which
    lists what needs no upload too)."""
    uploads = any(m.way == materials.UPLOAD for m in materials.material_states(draft=draft))
    step = "forms:materials" if uploads else "forms:check"
    return reverse(step, args=[draft.pk])


def _next_after(view: selectors.DraftView, page: str) -> str | None:
    keys = [p.key for p in view.asked_pages]
    if page in keys and keys.index(page) + 1 < len(keys):
        return keys[keys.index(page) + 1]
    return None


def _asked(view: selectors.DraftView, page: str) -> list[str]:
    """Keys of the page's fields the applicant answers, in order (elder mode asks them one at a time)."""
    return [s.key for s in view.page_states(page) if s.visible and s.mode == COLLECTED]


def _page_context(
    draft: Draft, view: selectors.DraftView, page: str, errors: dict[str, DomainError], only: str | None = None
) -> dict[str, Any]:
    spec = next((p for p in view.schema.pages if p.key == page), None)
    if spec is None:
        raise Http404
    pages = view.asked_pages
    keys = [p.key for p in pages]
    states = [s for s in view.page_states(page) if s.visible and (only is None or s.key == only)]
    asked = _asked(view, page)
    back = (
        reverse("forms:page", args=[draft.pk, keys[keys.index(page) - 1]])
        if page in keys and keys.index(page) > 0
        else reverse("forms:overview", args=[draft.pk])
    )
    if only in asked and asked.index(only) > 0:
        back = f"{reverse('forms:page', args=[draft.pk, page])}?q={asked[asked.index(only) - 1]}"
    return {
        "only": only,
        "question": asked.index(only) + 1 if only in asked else None,
        "questions": len(asked),
        "draft": draft,
        "page": spec,
        "states": states,
        "errors": errors,
        "error_items": list(errors.items()),
        "dependencies": view.dependencies,
        "error_list": [(s, errors[s.key]) for s in states if s.key in errors],
        "step": keys.index(page) + 1 if page in keys else None,
        "steps": len(keys),
        "back": back,
        "breadcrumbs": _draft_crumbs(draft, (spec.title, "")),
    }


@login_required_resume
def draft_page(request: HttpRequest, draft_id: UUID, page: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    if (done := _submitted(draft)) is not None:
        return done
    errors: dict[str, DomainError] = {}
    # Elder mode asks one question per screen (适老化: one task per page); `q` names it.
    elder = bool(getattr(request, "elder_mode", False))
    only = (request.POST.get("q") or request.GET.get("q") or None) if elder else None
    if request.method == "POST":
        answers = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "q")}
        refresh = bool(request.htmx and request.POST.get("_refresh"))  # type: ignore[attr-defined]
        if refresh:
            answers = refresh_changed_answer(request, answers)
        try:
            errors = services.draft_save(user=_user(request), draft_id=draft.pk, answers=answers, page=page)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("forms:overview", draft_id=draft.pk)
        draft = _draft(request, draft_id)
        view = selectors.draft_view(draft=draft)
        if refresh:
            # An answer changed: show or hide dependent fields; messages only after a real "next".
            return render(request, "forms/_fieldset.html", _page_context(draft, view, page, {}, only))
        asked = _asked(view, page)
        if only in asked:
            errors = {k: e for k, e in errors.items() if k == only}  # only what this screen asked
            if not errors and asked.index(only) + 1 < len(asked):
                following_q = asked[asked.index(only) + 1]
                return redirect(f"{reverse('forms:page', args=[draft.pk, page])}?q={following_q}")
        if not errors:
            following = _next_after(view, page)
            return (
                redirect("forms:page", draft_id=draft.pk, page=following)
                if following
                else redirect(_after_pages(draft))
            )
    else:
        kept = resumed_form_data(request)
        if kept:  # typed before the session expired: saved now, so nothing is lost
            answers = {k: v for k, v in kept.items() if isinstance(v, str)}
            services.draft_save(user=_user(request), draft_id=draft.pk, answers=answers, page=page)
            draft = _draft(request, draft_id)
        view = selectors.draft_view(draft=draft)
    if elder:
        asked = _asked(view, page)
        only = only if only in asked else (asked[0] if asked else None)
    context = _page_context(draft, view, page, errors, only)
    return render(request, "forms/page.html", context, status=422 if errors else 200)


@login_required_resume
def draft_check(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if (done := _submitted(draft)) is not None:
        return done
    errors: dict[str, DomainError] = {}
    error: DomainError | None = None
    consent = request.POST.getlist("consent") if request.method == "POST" else list(draft.consent)
    if request.method == "POST":
        try:
            submission = services.application_submit(
                user=_user(request),
                draft_id=draft.pk,
                consent=consent,
                declaration=bool(request.POST.get("declaration")),
            )
            return _receipt(submission)
        except services.FormIncomplete as exc:
            errors = exc.errors
        except DomainError as exc:
            error = exc
        draft = _draft(request, draft_id)
    else:
        errors = services.page_errors(draft=draft)
    view = selectors.draft_view(draft=draft)
    rows = [s for s in view.states.values() if s.visible]
    material_list = materials.material_states(draft=draft)
    context = {
        "materials": material_list,
        "material_error_list": [(s, errors[s.key]) for s in material_list if s.key in errors],
        "draft": draft,
        "view": view,
        "rows": rows,
        "errors": errors,
        "error": error,
        "consent": consent,
        "error_items": list(errors.items()),
        "error_list": [(s, errors[s.key]) for s in rows if s.key in errors],
        "writeback": [
            s for s in rows if s.mode == "collected" and s.spec.writeback and s.text.strip() and s.key not in errors
        ],
        "shown_prefilled": view.counts,
        "declaration": bool(request.POST.get("declaration")),
        "show_errors": request.method == "POST",
        "breadcrumbs": _draft_crumbs(draft, (_("核对并提交"), "")),
    }
    return render(request, "forms/check.html", context, status=422 if request.method == "POST" else 200)


@login_required_resume
def draft_dispute(request: HttpRequest, draft_id: UUID, key: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    if (done := _submitted(draft)) is not None:
        return done
    view = selectors.draft_view(draft=draft)
    state = view.states.get(key)
    if state is None or state.shared is None or state.mode == "collected":
        raise Http404
    error: DomainError | None = None
    if request.method == "POST":
        try:
            services.draft_dispute(
                user=_user(request),
                draft_id=draft.pk,
                field_key=key,
                value=request.POST.get("value", ""),
                reason=request.POST.get("reason", ""),
            )
            if state.spec.on_dispute == "declare":
                messages.success(
                    request, _("已向数据所属部门提交纠错申请；本次申请将使用您填写的内容，由窗口人员核实。")
                )
            else:
                messages.warning(request, _("已向数据所属部门提交纠错申请。此项需到窗口核实后才能继续办理。"))
            return redirect("forms:overview", draft_id=draft.pk)
        except DomainError as exc:
            error = exc
    context = {
        "draft": draft,
        "state": state,
        "error": error,
        "value": request.POST.get("value", ""),
        "reason": request.POST.get("reason", ""),
        "breadcrumbs": _draft_crumbs(draft, (_("信息有误"), "")),
    }
    return render(request, "forms/dispute.html", context, status=422 if error else 200)


def _account(request: HttpRequest, section: str, title: str, **extra: Any) -> dict[str, Any]:
    return account_context(request, section=section, title=title, **extra)


@login_required_resume
def applications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = _account(
        request,
        "applications",
        _("我的申请"),
        drafts=list(selectors.draft_list_for_user(user=user)),
        submissions=list(selectors.submission_list_for_user(user=user)[:50]),
    )
    return render(request, "forms/applications.html", context)


@login_required_resume
def submission_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        submission = selectors.submission_get_for_user(user=_user(request), number=number)
    except NotFound:
        raise Http404 from None
    rows = selectors.submission_rows(submission)
    about: dict[str, Any] = {}  # what the apps above made of it: the case's state, a pledge to sign
    for _receiver, answer in signals.described.send(sender=Submission, submission=submission):
        about.update(answer or {})
    context = _account(
        request, "applications", submission.number, submission=submission, rows=rows,
        materials=materials.submission_material_states(submission=submission), about=about,
    )  # fmt: skip
    context["breadcrumbs"][-1:] = [
        {"label": _("我的申请"), "url": reverse("forms:applications")},
        {"label": submission.number, "url": ""},
    ]
    return render(request, "forms/submission.html", context)
