"""电子证照标识 (DESIGN §4): `1.2.156.3005.2.<type 21>.<issuer credit code 18>.<serial>.<version 3>.<check>`.

The check character is ISO 7064 MOD 37,36 over type + issuer + serial + version without the dots, through
python-stdnum; a published API sample ending `.M` fails it (a common off-by-one variant), so the tests use
identifiers checked on real platform files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.iso7064 import mod_37_36

from tongban.core.errors import InvalidInput

PREFIX = "1.2.156.3005.2."
_TYPE = re.compile(r"[0-9A-Z]{21}")
_CREDIT = re.compile(r"[0-9A-Z]{18}")
_SERIAL = re.compile(r"[0-9A-Z]{1,40}")  # free-form in practice (date + sequence, UUID hex): the check's alphabet
_VERSION = re.compile(r"[0-9]{3}")


class IdentifierInvalid(InvalidInput):
    code = "licence_identifier_invalid"
    default_zh = "电子证照标识格式或校验位有误"
    default_en = "The e-licence identifier is malformed or its check character is wrong"


@dataclass(frozen=True)
class LicenceIdentifier:
    type_code: str
    issuer_code: str
    serial: str
    version: int

    @property
    def check(self) -> str:
        return mod_37_36.calc_check_digit(self.body)

    @property
    def body(self) -> str:
        return f"{self.type_code}{self.issuer_code}{self.serial}{self.version:03d}"

    def __str__(self) -> str:
        return f"{PREFIX}{self.type_code}.{self.issuer_code}.{self.serial}.{self.version:03d}.{self.check}"


def identifier_make(*, type_code: str, issuer_code: str, serial: str, version: int) -> LicenceIdentifier:
    """The identifier of a licence; its parts are checked here so a bad one is never stored."""
    for value, pattern, zh, en in (
        (type_code, _TYPE, "证照类型代码应为21位数字或大写字母", "The licence type code must be 21 digits or capitals"),
        (issuer_code, _CREDIT, "发证机关统一社会信用代码应为18位", "The issuer's credit code must be 18 characters"),
        (serial, _SERIAL, "证照序号应为1–40位数字或大写字母", "The serial must be 1–40 digits or capitals"),
    ):
        if not pattern.fullmatch(value):
            raise IdentifierInvalid(zh, en)
    if not 1 <= version <= 999:
        raise IdentifierInvalid("版本号应在001–999之间", "The version must be between 001 and 999")
    return LicenceIdentifier(type_code, issuer_code, serial, version)


def identifier_parse(text: str) -> LicenceIdentifier:
    """Split and check an identifier; IdentifierInvalid when any part or the check character is wrong."""
    raw = text.strip().upper()
    if not raw.startswith(PREFIX):
        raise IdentifierInvalid("电子证照标识应以 1.2.156.3005.2. 开头", "An identifier starts with 1.2.156.3005.2.")
    parts = raw.removeprefix(PREFIX).split(".")
    if len(parts) != 5 or not _VERSION.fullmatch(parts[3]) or len(parts[4]) != 1:
        raise IdentifierInvalid()
    type_code, issuer_code, serial, version, check = parts
    parsed = identifier_make(type_code=type_code, issuer_code=issuer_code, serial=serial, version=int(version))
    if parsed.check != check:
        raise IdentifierInvalid(
            f"校验位应为 {parsed.check}，而不是 {check}", f"The check character should be {parsed.check}, not {check}"
        )
    return parsed


def identifier_is_valid(text: str) -> bool:
    try:
        identifier_parse(text)
    except IdentifierInvalid:
        return False
    return True
