"""好差评 pages: the applicant rates a case; the public statistics; the department's rectifications."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.cases import selectors as cases
from tongban.core.errors import DomainError
from tongban.feedback import selectors, services
from tongban.feedback.codes import BAD_REASONS, GOOD_REASONS, RatingChannel, Score
from tongban.identity.decorators import login_required_resume, staff_required
from tongban.identity.models import Staff, User
from tongban.identity.pages import account_context


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required_resume
def rate(request: HttpRequest, number: str) -> HttpResponse:
    case = cases.case_list_for_applicant(user=_user(request)).filter(number=number).first()
    if case is None:
        raise Http404
    existing = selectors.rating_for_case(case_id=case.pk)
    error: DomainError | None = None
    if request.method == "POST" and existing is None:
        raw = request.POST.get("score", "")
        try:
            services.rating_submit(
                user=_user(request), number=number, score=int(raw) if raw.isdigit() else 0,
                reasons=request.POST.getlist("reasons"), comment=request.POST.get("comment", ""),
                channel=RatingChannel.MOBILE if request.POST.get("mobile") else RatingChannel.PC,
            )  # fmt: skip
        except DomainError as failed:
            error = failed
        else:
            messages.success(request, _("感谢您的评价"))
            return redirect("feedback:rate", number=number)
    context = account_context(
        request, section="applications", title=_("服务评价"), case=case, rating=existing, error=error,
        typed=request.POST, scores=Score.choices, good_reasons=GOOD_REASONS, bad_reasons=BAD_REASONS,
    )  # fmt: skip
    return render(request, "feedback/rate.html", context, status=error.status if error else 200)


def statistics(request: HttpRequest) -> HttpResponse:
    context = {
        "departments": selectors.ratings_by_department(),
        "items": selectors.ratings_by_item(),
        "breadcrumbs": [{"label": _("首页"), "url": reverse("catalog:home")}, {"label": _("好差评"), "url": ""}],
    }
    return render(request, "feedback/statistics.html", context)


def _staff(request: HttpRequest) -> Staff:
    return request.staff  # type: ignore[attr-defined,no-any-return]


def _board(request: HttpRequest, **extra: Any) -> HttpResponse:
    staff = _staff(request)
    if staff.department is None and not staff.has_role("supervisor"):
        raise Http404
    labels = {**GOOD_REASONS, **BAD_REASONS}
    rows = list(selectors.rectifications_for_staff(staff=staff)[:200])
    for row in rows:
        row.reason_labels = [labels.get(code, code) for code in row.rating.reasons]  # type: ignore[attr-defined]
    context = {
        "rows": rows,
        "today": timezone.localdate(),
        "typed": {},
        "breadcrumbs": [
            {"label": _("首页"), "url": reverse("catalog:home")},
            {"label": _("工作台"), "url": reverse("identity:backoffice")},
            {"label": _("差评整改"), "url": ""},
        ],
        **extra,
    }
    return render(request, "feedback/rectifications.html", context, status=extra.get("status", 200))


@staff_required
def rectifications(request: HttpRequest) -> HttpResponse:
    return _board(request)


@staff_required
@require_POST
def rectification_answer(request: HttpRequest, rectification_id: Any) -> HttpResponse:
    try:
        if request.POST.get("complex"):
            services.rectification_mark_complex(rectification_id=rectification_id, staff=_staff(request))
            messages.success(request, _("已按复杂情形延长至 15 个工作日"))
        else:
            services.rectification_answer(
                rectification_id=rectification_id, staff=_staff(request),
                return_visit=request.POST.get("return_visit", ""), measures=request.POST.get("measures", ""),
                answer=request.POST.get("answer", ""),
            )  # fmt: skip
            messages.success(request, _("整改答复已发送评价人"))
    except DomainError as error:
        return _board(request, error=error, failed=rectification_id, typed=request.POST, status=error.status)
    return redirect("feedback:rectifications")
