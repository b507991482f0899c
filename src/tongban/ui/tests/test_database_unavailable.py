"""A database that stops answering: pages and the API say 503 "try again" with Retry-After, not a bare 500,
and the dead connection is dropped so the next request works (the submission case is in forms' tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tongban.core.tests.pgkill import terminate_this_backend

pytestmark = pytest.mark.django_db(transaction=True)  # the connection dies: no test transaction to hold


@pytest.fixture
def browser() -> Client:
    return Client(raise_request_exception=False)  # what a browser gets: the error page, not the traceback


@pytest.fixture
def database_refusing() -> Iterator[None]:
    """Every new connection refused (nothing listens on port 9) until the test ends."""
    real = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = 9
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real


def test_a_page_whose_connection_was_killed_answers_503_and_the_next_request_reconnects(browser):
    browser.get("/")
    terminate_this_backend()

    response = browser.get("/")

    assert response.status_code == 503 and response["Retry-After"] == "30"
    html = response.content.decode()
    assert "系统暂时无法处理请求，请稍后重试" in html and "Nothing you have saved is lost" in html
    assert browser.get("/").status_code == 200  # the dead connection was dropped, not reused


def test_an_api_call_whose_connection_was_killed_is_a_503_problem_and_the_next_call_reconnects(browser):
    browser.get("/api/v1/items?q=户口")
    terminate_this_backend()

    response = browser.get("/api/v1/items?q=户口", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["code"] == "service_unavailable" and problem["status"] == 503
    assert problem["title_zh"].startswith("系统暂时无法处理请求") and "briefly unavailable" in problem["title_en"]
    assert browser.get("/api/v1/items?q=户口").status_code == 200


def test_with_the_database_refusing_connections_a_logged_in_page_is_still_a_503_page(browser, database_refusing):
    # The session and the user cannot be read, so the error page's header shows the visitor signed out.
    browser.cookies["sessionid"] = "x" * 32
    response = browser.get("/account/?lang=en")

    assert response.status_code == 503 and response["Retry-After"] == "30"
    html = response.content.decode()
    assert "briefly unavailable" in html and "系统暂时无法处理请求" not in html  # an English page: English only
    assert f'href="{reverse("identity:login")}?next=' in html  # the header as for a visitor signed out


def test_an_api_call_with_the_database_refusing_connections_is_a_503_problem(browser, database_refusing):
    response = browser.get("/api/v1/items?q=户口")

    assert response.status_code == 503 and json.loads(response.content)["code"] == "service_unavailable"


def test_a_kept_connection_is_checked_before_a_request_reuses_it(settings):
    # With DB_CONN_MAX_AGE > 0 a connection outlives its request; one killed in between is replaced.
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
