"""Build the demo city in the database through the identity and catalog services (DESIGN §8).

One transaction: a build either completes or leaves nothing behind, so "the city exists" simply means
its government-service department exists. Every person, body and account goes through the same
services a real import would use, so every ID number and credit code is validated on the way in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from tongban.catalog.selectors import department_get
from tongban.catalog.services import catalog_import_items
from tongban.core.errors import NotFound
from tongban.demo.applications_data import applications_load
from tongban.demo.bundles_data import bundles_load
from tongban.demo.calendar_data import calendar_load
from tongban.demo.cases_data import cases_load
from tongban.demo.content import DEPARTMENTS, REGIONS, code_of, item_specs
from tongban.demo.exchange_data import exchange_load
from tongban.demo.federation_data import federation_load
from tongban.demo.forms_data import forms_load
from tongban.demo.generators import DEFAULT_ENTERPRISES, DEFAULT_PERSONS, DEFAULT_SEED, City, generate_city
from tongban.demo.licences_data import licences_load
from tongban.demo.registry_data import registry_load
from tongban.demo.rules_data import rules_load
from tongban.identity.roles import RealNameLevel, Role
from tongban.identity.selectors import person_for_user
from tongban.identity.services import (
    delegation_grant,
    department_create,
    enterprise_create,
    oidc_client_register,
    person_account_create,
    person_create,
    region_create,
    staff_create,
    user_preferences_update,
)

DEMO_PASSWORD = "Tongban@2026"
SITE = "http://127.0.0.1:8000"
OIDC_CLIENT_NAME = "示范市住房公积金管理中心业务系统"
OIDC_CLIENT_ID = "demo-gjj"
OIDC_CLIENT_SECRET = "demo-gjj-secret"  # published on purpose: the demo relying party (demo.rp) uses it
OIDC_REDIRECT_URIS = [f"{SITE}/demo/rp/callback"]
MARKER_DEPARTMENT = "sjj"
RELATIVE_ITEMS = ("RS07001", "YB20003")  # 基本养老金核定, 异地就医备案: what the son may do for his mother
RELATIVE_DAYS = 730  # the government-service administration: created in the same transaction as the rest


@dataclass(frozen=True)
class DemoAccount:
    role: str  # a Role value, or "person" / "enterprise" for the public side
    username: str
    name: str
    try_this: str
    department: str = ""  # department key for staff
    extra_roles: tuple[str, ...] = ()


# The people behind the public-side accounts come from the generator's cast (fixed names).
PUBLIC_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "person",
        "citizen",
        "林晓峰",
        "群众（实名 L2，妻子陈思雨预产期 2027 年 1 月）：搜索“出生”读办事指南；异地就医备案→在线办理"
        "（部门已有的信息自动填写），提交后签署告知承诺书当场办结；居住证申领→在线办理，申领事由选“居住”即秒批"
        "（选“就业”转人工审查）；一件事一次办→新生儿出生一件事"
        f" {SITE}/bundles/newborn/：回答情形问题，看合并后的事项、"
        "材料和表单，开始在线申请——一张表、一套材料一次提交，分送各部门，在“我的一件事”看一条办理进程"
        f" {SITE}/bundles/applications/；我的→我的申请、我的一人一档",
    ),
    DemoAccount(
        "person",
        "elder",
        "王秀英",
        "老年群众（实名 L3，登录后自动进入长辈版）：查养老金、异地就医备案的指南；我的→亲友代办（已授权儿子）",
    ),
    DemoAccount(
        "person",
        "relative",
        "刘志刚",
        "亲友代办：我的→亲友代办→“别人授权给我的”可见母亲王秀英的授权（2 年，基本养老金核定、异地就医备案）；"
        "异地就医备案→在线办理→为王秀英代办",
    ),
    DemoAccount(
        "enterprise",
        "legalrep",
        "赵建华",
        "企业法定代表人（示范市鼎盛餐饮管理有限公司、新港区赵记面馆）：我的→我的企业，为员工授权经办；"
        "食品经营许可→在线办理（企业信息自动填写）；开办餐饮店一件事→选“已领取营业执照”→以企业名义在线申请，"
        "各许可办结后得到一张行业综合许可证（一业一证）；我的证照→收到的用证授权：调取林晓峰授权公司查看的身份证信息",
    ),
)
STAFF_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        Role.CLERK,
        "clerk",
        "李娜",
        f"综合窗口：工作台→一窗受理、办件审批（送达）；一件事整件受理 {SITE}/window/bundles/（输入 YJ 编号）",
        "sjj",
    ),
    DemoAccount(Role.REVIEWER, "reviewer", "周敏", "市场监管局审批人员：工作台→办件审批、差评整改", "scj"),
    DemoAccount(Role.SUPERVISOR, "supervisor", "孙立新", "效能督办：工作台→效能督办（临期、超期、按期办结率）", "sjj"),
    DemoAccount(Role.STEWARD, "steward", "吴倩", "数据管理员：工作台→共享审核（红黄牌）、数据纠错、回填率", "sjj"),
    DemoAccount(Role.AGENT_12345, "agent_12345", "何丽", "12345 坐席：工作台；用首页搜索为来电群众查找办事指南", "sjj"),
    DemoAccount(
        Role.OPERATOR,
        "operator",
        "黄海涛",
        f"平台运营：事项目录、办事指南、同义词、工作日历和回填率 {SITE}/manage/catalog/；"
        "事项页→秒批与告知承诺规则（居住证申领、异地就医备案已设置）；"
        f"一件事设计与发布（五件一件事已发布，可查看减负效果）{SITE}/manage/bundles/",
    ),
    DemoAccount(Role.AUDITOR, "auditor", "何静", "审计员：工作台→审计日志，只读，可核验哈希链是否完整"),
)
# Reviewers of the departments the newborn bundle and the home items pass through.
DEPARTMENT_REVIEWERS: tuple[DemoAccount, ...] = (
    DemoAccount(Role.REVIEWER, "reviewer-wjw", "钱慧", "卫生健康委：出生医学证明、生育登记、公共场所卫生许可", "wjw"),
    DemoAccount(Role.REVIEWER, "reviewer-gaj", "冯军", "公安局：出生户口登记、居住证、身份证换领", "gaj"),
    DemoAccount(Role.REVIEWER, "reviewer-ybj", "陈静", "医保局：城乡居民医保参保、医保关系转移、异地就医备案", "ybj"),
    DemoAccount(Role.REVIEWER, "reviewer-rsj", "杨帆", "人社局：社保卡申领、退休申请、失业保险金", "rsj"),
    DemoAccount(Role.REVIEWER, "reviewer-zrj", "邓宇", "自然资源和规划局：不动产转移登记", "zrj"),
    DemoAccount(Role.REVIEWER, "reviewer-mzj", "韩梅", "民政局：结婚登记、临时救助、最低生活保障", "mzj"),
)
ALL_ACCOUNTS: tuple[DemoAccount, ...] = PUBLIC_ACCOUNTS + STAFF_ACCOUNTS + DEPARTMENT_REVIEWERS

T = TypeVar("T")
# Progress callback: (stage key, stage label, done, total).
Progress = Callable[[str, str, int, int], None]


@dataclass
class BuildResult:
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    accounts: tuple[DemoAccount, ...] = ALL_ACCOUNTS
    city: City | None = None

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def city_exists() -> bool:
    try:
        department_get(code_of(MARKER_DEPARTMENT))
    except NotFound:
        return False
    return True


def _staff_mobile(index: int) -> str:
    # 1991… numbers: apart from the population's 1990… mobiles, so a mobile never names two accounts.
    return f"1991000{index:04d}"


def demo_build(
    *,
    seed: int = DEFAULT_SEED,
    persons: int = DEFAULT_PERSONS,
    enterprises: int = DEFAULT_ENTERPRISES,
    progress: Progress | None = None,
) -> BuildResult:
    """Create regions, departments, items, people, businesses, accounts and the OIDC demo client."""
    result = BuildResult(seed=seed)
    stages = _Stages(result, progress)
    city = stages.run("generate", "生成人口与市场主体", lambda tick: _generate(seed, persons, enterprises, tick))
    result.city = city
    with transaction.atomic():
        regions = stages.run("regions", "行政区划", _regions)
        departments = stages.run("departments", "部门", lambda tick: _departments(regions, tick))
        result.counts["items"] = stages.run("items", "事项与办事指南", _items)
        people = stages.run("persons", "人口库", lambda tick: _persons(city, regions, tick))
        result.counts["enterprises"] = stages.run(
            "enterprises", "市场主体", lambda tick: _enterprises(city, regions, people, tick)
        )
        stages.run("accounts", "演示账号", lambda tick: _accounts(city, people, departments, tick))
        stages.run("oidc", "单点登录演示应用", lambda tick: _oidc(departments, tick))
        result.counts["element_values"] = stages.run(
            "registry", "一人一档与一企一档", lambda tick: registry_load(city=city, departments=departments, tick=tick)
        )
        result.counts["sharing_requests"] = stages.run(
            "exchange", "数据共享申请与授权", lambda tick: exchange_load(departments=departments, tick=tick)
        )
        result.counts["forms"] = stages.run("forms", "网上申请表单", lambda tick: forms_load(tick=tick))
        result.counts["applications"] = stages.run(
            "applications", "历史申请（回填率）", lambda tick: applications_load(seed=seed, tick=tick)
        )
        result.counts["calendar_days"] = stages.run(
            "calendar", "下一年暂定工作日历", lambda tick: calendar_load(tick=tick)
        )
        result.counts.update(stages.run("cases", "办件与好差评", lambda tick: cases_load(seed=seed, tick=tick)))
        result.counts["decision_rules"] = stages.run("rules", "秒批与告知承诺规则", lambda tick: rules_load(tick=tick))
        holders = [a.username for a in PUBLIC_ACCOUNTS]
        result.counts.update(stages.run("licences", "电子证照目录与存量证照",
                                        lambda tick: licences_load(tick=tick, usernames=holders)))  # fmt: skip
        # After the licence catalogue: a bundle naming a licence type is refused if the catalogue lacks it.
        result.counts["bundles"] = stages.run("bundles", "一件事一次办", lambda tick: bundles_load(tick=tick))
        result.counts["trusted_issuers"] = stages.run("federation", "跨区域互认信任列表",
                                                      lambda tick: federation_load(tick=tick))  # fmt: skip
    result.counts.update(regions=len(regions), departments=len(departments), persons=len(people))
    result.counts["accounts"] = len(ALL_ACCOUNTS)
    return result


Tick = Callable[[int, int], None]  # (done, total) within one stage


class _Stages:
    """Runs the build's stages in turn, timing each and passing its progress on."""

    def __init__(self, result: BuildResult, progress: Progress | None) -> None:
        self.result = result
        self.progress = progress

    def run(self, key: str, label: str, body: Callable[[Tick], T]) -> T:
        def tick(done: int, total: int) -> None:
            if self.progress is not None:
                self.progress(key, label, done, total)

        started = time.perf_counter()
        value = body(tick)
        self.result.seconds[key] = time.perf_counter() - started
        return value


