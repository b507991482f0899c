"""Language and elder mode: chosen per browser (cookie) and, once logged in, per user.

Chinese is the default whatever the browser's Accept-Language says: the platform is Chinese first
and English only on request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

LANG_COOKIE = "tongban_lang"
ELDER_COOKIE = "tongban_elder"
SUPPORTED = {code for code, _ in settings.LANGUAGES}


def _user_pref(request: HttpRequest, attr: str):  # type: ignore[no-untyped-def]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return getattr(user, attr, None)
    return None


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = request.GET.get("lang") or request.COOKIES.get(LANG_COOKIE) or settings.LANGUAGE_CODE
        if lang not in SUPPORTED:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        translation.deactivate()
        return response


class ElderModeMiddleware:
    """Runs after authentication, so a logged-in user's stored preferences win over the cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user_lang = _user_pref(request, "language")
        if user_lang in SUPPORTED and LANG_COOKIE not in request.COOKIES and "lang" not in request.GET:
            translation.activate(user_lang)
            request.LANGUAGE_CODE = user_lang
        elder = _user_pref(request, "elder_mode")
        request.elder_mode = bool(elder) or request.COOKIES.get(ELDER_COOKIE) == "1"  # type: ignore[attr-defined]
        return self.get_response(request)
