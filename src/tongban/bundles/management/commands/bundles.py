"""`tongban bundles advance`: the retry run for 一件事 (cron or the tasks worker calls it every few minutes): items
whose opening failed are tried again once their retry time has come, and items still waiting are checked against
their upstream cases in case a decision's signal was missed (the process stopped after the decision committed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.bundles.applications import bundle_children_retry


class Command(BaseCommand):
    help = "一件事 Bundles: open the items that can be opened now, retry those that failed"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["advance"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = bundle_children_retry()
        self.stdout.write(f"一件事 advanced {count} bundle application(s)")
