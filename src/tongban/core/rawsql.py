"""Reading rows of plain SQL the way the ORM would have returned them.

A few hot paths (every verify answer, every audit entry) use plain statements to skip ORM compilation.
PostgreSQL's driver gives UUIDs, aware datetimes and booleans back as such; SQLite gives text and
integers. These helpers make both look alike, so callers need no per-database branch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from django.db import connection
from django.utils.dateparse import parse_datetime


def uuid_param(value: UUID) -> Any:
    """A UUID as this connection stores it (native on PostgreSQL, 32 hex characters on SQLite)."""
    return value if connection.features.has_native_uuid_field else value.hex


def uuid_value(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def datetime_value(value: Any) -> datetime:
    """An aware datetime from a timestamptz (PostgreSQL) or a naive UTC text (SQLite)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not a datetime: {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def fetchone_prepared(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> tuple[Any, ...] | None:
    """One row of a fixed statement of a hot path, run on PostgreSQL as a prepared statement of this connection:
    planned once and then executed with new parameters, whereas Django's client-side binding (the default, ADR
    0015) has the server plan every call anew. Only for statements whose plan does not depend on the values
    (lookups by key), since after a few runs PostgreSQL may keep one generic plan for them. Errors come out as
    Django's database errors, inside the caller's transaction like any other statement."""
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        row: tuple[Any, ...] | None = cursor.fetchone()
    return row
