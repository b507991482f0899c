"""Catalogue search: 5,000 published items, searched through the API, against a plain substring scan.

Runs in a throwaway PostgreSQL database (`tongban_bench`), created, migrated and dropped here, so it
never touches other data. Prints p50/p99 latency of GET /api/v1/items, the database-only time of the
jieba/tsvector search and of `icontains` over name+summary, and their ratio. Target: API p99 <= 10 ms.
"""

from __future__ import annotations

import itertools
import random
import statistics
import time
from collections.abc import Callable

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.models import Q
from django.test import Client
from django.test.utils import override_settings
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from stdnum.cn import uscc

BENCH_DB = "tongban_bench"
N_ITEMS = 5_000
REPEATS = 60
TARGET_P99_MS = 10.0
QUERIES = [
    "出生",
    "营业执照",
    "户口登记",
    "医疗保险",
    "结婚",
    "退休",
    "驾驶证",
    "公积金提取",
    "上户口",
    "食品经营许可",
    "残疾人 补贴",
    "火星移民",
]

DEPARTMENTS = [
    "公安局", "民政局", "卫生健康委员会", "医疗保障局", "人力资源和社会保障局", "市场监督管理局", "住房和城乡建设局",
    "自然资源和规划局", "税务局", "交通运输局", "教育局", "退役军人事务局", "残疾人联合会", "住房公积金管理中心",
    "生态环境局", "农业农村局", "文化广电旅游局", "商务局", "应急管理局", "城市管理局",
]  # fmt: skip
DISTRICTS = ["示范市", "示范市东城区", "示范市西城区"]
OBJECTS = [
    ("出生", "出生医学证明", ["出生"]), ("户口", "户口登记", ["出生", "户籍"]), ("结婚", "结婚登记", ["结婚"]),
    ("医保", "基本医疗保险参保", ["社会保障", "就医"]), ("养老", "基本养老保险待遇", ["退休"]),
    ("驾驶", "机动车驾驶证", ["出行"]), ("公积金", "住房公积金提取", ["住房"]), ("企业", "企业设立登记", ["开办企业"]),
    ("个体", "个体工商户设立登记", ["开办企业"]), ("食品", "食品经营许可", ["经营许可"]),
    ("残疾", "残疾人生活补贴", ["社会保障"]),
    ("学籍", "义务教育入学", ["上学"]), ("就业", "就业登记", ["就业"]), ("失业", "失业保险金", ["就业"]),
    ("房屋", "不动产登记", ["住房"]), ("纳税", "纳税申报", ["纳税缴费"]), ("施工", "建筑工程施工许可", ["工程建设"]),
    ("殡葬", "殡葬补贴", ["身后事"]), ("退役", "退役军人优待证", ["社会保障"]),
    ("环评", "建设项目环境影响评价审批", ["工程建设"]),
]  # fmt: skip
ACTIONS = [
    "申领",
    "变更",
    "补办",
    "换领",
    "注销",
    "查询",
    "延续",
    "备案",
    "核准",
    "迁移",
    "审核",
    "确认",
    "年检",
    "证明开具",
    "信息更正",
]
SCOPES = ["", "（本市户籍）", "（外省户籍）", "（港澳台居民）", "（外国人）", "（跨省通办）", "（全程网办）"]


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))
    return ordered[index]


