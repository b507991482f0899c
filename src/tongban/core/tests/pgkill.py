"""For tests of a database that goes away: kill the server process behind Django's connection."""

from __future__ import annotations

import psycopg
from django.db import connection


def terminate_this_backend() -> None:
    """pg_terminate_backend from a second connection, waiting (up to 5 s) until the process is gone."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        killed = other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()
    assert killed == (True,)
