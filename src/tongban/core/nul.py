"""NUL characters in input: PostgreSQL text and jsonb cannot hold them, so they would become a 500.

A NUL never carries meaning in a form, a query string or a JSON string, so it is dropped everywhere
before any view runs; everything else the person or the caller sent is kept as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict

NUL = "\x00"


def _without_nul(data: QueryDict) -> QueryDict | None:
    """A copy of `data` with NULs removed from keys and values, or None when there were none."""
    if not any(NUL in key or any(NUL in v for v in values) for key, values in data.lists()):
        return None
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(key.replace(NUL, ""), [v.replace(NUL, "") for v in values])
    cleaned._mutable = False
    return cleaned


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, list):
        return [_strip(v) for v in value]
    if isinstance(value, dict):
        return {_strip(k): _strip(v) for k, v in value.items()}
    return value


def _json_without_nul(body: bytes) -> bytes | None:
    """The JSON body re-encoded without NULs, or None when it has none or does not parse (the API says why)."""
    if b"\\u0000" not in body and b"\x00" not in body:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return json.dumps(_strip(data)).encode()  # ASCII escapes keep lone surrogates encodable


class NulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.content_type == "application/json":
            body = _json_without_nul(request.body)
            if body is not None:
                request._body = body  # read by the API's JSON parser
        cleaned = _without_nul(request.GET)
        if cleaned is not None:
            request.GET = cleaned  # type: ignore[assignment]
        # Only url-encoded forms: reading a multipart body here would fix its upload handlers
        # before the view can choose them (the calendar import keeps uploads in memory).
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            cleaned = _without_nul(request.POST)
            if cleaned is not None:
                request.POST = cleaned  # type: ignore[assignment]
        return self.get_response(request)
