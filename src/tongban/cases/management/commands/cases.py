"""`tongban cases escalate`: the daily supervision run (cron or the tasks worker calls it each morning): overdue
cases, and 容缺 promises past their date."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.cases.services import cases_escalate, deferred_materials_remind


class Command(BaseCommand):
    help = "办件督办 Case supervision: escalate overdue cases"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["escalate"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = cases_escalate()
        self.stdout.write(f"督办 escalated {count} overdue case(s)")
        told = deferred_materials_remind()
        self.stdout.write(f"容缺 reminded {told} overdue promise(s) to supply a material")
