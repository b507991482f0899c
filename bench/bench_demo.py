"""Building the demo city: `tongban migrate` + `tongban demo` on a fresh SQLite file, against the 60 s target.

Runs both commands in subprocesses, exactly as `make demo` does, in a temporary directory (database,
OIDC key), so it never touches other data. Prints wall-clock times, the builder's own stage times and
the ratio of the build to the target (DESIGN §8: ≤ 60 s on SQLite on a 2-core machine).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

TARGET_SECONDS = 60.0


def _tongban(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tongban.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"tongban {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def run() -> None:
    console = Console()
    with tempfile.TemporaryDirectory(prefix="tongban-bench-demo-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'demo.sqlite3'}",
            "TONGBAN_VAR_DIR": tmp,
            "TONGBAN_MODE": "demo",
            "COLUMNS": "160",
        }
        env.pop("TEST_DATABASE_NAME", None)
        migrate_s, _ = _tongban(["migrate", "-v0"], env)
        demo_s, out = _tongban(["demo"], env)
    stages = re.search(r"用时 [\d.]+ 秒.*?：(.*)", out)
    table = Table(title=f"Demo city build on SQLite ({os.cpu_count()} CPUs)")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    table.add_row("tongban migrate (fresh file)", f"{migrate_s:.1f}")
    table.add_row("tongban demo (wall clock, incl. start-up)", f"{demo_s:.1f}")
    table.add_row("target for tongban demo", f"{TARGET_SECONDS:.0f}")
    table.add_row("ratio build / target", f"{demo_s / TARGET_SECONDS:.2f}")
    console.print(table)
    if stages:
        console.print(f"stages: {stages.group(1).strip()}", soft_wrap=True)
    verdict = "[green]within target[/green]" if demo_s <= TARGET_SECONDS else "[red]over target[/red]"
    console.print(f"demo build {demo_s:.1f} s vs target {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    run()
