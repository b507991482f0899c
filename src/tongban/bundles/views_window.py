"""综合窗口 for bundles: a clerk finds a submitted 一件事 by its number and accepts every item case their window
takes in at once (each department's own clock starts); each case's materials and correction notice stay on
that case's own intake page. Only window clerks see these pages, and only bundles with an item they receive."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.bundles import applications as apps
from tongban.bundles.application_view import application_timeline
from tongban.cases.selectors import intake_departments
from tongban.cases.window_queries import window_clerk
from tongban.core.errors import NotFound
from tongban.identity.decorators import staff_required
from tongban.identity.models import Staff


def _clerk(request: HttpRequest) -> Staff:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    if not window_clerk(staff):
        raise Http404
    return staff


def _crumbs(*trail: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"label": _("首页"), "url": reverse("catalog:home")},
        {"label": _("工作台"), "url": reverse("identity:backoffice")},
        {"label": _("一窗受理"), "url": reverse("cases:window")},
        *({"label": label, "url": url} for label, url in trail),
    ]


@staff_required
def window_find(request: HttpRequest) -> HttpResponse:
    staff = _clerk(request)
    typed, error = request.POST.get("number", "")[:30] if request.method == "POST" else "", None
    if request.method == "POST":
        try:
            application = apps.application_get_for_clerk(staff=staff, number=typed)
        except NotFound as missing:
            error = missing
        else:
            return redirect("bundles:window_bundle", number=application.number)
    context = {"typed": typed, "error": error, "breadcrumbs": _crumbs((_("一件事整件受理"), ""))}
    return render(request, "bundles/window/find.html", context, status=404 if error else 200)


@staff_required
def window_bundle(request: HttpRequest, number: str) -> HttpResponse:
    staff = _clerk(request)
    try:
        application = apps.application_get_for_clerk(staff=staff, number=number)
    except NotFound:
        raise Http404 from None
    timeline = application_timeline(application=application)
    receives = set(intake_departments(staff=staff))
    here = {r.child.pk for r in timeline.children if r.child.implementation.department_id in receives}
    rows = [{"row": r, "here": r.child.pk in here} for r in timeline.children]
    waiting = [r for r in timeline.children if r.child.pk in here and r.case and r.case.state == "submitted"]
    crumbs = _crumbs((_("一件事整件受理"), reverse("bundles:window")), (application.number, ""))
    context = {"application": application, "timeline": timeline, "rows": rows, "waiting": waiting,
               "breadcrumbs": crumbs}  # fmt: skip
    return render(request, "bundles/window/bundle.html", context)


@staff_required
@require_POST
def window_accept(request: HttpRequest, number: str) -> HttpResponse:
    staff = _clerk(request)
    try:
        done = apps.bundle_accept_at_window(staff=staff, number=number)
    except NotFound:
        raise Http404 from None
    if done.accepted:
        accepted = {"n": len(done.accepted), "cases": "、".join(done.accepted)}
        messages.success(request, _("已整件受理 %(n)s 个事项：%(cases)s。") % accepted)
    for case_number, error in done.refused:
        messages.error(request, f"{case_number}：{error.message}")
    if not done.accepted and not done.refused:
        messages.info(request, _("没有等待受理的事项。"))
    return redirect("bundles:window_bundle", number=number)
