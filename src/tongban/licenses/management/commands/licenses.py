"""`tongban licenses expire`: the daily run that marks licences past their valid-until date expired (their tokens'
exp already says so; this puts it on the status list and in each licence's history). `tongban licenses check`:
whether the seal backend can sign (the key-encryption key is there and fits). `tongban licenses import TYPE FILE`:
existing licences (存量) of one type from a CSV or JSONL file, every rejected row named with why; exits 1 when
any row was rejected, so a migration script notices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.core.errors import DomainError
from tongban.licenses.seal import seals
from tongban.licenses.selectors import licence_type_get
from tongban.licenses.services import licences_expire, licences_import


class Command(BaseCommand):
    help = "电子证照 E-licences: expire licences past their date; check the seal backend"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["expire", "check", "import"])
        parser.add_argument("type_code", nargs="?", help="import: the licence type code (21 characters)")
        parser.add_argument("file", nargs="?", type=Path, help="import: a CSV or JSONL file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            seal = seals.load()
            seal.check_config()
            self.stdout.write(f"签章 seal backend {seal.plugin_id} ({seal.algorithm}) is ready")
            return
        if options["action"] == "import":
            self._import(options["type_code"], options["file"])
            return
        count = licences_expire()
        self.stdout.write(f"失效 expired {count} licence(s) past their valid-until date")

    def _import(self, type_code: str | None, path: Path | None) -> None:
        if not type_code or path is None:
            raise CommandError("用法 usage: tongban licenses import TYPE_CODE FILE")
        if not path.is_file():
            raise CommandError(f"找不到文件 no such file: {path}")
        try:
            licence_type = licence_type_get(code=type_code)
            report = licences_import(licence_type=licence_type, file=path.read_bytes(), name=path.name,
                                     actor="system:import-command")  # fmt: skip
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh} / {exc.message_en}") from None
        self.stdout.write(f"{licence_type.name}: {report.rows_total} 行 rows, 签发 issued {len(report.issued)}, "
                          f"拒绝 rejected {len(report.rejected)}")  # fmt: skip
        for row in report.rejected:
            self.stdout.write(f"  第 {row.line} 行 line {row.line} {row.holder}: {row.reason_zh} / {row.reason_en}")
        if report.rejected:
            raise SystemExit(1)
