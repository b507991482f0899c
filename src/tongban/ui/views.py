"""Preference switches (language, elder mode) that work without JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tongban.ui.middleware import ELDER_COOKIE, LANG_COOKIE, SUPPORTED

ONE_YEAR = 365 * 24 * 3600


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return target


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    lang = request.POST.get("language", settings.LANGUAGE_CODE)
    if lang not in SUPPORTED:
        lang = settings.LANGUAGE_CODE
    response = HttpResponseRedirect(_back(request))
    response.set_cookie(LANG_COOKIE, lang, max_age=ONE_YEAR, samesite="Lax")
    if request.user.is_authenticated:
        request.user.language = lang  # type: ignore[union-attr]
        request.user.save(update_fields=["language"])  # type: ignore[union-attr]
    return response


@require_POST
def set_elder_mode(request: HttpRequest) -> HttpResponse:
    on = request.POST.get("elder") == "1"
    response = HttpResponseRedirect(_back(request))
    response.set_cookie(ELDER_COOKIE, "1" if on else "0", max_age=ONE_YEAR, samesite="Lax")
    if request.user.is_authenticated:
        request.user.elder_mode = on  # type: ignore[union-attr]
        request.user.save(update_fields=["elder_mode"])  # type: ignore[union-attr]
    return response
