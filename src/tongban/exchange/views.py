"""Pages of the data-sharing hub: the steward's worklist (红黄牌), decisions, grants, imports; requests;
correction requests (数据纠错) for the owner's steward and the applicant's own list."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.errors import DomainError, NotFound
from tongban.exchange import selectors, services
from tongban.exchange.forms import CorrectionDecisionForm, DecisionForm, ImportForm, RequestForm, RevokeForm
from tongban.identity.decorators import login_required_resume, staff_required
from tongban.identity.models import Staff, User
from tongban.identity.pages import account_context
from tongban.identity.roles import Role
from tongban.registry.models import ValueType


def _staff(request: HttpRequest) -> Staff:
    return request.staff  # type: ignore[attr-defined,no-any-return]


def _steward(request: HttpRequest) -> Staff:
    staff = _staff(request)
    if not staff.has_role(Role.STEWARD) or staff.department is None:
        raise Http404
    return staff


def _crumbs(*trail: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"label": _("首页"), "url": reverse("catalog:home")},
        {"label": _("工作台"), "url": reverse("identity:backoffice")},
        *({"label": label, "url": url} for label, url in trail),
    ]


@staff_required
def worklist(request: HttpRequest) -> HttpResponse:
    staff = _steward(request)
    items = selectors.request_worklist(staff=staff)
    corrections = selectors.correction_worklist(staff=staff)
    context = {
        "items": items,
        "decided": list(selectors.request_decided_list(staff=staff)),
        "corrections": corrections,
        "corrections_red": sum(1 for c in corrections if c.card == "red"),
        "corrections_decided": selectors.correction_decided_list(staff=staff, limit=10),
        "performance": selectors.department_performance(staff=staff),
        "red": sum(1 for i in items if i.card == "red"),
        "yellow": sum(1 for i in items if i.card == "yellow"),
        "breadcrumbs": _crumbs((_("共享审核"), "")),
    }
    return render(request, "exchange/worklist.html", context)


def _decision_page(request: HttpRequest, staff: Staff, request_id: UUID, form: DecisionForm | None = None,
                   error: DomainError | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    try:
        sharing = selectors.request_get_for_decider(staff=staff, request_id=request_id)
    except NotFound:
        raise Http404 from None
    elapsed, card = selectors.card_for(sharing)
    elements = selectors.requestable_elements().filter(code__in=sharing.element_codes)
    context: dict[str, Any] = {
        "sharing": sharing,
        "elements": list(elements),
        "elapsed": elapsed,
        "card": card,
        "form": form or DecisionForm(),
        "error": error,
        "breadcrumbs": _crumbs((_("共享审核"), reverse("exchange:worklist")), (_("审核共享申请"), "")),
    }
    return render(request, "exchange/decide.html", context, status=status)


@staff_required
def decide(request: HttpRequest, request_id: UUID) -> HttpResponse:
    staff = _steward(request)
    if request.method != "POST":
        return _decision_page(request, staff, request_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            sharing = services.sharing_request_decide(
                staff=staff,
                request_id=request_id,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if sharing.status == sharing.Status.APPROVED:
                messages.success(
                    request, _("已同意 %(consumer)s 的共享申请，授权已生效。") % {"consumer": sharing.consumer.name}
                )
            else:
                messages.success(request, _("已拒绝 %(consumer)s 的共享申请。") % {"consumer": sharing.consumer.name})
            return redirect("exchange:worklist")
    return _decision_page(request, staff, request_id, form=form, status=422)


def _grants_page(request: HttpRequest, staff: Staff, *, form: RevokeForm | None = None,
                 failed: UUID | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    context = {
        "rows": selectors.grant_list(staff=staff),
        "form": form,
        "failed": failed,
        "breadcrumbs": _crumbs((_("共享审核"), reverse("exchange:worklist")), (_("共享授权"), "")),
    }
    return render(request, "exchange/grants.html", context, status=status)


@staff_required
def grants(request: HttpRequest) -> HttpResponse:
    return _grants_page(request, _steward(request))


@staff_required
@require_POST
def grant_revoke(request: HttpRequest, grant_id: UUID) -> HttpResponse:
    staff = _steward(request)
    form = RevokeForm(request.POST, prefix=str(grant_id))
    if form.is_valid():
        try:
            grant = services.grant_revoke(staff=staff, grant_id=grant_id, reason=form.cleaned_data["reason"])
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("已撤销 %(consumer)s 的共享授权。") % {"consumer": grant.consumer.name})
            return redirect("exchange:grants")
    return _grants_page(request, staff, form=form, failed=grant_id, status=422)


def _request_choices() -> list[tuple[str, Any]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for element in selectors.requestable_elements():
        groups.setdefault(element.owner.name, []).append((element.code, f"{element.name}（{element.code}）"))
    return [(owner, options) for owner, options in groups.items()]


@staff_required
def request_new(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    if staff.department is None:
        raise Http404
    form = RequestForm(request.POST or None, choices=_request_choices())
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                sharing = services.sharing_request_submit(
                    staff=staff,
                    element_codes=form.cleaned_data["elements"],
                    purpose=form.cleaned_data["purpose"],
                    period_days=form.cleaned_data["period_days"],
                    item_code=form.cleaned_data["item_code"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request,
                    _("共享申请已提交给 %(owner)s，应在 %(due)s 前答复。")
                    % {"owner": sharing.owner.name, "due": sharing.due_on.isoformat()},
                )
                return redirect("exchange:request_new")
    context = {
        "form": form,
        "mine": list(selectors.requests_of_consumer(staff=staff)[:20]),
        "usage": list(selectors.usage_for_consumer(consumer=staff.department)),
        "breadcrumbs": _crumbs((_("申请数据共享"), "")),
    }
    return render(request, "exchange/request_new.html", context, status=status)


@staff_required
def import_page(request: HttpRequest) -> HttpResponse:
    staff = _steward(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = services.exchange_import(
                    file=upload.read(),
                    name=upload.name,
                    element_codes=form.cleaned_data["elements"].split() or None,
                    source_department=staff.department,  # type: ignore[arg-type]
                    actor=f"staff:{staff.pk}",
                )
                status = 200
            except DomainError as error:
                form.add_domain_error(error)
    context = {
        "form": form,
        "report": report,
        "department": staff.department,
        "breadcrumbs": _crumbs((_("共享审核"), reverse("exchange:worklist")), (_("批量导入"), "")),
    }
    return render(request, "exchange/import.html", context, status=status)


# --- 数据纠错 ----------------------------------------------------------------------------------------


def _correction_form(correction: Any, data: Any = None) -> CorrectionDecisionForm:
    element = correction.element
    choices = element.choices if element.value_type == ValueType.CODE and element.choices else None
    return CorrectionDecisionForm(data, choices=choices)


def _correction_page(request: HttpRequest, staff: Staff, correction_id: UUID,
                     form: CorrectionDecisionForm | None = None, status: int = 200) -> HttpResponse:  # fmt: skip
    try:
        correction = selectors.correction_get_for_decider(staff=staff, correction_id=correction_id)
    except NotFound:
        raise Http404 from None
    context: dict[str, Any] = {
        "item": selectors.correction_item(correction),
        "correction": correction,
        "current": selectors.correction_current_value(correction=correction),
        "form": form or _correction_form(correction),
        "breadcrumbs": _crumbs((_("共享审核"), reverse("exchange:worklist")), (_("处理数据纠错"), "")),
    }
    return render(request, "exchange/correction_decide.html", context, status=status)


@staff_required
def correction_decide(request: HttpRequest, correction_id: UUID) -> HttpResponse:
    staff = _steward(request)
    if request.method != "POST":
        return _correction_page(request, staff, correction_id)
    try:
        pending = selectors.correction_get_for_decider(staff=staff, correction_id=correction_id)
    except NotFound:
        raise Http404 from None
    form = _correction_form(pending, request.POST)
    if form.is_valid():
        try:
            correction = services.correction_decide(
                staff=staff,
                correction_id=correction_id,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
                value=form.cleaned_data["value"],
            )
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            form.add_domain_error(error)
        else:
            names = {"element": correction.element.name, "number": correction.number}
            if correction.status == correction.Status.CORRECTED:
                messages.success(request, _("已更正“%(element)s”（%(number)s），申请人会收到站内信。") % names)
            else:
                messages.success(request, _("已答复“%(element)s”（%(number)s）：不予更正。") % names)
            return redirect("exchange:worklist")
    return _correction_page(request, staff, correction_id, form=form, status=422)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _account_context(request: HttpRequest, title: str, trail: tuple[str, str] | None = None,
                     **extra: Any) -> dict[str, Any]:  # fmt: skip
    return account_context(request, section="corrections", title=title, trail=[trail] if trail else (), **extra)


@login_required_resume
def my_corrections(request: HttpRequest) -> HttpResponse:
    rows = [selectors.correction_item(c) for c in selectors.correction_list_for_user(user=_user(request))]
    return render(request, "exchange/my_corrections.html", _account_context(request, _("数据纠错"), rows=rows))


@login_required_resume
def my_correction(request: HttpRequest, correction_id: UUID) -> HttpResponse:
    try:
        correction = selectors.correction_get_for_user(user=_user(request), correction_id=correction_id)
    except NotFound:
        raise Http404 from None
    context = _account_context(
        request, correction.number, (_("数据纠错"), reverse("exchange:my_corrections")),
        item=selectors.correction_item(correction), correction=correction,
    )  # fmt: skip
    return render(request, "exchange/my_correction.html", context)
