"""A database that stops answering in the middle of a request (restarted, failed over, the backend killed).

Such a request answers 503 with Retry-After instead of a 500 (the API through its exception handlers, pages
through the 500 handler), and the dead connection is dropped at once, so the next query and the next request
connect afresh. A failed transaction rolls back whole, so "send it again" is the right advice: a submission
retried this way opens one case (forms' tests cut a submission mid-transaction).
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, connections

from tongban.core.errors import ServiceUnavailable

RETRY_AFTER_SECONDS = 30
# OperationalError: the server went away, refused us, or ended the statement (timeouts, deadlocks);
# InterfaceError: the client-side connection is already closed. Both are worth a retry, neither is a bug.
DATABASE_DOWN = (OperationalError, InterfaceError)

log = logging.getLogger("tongban.outage")


def database_down(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_DOWN)


def connections_drop_broken() -> None:
    """Close every connection that no longer works (outside a transaction: inside one, its atomic block
    rolls back and drops it). Django would only notice at the end of the request."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and not conn.is_usable():
            conn.close()


def service_unavailable(exc: BaseException) -> ServiceUnavailable:
    """The error to answer with; logs what happened and drops what is broken."""
    log.warning("database unavailable: %s: %s", type(exc).__name__, exc)
    connections_drop_broken()
    return ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS)
