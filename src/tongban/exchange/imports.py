"""Reading a bulk import file (CSV or JSONL) into checked rows and a report that names every bad row.

CSV: a header row; the subject column is `id_number` (persons) or `credit_code` (enterprises); one column
per element code; optional `as_of` (ISO date or time) and `record_id`. JSONL: one object per line with the
same keys. Nothing is written here: `services.exchange_import` writes the good rows.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from tongban.core.errors import InvalidInput, in_language
from tongban.identity import validators
from tongban.identity.models import Department, Enterprise, Person
from tongban.registry.models import DataElement, SubjectKind
from tongban.registry.values import value_canonical

MAX_IMPORT_BYTES = 20 * 1024 * 1024
SUBJECT_COLUMNS = {"id_number": SubjectKind.PERSON, "credit_code": SubjectKind.ENTERPRISE}
RESERVED = {"id_number", "credit_code", "as_of", "record_id"}


@dataclass(frozen=True)
class Rejected:
    line: int
    subject: str  # masked for persons
    reason_zh: str
    reason_en: str

    @property
    def reason(self) -> str:
        """What the report page shows: the reason in the page's language."""
        return in_language(self.reason_zh, self.reason_en)


@dataclass(frozen=True)
class GoodValue:
    subject: Person | Enterprise
    element: DataElement
    value: str
    as_of: datetime
    record_id: str


@dataclass
class ImportReport:
    name: str
    file_format: str
    element_codes: list[str]
    rows_total: int = 0
    rows_ok: int = 0
    written: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    good: list[GoodValue] = field(default_factory=list)


def _mask(subject: str) -> str:
    return subject[:6] + "********" + subject[-4:] if len(subject) == 18 and subject[:17].isdigit() else subject


def _decode(raw: bytes) -> str:
    if b"\x00" in raw:
        raise InvalidInput(
            "文件含有二进制内容，请上传 CSV 或 JSONL 文本文件", "The file is binary; upload a CSV or JSONL text file"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        raise InvalidInput(
            "文件不是 UTF-8 编码，无法识别其编码；请另存为 UTF-8 后再导入",
            "The file is not UTF-8 and its encoding is not recognised; save it as UTF-8 and import again",
            field="file",
        ) from None
    raise InvalidInput(
        "文件是 GBK（GB18030）编码，不是 UTF-8；请在表格软件中另存为“CSV UTF-8”后再导入，以免中文乱码",
        'The file is GBK (GB18030) encoded, not UTF-8; save it as "CSV UTF-8" and import again so Chinese text '
        "is not garbled",
        field="file",
    )


def _records(text: str, name: str) -> tuple[str, list[str], Iterator[tuple[int, dict[str, Any] | None, str]]]:
    """(format, columns, iterator of (line, record or None, parse error))."""
    stripped = text.lstrip()
    if name.lower().endswith(".jsonl") or stripped.startswith("{"):
        lines = text.splitlines()
        columns: list[str] = []
        for line in lines:
            if line.strip():
                try:
                    first = json.loads(line)
                except ValueError:
                    break
                columns = list(first) if isinstance(first, dict) else []
                break

        def gen_jsonl() -> Iterator[tuple[int, dict[str, Any] | None, str]]:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield number, None, f"JSON: {exc.args[0] if exc.args else exc}"
                    continue
                if not isinstance(obj, dict):
                    yield number, None, "JSON"
                    continue
                yield number, obj, ""

        return "jsonl", columns, gen_jsonl()
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = columns

    def gen_csv() -> Iterator[tuple[int, dict[str, Any] | None, str]]:
        try:
            for record in reader:
                if None in record:
                    yield reader.line_num, None, "CSV"
                    continue
                if not any((v or "").strip() for v in record.values()):
                    continue
                yield reader.line_num, record, ""
        except csv.Error as exc:
            yield reader.line_num, None, f"CSV: {exc}"

    return "csv", columns, gen_csv()


def _as_of(raw: Any) -> datetime:
    if raw in (None, ""):
        return timezone.now()
    text = str(raw).strip()
    tz = ZoneInfo(settings.TIME_ZONE)
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(12), tzinfo=tz)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"数据时点“{text}”不是有效日期", f"The as-of “{text}” is not a valid date") from None
    moment = moment if timezone.is_aware(moment) else moment.replace(tzinfo=tz)
    if moment > timezone.now():
        raise InvalidInput(f"数据时点“{text}”晚于现在", f"The as-of “{text}” is in the future")
    return moment


