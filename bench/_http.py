"""What the HTTP benches share: the gunicorn server on 2 cores, wrk with a Lua script, CPU per request of
the server's processes and their PostgreSQL backends, and timed rounds alternating with a baseline.

The server: gunicorn (WORKERS workers, gthread with THREADS threads unless BENCH_HTTP_WORKER_CLASS says
otherwise) on a free port of 127.0.0.1, production mode (TONGBAN_MODE=production, DEBUG off, rate limits
in Redis, persistent database connections, DB_CONN_MAX_AGE=60) with DJANGO_SETTINGS_MODULE=bench.http_settings:
the platform's settings plus the baseline endpoints of bench/http_urls.py. The load: wrk (Debian package;
`make bench` installs it), one thread, CONNECTIONS connections, with a script that prints one "BENCH ..."
line (bench/http_report.lua). Every endpoint gets a warm-up, then ROUNDS timed rounds, alternating with
its baseline so that neither always runs on a warmer machine.
"""

from __future__ import annotations

import dataclasses
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from rich.console import Console
from rich.progress import Progress

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKERS = 2
WORKER_CLASS = os.environ.get("BENCH_HTTP_WORKER_CLASS", "gthread")
THREADS = int(os.environ.get("BENCH_HTTP_THREADS", "4"))
CONNECTIONS = int(os.environ.get("BENCH_HTTP_CONNECTIONS", "8"))
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "20"))
WARM_UP_SECONDS = 5
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "3"))  # alternating timed rounds per endpoint


@dataclass(frozen=True)
class Result:
    endpoint: str
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    cpu_ms: float = 0.0  # CPU of the gunicorn processes and their PostgreSQL backends per request
    db_cpu_ms: float = 0.0  # of which the PostgreSQL backends'

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def server_description() -> str:
    threads = f" × {THREADS} threads" if WORKER_CLASS == "gthread" else ""
    return f"gunicorn {WORKERS} {WORKER_CLASS} workers{threads} · {os.cpu_count()} CPUs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def oidc_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def server_env(database: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The server's environment: a production deployment on `database`, plus `extra` settings."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.http_settings",
        "DATABASE_URL": database_url(database),
        "DB_CONN_MAX_AGE": os.environ.get("BENCH_HTTP_CONN_MAX_AGE", "60"),
        "TONGBAN_MODE": "production",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # the session cookies are made by this process
        "OIDC_RSA_PRIVATE_KEY": oidc_key(),
        "TONGBAN_VAR_DIR": str(var_dir),
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "BENCH_CACHE_PREFIX": f"bench-http-{os.getpid()}-{int(time.time())}",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        **extra,
    }
    env.pop("TEST_DATABASE_NAME", None)
    return env


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "tongban.conf.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(WORKERS), "--worker-class", WORKER_CLASS, "--threads", str(THREADS),
               "--backlog", "2048", "--log-level", "warning", "--error-logfile", str(log)]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def request(
    url: str, session: str, csrf: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    """One request with a session cookie and the CSRF header: POST when there is a body, else GET."""
    sent = urllib.request.Request(
        url, data=body, method="POST" if body is not None else "GET",
        headers={"Content-Type": "application/json", "Cookie": f"sessionid={session}; csrftoken={csrf}",
                 "X-CSRFToken": csrf, **(headers or {})},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(sent, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def post(url: str, body: bytes, session: str, csrf: str) -> tuple[int, str]:
    return request(url, session, csrf, body)


def wrk(url: str, kind: str, seconds: int, script: Path, args: list[str], connections: int = CONNECTIONS) -> Result:
    """Run wrk against `url` with `script` (arguments after `--`) and read its "BENCH ..." line."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url, "--",
               *args]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    fields = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    return Result(
        endpoint=kind,
        requests=fields["requests"],
        seconds=fields["duration_us"] / 1e6,
        non_2xx=fields["status_errors"],
        socket_errors=fields["connect"] + fields["read"] + fields["write"] + fields["timeout"],
        p50_ms=fields["p50_us"] / 1000,
        p90_ms=fields["p90_us"] / 1000,
        p99_ms=fields["p99_us"] / 1000,
    )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (Linux /proc), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_processes(root: int, database: str) -> list[int]:
    """gunicorn's master and workers, and the PostgreSQL backends serving the bench database."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += children.get(pid, [])
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' "
                       "AND pid <> pg_backend_pid()", [database])  # fmt: skip
        pids += [row[0] for row in cursor.fetchall()]
    return pids


def cpu_snapshot(root: int, database: str) -> dict[int, float]:
    if not Path("/proc/self/stat").exists():
        return {}
    return {pid: _cpu_seconds(pid) for pid in server_processes(root, database)}


def cpu_since(before: dict[int, float], root: int, database: str) -> float:
    """CPU seconds the server's processes used since `before` (backends that came and went: not counted)."""
    after = cpu_snapshot(root, database)
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def settle(root: int, database: str, *, idle: float = 0.05, within: float = 60.0) -> None:
    """Wait until the server has finished what an earlier run left queued (wrk stops sending, not the server
    working): until it uses less than `idle` of a CPU over half a second."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        before = cpu_snapshot(root, database)
        time.sleep(0.5)
        if cpu_since(before, root, database) < idle * 0.5:
            return


def alternate(
    console: Console,
    *,
    kinds: tuple[str, ...],
    labels: dict[str, str],
    run: Callable[[str, int], Result],
    server_pid: int,
    database: str,
) -> dict[str, list[Result]]:
    """A warm-up of each kind, then ROUNDS timed rounds of both, the order swapped every round; each result
    with the server's CPU per request. `run(kind, seconds)` drives the load."""
    plan = [(kind, WARM_UP_SECONDS, False) for kind in kinds]
    for r in range(ROUNDS):
        plan += [(kind, SECONDS, True) for kind in (kinds if r % 2 == 0 else kinds[::-1])]
    results: dict[str, list[Result]] = {kind: [] for kind in kinds}
    with Progress(console=console, transient=False) as progress:
        task = progress.add_task(
            f"wrk: {CONNECTIONS} connections, warm-up then {ROUNDS} rounds × {SECONDS} s per endpoint",
            total=sum(s for _, s, _ in plan),
        )
        for kind, seconds, counted in plan:
            progress.update(task, description=f"wrk {labels[kind]} ({'timed' if counted else 'warm-up'}, {seconds} s)")
            settle(server_pid, database)
            before = cpu_snapshot(server_pid, database)
            result = run(kind, seconds)
            after = cpu_snapshot(server_pid, database)
            app = set(server_processes(server_pid, "")) if after else set()
            cpu = sum(after[pid] - before.get(pid, 0.0) for pid in after)
            db = sum(after[pid] - before.get(pid, 0.0) for pid in after if pid not in app)
            if counted:
                n = max(1, result.requests)
                results[kind].append(dataclasses.replace(result, cpu_ms=1000 * cpu / n, db_cpu_ms=1000 * db / n))
            progress.advance(task, seconds)
    return results


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
