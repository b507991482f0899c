"""The demo city's e-licences (issue 6): the licence catalogue its operator declares, and existing licences
(存量) loaded the way a real platform migrates them — a JSONL file per type through `licences_import`,
with its validation report — so the wallets and the applications have licences from the first login.

- 居民身份证 (公安局) for the people behind the public demo accounts;
- 营业执照 (市场监管局) for every market entity of the city (the legal representative's two among them);
- 居住证 (公安局), issued when a 居住证申领 case is approved (秒批 for a resident who applies to live here);
- 食品经营许可证 (市场监管局), issued when a 食品经营许可 case is approved;
- one 用证授权 to an enterprise: 林晓峰 (`citizen`) lets 示范市鼎盛餐饮管理有限公司, where he applies for a job,
  fetch his ID card's name and date of birth — what 赵建华 (`legalrep`) fetches on 收到的用证授权.

Type codes are fictional: a made-up issuing ministry's code (`119900000000000`) and a department letter
pair with a sequence, 21 characters as the national catalogue's are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tongban.demo.content.bundles import BIRTH_MEDICAL_CERTIFICATE, INDUSTRY_COMBINED_PERMIT, REAL_ESTATE_CERTIFICATE
from tongban.demo.content.departments import code_of
from tongban.identity.models import Department, Enterprise, Person, Staff
from tongban.licenses.codes import HolderKind, TrustLevel, ValidityKind
from tongban.licenses.grants import grant_create
from tongban.licenses.selectors import licence_list_for_holder
from tongban.licenses.services import licence_type_create, licences_import

ACTOR = "system:demo-import"
TYPES: tuple[dict[str, Any], ...] = (
    {
        "code": "119900000000000GA0001", "name": "居民身份证", "name_en": "Resident identity card",
        "department": "gaj", "holder_kind": HolderKind.PERSON, "validity_kind": ValidityKind.YEARS,
        "validity_years": 20, "satisfies": ["居民身份证"], "issued_by": [],
        "fields": [
            {"name": "full_name", "label": "姓名", "label_en": "Name", "disclosable": False},
            {"name": "sex", "label": "性别", "label_en": "Sex"},
            {"name": "birth_date", "label": "出生日期", "label_en": "Date of birth", "type": "date"},
        ],
    },
    {
        "code": "119900000000000GA0002", "name": "居住证", "name_en": "Residence permit",
        "department": "gaj", "holder_kind": HolderKind.PERSON, "validity_kind": ValidityKind.YEARS,
        "validity_years": 1, "satisfies": ["居住证"], "issued_by": ["GA07002"],
        "fields": [
            {"name": "full_name", "label": "姓名", "label_en": "Name", "from": "name", "disclosable": False},
            {"name": "hukou_address", "label": "户籍地址", "label_en": "Hukou address"},
            {"name": "residence_address", "label": "居住地址", "label_en": "Address where the holder lives"},
            {"name": "reason", "label": "申领事由", "label_en": "Reason"},
        ],
    },
    {
        "code": "119900000000000SC0001", "name": "营业执照", "name_en": "Business licence",
        "department": "scj", "holder_kind": HolderKind.ENTERPRISE, "validity_kind": ValidityKind.OPEN_ENDED,
        "satisfies": ["营业执照"], "issued_by": [],
        "fields": [
            {"name": "enterprise_name", "label": "名称", "label_en": "Name", "disclosable": False},
            {"name": "kind", "label": "类型", "label_en": "Kind"},
            {"name": "legal_representative", "label": "法定代表人", "label_en": "Legal representative"},
            {"name": "address", "label": "住所", "label_en": "Registered address", "required": False},
            {"name": "established_on", "label": "成立日期", "label_en": "Established", "type": "date",
             "required": False},
        ],
    },
    {
        "code": "119900000000000SC0002", "name": "食品经营许可证", "name_en": "Food business licence",
        "department": "scj", "holder_kind": HolderKind.ENTERPRISE, "validity_kind": ValidityKind.YEARS,
        "validity_years": 5, "satisfies": ["食品经营许可证"], "issued_by": ["SC01003"],
        "fields": [
            {"name": "enterprise_name", "label": "经营者名称", "label_en": "Operator", "from": "ent_name",
             "disclosable": False},
            {"name": "legal_representative", "label": "法定代表人（负责人）", "label_en": "Legal representative",
             "from": "legal_rep"},
            {"name": "premises", "label": "经营场所", "label_en": "Premises"},
            {"name": "category", "label": "主体业态", "label_en": "Kind of food business"},
        ],
    },
    {
        "code": BIRTH_MEDICAL_CERTIFICATE, "name": "出生医学证明", "name_en": "Medical birth certificate",
        "department": "wjw", "holder_kind": HolderKind.PERSON, "validity_kind": ValidityKind.OPEN_ENDED,
        "satisfies": ["出生医学证明"], "issued_by": ["WJ20001"],
        "fields": [
            {"name": "baby_name", "label": "新生儿姓名", "label_en": "Baby's name", "disclosable": False},
            {"name": "baby_sex", "label": "性别", "label_en": "Sex"},
            {"name": "baby_birth_date", "label": "出生日期", "label_en": "Date of birth", "type": "date"},
            {"name": "birth_hospital", "label": "出生地点（助产机构）", "label_en": "Place of birth",
             "required": False},
            {"name": "mother_or_father", "label": "申请人（父母）", "label_en": "Parent", "from": "name"},
        ],
    },
    {
        "code": REAL_ESTATE_CERTIFICATE, "name": "不动产权证书", "name_en": "Real estate title certificate",
        "department": "zrj", "holder_kind": HolderKind.PERSON, "validity_kind": ValidityKind.OPEN_ENDED,
        "satisfies": ["不动产权证书"], "issued_by": ["ZR07001"],
        "fields": [
            {"name": "owner", "label": "权利人", "label_en": "Owner", "from": "name", "disclosable": False},
            {"name": "property_address", "label": "坐落", "label_en": "Location"},
            {"name": "ownership", "label": "共有情况", "label_en": "Ownership", "required": False},
        ],
    },
    {
        "code": INDUSTRY_COMBINED_PERMIT, "name": "行业综合许可证（餐饮）", "name_en": "Combined industry permit",
        "department": "scj", "holder_kind": HolderKind.ENTERPRISE, "validity_kind": ValidityKind.YEARS,
        "validity_years": 5, "satisfies": [], "issued_by": [],
        "fields": [
            {"name": "enterprise_name", "label": "经营者名称", "label_en": "Operator", "disclosable": False},
            {"name": "credit_code", "label": "统一社会信用代码", "label_en": "Credit code", "required": False},
            {"name": "permits", "label": "整合的许可事项", "label_en": "Permits combined"},
        ],
    },
)  # fmt: skip


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows).encode()


def _id_cards(usernames: list[str]) -> list[dict[str, Any]]:
    people = Person.objects.filter(user__username__in=usernames).order_by("id_number")
    return [
        {"holder_code": p.id_number, "holder_name": p.name, "number": p.id_number, "serial": f"ID{p.id_number}",
         "issued_on": p.birth_date.replace(year=max(p.birth_date.year + 16, 2016)).isoformat(),
         "full_name": p.name, "sex": p.get_sex_display(), "birth_date": p.birth_date.isoformat()}
        for p in people
    ]  # fmt: skip


def _business_licences() -> list[dict[str, Any]]:
    firms = Enterprise.objects.select_related("legal_representative").order_by("credit_code")
    return [
        {"holder_code": e.credit_code, "holder_name": e.name, "number": e.credit_code, "serial": f"BL{e.credit_code}",
         "issued_on": (e.established_on.isoformat() if e.established_on else "2020-01-01"),
         "enterprise_name": e.name, "kind": e.get_kind_display(),
         "legal_representative": e.legal_representative.name if e.legal_representative else "",
         "address": e.address, "established_on": e.established_on.isoformat() if e.established_on else ""}
        for e in firms
    ]  # fmt: skip


def licences_load(*, tick: Callable[[int, int], None], usernames: list[str]) -> dict[str, int]:
    """The catalogue, then the existing licences; returns counts. A rejected row fails the build: the demo's
    own data must import cleanly."""
    operator = Staff.objects.get(user__username="operator")
    departments = {key: Department.objects.get(credit_code=code_of(key)) for key in {t["department"] for t in TYPES}}
    types = {}
    for spec in TYPES:
        args = {k: v for k, v in spec.items() if k != "department"}
        types[spec["code"]] = licence_type_create(actor=operator, department=departments[spec["department"]],
                                                  trust_level=TrustLevel.A, **args)  # fmt: skip
    tick(1, 3)
    counts = {"licence_types": len(types), "licences": 0}
    for code, rows in (("119900000000000GA0001", _id_cards(usernames)),
                       ("119900000000000SC0001", _business_licences())):  # fmt: skip
        report = licences_import(licence_type=types[code], file=_jsonl(rows), name=f"{code}.jsonl", actor=ACTOR)
        if report.rejected:
            raise RuntimeError(f"demo licences {code} rejected: {report.rejected[:3]}")
        counts["licences"] += len(report.issued)
        tick(2 if code.endswith("GA0001") else 3, 3)
    counts["licence_grants"] = _grant_to_the_restaurant()
    return counts


def _grant_to_the_restaurant() -> int:
    """The citizen applies for a job at the legal representative's restaurant company and authorises it for
    90 days to fetch his 居民身份证's name and date of birth (用证授权 to an enterprise)."""
    citizen = Person.objects.filter(user__username="citizen").first()
    company = Enterprise.objects.filter(legal_representative__user__username="legalrep",
                                        name="示范市鼎盛餐饮管理有限公司").first()  # fmt: skip
    card = (
        licence_list_for_holder(holder=citizen).filter(licence_type__code="119900000000000GA0001").first()
        if citizen
        else None
    )
    if citizen is None or company is None or card is None:
        return 0
    grant_create(person=citizen, licence=card, grantee=company, purpose="应聘入职：核验身份和年龄", days=90,
                 fields=["birth_date"])  # fmt: skip
    return 1
