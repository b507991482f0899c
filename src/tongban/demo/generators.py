"""The population of 示范市: households of people and the businesses they run, generated from a seed.

Pure Python, no database: the builder (demo.builder) hands the records to identity services. The same
seed always gives the same city. Ages are computed against a fixed reference date, never today, so a
seed means the same people next year too.

Every resident ID carries the check character from stdnum.cn.ric and a 17th digit whose parity
encodes sex (odd for men, GB 11643); every credit code carries a GB 11714 organisation-code check and
the GB 32100 check from stdnum.cn.uscc.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tongban.demo.content.regions import DISTRICT_NAMES, DISTRICTS, STREETS
from tongban.demo.numbers import (
    COMPANY,
    INDIVIDUAL_BUSINESS,
    USCC_ALPHABET,
    credit_code_make,
    resident_id_make,
)

DEFAULT_SEED = 20260101
REFERENCE_DATE = date(2026, 1, 1)  # "now" for ages; births run to the end of 2025
EARLIEST_BIRTH = date(1940, 1, 1)
LATEST_BIRTH = date(2025, 12, 31)
DEFAULT_PERSONS = 1200
DEFAULT_ENTERPRISES = 240

# --- names -------------------------------------------------------------------------------------

# Common surnames, roughly by frequency (weights); two compound surnames for realism.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 72), ("李", 70), ("张", 68), ("刘", 52), ("陈", 45), ("杨", 32), ("黄", 24), ("赵", 22),
    ("吴", 21), ("周", 20), ("徐", 15), ("孙", 15), ("马", 14), ("朱", 13), ("胡", 12), ("郭", 12),
    ("何", 11), ("林", 11), ("高", 10), ("罗", 10), ("郑", 9), ("梁", 9), ("谢", 8), ("宋", 7),
    ("唐", 7), ("许", 7), ("韩", 6), ("冯", 6), ("邓", 6), ("曹", 6), ("彭", 5), ("曾", 5),
    ("肖", 5), ("田", 5), ("董", 5), ("潘", 4), ("袁", 4), ("蔡", 4), ("蒋", 4), ("余", 4),
    ("于", 4), ("杜", 4), ("叶", 4), ("程", 4), ("魏", 3), ("苏", 3), ("吕", 3), ("丁", 3),
    ("任", 3), ("卢", 3), ("姚", 3), ("沈", 3), ("钟", 3), ("姜", 3), ("崔", 2), ("谭", 2),
    ("陆", 2), ("范", 2), ("汪", 2), ("廖", 2), ("石", 2), ("金", 2), ("贾", 2), ("夏", 2),
    ("方", 2), ("邹", 2), ("熊", 2), ("白", 2), ("孟", 2), ("秦", 2), ("欧阳", 1), ("司马", 1),
)  # fmt: skip

# Given names by the decade people were born in: names follow fashions.
GIVEN_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "M": {
        "1940": ("建国", "国庆", "德明", "振华", "永福", "长青", "福生", "宝山", "金山", "守仁", "树森", "有才"),
        "1960": ("建华", "志刚", "海涛", "立新", "卫东", "红军", "国强", "建军", "伟", "强", "勇", "军"),
        "1980": ("浩", "鹏", "杰", "涛", "磊", "超", "俊杰", "晓峰", "鑫", "文博", "宇", "晨"),
        "2000": ("子轩", "浩宇", "宇轩", "梓睿", "一诺", "沐宸", "俊熙", "皓轩", "子墨", "奕辰", "铭泽", "梓豪"),
    },
    "F": {
        "1940": ("秀英", "桂英", "玉兰", "桂兰", "秀兰", "凤英", "淑珍", "玉珍", "素芳", "淑英", "秀珍", "翠英"),
        "1960": ("红", "丽", "燕", "霞", "敏", "静", "丽华", "红梅", "晓燕", "春梅", "海燕", "玲"),
        "1980": ("婷", "婷婷", "雪", "倩", "静怡", "佳", "丹", "莉", "思雨", "晓雯", "梦洁", "颖"),
        "2000": ("梓涵", "欣怡", "子涵", "诗涵", "语桐", "若汐", "梓萱", "思琪", "可馨", "依诺", "雨桐", "一诺"),
    },
}
GIVEN_CHARS: dict[str, str] = {
    "M": "伟强明军华志国建文杰涛斌宇浩轩泽睿博晨辰峰磊鹏林森凯俊毅鸿昊",
    "F": "丽芳敏静燕娟霞玲婷雪慧颖琳欣怡涵萱雨琪佳梦瑶倩洁莉婉悦诗",
}

# --- businesses -------------------------------------------------------------------------------

TRADE_NAMES = (
    "鼎盛", "华信", "恒达", "宏远", "锦程", "瑞丰", "中和", "汇通", "明远", "清风", "新港", "凤鸣",
    "云山", "溪口", "嘉禾", "利民", "惠众", "金穗", "银河", "东方", "启航", "创新", "聚源", "同心",
    "博雅", "天成", "安泰", "永顺", "德信", "福满", "和顺", "长青", "百川", "海纳", "卓越", "晨光",
)  # fmt: skip

# (company industry wording, individual shop wordings)
INDUSTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("餐饮管理", ("面馆", "小吃店", "饺子馆", "快餐店", "烧烤店")),
    ("商贸", ("便利店", "百货商店", "五金店", "日杂店")),
    ("信息技术", ("电脑维修部", "手机维修店")),
    ("建筑工程", ("装饰材料店", "水电安装部")),
    ("物流", ("快递服务部", "货运部")),
    ("美容美发", ("美发店", "美容店", "理发店")),
    ("文化传媒", ("图文广告店", "照相馆")),
    ("教育咨询", ("书店", "文具店")),
    ("食品", ("烧饼铺", "糕点店", "熟食店")),
    ("家政服务", ("家政服务部", "保洁服务部")),
    ("汽车维修", ("汽车修理部", "洗车店", "轮胎店")),
    ("农业开发", ("果蔬店", "粮油店")),
    ("水产", ("水产店", "海鲜档")),
    ("茶业", ("茶叶店", "茶馆")),
    ("房地产经纪", ("房产中介服务部",)),
    ("健康管理", ("推拿店", "足浴店")),
)  # fmt: skip
COMPANY_FORMS = ("有限公司",) * 6 + ("有限责任公司",) * 2 + ("股份有限公司",)


@dataclass(frozen=True)
class PersonRecord:
    id_number: str
    name: str
    sex: str  # "M" or "F"
    birth_date: date
    region: str  # district of household registration (户籍)
    address: str
    mobile: str  # empty for children under 16
    household: str
    relation: str  # 户主, 配偶, 子女, 父亲, 母亲, 孙子女, 儿媳, 女婿


@dataclass(frozen=True)
class HouseholdRecord:
    number: str
    region: str
    address: str
    members: tuple[str, ...]  # ID numbers, head first


@dataclass(frozen=True)
class CoupleRecord:
    husband: str  # ID number
    wife: str
    married_on: date


@dataclass(frozen=True)
class ExpectingRecord:
    """A couple expecting a baby: the newborn bundle's scenario (DESIGN §5)."""

    mother: str
    father: str
    expected_on: date
    hospital: str