def _time(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm up (jieba dictionary, plans, caches)
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _admin_conninfo() -> str:
    db = settings.DATABASES["default"]
    parts = {
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "dbname": db.get("NAME") or "postgres",
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def _populate(console: Console) -> None:
    from tongban.catalog.codes import ItemType, MaterialSource, Target
    from tongban.catalog.models import (
        GuideStatus,
        GuideVersion,
        Implementation,
        Item,
        Material,
        SearchEntry,
        SearchLifeEvent,
    )
    from tongban.catalog.services import search_entry_values
    from tongban.identity.models import Department, Region

    rng = random.Random(20261123)
    region = Region.objects.create(code="990100", name="示范市", level=Region.Level.CITY)
    departments = []
    for i, (district, name) in enumerate(itertools.product(DISTRICTS, DEPARTMENTS), start=1):
        body = f"11990000{i:09d}"
        departments.append(
            Department(credit_code=body + uscc.calc_check_digit(body), name=f"{district}{name}", region=region)
        )
    Department.objects.bulk_create(departments)

    combos = list(itertools.product(OBJECTS, ACTIONS, SCOPES, DISTRICTS))
    rng.shuffle(combos)
    combos = combos[:N_ITEMS]
    now = __import__("django.utils.timezone", fromlist=["now"]).now()
    with Progress(console=console, transient=False) as progress:
        task = progress.add_task(f"生成 {N_ITEMS} 个已发布事项 (items)", total=N_ITEMS)
        batch = 500
        for start in range(0, len(combos), batch):
            chunk = combos[start : start + batch]
            items, impls, guides, materials, entries, facets = [], [], [], [], [], []
            for offset, ((_, obj, events), action, scope, district) in enumerate(chunk):
                n = start + offset
                dept = rng.choice([d for d in departments if d.name.startswith(district)][:20])
                legal = "企业" in obj or "个体" in obj or "许可" in obj or "施工" in obj or "纳税" in obj
                item = Item(basic_code=f"B{n:06d}", name=f"{obj}{action}{scope}", item_type=rng.choice(ItemType.values))
                impl = Implementation(item=item, department=dept, level="3")
                impl.code = impl.compute_code()
                guide = GuideVersion(
                    implementation=impl,
                    number=1,
                    status=GuideStatus.PUBLISHED,
                    published_at=now,
                    targets=[Target.ENTERPRISE] if legal else [Target.NATURAL_PERSON],
                    handling_forms=["1", "2"],
                    legal_limit_days=rng.choice([0, 5, 10, 20, 30]),
                    promised_limit_days=rng.choice([0, 1, 3, 5]),
                    conditions=[f"申请人符合{obj}{action}的相关规定", "材料齐全、符合法定形式"],
                    legal_basis=[f"《示范市{obj}管理办法》第{rng.randint(2, 40)}条"],
                    places=[
                        {"name": f"{dept.name}窗口", "address": "示范市人民大道1号", "hours": "工作日", "phone": ""}
                    ],
                    process=["申请", "受理", "审核", "办结"],
                    visits=rng.choice([0, 0, 1, 2]),
                    life_events=events,
                    keywords=[obj],
                    summary=f"{dept.name}为符合条件的申请人办理{obj}{action}{scope}。",
                    result=f"{obj}{action}结果",
                )
                names = [
                    "居民身份证",
                    f"{obj}{action}申请表",
                    rng.choice(["户口簿", "营业执照", "结婚证", "不动产权证书"]),
                ]
                items.append(item)
                impls.append(impl)
                guides.append(guide)
                materials.extend(
                    Material(guide=guide, position=i, name=m, source=rng.choice(MaterialSource.values))
                    for i, m in enumerate(names)
                )
                entries.append((guide, names))
            Item.objects.bulk_create(items)
            Implementation.objects.bulk_create(impls)
            GuideVersion.objects.bulk_create(guides)
            Material.objects.bulk_create(materials)
            rows = [
                SearchEntry(implementation=g.implementation, **search_entry_values(guide=g, material_names=m))
                for g, m in entries
            ]
            SearchEntry.objects.bulk_create(rows)
            facets = [
                SearchLifeEvent(entry=row, name=e)
                for row, (g, _) in zip(rows, entries, strict=True)
                for e in g.life_events
            ]
            SearchLifeEvent.objects.bulk_create(facets)
            progress.advance(task, len(chunk))
    with connections["default"].cursor() as cursor:
        # What autovacuum does to a live catalogue: statistics plus the visibility map, which lets
        # bitmap scans over the GIN index count matches without visiting the heap.
        cursor.execute("VACUUM ANALYZE")


def _measure(console: Console) -> None:
    from tongban.catalog.models import SearchEntry
    from tongban.catalog.search import normalise
    from tongban.catalog.selectors import item_search

    client = Client()
    api, db, scan = [], [], []
    table = Table(
        title=f"目录搜索 Catalogue search · {SearchEntry.objects.count()} published items · {REPEATS} runs/query"
    )
    for col in ("query", "hits", "API p50", "API p99", "DB p50", "scan hits", "scan p50"):
        table.add_column(col, justify="right" if col != "query" else "left")

    def substring(q: str) -> tuple[int, list[SearchEntry]]:
        text = normalise(q)
        qs = SearchEntry.objects.filter(Q(name__icontains=text) | Q(summary__icontains=text)).select_related(
            "department"
        )
        return qs.count(), list(qs.order_by("name")[:20])

    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "search": (10**9, 60)}):
        for q in QUERIES:
            response = client.get("/api/v1/items", {"q": q})
            assert response.status_code == 200, response.content
            hits = response.json()["total"]
            a = _time(lambda q=q: client.get("/api/v1/items", {"q": q}), REPEATS)
            d = _time(lambda q=q: item_search(q=q, limit=20), REPEATS)
            s = _time(lambda q=q: substring(q), REPEATS)
            api += a
            db += d
            scan += s
            table.add_row(q, str(hits), f"{statistics.median(a):.2f}", f"{_percentile(a, 99):.2f}",
                          f"{statistics.median(d):.2f}", str(substring(q)[0]),
                          f"{statistics.median(s):.2f}")  # fmt: skip
    console.print(table)

    summary = Table(title="汇总 Summary (ms, all queries)")
    for col in ("measure", "p50", "p99"):
        summary.add_column(col, justify="right" if col != "measure" else "left")
    summary.add_row(
        "API GET /api/v1/items (jieba + tsvector/GIN)", f"{statistics.median(api):.2f}", f"{_percentile(api, 99):.2f}"
    )
    summary.add_row("DB only: item_search", f"{statistics.median(db):.2f}", f"{_percentile(db, 99):.2f}")
    summary.add_row(
        "DB only: icontains name+summary (baseline)", f"{statistics.median(scan):.2f}", f"{_percentile(scan, 99):.2f}"
    )
    console.print(summary)
    ratio_db = statistics.median(scan) / statistics.median(db)
    ratio_api = statistics.median(scan) / statistics.median(api)
    console.print(f"ratio baseline scan / item_search (DB only, p50): [bold]{ratio_db:.2f}×[/bold]")
    console.print(f"ratio baseline scan (DB only) / full API request (p50): [bold]{ratio_api:.2f}×[/bold]")
    p99 = _percentile(api, 99)
    verdict = "[green]met[/green]" if p99 <= TARGET_P99_MS else "[red]MISSED[/red]"
    console.print(f"target API p99 ≤ {TARGET_P99_MS:.0f} ms: {p99:.2f} ms {verdict}")


def run() -> None:
    console = Console()
    console.rule("bench_search: 目录搜索")
    if connections["default"].vendor != "postgresql":
        console.print("[yellow]bench_search needs PostgreSQL (DATABASE_URL=postgres://…); skipped.[/yellow]")
        return
    admin = _admin_conninfo()
    conn = connections["default"]
    original_name = conn.settings_dict["NAME"]
    conn.close()
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        pg.execute(f"CREATE DATABASE {BENCH_DB}")
    try:
        conn.settings_dict["NAME"] = BENCH_DB
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        console.print(f"migrated {BENCH_DB} in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        _populate(console)
        console.print(f"populated in {time.perf_counter() - started:.1f} s")
        _measure(console)
    finally:
        conn.close()
        conn.settings_dict["NAME"] = original_name
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        console.print(f"dropped {BENCH_DB}")
