"""Verify-not-reveal (可用不可见) calls per second through real HTTP, against a minimal insert-one-row
endpoint of the same stack measured in the same run (issue 4: ≥ 400/s and ≥ 0.75× the baseline).

The server, the load and the rounds are bench/_http.py's: gunicorn (2 workers, gthread unless
BENCH_HTTP_WORKER_CLASS says otherwise) on a free port of 127.0.0.1, production mode (TONGBAN_MODE=production,
DEBUG off, rate limits in Redis, persistent database connections, DB_CONN_MAX_AGE=60) with
DJANGO_SETTINGS_MODULE=bench.http_settings: the platform's settings plus POST /bench/insert
(bench/http_urls.py). The database is the register of bench/_register.py (1,000,000 persons; reused if it
exists, dropped at the end of the run unless BENCH_REGISTER_KEEP=1). The verify limits are raised for the
measurement, as the environment allows: EXCHANGE_VERIFY_RATE_CONSUMER, EXCHANGE_VERIFY_RATE_SUBJECT and
EXCHANGE_VERIFY_QUOTA = 10^9.

The caller is a 人社局 staff account with a session cookie and the CSRF header (the API's django_auth).
The load: wrk (Debian package; `make bench` installs it) with bench/http_load.lua, a different subject
from the register in each request and four predicates in turn (an open element, a region, a conditional
element under a grant, the consumer's own element). Both endpoints get a warm-up, then BENCH_HTTP_ROUNDS (3)
alternating timed rounds each. Prints requests/s, latency, non-2xx counts and the ratio verify / baseline (medians
of the rounds).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import statistics
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from bench import _http, _register
from bench._http import CONNECTIONS, ROUNDS, Result

SUBJECTS = 20_000
UNLIMITED = str(10**9)
TARGET_RPS = 400.0
TARGET_RATIO = 0.75
USERNAME = "bench-verify-rsj"
PREDICATES = (
    ("age_at_least", "年满N周岁", "Aged at least N", "P.BIRTH_DATE", "age_at_least",
     {"n": {"type": "integer", "min": 0, "max": 150, "label": "周岁"}}, {}),
    ("hukou_in_region", "户籍在指定行政区划内", "Hukou in a region", "P.HUKOU_REGION", "in_region",
     {"region": {"type": "text", "pattern": r"\d{2,6}", "label": "行政区划代码"}}, {}),
    ("married", "已婚", "Married", "P.MARITAL_STATUS", "equals", {}, {"value": "20"}),
    ("receives_pension", "领取基本养老金", "Receives a basic pension", "P.RECEIVES_PENSION", "is_true", {}, {}),
)  # fmt: skip


def _prepare(register: _register.Register, subjects_file: Path) -> tuple[str, int]:
    """Predicates, the consumer's staff account and grant, the baseline's table, the subjects;
    returns the session key of the staff account and the audit log's tip before the run."""
    from tongban.core.models import AuditHead
    from tongban.demo.content.departments import DEPARTMENTS
    from tongban.exchange.models import Grant
    from tongban.exchange.verify import predicate_declare
    from tongban.identity.models import Department, Staff
    from tongban.identity.roles import Role
    from tongban.identity.services import staff_create

    codes = {d.key: d.credit_code for d in DEPARTMENTS}
    consumer = Department.objects.get(credit_code=codes["rsj"])
    civil = Department.objects.get(credit_code=codes["mzj"])
    for code, name, name_en, element, operator, schema, fixed in PREDICATES:
        predicate_declare(code=code, name=name, name_en=name_en, element_code=element, operator=operator,
                          param_schema=schema, fixed_params=fixed, actor="system:bench")  # fmt: skip
    staff = Staff.objects.select_related("user").filter(user__username=USERNAME).first()
    if staff is None:
        staff = staff_create(username=USERNAME, password=secrets.token_urlsafe(16), name="压测经办人",
                             department=consumer, roles=[Role.REVIEWER], mobile="13700009999")  # fmt: skip
    if not Grant.objects.filter(consumer=consumer, element_codes__contains=["P.MARITAL_STATUS"],
                                revoked_at__isnull=True, expires_at__gt=timezone.now()).exists():  # fmt: skip
        Grant.objects.create(consumer=consumer, owner=civil, element_codes=["P.MARITAL_STATUS"],
                             purpose="退休待遇核定：核对婚姻状况",
                             expires_at=timezone.now() + timedelta(days=365))  # fmt: skip
    with connections["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_http_insert (id bigserial PRIMARY KEY, "
                       "subject varchar(40) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())")  # fmt: skip
        cursor.execute("TRUNCATE bench_http_insert")
        fraction = min(100.0, 150.0 * SUBJECTS / register.persons)
        cursor.execute("SELECT id_number FROM identity_person TABLESAMPLE BERNOULLI (%s) REPEATABLE (4) "
                       "WHERE source = 'register'", [fraction])  # fmt: skip
        subjects = [row[0] for row in cursor.fetchall()]
    random.Random(4).shuffle(subjects)
    subjects_file.write_text("\n".join(subjects[:SUBJECTS]) + "\n")
    client = Client()
    client.force_login(staff.user)
    head = AuditHead.objects.filter(id=1).first()
    return client.cookies[settings.SESSION_COOKIE_NAME].value, head.seq if head else 0


