"""`tongban audit verify`: chain what is pending, then walk the hash chain and report every edited or deleted
row; `tongban audit chain`: only chain what is pending (appends whose pass was cut short, e.g. by a restart)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.core.audit import audit_chain, audit_verify
from tongban.core.models import AuditHead


class Command(BaseCommand):
    help = "Audit log tools: `verify` checks the hash chain (exit 1 when broken); `chain` links pending entries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "chain"])

    def handle(self, *args: Any, **options: Any) -> None:
        chained = audit_chain(wait=True)
        if options["action"] == "chain":
            self.stdout.write(self.style.SUCCESS(f"已链接 chained {chained} pending entries"))
            return
        problems = list(audit_verify())
        head = AuditHead.objects.filter(id=1).first()
        total = head.seq if head else 0
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"审计链完整 audit chain intact: {total} entries"))
            return
        for problem in problems:
            where = f"pending #{problem.pending}" if problem.pending is not None else f"#{problem.seq}"
            self.stdout.write(self.style.ERROR(f"{where}: {problem.reason}"))
        self.stdout.write(self.style.ERROR(f"审计链被破坏 audit chain broken: {len(problems)} problem(s)"))
        sys.exit(1)
