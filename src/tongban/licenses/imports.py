"""Reading a file of existing licences (存量证照) for `services.licences_import`: CSV (a header row) or JSONL.

Columns: `holder_code` (ID number or credit code, as the type's holders have), `holder_name`, `number` (the
printed licence number), `issued_on`, optionally `valid_from`, `valid_until`, `serial` (the issuer's own, so a
re-run finds what it imported), and one column per field of the licence type. Nothing is written here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tongban.core.errors import InvalidInput, in_language

MAX_IMPORT_BYTES = 20 * 1024 * 1024
BASE_COLUMNS = ("holder_code", "holder_name", "number", "issued_on", "valid_from", "valid_until", "serial")


@dataclass(frozen=True)
class Rejected:
    line: int
    holder: str  # an ID number masked
    reason_zh: str
    reason_en: str

    @property
    def reason(self) -> str:
        return in_language(self.reason_zh, self.reason_en)


@dataclass
class ImportReport:
    name: str
    rows_total: int = 0
    issued: list[str] = field(default_factory=list)  # identifiers, in file order
    rejected: list[Rejected] = field(default_factory=list)


def mask(code: str) -> str:
    return code[:6] + "********" + code[-4:] if len(code) == 18 and code[:17].isdigit() else code


def _text(raw: bytes) -> str:
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidInput("文件超过 20 MB，请拆分后再导入", "The file is larger than 20 MB; split it", field="file")
    if b"\x00" in raw or not raw.strip():
        raise InvalidInput("请上传非空的 CSV 或 JSONL 文本文件", "Upload a CSV or JSONL text file", field="file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "文件不是 UTF-8 编码；请在表格软件中另存为“CSV UTF-8”后再导入",
            'The file is not UTF-8; save it as "CSV UTF-8" and import again',
            field="file",
        ) from None


def records(raw: bytes, *, name: str) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """(line, record) for each non-empty row; record None for a row that cannot be read."""
    text = _text(raw)
    if name.lower().endswith(".jsonl") or text.lstrip().startswith("{"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            yield number, obj if isinstance(obj, dict) else None
        return
    reader = csv.DictReader(io.StringIO(text))
    reader.fieldnames = [c.strip() for c in reader.fieldnames or []]
    try:
        for record in reader:
            if None in record:
                yield reader.line_num, None
            elif any((v or "").strip() for v in record.values()):
                yield reader.line_num, {k: (v or "").strip() for k, v in record.items()}
    except csv.Error:
        yield reader.line_num, None
