"""The departments' source systems as the HTTP benches' server sees them (EXCHANGE_CONNECTOR=bench-register in
the server's environment; registered when bench/http_urls.py is imported).

A source answers what its own register holds: for each element, the latest value its owner department
recorded — what the demo connector answers, read here in one query. Like a real source system (a
department's service over HTTP, its database behind it) it keeps its connections open between questions:
the demo connector reads through Django's connection of the hub's worker thread, a new PostgreSQL session
for every source of every read, which measures the demo's plumbing rather than the platform. The query
still runs on the bench machine, so the source's cost is counted with everything else on its 2 cores.
A plugin id production mode accepts (the server runs as a deployment; demo plugins are refused there).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import psycopg
from django.conf import settings

from tongban.exchange.connectors import Connector, FetchedValue, Subject, connectors
from tongban.identity.models import Person

POOL_SIZE = 8  # per server process: as many questions at once as the hub's worker threads usually ask
_LATEST = (
    "SELECT DISTINCT ON (v.element_id) e.code, v.value, v.source_record_id, v.as_of, v.trust_level "
    "FROM registry_elementvalue v JOIN registry_dataelement e ON e.id = v.element_id "
    "WHERE v.{subject}_id = %s AND e.code = ANY(%s) AND v.source_department_id = e.owner_id "
    "ORDER BY v.element_id, v.as_of DESC, v.recorded_at DESC"
)


class _Pool:
    """A few long-lived connections of the source system, taken one per question."""

    def __init__(self, size: int) -> None:
        self._free: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(size)

    def _connect(self) -> psycopg.Connection[Any]:
        db = settings.DATABASES["default"]
        return psycopg.connect(
            host=db.get("HOST") or None, port=db.get("PORT") or None, user=db.get("USER") or None,
            password=db.get("PASSWORD") or None, dbname=db["NAME"], autocommit=True,
        )  # fmt: skip

    def run(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with self._slots:
            with self._lock:
                conn = self._free.pop() if self._free else None
            if conn is None or conn.closed:
                conn = self._connect()
            try:
                rows = conn.execute(sql, params).fetchall()
            except psycopg.Error:
                conn.close()
                raise
            with self._lock:
                self._free.append(conn)
            return rows


_pool = _Pool(POOL_SIZE)


@connectors.register("bench-register")
class BenchRegisterConnector(Connector):
    label = "压测：部门库（人口库中各部门自己记录的值）"
    demo: ClassVar[bool] = False

    def fetch(self, *, subject: Subject, element_codes: list[str]) -> list[FetchedValue]:
        kind = "person" if isinstance(subject, Person) else "enterprise"
        rows = _pool.run(_LATEST.format(subject=kind), [subject.pk, list(element_codes)])
        return [FetchedValue(code, value, record, as_of, trust) for code, value, record, as_of, trust in rows]
