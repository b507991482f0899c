"""Liveness (/healthz) and readiness (/readyz) for load balancers and operators."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return f"{len(pending)} migrations not applied" if pending else None


def _check_cache() -> str | None:
    token = str(time.monotonic())
    cache.set("readyz", token, 10)
    return None if cache.get("readyz") == token else "cache did not return what was written"


def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    for name, check in (("database", _check_database), ("cache", _check_cache)):
        try:
            problem = check()
        except Exception as exc:  # a readiness probe reports any failure instead of raising
            problem = f"{type(exc).__name__}: {exc}"
        checks[name] = problem or "ok"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ready" if ready else "not_ready", "checks": checks}, status=200 if ready else 503)
