"""The platform's URLs plus the baseline of bench_verify_http: POST /bench/insert inserts one row.

The baseline goes through the same stack as POST /api/v1/verify — middleware, a django-ninja API with
session authentication and CSRF, a JSON body, a JSON answer — and does one INSERT into
`bench_http_insert`, a table the bench creates. Never part of tongban.conf.urls.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

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


urlpatterns = [path("bench/", bench_api.urls), *platform_urls]
