"""`tongban exchange import FILE --department CODE [--element CODE ...]` and `tongban exchange check`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tongban.core.errors import DomainError
from tongban.exchange import services
from tongban.exchange.connectors import connector_for
from tongban.identity.models import Department


def _actor() -> str:
    return f"cli:{os.environ.get('USER') or os.environ.get('LOGNAME') or 'unknown'}"


class Command(BaseCommand):
    help = "Data-sharing hub: bulk-import a department's CSV/JSONL file, or check every department's connector."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a CSV or JSONL file into the registry")
        imp.add_argument("file", type=Path)
        imp.add_argument("--department", required=True, help="credit code of the source department")
        imp.add_argument("--element", action="append", default=[], help="element code to import (repeatable)")
        imp.add_argument("--trust-level", default="A", choices=["A", "B", "C", "D"])
        sub.add_parser("check", help="check the connector configured for every department")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout._out, highlight=False, soft_wrap=True)  # type: ignore[attr-defined]
        try:
            if options["action"] == "check":
                self._check(console)
            else:
                self._import(console, options)
        except FileNotFoundError as exc:
            self.stderr.write(f"文件不存在 file not found: {exc.filename}")
            sys.exit(2)
        except DomainError as exc:
            self.stderr.write(exc.bilingual)
            sys.exit(1)

    def _check(self, console: Console) -> None:
        bad = 0
        for department in Department.objects.order_by("name"):
            try:
                connector = connector_for(department)
                connector.check_config()
                console.print(f"[green]OK[/] {department.name}: {connector.plugin_id}")
            except DomainError as exc:
                bad += 1
                console.print(f"[red]✗[/] {department.name}: {exc.bilingual}")
        if bad:
            sys.exit(1)

    def _import(self, console: Console, options: dict[str, Any]) -> None:
        department = Department.objects.filter(credit_code=options["department"].strip().upper()).first()
        if department is None:
            self.stderr.write(f"没有统一社会信用代码为 {options['department']} 的部门 / No such department")
            sys.exit(1)
        path: Path = options["file"]
        with Progress(
            TextColumn("检查 checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
        ) as progress:
            task = progress.add_task("rows", total=None)

            def tick(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            with path.open("rb") as fh:
                report = services.exchange_import(
                    file=fh, name=path.name, element_codes=options["element"] or None, source_department=department,
                    actor=_actor(), trust_level=options["trust_level"], progress=tick,
                )  # fmt: skip
        console.print(
            f"导入完成 imported: {report.rows_ok}/{report.rows_total} rows, {report.written} values; "
            f"rejected {len(report.rejected)}"
        )
        if report.rejected:
            table = Table("行 line", "主体 subject", "原因 reason")
            for r in report.rejected:
                table.add_row(str(r.line), r.subject or "—", f"{r.reason_zh} / {r.reason_en}")
            console.print(table)
            sys.exit(3)
