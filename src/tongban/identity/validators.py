"""Identity numbers and contact details: one place, reused by forms and services.

Check digits come from python-stdnum (DESIGN §4: never hand-rolled). Each function returns the
normalised value or raises InvalidInput carrying the field name and a Chinese and English message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

from tongban.core.errors import InvalidInput

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ITEM_CODE_RE = re.compile(r"^[A-Za-z0-9]{1,10}$")  # basic code an..10 (GB/T 39046)
NAME_FORBIDDEN_RE = re.compile(r"[0-9<>{}\[\]@#$%^&*=+|\\/;:\"]")
EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: str  # "M" or "F": odd sequence digit for men (GB 11643)


def resident_id(value: str, *, field: str = "id_number") -> ResidentId:
    """Validate an 18-character resident ID number (GB 11643) and read birth date and sex from it.

    The place code is not looked up: the demo city has a fictional region code, and codes change
    over time while old cards stay valid.
    """
    number = ric.compact(value or "")
    if not number:
        raise InvalidInput("请填写身份证号", "Enter the ID number", field=field)
    if len(number) != 18:
        raise InvalidInput("身份证号应为18位", "The ID number must have 18 characters", field=field)
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidInput(
            "身份证号前17位应为数字，最后一位为数字或X",
            "The first 17 characters of the ID number must be digits, the last a digit or X",
            field=field,
        )
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidInput("身份证号校验位错误", "The check digit of the ID number is wrong", field=field)
    try:
        born = ric.get_birth_date(number)
    except StdnumError:
        raise InvalidInput(
            "身份证号中的出生日期不存在", "The birth date in the ID number does not exist", field=field
        ) from None
    if born > timezone.localdate():
        raise InvalidInput(
            "身份证号中的出生日期晚于今天", "The birth date in the ID number is in the future", field=field
        )
    if born < EARLIEST_BIRTH:
        raise InvalidInput(
            "身份证号中的出生日期早于1900年", "The birth date in the ID number is before 1900", field=field
        )
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, birth_date=born, sex=sex)


def credit_code(value: str, *, field: str = "credit_code") -> str:
    """Validate an 18-character unified social credit code (GB 32100)."""
    code = uscc.compact(value or "")
    if not code:
        raise InvalidInput("请填写统一社会信用代码", "Enter the unified social credit code", field=field)
    if len(code) != 18:
        raise InvalidInput(
            "统一社会信用代码应为18位", "The unified social credit code must have 18 characters", field=field
        )
    try:
        uscc.validate(code)
    except InvalidChecksum:
        raise InvalidInput(
            "统一社会信用代码校验位错误",
            "The check character of the unified social credit code is wrong",
            field=field,
        ) from None
    except StdnumError:
        raise InvalidInput(
            "统一社会信用代码含有不允许的字符",
            "The unified social credit code contains characters that are not allowed",
            field=field,
        ) from None
    return code


def mobile(value: str, *, field: str = "mobile", required: bool = True) -> str:
    number = re.sub(r"[\s-]", "", value or "")
    if number.startswith("+86"):
        number = number[3:]
    if not number:
        if required:
            raise InvalidInput("请填写手机号", "Enter the mobile number", field=field)
        return ""
    if not MOBILE_RE.match(number):
        raise InvalidInput(
            "手机号应为11位数字，以1开头", "The mobile number must be 11 digits starting with 1", field=field
        )
    return number


def person_name(value: str, *, field: str = "name") -> str:
    name = (value or "").strip()
    if not name:
        raise InvalidInput("请填写姓名", "Enter the name", field=field)
    if len(name) > 50:
        raise InvalidInput("姓名不能超过50个字", "The name must be at most 50 characters", field=field)
    if NAME_FORBIDDEN_RE.search(name):
        raise InvalidInput("姓名不能包含数字或符号", "The name must not contain digits or symbols", field=field)
    return name


def item_codes(values: list[str] | tuple[str, ...], *, field: str = "item_codes") -> list[str]:
    codes: list[str] = []
    for raw in values:
        code = raw.strip()
        if not code:
            continue
        if not ITEM_CODE_RE.match(code):
            raise InvalidInput(
                f"事项编码“{code}”格式不正确（最多10位字母或数字）",
                f"The item code “{code}” is not valid (up to 10 letters or digits)",
                field=field,
            )
        if code not in codes:
            codes.append(code)
    return codes
