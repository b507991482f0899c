"""Applying for a bundle online (一网办理): start from the composed guide, fill in the one form and the one set
of materials, submit once; afterwards the same address shows one timeline across every department. Only the
applicant's own applications are found: anyone else's id is a 404."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from tongban.bundles import applications as apps
from tongban.bundles import selectors
from tongban.bundles.application_view import application_form, application_timeline
from tongban.bundles.models import ApplicationState, BundleApplication
from tongban.bundles.views import _crumbs, _questions
from tongban.core.errors import DomainError, NotFound
from tongban.forms.uploads import CappedUploadHandler, posted_file, readable_size
from tongban.identity import selectors as identity
from tongban.identity.decorators import login_required_resume
from tongban.identity.models import User
from tongban.ui.htmx import refresh_changed_answer


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _application(request: HttpRequest, application_id: UUID) -> BundleApplication:
    try:
        return apps.application_get_for_user(user=_user(request), application_id=application_id)
    except NotFound:
        raise Http404 from None


def _app_crumbs(application: BundleApplication, *trail: tuple[str, str]) -> list[dict[str, str]]:
    bundle = application.version.bundle
    detail = reverse("bundles:detail", args=[bundle.code])
    return _crumbs((_("一件事一次办"), reverse("bundles:list")), (bundle.name, detail), *trail)


@require_POST
@login_required_resume
def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    """From the composed guide: start (or resume) the application for the answers given there."""
    try:
        bundle = selectors.bundle_get(code=code)
        version = selectors.bundle_version_published(bundle=bundle)
    except NotFound:
        raise Http404 from None
    definition = selectors.bundle_definition(version=version)
    answers = {q.key: request.POST.getlist(q.key)[:10] for q in definition.questions if request.POST.getlist(q.key)}
    enterprise = _enterprise_chosen(request)
    try:
        application = apps.bundle_application_start(user=_user(request), version=version, answers=answers,
                                                    enterprise=enterprise)  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
        query = "&".join(f"{k}={v}" for k, values in answers.items() for v in values)
        return redirect(f"{reverse('bundles:detail', args=[code])}?{query}#composed")
    return redirect("bundles:application", application_id=application.pk)


def _enterprise_chosen(request: HttpRequest) -> Any:
    """The enterprise the applicant acts for, among those they represent (anything else: none)."""
    person = identity.person_for_user(user=_user(request))
    chosen = request.POST.get("enterprise", "")
    if person is None or not chosen:
        return None
    try:
        return identity.enterprise_list_for_representative(person=person).filter(pk=chosen).first()
    except (ValueError, ValidationError):
        return None


def _form_page(
    request: HttpRequest, application: BundleApplication, *, errors: dict[str, DomainError] | None = None,
    status: int = 200, typed: dict[str, str] | None = None,
) -> HttpResponse:  # fmt: skip
    view = application_form(application=application)
    errors = errors or {}
    rows = view.fields
    if typed:  # what was posted, kept as typed even where it could not be saved
        for row in rows:
            if row.key in typed and row.shared is None:
                object.__setattr__(row, "text", typed[row.key])
    composition = view.composition
    context: dict[str, Any] = {
        "application": application,
        "bundle": application.version.bundle,
        "view": view,
        "errors": errors,
        "error_items": list(errors.items()),
        "items": [
            {"i": i, "upstream": [composition.definition.name_of(u) for u in i.upstream]} for i in composition.items
        ],
        "questions": _questions(composition),
        "upload_limit": readable_size(settings.UPLOAD_MAX_BYTES),
        "consent": set(application.consent),
        "breadcrumbs": _app_crumbs(application, (_("在线申请"), "")),
    }
    return render(request, "bundles/apply.html", context, status=status)


@csrf_exempt  # the token is checked below, after the capped upload handler is in place
def application_page(request: HttpRequest, application_id: UUID) -> HttpResponse:
    request.upload_handlers.insert(0, CappedUploadHandler(request))  # type: ignore[union-attr]
    return _application_page(request, application_id)


@csrf_protect
@login_required_resume
def _application_page(request: HttpRequest, application_id: UUID) -> HttpResponse:
    application = _application(request, application_id)
    if application.state == ApplicationState.SUBMITTED:
        timeline = application_timeline(application=application)
        context = {"application": application, "timeline": timeline,
                   "breadcrumbs": _app_crumbs(application, (application.number, ""))}  # fmt: skip
        return render(request, "bundles/timeline.html", context)
    if request.method != "POST":
        return _form_page(request, application)
    action = request.POST.get("action", "save")
    if action == "answers":
        definition = selectors.bundle_definition(version=application.version)
        try:
            application = apps.bundle_application_answer(user=_user(request), application_id=application.pk,
                                                         answers=_answers_posted(request, definition))  # fmt: skip
        except DomainError as error:
            return _form_page(request, application, errors={"answers": error}, status=422)
        messages.success(request, _("已按新的情形调整事项和材料，已填写的内容均已保留。"))
        return redirect("bundles:application", application_id=application.pk)
    skipped = ("csrf", "action", "consent", "declaration")
    values = {k: str(v) for k, v in request.POST.items() if not k.startswith(skipped)}
    if action == "refresh":  # an answer other fields depend on changed (htmx): show what it makes asked
        return _refreshed(request, application, values)
    consent = request.POST.getlist("consent")
    try:
        errors = apps.bundle_application_save(user=_user(request), application_id=application.pk, values=values,
                                              consent=consent)  # fmt: skip
    except DomainError as error:
        return _form_page(request, application, errors={"form": error}, status=409, typed=values)
    application.refresh_from_db()
    uploaded, refused = _uploads(request, application, action)
    if refused:  # what was typed is saved; say what is wrong with the file
        return _form_page(request, application, errors=refused, status=422, typed=values)
    if action != "submit":
        if uploaded:
            messages.success(request, _("已上传：%(names)s。") % {"names": "、".join(uploaded)})
        else:
            messages.success(request, _("已保存。您可以随时回来继续填写。"))
        anchor = f"#{action.removeprefix('upload-')}" if action.startswith("upload-") else ""
        return redirect(f"{reverse('bundles:application', args=[application.pk])}{anchor}")
    try:
        apps.bundle_application_submit(user=_user(request), application_id=application.pk,
                                       declaration=request.POST.get("declaration") == "1", consent=consent)  # fmt: skip
    except apps.BundleIncomplete as incomplete:
        return _form_page(request, application, errors=incomplete.errors, status=422, typed=values)
    except DomainError as error:
        key = error.field or "declaration"
        return _form_page(request, application, errors={**errors, key: error}, status=422, typed=values)
    messages.success(request, _("一件事申请已提交，各事项已分送承办部门。"))
    return redirect("bundles:application", application_id=application.pk)


def _refreshed(request: HttpRequest, application: BundleApplication, values: dict[str, str]) -> HttpResponse:
    """The asked fields again after one answer changed, everything as typed; only that answer is saved."""
    changed = refresh_changed_answer(request, values)
    if changed:
        try:
            apps.bundle_application_save(user=_user(request), application_id=application.pk, values=changed)
        except DomainError as error:
            return _form_page(request, application, errors={"form": error}, status=409, typed=values)
    return _form_page(request, application, typed=values)


def _uploads(
    request: HttpRequest, application: BundleApplication, action: str
) -> tuple[list[str], dict[str, DomainError]]:
    """Every file chosen in the one form (`file-<n>` for the n-th material), handed in once for every item that
    needs it; an "upload" button with no file chosen is told so."""
    wanted = {int(k.removeprefix("file-")) for k in request.FILES if k.removeprefix("file-").isdigit()}
    if action.startswith("upload-material-") and action.removeprefix("upload-material-").isdigit():
        wanted.add(int(action.removeprefix("upload-material-")))
    uploaded: list[str] = []
    refused: dict[str, DomainError] = {}
    for index in sorted(wanted):
        key = apps.material_field_key(index)
        try:
            upload = posted_file(request, field=f"file-{index}")
            apps.bundle_material_upload(user=_user(request), application_id=application.pk, index=index,
                                        stream=upload, filename=upload.name or "", size=upload.size or 0)  # fmt: skip
        except DomainError as error:
            refused[key] = error
        else:
            uploaded.append(upload.name or "")
    return uploaded, refused


def _answers_posted(request: HttpRequest, definition: Any) -> dict[str, Any]:
    return {q.key: request.POST.getlist(q.key)[:10] for q in definition.questions if request.POST.getlist(q.key)}


@login_required_resume
def application_list(request: HttpRequest) -> HttpResponse:
    rows = apps.application_list_for_user(user=_user(request))
    crumbs = _crumbs((_("一件事一次办"), reverse("bundles:list")), (_("我的一件事"), ""))
    context = {"rows": rows, "breadcrumbs": crumbs}
    return render(request, "bundles/applications.html", context)