def _server_env(register: _register.Register, var_dir: Path) -> dict[str, str]:
    return _http.server_env(
        register.name, var_dir, EXCHANGE_VERIFY_RATE_CONSUMER=UNLIMITED, EXCHANGE_VERIFY_RATE_SUBJECT=UNLIMITED,
        EXCHANGE_VERIFY_QUOTA=UNLIMITED,
    )  # fmt: skip


def _wrk(url: str, kind: str, seconds: int, subjects: Path, session: str, csrf: str) -> Result:
    return _http.wrk(url, kind, seconds, _http.HERE / "http_load.lua", [str(subjects), session, csrf, kind])


def _results_by_answer(since: int) -> dict[str, int]:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT data->>'result', count(*) FROM core_auditentry WHERE seq > %s AND action = 'verify.answered' "
            "GROUP BY 1 ORDER BY 1",
            [since],
        )
        return dict(cursor.fetchall())


def _measure(console: Console, register: _register.Register, work: Path) -> None:
    subjects = work / "subjects.txt"
    session, audit_seq = _prepare(register, subjects)
    csrf = secrets.token_hex(16)  # an unmasked CSRF secret (32 characters) is a valid cookie and header
    port = _http.free_port()
    env = _server_env(register, work)
    log = work / "gunicorn.log"
    server = _http.start_server(env, port, log)
    base = f"http://127.0.0.1:{port}"
    urls = {"insert": f"{base}/bench/insert", "verify": f"{base}/api/v1/verify"}
    try:
        probe = subjects.read_text().split("\n", 1)[0]
        verify_body = {"subject": probe, "predicate": "age_at_least", "params": {"n": 18},
                       "purpose": "养老保险待遇资格认证", "case": "RS-2026-000001"}  # fmt: skip
        for kind, body in (("verify", verify_body), ("insert", {"subject": probe})):
            status, text = _http.post(urls[kind], json.dumps(body).encode(), session, csrf)
            if status != 200:
                raise RuntimeError(f"POST {urls[kind]} answered {status}: {text[:500]}")
            console.print(f"probe POST {urls[kind].removeprefix(base)} → {status} {text}", highlight=False)
        results = _http.alternate(
            console, kinds=("insert", "verify"), labels={k: f"POST {u.removeprefix(base)}" for k, u in urls.items()},
            run=lambda kind, seconds: _wrk(urls[kind], kind, seconds, subjects, session, csrf),
            server_pid=server.pid, database=register.name,
        )  # fmt: skip
    finally:
        _http.stop_server(server)
    errors = log.read_text().strip() if log.exists() else ""

    table = Table(title=f"核验 Verify through HTTP · {_http.server_description()} · "
                  f"{register.persons:,}-person register · wrk {CONNECTIONS} connections")  # fmt: skip
    for col in ("endpoint", "round", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "non-2xx", "socket errors",
                "CPU ms/req"):  # fmt: skip
        table.add_column(col, justify="left" if col == "endpoint" else "right")
    names = {"insert": "baseline POST /bench/insert (one INSERT)", "verify": "POST /api/v1/verify"}
    for kind in ("insert", "verify"):
        for n, r in enumerate(results[kind], start=1):
            table.add_row(names[kind], str(n), f"{r.requests:,}", f"{r.rps:.0f}", f"{r.p50_ms:.1f}", f"{r.p90_ms:.1f}",
                          f"{r.p99_ms:.1f}", str(r.non_2xx), str(r.socket_errors), f"{r.cpu_ms:.2f}")  # fmt: skip
    console.print(table)
    # Medians of the rounds: one round disturbed by the machine (a checkpoint, autovacuum) moves neither figure.
    cpu = {kind: statistics.median(r.cpu_ms for r in results[kind]) for kind in results}
    if all(cpu.values()):
        cores = os.cpu_count() or 1
        console.print(
            f"CPU per request (gunicorn processes + their PostgreSQL backends; not wrk, Redis or PostgreSQL's WAL "
            f"writer): verify {cpu['verify']:.2f} ms, baseline {cpu['insert']:.2f} ms, ratio baseline / verify "
            f"{cpu['insert'] / cpu['verify']:.2f}×; if the {cores} CPUs were the app's alone: verify ≈ "
            f"{1000 * cores / cpu['verify']:.0f}/s, baseline ≈ {1000 * cores / cpu['insert']:.0f}/s",
            style="dim",
        )
    rps = {kind: statistics.median(r.rps for r in results[kind]) for kind in results}
    non_2xx = sum(r.non_2xx + r.socket_errors for rs in results.values() for r in rs)
    answers = _results_by_answer(audit_seq)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_http_insert")
        inserted = cursor.fetchone()[0]
    console.print(f"verify answers audited in this run: {answers}; rows inserted by the baseline: {inserted:,}")
    console.print(f"verify: [bold]{rps['verify']:.0f} req/s[/bold]; baseline insert-one-row: "
                  f"[bold]{rps['insert']:.0f} req/s[/bold] (median of {ROUNDS} rounds)")  # fmt: skip
    ratio = rps["verify"] / rps["insert"]
    console.print(f"ratio verify / baseline: [bold]{ratio:.2f}×[/bold]")
    console.print(f"non-2xx responses and socket errors, all timed rounds: {non_2xx}")
    if errors:
        console.print(f"[yellow]gunicorn error log:[/yellow]\n{errors[-3000:]}", highlight=False)
    ok_rps = "[green]met[/green]" if rps["verify"] >= TARGET_RPS else "[red]MISSED[/red]"
    ok_ratio = "[green]met[/green]" if ratio >= TARGET_RATIO else "[red]MISSED[/red]"
    console.print(f"target verify ≥ {TARGET_RPS:.0f} req/s: {rps['verify']:.0f} {ok_rps}")
    console.print(f"target verify ≥ {TARGET_RATIO:.2f}× baseline: {ratio:.2f}× {ok_ratio}")
    console.print(f"load average after the run: {_http.load_average()}", style="dim")


def run() -> None:
    console = Console(width=None if os.isatty(1) else 160)
    console.rule("bench_verify_http: 核验（可用不可见）through HTTP")
    if connections["default"].vendor != "postgresql":
        console.print("[yellow]bench_verify_http needs PostgreSQL (DATABASE_URL=postgres://…); skipped.[/yellow]")
        return
    if shutil.which("wrk") is None:
        console.print("[red]bench_verify_http needs wrk (apt-get install wrk; `make bench` installs it).[/red]")
        raise SystemExit(1)
    register = _register.ensure(console)
    console.print(f"load average before the run: {_http.load_average()} ({os.cpu_count()} CPUs)", style="dim")
    with tempfile.TemporaryDirectory(prefix="tongban-bench-http-") as tmp, _register.use_database(register.name):
        _measure(console, register, Path(tmp))
