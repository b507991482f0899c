"""`tongban demo`: build the fictional city 示范市 and print the demo accounts (DESIGN §8)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from tongban.demo.builder import ALL_ACCOUNTS, DEMO_PASSWORD, SITE, BuildResult, city_exists, demo_build
from tongban.demo.generators import DEFAULT_ENTERPRISES, DEFAULT_PERSONS, DEFAULT_SEED

TARGET_SECONDS = 60
ROLE_LABELS = {
    "person": "群众 Citizen",
    "enterprise": "企业 Enterprise",
    "clerk": "综合窗口 Clerk",
    "reviewer": "审批人员 Reviewer",
    "supervisor": "效能督办 Supervisor",
    "steward": "数据管理员 Steward",
    "agent_12345": "12345 坐席 Hotline",
    "operator": "平台运营 Operator",
    "auditor": "审计员 Auditor",
}


class Command(BaseCommand):
    help = "构建演示城市“示范市”并打印演示账号 (build the demo city and print the demo accounts)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子 seed (default {DEFAULT_SEED})")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="清空整个数据库后重建 (empty the WHOLE database and build again)",
        )
        parser.add_argument("--persons", type=int, default=DEFAULT_PERSONS, help="人口数 number of people")
        parser.add_argument(
            "--enterprises", type=int, default=DEFAULT_ENTERPRISES, help="市场主体数 number of businesses"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout._out, highlight=False, width=140)  # the stream behind OutputWrapper
        if not settings.DEMO_MODE:
            raise CommandError(
                "仅可在演示模式下运行 (TONGBAN_MODE=demo)；生产环境不构建演示数据。"
                " / Refusing to run: the demo city is only built in demo mode."
            )
        if options["rebuild"]:
            console.print("[bold]清空数据库并重新迁移 / emptying the database…[/bold]")
            _empty_database()
        _require_migrated()
        if city_exists() and not options["rebuild"]:
            console.print(
                "示范市已存在，未作改动；如需重建请加 --rebuild。 / The demo city exists; use --rebuild to rebuild."
            )
            _print_accounts(console)
            return
        started = time.perf_counter()
        result = _build_with_progress(console, options)
        _print_summary(console, result, time.perf_counter() - started)
        _print_accounts(console)


def _require_migrated() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError("数据库尚未迁移，请先运行 tongban migrate。 / Run `tongban migrate` first.")


def _empty_database() -> None:
    """A fresh database, as after `tongban migrate` on a new machine (migration seed data included)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite" and str(connection.settings_dict["NAME"]) not in ("", ":memory:"):
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        executor = MigrationExecutor(connection)
        for app_label in sorted(executor.loader.migrated_apps):
            call_command("migrate", app_label, "zero", verbosity=0, interactive=False)
    call_command("migrate", verbosity=0, interactive=False)


def _build_with_progress(console: Console, options: dict[str, Any]) -> BuildResult:
    columns = (TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        tasks: dict[str, TaskID] = {}

        def report(key: str, label: str, done: int, total: int) -> None:
            if key not in tasks:
                tasks[key] = progress.add_task(label, total=total)
            progress.update(tasks[key], completed=done, total=total)

        return demo_build(
            seed=options["seed"], persons=options["persons"], enterprises=options["enterprises"], progress=report
        )


def _print_summary(console: Console, result: BuildResult, seconds: float) -> None:
    counts = result.counts
    console.print(
        f"示范市已建成（种子 {result.seed}）：{counts['regions']} 个行政区划、{counts['departments']} 个部门、"
        f"{counts['items']} 个事项、{counts['persons']} 名居民、{counts['enterprises']} 个市场主体、"
        f"{counts['accounts']} 个演示账号。",
        soft_wrap=True,
    )
    stages = "，".join(f"{key} {value:.1f}s" for key, value in result.seconds.items())
    verdict = "达标" if seconds <= TARGET_SECONDS else "超出目标"
    console.print(f"用时 {seconds:.1f} 秒（目标 ≤ {TARGET_SECONDS} 秒，{verdict}）：{stages}", soft_wrap=True)


def _print_accounts(console: Console) -> None:
    table = Table(title=f"演示账号 Demo accounts（密码均为 {DEMO_PASSWORD}）", show_lines=False, expand=True)
    table.add_column("角色 Role", no_wrap=True)
    table.add_column("用户名 Username", no_wrap=True, style="bold")
    table.add_column("密码 Password", no_wrap=True)
    table.add_column("姓名 Name", no_wrap=True)
    table.add_column("试试 What to try", overflow="fold")
    for account in ALL_ACCOUNTS:
        table.add_row(
            ROLE_LABELS.get(account.role, account.role), account.username, DEMO_PASSWORD, account.name, account.try_this
        )
    console.print(table)
    console.print(f"登录验证码（演示短信）见 {SITE}/demo/outbox/ ；单点登录演示应用见 {SITE}/demo/rp/")
    console.print(f"[bold]打开 {SITE}[/bold]")