def _generate(seed: int, persons: int, enterprises: int, tick: Tick) -> City:
    tick(0, 1)
    city = generate_city(seed=seed, persons=persons, enterprises=enterprises)
    tick(1, 1)
    return city


def _regions(tick: Tick) -> dict[str, Any]:
    created: dict[str, Any] = {}
    for i, region in enumerate(REGIONS, start=1):
        created[region.code] = region_create(
            code=region.code,
            name=region.name,
            name_en=region.name_en,
            level=region.level,
            parent=created[region.parent] if region.parent else None,
        )
        tick(i, len(REGIONS))
    return created


SERVICE_CENTRE = "sjj"  # runs the city's government service centre: its 综合窗口 receives for every department


def _departments(regions: dict[str, Any], tick: Tick) -> dict[str, Any]:
    created: dict[str, Any] = {}
    city = regions["990100"]
    for i, dept in enumerate(DEPARTMENTS, start=1):
        created[dept.key] = department_create(
            credit_code=dept.credit_code,
            name=dept.name,
            name_en=dept.name_en,
            short_name=dept.short_name,
            region=city,
            address=dept.address,
            phone=dept.phone,
            service_centre=dept.key == SERVICE_CENTRE,
        )
        tick(i, len(DEPARTMENTS))
    return created


