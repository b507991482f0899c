"""Idle timeout without a session write on every request.

A logged-in session expires SESSION_COOKIE_AGE seconds after its last use (30 minutes by default, the
idle limit of a government service counter). Django's SESSION_SAVE_EVERY_REQUEST slides that expiry by
rewriting the session row on every request, a transaction per page view or API call even when nothing
changed. This middleware rewrites it at most once per SESSION_REFRESH_SECONDS (60 by default) instead,
so the idle limit holds to within a minute and a busy session costs one write a minute, not one a request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REFRESHED = "_tongban_refreshed"


class SessionRefreshMiddleware:
    """Goes right after SessionMiddleware; marks a used session modified when its expiry is due a slide."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.every = int(getattr(settings, "SESSION_REFRESH_SECONDS", 60))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 500:  # e.g. the database is away: do not read the session from it again
            return response
        session = getattr(request, "session", None)
        # Only a session that came with the request: a new one is saved anyway when something is put in it.
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(REFRESHED, 0)) >= self.every:
                session[REFRESHED] = now  # modified, so SessionMiddleware saves it with a fresh expiry
        return response
