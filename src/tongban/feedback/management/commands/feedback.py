"""`tongban feedback escalate`: the daily run that sends unanswered 差评 past their due date to supervision."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.feedback.services import rectifications_escalate


class Command(BaseCommand):
    help = "好差评 Ratings: escalate overdue rectifications"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["escalate"])

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"差评整改 escalated {rectifications_escalate()} overdue rectification(s)")