def _items(tick: Tick) -> int:
    specs = item_specs()
    tick(0, len(specs))
    report = catalog_import_items(specs=specs, publish=True, actor="system:demo")
    tick(len(specs), len(specs))
    return len(report.published)


def _persons(city: City, regions: dict[str, Any], tick: Tick) -> dict[str, Any]:
    levels = {
        city.cast["citizen"]: RealNameLevel.L2,
        city.cast["citizen_spouse"]: RealNameLevel.L2,
        city.cast["elder"]: RealNameLevel.L3,
        city.cast["elder_son"]: RealNameLevel.L2,
        city.cast["legalrep"]: RealNameLevel.L2,
    }
    created: dict[str, Any] = {}
    total = len(city.persons)
    for i, record in enumerate(city.persons, start=1):
        created[record.id_number] = person_create(
            id_number=record.id_number,
            name=record.name,
            mobile=record.mobile,
            region=regions[record.region],
            realname_level=levels.get(record.id_number, RealNameLevel.L1),
        )
        if i % 50 == 0 or i == total:
            tick(i, total)
    return created


def _enterprises(city: City, regions: dict[str, Any], people: dict[str, Any], tick: Tick) -> int:
    total = len(city.enterprises)
    for i, record in enumerate(city.enterprises, start=1):
        enterprise_create(
            credit_code=record.credit_code,
            name=record.name,
            kind=record.kind,
            legal_representative=people[record.legal_representative],
            region=regions[record.region],
            established_on=record.established_on,
            address=record.address,
        )
        if i % 20 == 0 or i == total:
            tick(i, total)
    return total