def parse(
    *,
    file: bytes | BinaryIO,
    name: str,
    element_codes: list[str] | None,
    source_department: Department,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    raw = file if isinstance(file, bytes) else file.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidInput("文件超过 20 MB，请拆分后再导入", "The file is larger than 20 MB; split it", field="file")
    if not raw.strip():
        raise InvalidInput("文件是空的", "The file is empty", field="file")
    file_format, columns, records = _records(_decode(raw), name)
    subject_columns = [c for c in columns if c in SUBJECT_COLUMNS]
    if len(subject_columns) != 1:
        raise InvalidInput(
            "文件须有且只有一个主体列：id_number（身份证号）或 credit_code（统一社会信用代码）",
            "The file needs exactly one subject column: id_number or credit_code",
            field="file",
        )
    subject_column = subject_columns[0]
    kind = SUBJECT_COLUMNS[subject_column]
    codes = list(dict.fromkeys(element_codes or [c for c in columns if c not in RESERVED]))
    if not codes:
        raise InvalidInput("请指定要导入的数据项", "Name the data elements to import", field="element_codes")
    missing = [c for c in codes if c not in columns]
    if missing:
        raise InvalidInput(
            f"文件中没有这些数据项的列：{'、'.join(missing)}",
            f"The file has no column for: {', '.join(missing)}", field="element_codes",
        )  # fmt: skip
    elements = {e.code: e for e in DataElement.objects.select_related("owner").filter(code__in=codes)}
    unknown = [c for c in codes if c not in elements]
    if unknown:
        raise InvalidInput(f"未知的数据项：{'、'.join(unknown)}", f"Unknown data elements: {', '.join(unknown)}",
                           field="element_codes")  # fmt: skip
    foreign = [c for c in codes if elements[c].owner_id != source_department.pk]
    if foreign:
        raise InvalidInput(
            f"只能导入本部门（{source_department.name}）的数据项：{'、'.join(foreign)} 不属于本部门",
            f"A department imports only its own elements; {', '.join(foreign)} belong to another department",
            field="element_codes",
        )
    wrong_kind = [c for c in codes if elements[c].subject_kind != kind]
    if wrong_kind:
        raise InvalidInput(
            f"数据项 {'、'.join(wrong_kind)} 与主体列 {subject_column} 不匹配",
            f"Elements {', '.join(wrong_kind)} do not match the subject column {subject_column}",
            field="element_codes",
        )
    report = ImportReport(name=name, file_format=file_format, element_codes=codes)
    parsed: list[tuple[int, str, dict[str, Any]]] = []
    for line, record, error in records:
        report.rows_total += 1
        if record is None:
            report.rejected.append(Rejected(line, "", f"格式错误（{error}）", f"malformed row ({error})"))
            continue
        parsed.append((line, str(record.get(subject_column) or "").strip().upper(), record))
    # One query for all subjects of the file.
    model = Person if kind == SubjectKind.PERSON else Enterprise
    field_name = "id_number" if kind == SubjectKind.PERSON else "credit_code"
    known = {getattr(s, field_name): s for s in model.objects.filter(**{f"{field_name}__in": [p[1] for p in parsed]})}
    first_line: dict[str, int] = {}
    total = len(parsed)
    for index, (line, ident, record) in enumerate(parsed, start=1):
        if progress and (index % 500 == 0 or index == total):
            progress(index, total)
        shown = _mask(ident)
        try:
            if kind == SubjectKind.PERSON:
                validators.resident_id(ident)
            else:
                validators.credit_code(ident)
        except InvalidInput as exc:
            report.rejected.append(Rejected(line, shown, exc.message_zh, exc.message_en))
            continue
        if ident in first_line:
            report.rejected.append(
                Rejected(
                    line,
                    shown,
                    f"与第 {first_line[ident]} 行主体重复",
                    f"duplicate of the subject on line {first_line[ident]}",
                )
            )
            continue
        first_line[ident] = line
        subject = known.get(ident)
        if subject is None:
            report.rejected.append(Rejected(line, shown, "库中没有该主体", "unknown subject: not in the register"))
            continue
        try:
            as_of = _as_of(record.get("as_of"))
            values = []
            for code in codes:
                element = elements[code]
                raw_value = record.get(code)
                if raw_value is None or str(raw_value).strip() == "":
                    continue  # an empty cell means "no value", not a bad one
                if isinstance(raw_value, int | float) and not isinstance(raw_value, bool):
                    raw_value = str(raw_value)
                text = value_canonical(
                    code=code, value_type=element.value_type, value=raw_value,
                    pattern=element.pattern, choices=element.choices,
                )  # fmt: skip
                values.append(GoodValue(subject, element, text, as_of, str(record.get("record_id") or "")[:100]))
        except InvalidInput as exc:
            report.rejected.append(Rejected(line, shown, exc.message_zh, exc.message_en))
            continue
        report.rows_ok += 1
        report.good.extend(values)
    return report
