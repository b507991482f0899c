"""`tongban audit verify`: walk the hash chain and report every edited or deleted row."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.core.audit import audit_verify
from tongban.core.models import AuditHead


class Command(BaseCommand):
    help = "Audit log tools: `verify` checks the hash chain (exit 1 when broken)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(audit_verify())
        head = AuditHead.objects.filter(id=1).first()
        total = head.seq if head else 0
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"审计链完整 audit chain intact: {total} entries"))
            return
        for problem in problems:
            self.stdout.write(self.style.ERROR(f"#{problem.seq}: {problem.reason}"))
        self.stdout.write(self.style.ERROR(f"审计链被破坏 audit chain broken: {len(problems)} problem(s)"))
        sys.exit(1)