@dataclass(frozen=True)
class EnterpriseRecord:
    credit_code: str
    name: str
    kind: str  # identity Enterprise.Kind: "enterprise" or "individual"
    legal_representative: str  # ID number
    region: str
    established_on: date
    address: str
    industry: str


@dataclass
class City:
    """What the generator made; `cast` names the people the demo accounts belong to."""

    seed: int
    persons: list[PersonRecord] = field(default_factory=list)
    households: list[HouseholdRecord] = field(default_factory=list)
    couples: list[CoupleRecord] = field(default_factory=list)
    expecting: list[ExpectingRecord] = field(default_factory=list)
    enterprises: list[EnterpriseRecord] = field(default_factory=list)
    cast: dict[str, str] = field(default_factory=dict)  # role → ID number
    cast_enterprises: dict[str, str] = field(default_factory=dict)  # role → credit code

    def person(self, id_number: str) -> PersonRecord:
        return next(p for p in self.persons if p.id_number == id_number)


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.city = City(seed=seed)
        self.ids: set[str] = set()
        self.mobiles: set[str] = set()
        self.codes: set[str] = set()
        self.enterprise_names: set[str] = set()
        self.households = 0
        self._surnames = [s for s, _ in SURNAMES]
        self._surname_weights = [w for _, w in SURNAMES]

    # -- people --

    def surname(self) -> str:
        return self.rng.choices(self._surnames, self._surname_weights)[0]

    def given_name(self, sex: str, born: date) -> str:
        era = "1940" if born.year < 1960 else "1960" if born.year < 1980 else "1980" if born.year < 2000 else "2000"
        if self.rng.random() < 0.65:
            return self.rng.choice(GIVEN_NAMES[sex][era])
        chars = GIVEN_CHARS[sex]
        return self.rng.choice(chars) + (self.rng.choice(chars) if self.rng.random() < 0.8 else "")

    def birth_date(self, age_low: int, age_high: int) -> date:
        latest = min(LATEST_BIRTH, REFERENCE_DATE - timedelta(days=365 * age_low))
        earliest = max(EARLIEST_BIRTH, REFERENCE_DATE - timedelta(days=365 * (age_high + 1) - 1))
        if earliest > latest:
            earliest = latest
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def id_number(self, region: str, born: date, sex: str) -> str:
        while True:
            sequence = self.rng.randrange(0, 1000)
            if (sequence % 2 == 1) != (sex == "M"):
                sequence = (sequence + 1) % 1000
            number = resident_id_make(region=region, birth_date=born, sequence=sequence)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def mobile(self) -> str:
        while True:
            number = f"1990{self.rng.randrange(10**7):07d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def address(self, region: str) -> str:
        street = self.rng.choice(STREETS[region])
        building = self.rng.randint(1, 260)
        if self.rng.random() < 0.7:
            unit, floor, room = self.rng.randint(1, 6), self.rng.randint(1, 28), self.rng.randint(1, 4)
            return f"示范市{DISTRICT_NAMES[region]}{street}{building}号{unit}单元{floor}{room:02d}室"
        return f"示范市{DISTRICT_NAMES[region]}{street}{building}号"

    def business_address(self, region: str, *, shop: bool) -> str:
        street = self.rng.choice(STREETS[region])
        unit = (
            f"{self.rng.randint(1, 30)}号商铺"
            if shop
            else f"{self.rng.randint(2, 18)}楼{self.rng.randint(1, 20):02d}室"
        )
        return f"示范市{DISTRICT_NAMES[region]}{street}{self.rng.randint(1, 300)}号{unit}"

    def region(self) -> str:
        return self.rng.choices([c for c, _ in DISTRICTS], [w for _, w in DISTRICTS])[0]

    def person(
        self,
        *,
        household: str,
        region: str,
        address: str,
        relation: str,
        sex: str,
        born: date,
        surname: str | None = None,
        name: str | None = None,
    ) -> PersonRecord:
        age = (REFERENCE_DATE - born).days // 365
        record = PersonRecord(
            id_number=self.id_number(region, born, sex),
            name=name or (surname or self.surname()) + self.given_name(sex, born),
            sex=sex,
            birth_date=born,
            region=region,
            address=address,
            mobile=self.mobile() if age >= 16 else "",
            household=household,
            relation=relation,
        )
        self.city.persons.append(record)
        return record

    def household(self, members_spec: list[dict[str, Any]], *, region: str | None = None) -> list[PersonRecord]:
        """Create a household; members_spec items are keyword arguments for person() minus place fields."""
        self.households += 1
        number = f"H{self.households:05d}"
        region = region or self.region()
        address = self.address(region)
        members = [self.person(household=number, region=region, address=address, **spec) for spec in members_spec]
        self.city.households.append(HouseholdRecord(number, region, address, tuple(m.id_number for m in members)))
        return members

    def couple_born(self, husband_age: tuple[int, int]) -> tuple[date, date]:
        husband = self.birth_date(*husband_age)
        wife = husband + timedelta(days=self.rng.randint(-3 * 365, 5 * 365))
        return husband, min(max(wife, EARLIEST_BIRTH), LATEST_BIRTH - timedelta(days=22 * 365))

    def marry(self, husband: PersonRecord, wife: PersonRecord) -> None:
        youngest = max(husband.birth_date, wife.birth_date)
        earliest = date(youngest.year + 22, youngest.month, min(youngest.day, 28))
        latest = min(REFERENCE_DATE - timedelta(days=30), earliest + timedelta(days=365 * 10))
        if earliest > latest:
            earliest = latest
        married = earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))
        self.city.couples.append(CoupleRecord(husband.id_number, wife.id_number, married))

    def children_specs(self, surname: str, mother_born: date, count: int, *, span: int = 20) -> list[dict[str, object]]:
        """Children born when the mother was 22 to 22 + span years old (and not after 2025)."""
        specs: list[dict[str, object]] = []
        first = date(mother_born.year + 22, 1, 1)
        last = min(LATEST_BIRTH, date(mother_born.year + 22 + span, 12, 31))
        for _ in range(count):
            if first > last:
                break
            born = first + timedelta(days=self.rng.randint(0, (last - first).days))
            sex = self.rng.choice("MF")
            child_surname = surname if self.rng.random() < 0.93 else self.surname()
            specs.append({"relation": "子女", "sex": sex, "born": born, "surname": child_surname})
        return specs

    def family(self) -> None:
        """One household of a common shape."""
        kind = self.rng.choices(
            ["young_couple", "family", "older_couple", "three_generations", "single"], [12, 40, 16, 14, 18]
        )[0]
        if kind == "single":
            self.household([{"relation": "户主", "sex": self.rng.choice("MF"), "born": self.birth_date(20, 85)}])
            return
        ages = {"young_couple": (23, 34), "family": (28, 52), "older_couple": (58, 86), "three_generations": (55, 78)}
        husband_born, wife_born = self.couple_born(ages[kind])
        surname = self.surname()
        specs: list[dict[str, object]] = [
            {"relation": "户主", "sex": "M", "born": husband_born, "surname": surname},
            {"relation": "配偶", "sex": "F", "born": wife_born},
        ]
        if kind == "family":
            specs += self.children_specs(surname, wife_born, self.rng.choices([1, 2, 3], [55, 38, 7])[0])
        if kind == "three_generations":
            son = self.children_specs(surname, wife_born, 1, span=10)  # old enough to be married himself
            if son:
                son[0]["sex"] = "M"
                specs += son
                son_born: date = son[0]["born"]  # type: ignore[assignment]
                youngest_bride = REFERENCE_DATE - timedelta(days=365 * 21)
                daughter_in_law = min(son_born + timedelta(days=self.rng.randint(-700, 1100)), youngest_bride)
                specs.append({"relation": "儿媳", "sex": "F", "born": daughter_in_law})
                grandchildren = self.children_specs(surname, daughter_in_law, self.rng.choice([1, 1, 2]))
                for g in grandchildren:
                    g["relation"] = "孙子女"
                specs += grandchildren
        members = self.household(specs)
        self.marry(members[0], members[1])
        if kind == "three_generations" and len(members) >= 4 and members[3].relation == "儿媳":
            self.marry(members[2], members[3])
        if kind == "young_couple" and self.rng.random() < 0.35:
            self.expect(father=members[0], mother=members[1])

    def expect(self, *, father: PersonRecord, mother: PersonRecord, on: date | None = None) -> None:
        expected = on or REFERENCE_DATE + timedelta(days=self.rng.randint(300, 500))
        hospital = self.rng.choice(["示范市妇幼保健院", "示范市第一人民医院"])
        self.city.expecting.append(ExpectingRecord(mother.id_number, father.id_number, expected, hospital))

    def cast(self) -> None:
        """The people behind the demo accounts, with fixed names so guides and docs can mention them."""
        # A young couple in 明德区 expecting their first child (the newborn bundle), his parents nearby.
        husband, wife = self.household(
            [
                {"relation": "户主", "sex": "M", "born": date(1994, 3, 16), "name": "林晓峰"},
                {"relation": "配偶", "sex": "F", "born": date(1996, 8, 2), "name": "陈思雨"},
            ],
            region="990102",
        )
        self.city.couples.append(CoupleRecord(husband.id_number, wife.id_number, date(2023, 5, 20)))
        self.expect(father=husband, mother=wife, on=date(2027, 1, 8))
        father, mother = self.household(
            [
                {"relation": "户主", "sex": "M", "born": date(1966, 10, 1), "name": "林国庆"},
                {"relation": "配偶", "sex": "F", "born": date(1968, 4, 12), "name": "郑丽华"},
            ],
            region="990102",
        )
        self.city.couples.append(CoupleRecord(father.id_number, mother.id_number, date(1992, 10, 6)))
        # An elderly widow in 清源区 (elder mode, L3) and her son's family.
        (elder,) = self.household(
            [{"relation": "户主", "sex": "F", "born": date(1947, 2, 9), "name": "王秀英"}], region="990103"
        )
        son, daughter_in_law, grandchild = self.household(
            [
                {"relation": "户主", "sex": "M", "born": date(1972, 6, 21), "name": "刘志刚"},
                {"relation": "配偶", "sex": "F", "born": date(1974, 12, 3), "name": "许红梅"},
                {"relation": "子女", "sex": "F", "born": date(2001, 9, 15), "name": "刘欣怡"},
            ],
            region="990103",
        )
        self.city.couples.append(CoupleRecord(son.id_number, daughter_in_law.id_number, date(1998, 1, 18)))
        # The owner of a restaurant company and of a noodle shop.
        (owner,) = self.household(
            [{"relation": "户主", "sex": "M", "born": date(1978, 11, 30), "name": "赵建华"}], region="990104"
        )
        self.city.cast = {
            "citizen": husband.id_number,
            "citizen_spouse": wife.id_number,
            "citizen_father": father.id_number,
            "citizen_mother": mother.id_number,
            "elder": elder.id_number,
            "elder_son": son.id_number,
            "relative": son.id_number,  # the son's account acts for his mother (亲友代办)
            "elder_grandchild": grandchild.id_number,
            "legalrep": owner.id_number,
        }
        company = self.enterprise(
            owner, name="示范市鼎盛餐饮管理有限公司", kind="enterprise", industry="餐饮管理", since=date(2016, 4, 8)
        )
        shop = self.enterprise(
            owner, name="新港区赵记面馆", kind="individual", industry="餐饮管理", since=date(2012, 7, 1)
        )
        self.city.cast_enterprises = {"legalrep_company": company.credit_code, "legalrep_shop": shop.credit_code}

    # -- businesses --

    def credit_code(self, *, kind: str, region: str, since: date) -> str:
        prefix = COMPANY if kind == "enterprise" else INDIVIDUAL_BUSINESS
        while True:
            if since.year >= 2016:  # codes issued with the 2015 reform: MA + 6 characters
                body = "MA" + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(6))
            else:  # older bodies kept their numeric organisation code
                body = f"{self.rng.randrange(10**8):08d}"
            code = credit_code_make(prefix=prefix, region=region, org_body=body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def enterprise(
        self, owner: PersonRecord, *, name: str, kind: str, industry: str, since: date, region: str | None = None
    ) -> EnterpriseRecord:
        region = region or owner.region
        self.enterprise_names.add(name)
        record = EnterpriseRecord(
            credit_code=self.credit_code(kind=kind, region=region, since=since),
            name=name,
            kind=kind,
            legal_representative=owner.id_number,
            region=region,
            established_on=since,
            address=self.business_address(region, shop=kind == "individual" or industry == "餐饮管理"),
            industry=industry,
        )
        self.city.enterprises.append(record)
        return record

    def business_name(self, *, kind: str, owner: PersonRecord, region: str) -> tuple[str, str]:
        for _ in range(50):
            industry, shops = self.rng.choice(INDUSTRIES)
            if kind == "enterprise":
                name = f"示范市{self.rng.choice(TRADE_NAMES)}{industry}{self.rng.choice(COMPANY_FORMS)}"
            else:
                mark = self.rng.choice([f"{owner.name[0]}记", self.rng.choice(TRADE_NAMES), owner.name[-2:]])
                name = f"{DISTRICT_NAMES[region]}{mark}{self.rng.choice(shops)}"
            if name not in self.enterprise_names:
                return name, industry
        raise RuntimeError("could not find an unused business name")  # pragma: no cover

    def businesses(self, count: int) -> None:
        adults = [
            p
            for p in self.city.persons
            if 24 <= (REFERENCE_DATE - p.birth_date).days // 365 <= 64 and p.id_number not in self.city.cast.values()
        ]
        owned: dict[str, int] = {}
        while len(self.city.enterprises) < count:
            owner = self.rng.choice(adults)
            if owned.get(owner.id_number, 0) >= 2:
                continue
            owned[owner.id_number] = owned.get(owner.id_number, 0) + 1
            kind = "enterprise" if self.rng.random() < 0.6 else "individual"
            region = owner.region if self.rng.random() < 0.8 else self.region()
            name, industry = self.business_name(kind=kind, owner=owner, region=region)
            earliest = max(date(2005, 1, 1), date(owner.birth_date.year + 22, 1, 1))
            since = earliest + timedelta(days=self.rng.randint(0, max(0, (date(2025, 12, 31) - earliest).days)))
            self.enterprise(owner, name=name, kind=kind, industry=industry, since=since, region=region)


def generate_city(
    *, seed: int = DEFAULT_SEED, persons: int = DEFAULT_PERSONS, enterprises: int = DEFAULT_ENTERPRISES
) -> City:
    """People in households (with couples and expected babies) and businesses, deterministic from `seed`."""
    gen = _Generator(seed)
    gen.cast()
    while len(gen.city.persons) < persons:
        gen.family()
    gen.businesses(enterprises)
    return gen.city
