"""Identity numbers for the demo city: resident IDs (GB 11643) and unified social credit codes (GB 32100).

Check characters come from python-stdnum (DESIGN §4). The one piece stdnum does not have is the
check of the 9-character organisation code inside a credit code (GB 11714); it is computed here and
tested against a published code.
"""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric, uscc

# Characters allowed in a credit code after the region part (GB 32100: no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Registration authority and body type (the first two characters of a credit code, GB 32100 table 1).
GOVERNMENT_BODY = "11"  # 机构编制 + 机关
PUBLIC_INSTITUTION = "12"  # 机构编制 + 事业单位
COMPANY = "91"  # 工商 + 企业
INDIVIDUAL_BUSINESS = "92"  # 工商 + 个体工商户


def org_code_check(body: str) -> str:
    """The check character of an organisation code (GB 11714): 8 characters in, 1 out."""
    if len(body) != 8 or any(c not in USCC_ALPHABET for c in body):
        raise ValueError(f"organisation code body must be 8 characters of the code alphabet: {body!r}")
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code_make(*, prefix: str, region: str, org_body: str) -> str:
    """A unified social credit code: 2-char authority/type + 6-digit region + organisation code + check."""
    if len(prefix) != 2 or not region.isdigit() or len(region) != 6:
        raise ValueError("prefix must have 2 characters and region 6 digits")
    head = prefix + region + org_body + org_code_check(org_body)
    code = head + uscc.calc_check_digit(head)
    return uscc.validate(code)


def resident_id_make(*, region: str, birth_date: date, sequence: int) -> str:
    """An 18-character resident ID: region + YYYYMMDD + 3-digit sequence (odd = male) + check (MOD 11-2)."""
    if not 0 <= sequence <= 999:
        raise ValueError("sequence must be 0..999")
    head = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    number = head + ric.calc_check_digit(head + "?")  # stdnum expects the check position present and ignores it
    # Not ric.validate: it also looks the place up in stdnum's copy of GB/T 2260, which (rightly) has no
    # 99xxxx codes. The check character and the birth date are what the platform checks (identity.validators).
    if ric.get_birth_date(number) != birth_date:
        raise ValueError(f"birth date does not round-trip: {number}")
    return number


def resident_id_sex(number: str) -> str:
    """'M' or 'F' from the 17th digit (odd for men)."""
    return "M" if int(number[16]) % 2 == 1 else "F"
