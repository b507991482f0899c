"""Error pages in Chinese with English, in the site's layout; API paths get problem+json."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.core.problems import problem_response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_response(status=404, code="not_found", title_zh="未找到", title_en="Not found", request=request)
    context = {"title_zh": "页面不存在", "title_en": "Page not found"}
    return render(request, "ui/problem.html", context, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_response(
            status=500, code="server_error", title_zh="系统繁忙", title_en="Internal error", request=request
        )
    context = {"title_zh": "系统繁忙，请稍后再试", "title_en": "Something went wrong; please try again later"}
    return render(request, "ui/problem.html", context, status=500)
