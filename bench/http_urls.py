"""The platform's URLs plus the baselines of the HTTP benches, through the same stack as the API — middleware,
a django-ninja API with session authentication and CSRF, JSON in and out — each doing the least its
measurement compares against. Never part of tongban.conf.urls.

- POST /bench/insert (bench_verify_http, bench_cases): one INSERT into `bench_http_insert`, a table the
  bench creates.
- GET /bench/worklist (bench_cases): the caller's department's open cases, nearest due date first, 200 of
  them, as one bare indexed SQL query (the rows GET /api/v1/cases/worklist reads through the selector), their
  JSON written straight into the response.
- GET /bench/floor (bench_cases): the least an authenticated API call costs — the middleware, the session, the
  login, a two-key JSON answer, no query of its own: what no list can be faster than.

Importing this module also registers the benches' connector (bench/http_connector.py).
"""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from bench import http_connector  # noqa: F401  # registers "bench-register"
from tongban.cases.selectors import OPEN_STATES
from tongban.conf.urls import handler404, handler500
from tongban.conf.urls import urlpatterns as platform_urls

__all__ = ["handler404", "handler500", "urlpatterns"]

bench_api = NinjaAPI(title="bench", version="1", urls_namespace="bench", docs_url=None, openapi_url=None)


class InsertIn(Schema):
    subject: str


class InsertOut(Schema):
    id: int


@bench_api.post("/insert", response=InsertOut, auth=django_auth)
def insert(request: HttpRequest, payload: InsertIn) -> InsertOut:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_http_insert (subject) VALUES (%s) RETURNING id", [payload.subject])
        row = cursor.fetchone()
    return InsertOut(id=row[0])


WORKLIST_SQL = (
    "SELECT c.number, c.state, c.due_on, c.submitted_at FROM cases_case c "
    "WHERE c.department_id = (SELECT s.department_id FROM identity_staff s WHERE s.user_id = %s) "
    "AND c.state = ANY(%s) ORDER BY c.due_on ASC NULLS LAST, c.submitted_at ASC LIMIT 200"
)


@bench_api.get("/worklist", auth=django_auth)
def worklist(request: HttpRequest) -> HttpResponse:
    """The rows as JSON, written as the API's lists are (json.dumps of plain values into an HttpResponse, not
    validated again through a response schema): the query and the stack, nothing else."""
    with connection.cursor() as cursor:
        cursor.execute(WORKLIST_SQL, [request.user.pk, [str(s) for s in OPEN_STATES]])
        rows = cursor.fetchall()
    body = [{"number": r[0], "state": r[1], "due_on": r[2] and r[2].isoformat(), "submitted_at": r[3].isoformat()}
            for r in rows]  # fmt: skip
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")


@bench_api.get("/floor", auth=django_auth)
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"ok": true, "rows": []}', content_type="application/json; charset=utf-8")


urlpatterns = [path("bench/", bench_api.urls), *platform_urls]
