"""Idempotency keys for API POSTs: a retry with the same key replays the first response.

A key is scoped to the caller; reusing it with a different body is refused, and a retry that
arrives while the first request is still running gets a 409 instead of running twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from tongban.core.models import IdempotencyKey
from tongban.core.problems import problem_response

HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 200


def _actor(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth:
        return "token:" + hashlib.sha256(auth.encode()).hexdigest()
    return "anon:" + request.META.get("REMOTE_ADDR", "")


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return problem_response(
                status=400,
                code="idempotency_key_invalid",
                title_zh="Idempotency-Key 过长",
                title_en="Idempotency-Key is too long",
                request=request,
            )
        body_hash = hashlib.sha256(request.body).hexdigest()
        actor = _actor(request)
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    key=key, actor=actor, method=request.method, path=request.path, request_hash=body_hash
                )
        except IntegrityError:
            existing = IdempotencyKey.objects.get(actor=actor, key=key)
            if existing.request_hash != body_hash or existing.path != request.path:
                return problem_response(
                    status=422,
                    code="idempotency_key_reused",
                    title_zh="同一 Idempotency-Key 用于了不同的请求",
                    title_en="The Idempotency-Key was used for a different request",
                    request=request,
                )
            if existing.status_code is None:
                return problem_response(
                    status=409,
                    code="idempotency_in_progress",
                    title_zh="相同请求正在处理中",
                    title_en="The same request is still being processed",
                    request=request,
                )
            replay = HttpResponse(
                bytes(existing.response_body or b""), status=existing.status_code, content_type=existing.content_type
            )
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = self.get_response(request)
        if response.status_code >= 500:
            record.delete()  # a server fault is not an answer to replay; let the retry run
            return response
        IdempotencyKey.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            response_body=response.content,
            content_type=response.get("Content-Type", ""),
        )
        return response
