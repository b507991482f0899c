"""Error pages in Chinese with English, in the site's layout; API paths get problem+json."""

from __future__ import annotations

import sys

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from tongban.core import outage
from tongban.core.problems import problem_from_error, problem_response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_response(status=404, code="not_found", title_zh="未找到", title_en="Not found", request=request)
    context = {"title_zh": "页面不存在", "title_en": "Page not found"}
    return render(request, "ui/problem.html", context, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so it is still at hand (WSGI; under ASGI it is not).
    exc = sys.exc_info()[1]
    if exc is not None and outage.database_down(exc):
        return service_unavailable(request, exc)
    if request.path.startswith("/api/"):
        return problem_response(
            status=500, code="server_error", title_zh="系统繁忙", title_en="Internal error", request=request
        )
    context = {"title_zh": "系统繁忙，请稍后再试", "title_en": "Something went wrong; please try again later"}
    return render(request, "ui/problem.html", context, status=500)


def service_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """503 with Retry-After for a database that stopped answering: "try again", not "something broke"."""
    error = outage.service_unavailable(exc)
    if request.path.startswith("/api/"):
        return problem_from_error(request, error)
    context = {"title_zh": error.message_zh, "title_en": error.message_en}
    # A middleware outside the language one may be what failed: answer in the language the request chose.
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE):
        try:
            response = render(request, "ui/problem.html", context, status=error.status)
        except outage.DATABASE_DOWN:
            # The header asks who is logged in, which may need the database that is away: render it signed out.
            outage.connections_drop_broken()
            request.user = AnonymousUser()
            response = render(request, "ui/problem.html", context, status=error.status)
    response["Retry-After"] = str(error.extra["retry_after"])
    return response
