"""Prefill from a 1,000,000-person register (issue 4, collect once): one query for 40 fields against
fetching them field by field, in the same run.

The register lives in a throwaway PostgreSQL database, `tongban_bench_register` (bench/_register.py:
generated with COPY in about 15 minutes, reused when it already exists complete, dropped at the end of
the bench run unless BENCH_REGISTER_KEEP=1 keeps it). For random persons (BENCH_REGISTER_CALLS, 2,000)
it times
`registry.selectors.profile_values(subject=person, element_codes=<40 codes>)` (one query, values with
provenance) and, for other random persons interleaved with those calls, the baseline: the same 40 values
fetched one element at a time (40 calls of profile_values with one code each). Prints p50/p99 of both,
the time spent in SQL and this process's CPU, the ratio baseline / one query and the verdict against
the target p99 ≤ 25 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bench import _register

CALLS = int(os.environ.get("BENCH_REGISTER_CALLS", "2000"))
WARM_UP = 50
TARGET_P99_MS = 25.0


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@contextmanager
def _sql_timer(total: list[float]) -> Iterator[None]:
    """Add the time spent inside cursor.execute (server work and the round trip) to total[0]."""

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            total[0] += time.perf_counter() - started

    with connections["default"].execute_wrapper(wrapper):
        yield


def _sample(count: int) -> list[Any]:
    from tongban.identity.models import Person

    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT id FROM identity_person TABLESAMPLE BERNOULLI (%s) REPEATABLE (20261201) WHERE source = 'register'",
            [min(100.0, 150.0 * count / max(1, Person.objects.count()))],
        )
        ids = [row[0] for row in cursor.fetchall()]
    random.Random(7).shuffle(ids)
    persons = Person.objects.in_bulk(ids[:count])
    return [persons[i] for i in ids[:count]]


def _plan(person: Any) -> list[str]:
    from tongban.registry.models import ElementValue

    qs = (
        ElementValue.objects.filter(person=person, current=True, element__code__in=_register.CODES)
        .select_related("element__owner", "source_department")
        .order_by()
    )
    sql, params = qs.query.sql_with_params()
    with connections["default"].cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def _measure(console: Console, register: _register.Register) -> None:
    from tongban.registry.selectors import profile_values

    codes = list(_register.CODES)
    persons = _sample(2 * (CALLS + WARM_UP))
    one, many = persons[: CALLS + WARM_UP], persons[CALLS + WARM_UP :]
    one_ms: list[float] = []
    many_ms: list[float] = []
    one_sql: list[float] = []
    many_sql: list[float] = []
    one_cpu: list[float] = []
    many_cpu: list[float] = []
    load_before = os.getloadavg()[0]

    def one_query(person: Any) -> int:
        return len(profile_values(subject=person, element_codes=codes))

    def field_by_field(person: Any) -> int:
        return sum(len(profile_values(subject=person, element_codes=[code])) for code in codes)

    def timed(fn: Callable[[Any], int], person: Any, into: list[float], sql_into: list[float],
              cpu_into: list[float]) -> None:  # fmt: skip
        sql = [0.0]
        with _sql_timer(sql):
            cpu, started = time.process_time(), time.perf_counter()
            held = fn(person)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert held == len(codes), f"{held} of {len(codes)} values for {person.id_number}"
        into.append(elapsed * 1000)
        sql_into.append(sql[0] * 1000)
        cpu_into.append(cpu * 1000)

    with Progress(console=console, transient=False) as progress:
        task = progress.add_task(f"预填 prefill: {CALLS:,} persons per method, interleaved", total=CALLS + WARM_UP)
        for k in range(CALLS + WARM_UP):
            # Alternate which method goes first, each on its own random person: neither warms the cache for the
            # other. The first WARM_UP pairs (plans, connection, Python caches) are not counted.
            pair = [(one_query, one[k], one_ms, one_sql, one_cpu),
                    (field_by_field, many[k], many_ms, many_sql, many_cpu)]  # fmt: skip
            for fn, person, into, sql_into, cpu_into in pair if k % 2 == 0 else reversed(pair):
                timed(fn, person, into, sql_into, cpu_into)
            if k == WARM_UP - 1:
                for samples in (one_ms, many_ms, one_sql, many_sql, one_cpu, many_cpu):
                    samples.clear()
            progress.advance(task)

    table = Table(
        title=f"预填 Prefill of a {len(codes)}-field form · {register.persons:,}-person register "
        f"({register.current_values + register.history_values:,} value rows) · {CALLS:,} random persons each"
    )
    for col in ("method", "queries", "p50 ms", "p99 ms", "mean ms", "SQL p50 ms", "Python CPU p50 ms"):
        table.add_column(col, justify="left" if col == "method" else "right")
    table.add_row("profile_values, 40 codes (one query)", "1", f"{statistics.median(one_ms):.2f}",
                  f"{_percentile(one_ms, 99):.2f}", f"{statistics.fmean(one_ms):.2f}",
                  f"{statistics.median(one_sql):.2f}", f"{statistics.median(one_cpu):.2f}")  # fmt: skip
    table.add_row("baseline: field by field (40 × profile_values)", str(len(codes)),
                  f"{statistics.median(many_ms):.2f}", f"{_percentile(many_ms, 99):.2f}",
                  f"{statistics.fmean(many_ms):.2f}", f"{statistics.median(many_sql):.2f}",
                  f"{statistics.median(many_cpu):.2f}")  # fmt: skip
    console.print(table)
    console.print(f"{os.cpu_count()} CPUs; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
                  "(other processes on the machine stretch wall-clock times; the CPU column is this process's own)",
                  style="dim")  # fmt: skip
    console.print("plan of the one query (EXPLAIN ANALYZE, one more random person):", style="dim")
    for line in _plan(persons[-1]):
        console.print(f"  {line}", style="dim", highlight=False)
    p50 = statistics.median(many_ms) / statistics.median(one_ms)
    p99 = _percentile(many_ms, 99) / _percentile(one_ms, 99)
    console.print(f"ratio field by field / one query: p50 [bold]{p50:.1f}×[/bold], p99 [bold]{p99:.1f}×[/bold]")
    got = _percentile(one_ms, 99)
    verdict = "[green]met[/green]" if got <= TARGET_P99_MS else "[red]MISSED[/red]"
    console.print(f"target prefill p99 ≤ {TARGET_P99_MS:.0f} ms: {got:.2f} ms {verdict}")


def run() -> None:
    console = Console()
    console.rule("bench_register: 一人一档预填 prefill from a 1,000,000-person register")
    if connections["default"].vendor != "postgresql":
        console.print("[yellow]bench_register needs PostgreSQL (DATABASE_URL=postgres://…); skipped.[/yellow]")
        return
    register = _register.ensure(console)
    with _register.use_database(register.name):
        _measure(console, register)
