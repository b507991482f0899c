"""`tongban forms publish ITEM FILE.json` (an operator publishes a form version) and `tongban forms purge`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.catalog.selectors import item_get_by_basic_code
from tongban.core.errors import DomainError
from tongban.forms import services


class Command(BaseCommand):
    help = "Application forms: publish a form definition from JSON, or purge expired drafts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        publish = sub.add_parser("publish", help="check a form's JSON and publish it as the item's next version")
        publish.add_argument("item", help="basic code of the service item, e.g. YB20003")
        publish.add_argument("file", type=Path)
        sub.add_parser("purge", help="delete expired, unsubmitted drafts")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = f"cli:{os.environ.get('USER') or os.environ.get('LOGNAME') or 'unknown'}"
        try:
            if options["action"] == "purge":
                self.stdout.write(f"已删除过期草稿 {services.drafts_purge()} 份 (expired drafts deleted)")
                return
            path: Path = options["file"]
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                self.stderr.write(f"无法读取 {path}：{exc} (could not read the file)")
                sys.exit(1)
            version = services.form_publish(item=item_get_by_basic_code(options["item"]), schema=raw, actor=actor)
            self.stdout.write(f"已发布第 {version.number} 版 (published version {version.number})")
        except DomainError as exc:
            self.stderr.write(exc.bilingual)
            sys.exit(1)
