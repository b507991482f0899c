"""RFC 9457 problem+json responses for the API."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

from tongban.core.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "title_zh": {"type": "string"},
        "title_en": {"type": "string"},
        "instance": {"type": "string"},
    },
}


def problem_openapi(description: str) -> dict[str, Any]:
    """An OpenAPI response object for a problem+json answer (for `openapi_extra["responses"]`)."""
    return {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": PROBLEM_SCHEMA}}}


def problem_response(
    *,
    status: int,
    code: str,
    title_zh: str,
    title_en: str,
    request: HttpRequest | None = None,
    extra: dict[str, Any] | None = None,
    **members: Any,
) -> HttpResponse:
    extra = {**(extra or {}), **members}
    lang = getattr(request, "LANGUAGE_CODE", "zh-hans") if request is not None else "zh-hans"
    body: dict[str, Any] = {
        "type": f"urn:tongban:problem:{code}",
        "title": title_en if lang.startswith("en") else title_zh,
        "status": status,
        "detail": f"{title_zh} ({title_en})",
        "code": code,
        "title_zh": title_zh,
        "title_en": title_en,
    }
    if request is not None:
        body["instance"] = request.path
    # Extra members never overwrite the standard ones (an error's own `code` field, say).
    body.update({(f"extra_{k}" if k in body else k): v for k, v in extra.items() if v is not None})
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    if status in (429, 503) and "retry_after" in extra:
        response["Retry-After"] = str(extra["retry_after"])
    return response


def problem_from_error(request: HttpRequest | None, error: DomainError) -> HttpResponse:
    extra = {"field": error.field, **error.extra}
    return problem_response(
        status=error.status,
        code=error.code,
        title_zh=error.message_zh,
        title_en=error.message_en,
        request=request,
        extra=extra,
    )
