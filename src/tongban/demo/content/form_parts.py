"""Pieces the demo city's application forms share (forms.py and forms_bundles.py): the contact phone and the
usual pages. A module of their own so that forms.py can merge forms_bundles.py without an import cycle.
"""

from __future__ import annotations

from typing import Any

PHONE = {
    "key": "phone",
    "type": "phone",
    "label": "联系电话",
    "label_en": "Contact phone",
    "hint": "用于接收办理进度短信",
    "hint_en": "For text messages about progress",
}


def phone_field(page: str) -> dict[str, Any]:
    return {**PHONE, "page": page}


APPLICANT = {"key": "applicant", "title": "申请人信息", "title_en": "Applicant"}
CONTACT = {"key": "contact", "title": "联系方式", "title_en": "Contact"}

# A time of day as 24-hour HH:MM (出生时间 on the birth certificate's form).
TIME_OF_DAY = r"([01]\d|2[0-3]):[0-5]\d"
# A bank card or account number (收款账户, 代扣账户).
BANK_ACCOUNT = r"\d{12,19}"
