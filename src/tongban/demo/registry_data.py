"""The demo city's data elements (一人一档 / 一企一档) and every resident's and business's values.

Each element is owned by the department whose register is its authoritative source; values come
from the generator's records with that department as source and trust level A. One deliberate
disagreement shows the conflict rule: the housing fund centre still holds the citizen's old address.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tongban.demo.content.regions import DISTRICT_NAMES
from tongban.demo.generators import REFERENCE_DATE, City, EnterpriseRecord, PersonRecord
from tongban.identity.models import Department, Enterprise, Person
from tongban.registry.models import DataElement, TrustLevel
from tongban.registry.services import ValueInput, element_declare, values_record_bulk

TZ = ZoneInfo("Asia/Shanghai")
MARITAL = {"10": "未婚", "20": "已婚", "30": "丧偶", "40": "离婚"}
ETHNICITY = {"01": "汉族", "02": "蒙古族", "03": "回族", "08": "壮族", "10": "朝鲜族", "11": "满族"}
PENSION_STATUS = {"1": "参保缴费", "2": "暂停缴费", "3": "领取待遇", "9": "未参保"}
MEDICAL_STATUS = {"1": "职工基本医疗保险", "2": "城乡居民基本医疗保险", "9": "未参保"}
FUND_STATUS = {"1": "正常缴存", "2": "封存", "9": "未开户"}
ENT_STATUS = {"1": "存续", "2": "吊销", "3": "注销"}
ENT_KIND = {"enterprise": "企业法人", "individual": "个体工商户"}
TAX_RATING = {"A": "A级", "B": "B级", "M": "M级", "C": "C级", "D": "D级"}
SEX = {"M": "男", "F": "女"}
DISTRICTS = dict(DISTRICT_NAMES)


@dataclass(frozen=True)
class ElementSpec:
    code: str
    name: str
    name_en: str
    owner: str  # department key
    value_type: str
    sharing_class: str
    update_cycle: str
    sensitivity: int
    legal_basis: str
    pattern: str = ""
    choices: dict[str, str] | None = None


def _p(code: str, *args: Any, **kwargs: Any) -> ElementSpec:
    return ElementSpec(f"P.{code}", *args, **kwargs)


def _e(code: str, *args: Any, **kwargs: Any) -> ElementSpec:
    return ElementSpec(f"E.{code}", *args, **kwargs)


HUKOU = "《中华人民共和国户口登记条例》"
MARRIAGE = "《婚姻登记条例》"
SOCIAL = "《中华人民共和国社会保险法》"
FUND = "《住房公积金管理条例》"
PROPERTY = "《不动产登记暂行条例》"
MARKET = "《中华人民共和国市场主体登记管理条例》"

PERSON_ELEMENTS: tuple[ElementSpec, ...] = (
    _p("NAME", "姓名", "Name", "gaj", "text", "open", "realtime", 2, HUKOU),
    _p("SEX", "性别", "Sex", "gaj", "code", "open", "realtime", 2, HUKOU, choices=SEX),
    _p("BIRTH_DATE", "出生日期", "Date of birth", "gaj", "date", "open", "realtime", 2, HUKOU),
    _p("ETHNICITY", "民族", "Ethnicity", "gaj", "code", "conditional", "realtime", 3, HUKOU, choices=ETHNICITY),
    _p("HUKOU_ADDRESS", "户籍地址", "Registered address (hukou)", "gaj", "text", "conditional", "realtime", 3, HUKOU),
    _p("HUKOU_REGION", "户籍所在区", "District of household registration", "gaj", "code", "open", "realtime", 2,
       HUKOU, choices=DISTRICTS),
    _p("HOUSEHOLD_NUMBER", "户号", "Household number", "gaj", "text", "conditional", "realtime", 3, HUKOU,
       pattern=r"H\d{5}"),
    _p("HOUSEHOLD_RELATION", "与户主关系", "Relation to household head", "gaj", "text", "conditional", "realtime", 3,
       HUKOU),
    _p("MARITAL_STATUS", "婚姻状况", "Marital status", "mzj", "code", "conditional", "realtime", 3, MARRIAGE,
       choices=MARITAL),
    _p("MARRIAGE_DATE", "结婚登记日期", "Date of marriage registration", "mzj", "date", "conditional", "realtime",
       3, MARRIAGE),
    _p("LOW_INCOME", "享受最低生活保障", "Receives minimum living allowance", "mzj", "boolean", "conditional",
       "monthly", 4, "《社会救助暂行办法》"),
    _p("BIRTH_CERT_NO", "出生医学证明编号", "Medical birth certificate number", "wjw", "text", "conditional",
       "daily", 3, "《中华人民共和国母婴保健法》", pattern=r"[A-Z]\d{9}"),
    _p("PENSION_STATUS", "基本养老保险参保状态", "Basic pension insurance status", "rsj", "code", "conditional",
       "daily", 3, SOCIAL, choices=PENSION_STATUS),
    _p("SOCIAL_CARD_NO", "社会保障卡卡号", "Social security card number", "rsj", "text", "conditional", "daily", 3,
       SOCIAL, pattern=r"[A-Z]\d{8}"),
    _p("RECEIVES_PENSION", "领取基本养老金", "Receives a basic pension", "rsj", "boolean", "conditional", "monthly",
       3, SOCIAL),
    _p("MEDICAL_STATUS", "基本医疗保险参保状态", "Basic medical insurance status", "ybj", "code", "conditional",
       "daily", 3, SOCIAL, choices=MEDICAL_STATUS),
    _p("MEDICAL_PLACE", "医保参保地", "Place of medical insurance", "ybj", "text", "open", "daily", 2, SOCIAL),
    _p("FUND_ACCOUNT", "住房公积金个人账号", "Housing fund account number", "gjj", "text", "conditional", "daily", 3,
       FUND, pattern=r"\d{12}"),
    _p("FUND_STATUS", "住房公积金缴存状态", "Housing fund contribution status", "gjj", "code", "conditional",
       "monthly", 3, FUND, choices=FUND_STATUS),
    _p("PROPERTY_IN_CITY", "本市名下有不动产", "Owns real estate in the city", "zrj", "boolean", "conditional",
       "realtime", 4, PROPERTY),
    _p("PROPERTY_COUNT", "本市不动产登记套数", "Registered properties in the city", "zrj", "integer",
       "conditional", "realtime", 4, PROPERTY),
)  # fmt: skip

ENTERPRISE_ELEMENTS: tuple[ElementSpec, ...] = (
    _e("NAME", "市场主体名称", "Registered name", "scj", "text", "open", "realtime", 1, MARKET),
    _e("USCC", "统一社会信用代码", "Unified social credit code", "scj", "text", "open", "realtime", 1, MARKET,
       pattern=r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"),
    _e("KIND", "市场主体类型", "Kind of market entity", "scj", "code", "open", "realtime", 1, MARKET,
       choices=ENT_KIND),
    _e("LEGAL_REP_NAME", "法定代表人（经营者）", "Legal representative (operator)", "scj", "text", "open",
       "realtime", 1, MARKET),
    _e("REGISTERED_CAPITAL", "注册资本（万元）", "Registered capital (10,000 yuan)", "scj", "decimal", "open",
       "realtime", 1, MARKET),
    _e("STATUS", "登记状态", "Registration status", "scj", "code", "open", "realtime", 1, MARKET, choices=ENT_STATUS),
    _e("ESTABLISHED_ON", "成立日期", "Date established", "scj", "date", "open", "realtime", 1, MARKET),
    _e("ADDRESS", "住所（经营场所）", "Registered address", "scj", "text", "open", "realtime", 1, MARKET),
    _e("BUSINESS_SCOPE", "经营范围", "Business scope", "scj", "text", "open", "realtime", 1, MARKET),
    _e("TAX_RATING", "纳税信用等级", "Tax credit rating", "swj", "code", "conditional", "irregular", 2,
       "《纳税信用管理办法》", choices=TAX_RATING),
    _e("INSURED_EMPLOYEES", "参保职工人数", "Insured employees", "rsj", "integer", "conditional", "monthly", 2,
       SOCIAL),
    _e("FUND_UNIT_ACCOUNT", "单位住房公积金账号", "Employer housing fund account", "gjj", "text", "conditional",
       "monthly", 2, FUND, pattern=r"\d{10}"),
)  # fmt: skip

SCOPES = {
    "餐饮管理": "餐饮服务；餐饮管理；食品销售",
    "商贸": "日用百货、五金产品、文具用品零售",
    "信息技术": "软件开发；信息技术咨询服务；计算机系统服务",
    "建筑工程": "建设工程施工；住宅室内装饰装修",
    "物流": "普通货物仓储服务；国内货物运输代理",
}


def _at(day: date, hour: int = 20) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def registry_load(*, city: City, departments: dict[str, Department], tick: Callable[[int, int], None]) -> int:
    """Declare the elements and record every value; returns how many values were recorded."""
    elements: dict[str, DataElement] = {}
    for position, spec in enumerate(PERSON_ELEMENTS + ENTERPRISE_ELEMENTS, start=1):
        elements[spec.code] = element_declare(
            position=position,
            code=spec.code,
            name=spec.name,
            name_en=spec.name_en,
            owner=departments[spec.owner],
            value_type=spec.value_type,
            subject_kind="person" if spec.code.startswith("P.") else "enterprise",
            sharing_class=spec.sharing_class,
            update_cycle=spec.update_cycle,
            sensitivity=spec.sensitivity,
            legal_basis=spec.legal_basis,
            pattern=spec.pattern,
            choices=spec.choices,
            actor="system:demo",
        )
    tick(1, 3)
    owners = {code: departments[spec.owner] for spec in PERSON_ELEMENTS + ENTERPRISE_ELEMENTS for code in [spec.code]}
    rng = random.Random(city.seed + 4)
    rows: list[ValueInput] = []

    def add(subject: Person | Enterprise, code: str, value: Any, record: str, as_of: datetime) -> None:
        rows.append(ValueInput(subject, elements[code], value, owners[code], as_of, TrustLevel.A, record))

    persons = {p.id_number: p for p in Person.objects.filter(id_number__in=[r.id_number for r in city.persons])}
    spouses = {c.husband: c for c in city.couples} | {c.wife: c for c in city.couples}
    for n, record in enumerate(city.persons, start=1):
        _person_values(add, rng, persons[record.id_number], record, spouses.get(record.id_number), n)
    tick(2, 3)
    enterprises = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=[r.credit_code for r in city.enterprises])
        .select_related("legal_representative")
    }  # fmt: skip
    for n, ent_record in enumerate(city.enterprises, start=1):
        _enterprise_values(add, rng, enterprises[ent_record.credit_code], ent_record, n)
    # The housing fund centre copied the citizen's address before the couple moved: a C-level disagreement.
    citizen = persons[city.cast["citizen"]]
    rows.append(
        ValueInput(citizen, elements["P.HUKOU_ADDRESS"], "示范市明德区旧城路18号2单元301室", departments["gjj"],
                   _at(date(2022, 3, 1)), TrustLevel.C, "GJJ-ADDR-2022-0301")
    )  # fmt: skip
    count = values_record_bulk(rows=rows)
    tick(3, 3)
    return count


Add = Callable[[Person | Enterprise, str, Any, str, datetime], None]


def _person_values(add: Add, rng: random.Random, person: Person, r: PersonRecord, couple: Any, n: int) -> None:
    registered = _at(max(r.birth_date, date(2008, 1, 1)), 9)  # the register went digital in 2008
    hukou = f"HJ{r.household}-{n:05d}"
    for code, value in (
        ("P.NAME", r.name), ("P.SEX", r.sex), ("P.BIRTH_DATE", r.birth_date),
        ("P.ETHNICITY", rng.choices(list(ETHNICITY), [92, 1, 3, 1, 1, 2])[0]),
        ("P.HUKOU_ADDRESS", r.address), ("P.HUKOU_REGION", r.region), ("P.HOUSEHOLD_NUMBER", r.household),
        ("P.HOUSEHOLD_RELATION", r.relation),
    ):  # fmt: skip
        add(person, code, value, hukou, registered)
    age = (REFERENCE_DATE - r.birth_date).days // 365
    as_of = _at(date(2025, 12, 31))
    if couple is not None:
        add(person, "P.MARITAL_STATUS", "20", f"MZ-JH-{couple.married_on:%Y%m%d}-{n:05d}", _at(couple.married_on, 10))
        add(person, "P.MARRIAGE_DATE", couple.married_on, f"MZ-JH-{couple.married_on:%Y%m%d}-{n:05d}",
            _at(couple.married_on, 10))  # fmt: skip
    elif age >= 20:
        status = "30" if age >= 65 and rng.random() < 0.6 else ("40" if age >= 30 and rng.random() < 0.15 else "10")
        add(person, "P.MARITAL_STATUS", status, f"MZ-HY-{n:05d}", as_of)
    add(person, "P.LOW_INCOME", age >= 18 and rng.random() < 0.03, f"MZ-DB-{n:05d}", _at(date(2025, 12, 1)))
    if r.birth_date >= date(1996, 1, 1):
        letter = "PQRSTUVWXYZ"[min(r.birth_date.year - 1996, 29) % 11]
        add(person, "P.BIRTH_CERT_NO", f"{letter}{990000000 + n:09d}", f"WJ-CS-{n:05d}", _at(r.birth_date, 12))
    retired = age >= (60 if r.sex == "M" else 55)
    insured = age >= 18 and rng.random() < 0.9
    pension = "3" if retired else ("1" if insured else "9")
    add(person, "P.PENSION_STATUS", pension, f"RS-YL-{n:05d}", as_of)
    add(person, "P.RECEIVES_PENSION", retired, f"RS-YL-{n:05d}", _at(date(2025, 12, 1)))
    if age >= 16:
        add(person, "P.SOCIAL_CARD_NO", f"S{99000000 + n:08d}", f"RS-SBK-{n:05d}", as_of)
    employed = age >= 18 and not retired and pension == "1"
    add(person, "P.MEDICAL_STATUS", "1" if employed else "2", f"YB-CB-{n:05d}", as_of)
    add(person, "P.MEDICAL_PLACE", f"示范市{DISTRICTS.get(r.region, '')}", f"YB-CB-{n:05d}", as_of)
    if employed or retired:
        add(person, "P.FUND_ACCOUNT", f"9901{n:08d}", f"GJJ-{n:05d}", as_of)
        add(person, "P.FUND_STATUS", "1" if employed else "2", f"GJJ-{n:05d}", _at(date(2025, 12, 1)))
    owns = r.relation == "户主" and age >= 25
    add(person, "P.PROPERTY_IN_CITY", owns, f"BDC-{n:05d}", as_of)
    add(person, "P.PROPERTY_COUNT", (1 + int(rng.random() < 0.2)) if owns else 0, f"BDC-{n:05d}", as_of)


def _enterprise_values(add: Add, rng: random.Random, ent: Enterprise, r: EnterpriseRecord, n: int) -> None:
    registered = _at(r.established_on, 10)
    record = f"SC-DJ-{n:05d}"
    rep = ent.legal_representative.name if ent.legal_representative else ""
    capital = (
        Decimal(rng.choice([10, 30, 50, 100, 200, 500])) if r.kind == "enterprise" else Decimal(rng.choice([1, 3, 5]))
    )
    for code, value in (
        ("E.NAME", r.name), ("E.USCC", r.credit_code), ("E.KIND", r.kind), ("E.LEGAL_REP_NAME", rep),
        ("E.REGISTERED_CAPITAL", capital), ("E.STATUS", "1" if rng.random() < 0.95 else "2"),
        ("E.ESTABLISHED_ON", r.established_on), ("E.ADDRESS", r.address),
        ("E.BUSINESS_SCOPE", SCOPES.get(r.industry, f"{r.industry}服务")),
    ):  # fmt: skip
        add(ent, code, value, record, registered)
    as_of = _at(date(2025, 12, 31))
    add(
        ent,
        "E.TAX_RATING",
        rng.choices(list(TAX_RATING), [30, 45, 15, 7, 3])[0],
        f"SW-XY-{n:05d}",
        _at(date(2025, 4, 1)),
    )
    if r.kind == "enterprise":
        add(ent, "E.INSURED_EMPLOYEES", rng.randint(3, 80), f"RS-DW-{n:05d}", as_of)
        add(ent, "E.FUND_UNIT_ACCOUNT", f"99{n:08d}", f"GJJ-DW-{n:05d}", as_of)
