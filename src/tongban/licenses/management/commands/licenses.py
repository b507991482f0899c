"""`tongban licenses expire`: the daily run that marks licences past their valid-until date expired (their tokens'
exp already says so; this puts it on the status list and in each licence's history). `tongban licenses check`:
whether the seal backend can sign (the key-encryption key is there and fits)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.licenses.seal import seals
from tongban.licenses.services import licences_expire


class Command(BaseCommand):
    help = "电子证照 E-licences: expire licences past their date; check the seal backend"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["expire", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            seal = seals.load()
            seal.check_config()
            self.stdout.write(f"签章 seal backend {seal.plugin_id} ({seal.algorithm}) is ready")
            return
        count = licences_expire()
        self.stdout.write(f"失效 expired {count} licence(s) past their valid-until date")