def _accounts(city: City, people: dict[str, Any], departments: dict[str, Any], tick: Tick) -> None:
    total = len(ALL_ACCOUNTS)
    done = 0
    users = {}
    for account in PUBLIC_ACCOUNTS:
        person = people[city.cast[account.username]]
        users[account.username] = person_account_create(
            person=person, password=DEMO_PASSWORD, username=account.username
        )
        done += 1
        tick(done, total)
    user_preferences_update(user=users["elder"], language="zh-hans", elder_mode=True)
    son = people[city.cast["relative"]]
    elder = person_for_user(user=users["elder"])  # re-read: the register row is now linked to her account
    if elder is None:
        raise NotFound("演示长辈账号未关联人口信息", "The demo elder account has no person record")
    delegation_grant(
        principal=elder,
        agent_id_number=son.id_number,
        agent_name=son.name,
        valid_until=timezone.now() + timedelta(days=RELATIVE_DAYS),
        granted_by=users["elder"],
        item_codes=RELATIVE_ITEMS,
    )
    for index, account in enumerate(STAFF_ACCOUNTS + DEPARTMENT_REVIEWERS, start=1):
        staff_create(
            username=account.username,
            password=DEMO_PASSWORD,
            name=account.name,
            department=departments[account.department] if account.department else None,
            roles=[account.role, *account.extra_roles],
            mobile=_staff_mobile(index),
        )
        done += 1
        tick(done, total)


def _oidc(departments: dict[str, Any], tick: Tick) -> None:
    oidc_client_register(
        name=OIDC_CLIENT_NAME,
        client_id=OIDC_CLIENT_ID,
        client_secret=OIDC_CLIENT_SECRET,
        redirect_uris=OIDC_REDIRECT_URIS,
        department=departments["gjj"],
    )
    tick(1, 1)
