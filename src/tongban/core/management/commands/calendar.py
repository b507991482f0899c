"""`tongban calendar import FILE` and `tongban calendar check YEAR`."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.core import calendar
from tongban.core.errors import DomainError


def _actor() -> str:
    """Who ran the command, for the audit log."""
    return f"cli:{os.environ.get('USER') or os.environ.get('LOGNAME') or 'unknown'}"


class Command(BaseCommand):
    help = "Working-day calendar: import operator overrides (CSV date,is_workday[,name]) or check a year."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import a CSV of holidays and make-up working days")
        imp.add_argument("file", type=Path)
        chk = sub.add_parser("check", help="say whether every day of a year is known")
        chk.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "import":
                result = calendar.calendar_import(path=options["file"], actor=_actor())
                self.stdout.write(
                    self.style.SUCCESS(f"导入完成 imported: {result.created} new, {result.updated} updated")
                )
            else:
                year = options["year"]
                day, workdays = dt.date(year, 1, 1), 0
                while day.year == year:
                    workdays += int(calendar.is_workday(day))
                    day += dt.timedelta(days=1)
                self.stdout.write(f"{year}: {workdays} working days, every date known")
        except FileNotFoundError as exc:
            self.stderr.write(f"文件不存在 file not found: {exc.filename}")
            sys.exit(2)
        except DomainError as exc:
            self.stderr.write(exc.bilingual)
            sys.exit(1)
