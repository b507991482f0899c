"""The idle limit slides without a session write on every request (core.sessions)."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.core import sessions
from tongban.identity.tests.factories import person_with_account

pytestmark = pytest.mark.django_db


def _expiry(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def _session_writes(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(('UPDATE "django_session"', 'INSERT INTO "django_session"'))
    ]


def test_a_used_session_is_rewritten_once_a_minute_not_on_every_request(client, monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(sessions.time, "time", lambda: now[0])
    client.force_login(person_with_account().user)
    assert len(_session_writes(client, "/account/")) == 1  # the first use stamps it
    first = _expiry(client)
    now[0] += 30
    assert _session_writes(client, "/account/") == []  # within the minute: no write
    assert _expiry(client) == first
    now[0] += 31
    assert len(_session_writes(client, "/account/")) == 1  # a minute on: the expiry slides
    assert _expiry(client) > first


def test_an_anonymous_visit_writes_no_session(client):
    assert _session_writes(client, "/") == []
    assert "sessionid" not in client.cookies
