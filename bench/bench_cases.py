"""Cases at city scale (issue 5), each figure printed with its baseline from the same run:

a. Applications per second through POST /api/v1/applications for a 20-field form of 人社局 (8 fields bound to
   register elements of four departments, so each application is prefilled through the hub: open elements,
   three conditional ones under grants, the department's own), every request a different applicant with a
   logged-in session prepared beforehand, against the insert-one-row endpoint (POST /bench/insert) with the
   same sessions (target ≥ 300/s and ≥ 0.6× the baseline).
b. 1,000 applicants each sending the same application twice at the same moment (2,000 requests, no
   Idempotency-Key): the cases and submissions in the database, and the duplicates (target 0).
c. The department worklist (GET /api/v1/cases/worklist: 公安局's open cases through
   `cases.selectors.worklist`, nearest due date first, 200 of them) with 1,000,000 cases in the database, under
   8 concurrent clients, against the same rows as one bare indexed SQL query through the same stack
   (GET /bench/worklist), and against the floor of the stack, an authenticated call that reads nothing
   (GET /bench/floor): p50 and p99 of each (target p99 ≤ 25 ms).

The server, the load and the rounds are bench/_http.py's (gunicorn on 2 cores, wrk, warm-up then alternating
timed rounds); the server's hub reads the register through the `bench-register` connector
(bench/http_connector.py) with the platform's cache TTL, so the first read of an applicant goes to the source.

The database, `tongban_bench_cases`, is made once and reused (dropped at the end of the run unless
BENCH_REGISTER_KEEP=1, like the register of bench/_register.py, whose generator it uses for its persons):
BENCH_CASES_PERSONS (100,000) persons with their 40 register values, each with an L2 account; the demo city's
35 items and the bench's own, each with a published form; then BENCH_CASES (1,000,000) cases over three years
written in SQL (INSERT … SELECT generate_series into forms_submission, cases_case and cases_transition, their
indexes and foreign keys dropped for the load and rebuilt after it): most archived, some refused or
withdrawn, the last weeks' still open in every state, a quarter of them 公安局's. What a run adds (its
applications, drafts, sessions, messages) is deleted at the start of the next run.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench import _http, _register
from bench._http import CONNECTIONS, ROUNDS, SECONDS, WARM_UP_SECONDS, Result

GENERATOR_VERSION = "2"  # 2: the bench item's 参保登记表 is its online form (catalogue migration 0004)
PERSONS = int(os.environ.get("BENCH_CASES_PERSONS", "100000"))
CASES = int(os.environ.get("BENCH_CASES", "1000000"))
PAIRS = int(os.environ.get("BENCH_CASES_PAIRS", "1000"))
PAIR_THREADS = 64  # 32 pairs in flight
MAX_RPS = 900  # applicants set aside per second of a run: more than the endpoint can take
ITEM_CODE = "RS90001"
WORKLIST_DEPARTMENT = "gaj"
REVIEWER = "bench-cases-gaj"
TARGET_RPS, TARGET_RATIO, TARGET_P99_MS = 300.0, 0.6, 25.0
DAYS = 3 * 365

OPTIONS = {
    "EMPLOYMENT": {"1": "个体工商户", "2": "灵活就业人员", "3": "新就业形态劳动者"},
    "GRADE": {"60": "60%", "80": "80%", "100": "100%", "150": "150%", "200": "200%", "300": "300%"},
    "BANK": {"ICBC": "中国工商银行", "ABC": "中国农业银行", "BOC": "中国银行", "CCB": "中国建设银行"},
}
PAGES = [
    {"key": "applicant", "title": "申请人信息", "title_en": "Applicant"},
    {"key": "insurance", "title": "参保信息", "title_en": "Insurance"},
    {"key": "payment", "title": "缴费与联系", "title_en": "Payment and contact"},
]
FIELDS: list[dict[str, Any]] = [
    {"key": "name", "element": "P.NAME", "page": "applicant"},
    {"key": "sex", "element": "P.SEX", "page": "applicant"},
    {"key": "birth_date", "element": "P.BIRTH_DATE", "page": "applicant"},
    {"key": "hukou_region", "element": "P.HUKOU_REGION", "page": "applicant"},
    {"key": "hukou_address", "element": "P.HUKOU_ADDRESS", "page": "applicant"},  # 公安局, under a grant
    {"key": "mobile", "element": "P.MOBILE", "page": "applicant"},  # 数据局, under a grant
    {"key": "education", "element": "P.EDUCATION", "page": "applicant"},  # 教育局, under a grant
    {"key": "social_card_no", "element": "P.SOCIAL_CARD_NO", "page": "applicant"},  # 人社局's own
    {"key": "employment_form", "type": "choice", "label": "就业形式", "label_en": "Form of employment",
     "page": "insurance", "choices": OPTIONS["EMPLOYMENT"]},
    {"key": "occupation", "type": "text", "label": "从事职业", "label_en": "Occupation", "page": "insurance",
     "max_length": 50},
    {"key": "work_address", "type": "textarea", "label": "经营或工作地址", "label_en": "Place of work",
     "page": "insurance", "max_length": 200},
    {"key": "start_date", "type": "date", "label": "参保开始日期", "label_en": "Insured from", "page": "insurance"},
    {"key": "base", "type": "decimal", "label": "缴费基数（元）", "label_en": "Contribution base (yuan)",
     "page": "insurance", "min": 4000, "max": 30000},
    {"key": "grade", "type": "choice", "label": "缴费档次", "label_en": "Contribution grade", "page": "insurance",
     "choices": OPTIONS["GRADE"]},
    {"key": "medical", "type": "boolean", "label": "同时参加职工医保", "label_en": "Also medical insurance",
     "page": "insurance"},
    {"key": "bank", "type": "choice", "label": "代扣银行", "label_en": "Bank", "page": "payment",
     "choices": OPTIONS["BANK"]},
    {"key": "bank_account", "type": "text", "label": "银行账号", "label_en": "Account number", "page": "payment",
     "pattern": r"\d{16,19}"},
    {"key": "contact_name", "type": "text", "label": "紧急联系人", "label_en": "Emergency contact",
     "page": "payment", "max_length": 20},
    {"key": "contact_phone", "type": "phone", "label": "紧急联系人电话", "label_en": "Emergency phone",
     "page": "payment"},
    {"key": "postal_code", "type": "text", "label": "邮政编码", "label_en": "Postal code", "page": "payment",
     "pattern": r"\d{6}"},
]  # fmt: skip
SCHEMA = {"subject": "person", "pages": PAGES, "fields": FIELDS}
GRANTS = {"gaj": ["P.HUKOU_ADDRESS"], "sjj": ["P.MOBILE"], "jyj": ["P.EDUCATION"]}


def _answers(rng: random.Random) -> dict[str, str]:
    """What one applicant types: the 12 fields the hub does not fill."""
    return {
        "employment_form": rng.choice(list(OPTIONS["EMPLOYMENT"])),
        "occupation": rng.choice(["网约车司机", "外卖配送员", "个体经营者", "自由撰稿人", "家政服务员"]),
        "work_address": f"示范市明德区人民路{rng.randint(1, 300)}号",
        "start_date": f"2027-01-{rng.randint(1, 28):02d}",
        "base": str(rng.choice([4500, 6000, 8000, 12000])),
        "grade": rng.choice(list(OPTIONS["GRADE"])),
        "medical": rng.choice(["true", "false"]),
        "bank": rng.choice(list(OPTIONS["BANK"])),
        "bank_account": f"6222{rng.randrange(10**14):014d}",
        "contact_name": rng.choice(["王芳", "李强", "张伟", "刘洋"]),
        "contact_phone": f"139{rng.randrange(10**8):08d}",
        "postal_code": "990100",
    }


# --- the database ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CasesDb:
    name: str
    persons: int
    cases: int
    open_in_department: int
    generated_seconds: float
    reused: bool
    size_bytes: int


def database_name() -> str:
    default = PERSONS == 100_000 and CASES == 1_000_000
    return "tongban_bench_cases" if default else f"tongban_bench_cases_{PERSONS}_{CASES}"


def _pg(name: str, autocommit: bool = True) -> psycopg.Connection[Any]:
    return psycopg.connect(_register.conninfo(name), autocommit=autocommit)


def _meta(name: str) -> tuple[Any, ...] | None:
    try:
        with _pg(name) as pg:
            return pg.execute("SELECT version, persons, cases, generated_seconds FROM bench_cases_meta").fetchone()
    except psycopg.Error:
        return None


def _size(name: str) -> int:
    with _pg(name) as pg:
        row = pg.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def _open_in_department(name: str) -> int:
    from tongban.cases.selectors import OPEN_STATES
    from tongban.demo.content.departments import DEPARTMENTS

    code = next(d.credit_code for d in DEPARTMENTS if d.key == WORKLIST_DEPARTMENT)
    with _pg(name) as pg:
        row = pg.execute(
            "SELECT count(*) FROM cases_case c JOIN identity_department d ON d.id = c.department_id "
            "WHERE d.credit_code = %s AND c.state = ANY(%s)",
            [code, [str(s) for s in OPEN_STATES]],
        ).fetchone()
    return int(row[0]) if row else 0


def ensure(console: Console) -> CasesDb:
    """The cases database, reused when complete, else generated; dropped at exit unless kept."""
    name = database_name()
    _register._DROP_AT_EXIT.add(name)
    meta = _meta(name)
    if (
        meta is not None
        and meta[:3] == (GENERATOR_VERSION, PERSONS, CASES)
        and _register._reusable(name, PERSONS) is not None
    ):
        with _register.use_database(name):
            call_command("migrate", verbosity=0)
        _clean(name)
        found = CasesDb(name, PERSONS, CASES, _open_in_department(name), meta[3], True, _size(name))
        console.print(f"reusing {name}: {PERSONS:,} persons with accounts, {CASES:,} cases, "
                      f"{found.size_bytes / 2**30:.1f} GiB (generated in {found.generated_seconds:.0f} s by an "
                      f"earlier run)")  # fmt: skip
        return found
    started = time.perf_counter()
    _register._generate(console, name, PERSONS)  # creates the database: migrations, persons and their values
    with _register.use_database(name):
        _catalogue(console)
    _accounts(console, name)
    _cases(console, name)
    seconds = time.perf_counter() - started
    with _pg(name) as pg:
        pg.execute("CREATE TABLE bench_cases_meta (version text, persons integer, cases integer, "
                   "generated_seconds double precision)")  # fmt: skip
        pg.execute("INSERT INTO bench_cases_meta VALUES (%s, %s, %s, %s)", [GENERATOR_VERSION, PERSONS, CASES, seconds])
    made = CasesDb(name, PERSONS, CASES, _open_in_department(name), seconds, False, _size(name))
    console.print(f"generated {name} in {seconds:.0f} s: {made.size_bytes / 2**30:.1f} GiB")
    return made


def _catalogue(console: Console) -> None:
    """The demo city's items and the bench's own, a published form for each, the grants, the reviewer."""
    from tongban.catalog.codes import HandlingForm, ItemType, LimitUnit, MaterialSource, Target
    from tongban.catalog.models import Item
    from tongban.catalog.schema import ItemSpec, LimitSpec, MaterialSpec, PlaceSpec
    from tongban.catalog.services import catalog_import_items
    from tongban.demo.content import ITEMS
    from tongban.demo.content.departments import DEPARTMENTS
    from tongban.exchange.models import Grant
    from tongban.forms.services import form_publish
    from tongban.identity.models import Department
    from tongban.identity.roles import Role
    from tongban.identity.services import staff_create

    codes = {d.key: d.credit_code for d in DEPARTMENTS}
    own = ItemSpec(
        basic_code=ITEM_CODE, name="灵活就业人员参加职工基本养老保险登记", name_en="Pension insurance registration "
        "of the flexibly employed", item_type=ItemType.PUBLIC_SERVICE, department=codes["rsj"],
        targets=[Target.NATURAL_PERSON], handling_forms=[HandlingForm.WINDOW, HandlingForm.ONLINE],
        legal_limit=LimitSpec(days=15, unit=LimitUnit.WORKING_DAYS),
        promised_limit=LimitSpec(days=5, unit=LimitUnit.WORKING_DAYS), conditions=["在本市灵活就业的人员"],
        legal_basis=["《中华人民共和国社会保险法》第十条"], places=[PlaceSpec(name="示范市人社局办事大厅",
        address="示范市明德区人民路66号", hours="工作日 9:00-17:00")], process=["申请", "受理", "审核", "办结"],
        visits=0, materials=[MaterialSpec(name="居民身份证", source=MaterialSource.LICENCE),
                             MaterialSpec(name="参保登记表", blank_form="灵活就业人员参保登记表",
                                          online_form=True)],
    )  # fmt: skip
    report = catalog_import_items(specs=[*ITEMS, own], publish=True)
    simple = {"subject": "person", "pages": [{"key": "main", "title": "申请信息", "title_en": "Application"}],
              "fields": [{"key": "phone", "type": "phone", "label": "联系电话", "label_en": "Contact phone"},
                         {"key": "note", "type": "textarea", "label": "申请事由", "label_en": "Reason",
                          "required": False}]}  # fmt: skip
    for item in Item.objects.all():
        form_publish(item=item, schema=SCHEMA if item.basic_code == ITEM_CODE else simple, actor="system:bench")
    departments = {d.credit_code: d for d in Department.objects.all()}
    rsj = departments[codes["rsj"]]
    for owner, elements in GRANTS.items():
        Grant.objects.create(consumer=rsj, owner=departments[codes[owner]], element_codes=elements,
                             purpose="灵活就业人员参保登记：预填申请表", item_code=ITEM_CODE,
                             expires_at=timezone.now() + timedelta(days=3650))  # fmt: skip
    staff_create(username=REVIEWER, password=secrets.token_urlsafe(16), name="压测审批人",
                 department=departments[codes[WORKLIST_DEPARTMENT]], roles=[Role.REVIEWER, Role.CLERK],
                 mobile="13700009998")  # fmt: skip
    console.print(f"catalogue: {len(report.published)} items published with their forms, "
                  f"{sum(len(e) for e in GRANTS.values())} grants for 人社局, the reviewer of 公安局")  # fmt: skip


def _accounts(console: Console, name: str) -> None:
    """An L2 login for every person of the register (one statement; the password is unusable: the benches
    log in by making sessions)."""
    with _pg(name) as pg:
        pg.execute(
            "INSERT INTO identity_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, language, elder_mode, failed_logins, mobile) "
            "SELECT gen_random_uuid(), '!bench', false, 'p' || replace(p.id::text, '-', ''), p.name, '', '', false, "
            "true, now(), '', false, 0, '' FROM identity_person p WHERE p.source = 'register' AND p.user_id IS NULL"
        )
        pg.execute(
            "UPDATE identity_person p SET user_id = u.id, realname_level = 2 FROM identity_user u "
            "WHERE u.username = 'p' || replace(p.id::text, '-', '') AND p.user_id IS NULL"
        )
        pg.execute("VACUUM ANALYZE identity_person")
        pg.execute("VACUUM ANALYZE identity_user")
    console.print(f"accounts: an L2 login for each of the {PERSONS:,} persons")


# State mix by age of the case (old: over 90 days, weeks: 30–90, recent: 2–30, fresh: the last two days):
# (state, cumulative share).
MIX = {
    "old": [("archived", 0.87), ("result_delivered", 0.91), ("rejected_at_intake", 0.95), ("withdrawn", 0.985),
            ("revoked", 0.9995), ("in_review", 0.9998), ("accepted", 0.9999), ("suspended", 1.0)],
    "weeks": [("archived", 0.55), ("result_delivered", 0.75), ("approved", 0.79), ("denied", 0.80),
              ("in_review", 0.86), ("suspended", 0.88), ("rejected_at_intake", 0.93), ("withdrawn", 0.97),
              ("correction_requested", 0.98), ("accepted", 1.0)],
    "recent": [("submitted", 0.04), ("correction_requested", 0.09), ("accepted", 0.20), ("in_review", 0.48),
               ("suspended", 0.51), ("approved", 0.60), ("denied", 0.62), ("result_delivered", 0.80),
               ("rejected_at_intake", 0.85), ("withdrawn", 0.88), ("archived", 1.0)],
    "fresh": [("submitted", 0.75), ("correction_requested", 0.80), ("accepted", 0.95), ("in_review", 0.98),
              ("withdrawn", 1.0)],
}  # fmt: skip
# The transitions that lead to each state, in order.
SUBMIT, ACCEPT, REVIEW = (
    ("submit", "", "submitted"),
    ("accept", "submitted", "accepted"),
    ("start_review", "accepted", "in_review"),
)
APPROVE, DELIVER = ("approve", "in_review", "approved"), ("deliver", "approved", "result_delivered")
PATHS: dict[str, list[tuple[str, str, str]]] = {
    "submitted": [SUBMIT],
    "correction_requested": [SUBMIT, ("request_correction", "submitted", "correction_requested")],
    "rejected_at_intake": [SUBMIT, ("reject", "submitted", "rejected_at_intake")],
    "withdrawn": [SUBMIT, ("withdraw", "submitted", "withdrawn")],
    "accepted": [SUBMIT, ACCEPT],
    "in_review": [SUBMIT, ACCEPT, REVIEW],
    "suspended": [SUBMIT, ACCEPT, REVIEW, ("suspend", "in_review", "suspended")],
    "approved": [SUBMIT, ACCEPT, REVIEW, APPROVE],
    "denied": [SUBMIT, ACCEPT, REVIEW, ("deny", "in_review", "denied")],
    "result_delivered": [SUBMIT, ACCEPT, REVIEW, APPROVE, DELIVER],
    "archived": [SUBMIT, ACCEPT, REVIEW, APPROVE, DELIVER, ("archive", "result_delivered", "archived")],
    "revoked": [SUBMIT, ACCEPT, REVIEW, APPROVE, DELIVER, ("revoke", "result_delivered", "revoked")],
}
ACCEPTED_STATES = [s for s, path in PATHS.items() if ACCEPT in path]
DECIDED_STATES = ["approved", "denied", "result_delivered", "archived", "revoked"]


def _state_case(column: str, mix: list[tuple[str, float]]) -> str:
    return (
        "CASE "
        + " ".join(f"WHEN {column} < {share} THEN '{state}'" for state, share in mix[:-1])
        + (f" ELSE '{mix[-1][0]}' END")
    )


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        return "'" + json.dumps(value).replace("'", "''") + "'"
    return "'" + str(value).replace("'", "''") + "'"


def _insert_select(model: Any, expressions: dict[str, str], source: str) -> str:
    """INSERT INTO the model's table every concrete column but an auto-increment key: the given SQL expression,
    else the field's default (so a column added by a later migration never breaks the generator)."""
    from django.db.models import AutoField, BigAutoField

    columns, values = [], []
    for field in model._meta.concrete_fields:
        if isinstance(field, AutoField | BigAutoField):
            continue
        columns.append(field.column)
        if field.column in expressions:
            values.append(expressions[field.column])
        elif field.null:
            values.append("NULL")
        elif field.get_default() is not None:  # the declared default, or "" for a blank text field
            values.append(_literal(field.get_default()))
        else:
            raise RuntimeError(f"bench_cases: no value for {model._meta.db_table}.{field.column}")
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"


def _cases(console: Console, name: str) -> None:
    """BENCH_CASES submissions with their cases and transitions, in SQL."""
    from tongban.cases.models import Case, Transition
    from tongban.demo.content.departments import DEPARTMENTS
    from tongban.forms.models import Submission

    gaj = next(d.credit_code for d in DEPARTMENTS if d.key == WORKLIST_DEPARTMENT)
    steps = [
        "setup: implementations (公安局's weighted to a quarter of all cases), applicants, the plan of every case",
        "forms_submission", "cases_case", "cases_transition", "rebuild indexes and foreign keys", "VACUUM ANALYZE",
    ]  # fmt: skip
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console)  # fmt: skip
    with progress, _pg(name, autocommit=False) as pg:
        task = progress.add_task(f"办件 {CASES:,} cases: {steps[0]}", total=len(steps))
        pg.execute("SELECT setseed(0.2026)")
        pg.execute(
            "CREATE TEMP TABLE bench_impl AS SELECT row_number() OVER (ORDER BY i.code) - 1 AS n, i.id AS impl_id, "
            "i.department_id, it.basic_code, v.id AS version_id, g.case_type, "
            "coalesce(nullif(g.promised_limit_days, 0), g.legal_limit_days) AS limit_days, "
            "CASE WHEN g.promised_limit_days > 0 THEN g.promised_limit_unit ELSE g.legal_limit_unit END AS limit_unit, "
            "d.credit_code = %s AS heavy FROM catalog_implementation i JOIN catalog_item it ON it.id = i.item_id "
            "JOIN identity_department d ON d.id = i.department_id "
            "JOIN catalog_guideversion g ON g.implementation_id = i.id AND g.status = 'published' "
            "JOIN forms_formdefinition f ON f.item_id = it.id JOIN forms_formversion v ON v.definition_id = f.id "
            "AND v.current WHERE it.basic_code <> %s",
            [gaj, ITEM_CODE],
        )
        # 1,000 slots: 公安局's items share 250 of them, the others the rest.
        pg.execute(
            "CREATE TEMP TABLE bench_slot AS WITH w AS (SELECT *, count(*) OVER (PARTITION BY heavy) AS k, "
            "row_number() OVER (PARTITION BY heavy ORDER BY n) - 1 AS j FROM bench_impl) "
            "SELECT s AS slot, w.* FROM generate_series(0, 999) s JOIN w ON w.heavy = (s < 250) "
            "AND w.j = CASE WHEN s < 250 THEN s % w.k ELSE (s - 250) % w.k END"
        )
        pg.execute(
            "CREATE TEMP TABLE bench_applicant AS SELECT row_number() OVER (ORDER BY p.id) - 1 AS n, "
            "p.id AS person_id, p.user_id FROM identity_person p WHERE p.source = 'register' AND p.user_id IS NOT NULL"
        )
        applicants = pg.execute("SELECT count(*) FROM bench_applicant").fetchone()[0]  # type: ignore[index]
        mix = {k: _state_case("t.r1", v) for k, v in MIX.items()}
        pg.execute(
            "CREATE TEMP TABLE bench_plan AS SELECT g, gen_random_uuid() AS sub_id, gen_random_uuid() AS case_id, "
            "s.impl_id, s.department_id, s.basic_code, s.version_id, s.case_type, s.limit_days, s.limit_unit, "
            "a.user_id, a.person_id, t.submitted_at, t.age, "
            f"CASE WHEN t.age > 90 THEN {mix['old']} WHEN t.age > 30 THEN {mix['weeks']} "
            f"WHEN t.age > 2 THEN {mix['recent']} ELSE {mix['fresh']} END AS state, "
            "t.r2 FROM (SELECT g, floor(random() * 1000)::int AS slot, floor(random() * %s)::int AS who, "
            f"now() - random() * interval '{DAYS} days' AS submitted_at, random() AS r1, random() AS r2 "
            "FROM generate_series(1, %s) g) t0 "
            "CROSS JOIN LATERAL (SELECT t0.submitted_at, extract(epoch FROM now() - t0.submitted_at) / 86400 AS age, "
            "t0.r1, t0.r2) t JOIN bench_slot s ON s.slot = t0.slot JOIN bench_applicant a ON a.n = t0.who",
            [applicants, CASES],
        )
        pg.execute(
            "ALTER TABLE bench_plan ADD COLUMN accepted_on date, ADD COLUMN due_on date, ADD COLUMN decided_at "
            "timestamptz, ADD COLUMN steps int"
        )
        pg.execute(
            "UPDATE bench_plan SET accepted_on = CASE WHEN state = ANY(%s) THEN "
            "(submitted_at AT TIME ZONE 'Asia/Shanghai')::date + floor(r2 * 3)::int END, "
            "steps = CASE state " + " ".join(f"WHEN '{s}' THEN {len(p)}" for s, p in PATHS.items()) + " END",
            [ACCEPTED_STATES],
        )
        pg.execute(
            "UPDATE bench_plan SET due_on = accepted_on + CASE WHEN limit_days = 0 THEN 0 WHEN limit_unit = 'G' "
            "THEN ceil(limit_days * 1.4)::int ELSE limit_days END, decided_at = CASE WHEN state = ANY(%s) THEN "
            "(accepted_on + floor(r2 * greatest(limit_days, 1))::int)::timestamp AT TIME ZONE 'Asia/Shanghai' "
            "+ interval '10 hours' END WHERE accepted_on IS NOT NULL",
            [DECIDED_STATES],
        )
        pg.execute("CREATE UNIQUE INDEX ON bench_plan (g)")
        pg.execute("ANALYZE bench_plan")
        pg.commit()
        rebuild = {table: _register._strip(pg, table) for table in ("cases_transition", "cases_case",
                                                                     "forms_submission")}  # fmt: skip
        pg.commit()
        progress.update(task, advance=1, description=f"办件 {CASES:,} cases: {steps[1]}")
        number = "'SQ' || to_char(p.submitted_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(p.g::text, 7, '0')"
        shared = (
            "jsonb_build_object('name', jsonb_build_object('element', 'P.NAME', 'role', 'subject', 'text', per.name, "
            "'display', per.name, 'source_department', '示范市公安局', 'source_record_id', 'R-' || p.g, 'as_of', "
            "'2025-12-31T20:00:00+08:00', 'trust_level', 'A'), 'birth_date', jsonb_build_object('element', "
            "'P.BIRTH_DATE', 'role', 'subject', 'text', per.birth_date::text, 'display', per.birth_date::text, "
            "'source_department', '示范市公安局', 'source_record_id', 'R-' || p.g, 'as_of', "
            "'2025-12-31T20:00:00+08:00', 'trust_level', 'A'))"
        )
        pg.execute(
            _insert_select(
                Submission,
                {
                    "id": "p.sub_id",
                    "created_at": "p.submitted_at",
                    "updated_at": "p.submitted_at",
                    "number": number,
                    "draft_id": "NULL",
                    "version_id": "p.version_id",
                    "implementation_id": "p.impl_id",
                    "item_code": "p.basic_code",
                    "department_id": "p.department_id",
                    "user_id": "p.user_id",
                    "agent_id": "p.person_id",
                    "subject_person_id": "p.person_id",
                    "answers": "jsonb_build_object('phone', per.mobile, 'note', '')",
                    "shared": shared,
                    "fields_shown": "3",
                    "fields_prefilled": "2",
                    "channel": "CASE WHEN p.r2 < 0.55 THEN 'web' WHEN p.r2 < 0.85 THEN 'mobile' ELSE 'window' END",
                    "submitted_at": "p.submitted_at",
                },
                "bench_plan p JOIN identity_person per ON per.id = p.person_id",
            )
        )
        pg.commit()
        progress.update(task, advance=1, description=f"办件 {CASES:,} cases: {steps[2]}")
        pg.execute(
            _insert_select(
                Case,
                {
                    "id": "p.case_id",
                    "created_at": "p.submitted_at",
                    "updated_at": "coalesce(p.decided_at, p.submitted_at)",
                    "number": number,
                    "lookup_code": "lpad((p.g::bigint * 7919 % 1000000)::text, 6, '0')",
                    "submission_id": "p.sub_id",
                    "implementation_id": "p.impl_id",
                    "department_id": "p.department_id",
                    "user_id": "p.user_id",
                    "agent_id": "p.person_id",
                    "subject_person_id": "p.person_id",
                    "channel": "CASE WHEN p.r2 < 0.55 THEN 'web' WHEN p.r2 < 0.85 THEN 'mobile' ELSE 'window' END",
                    "state": "p.state",
                    "revision": "p.steps - 1",
                    "case_type": "p.case_type",
                    "limit_days": "p.limit_days",
                    "limit_unit": "p.limit_unit",
                    "submitted_at": "p.submitted_at",
                    "accepted_on": "p.accepted_on",
                    "due_on": "p.due_on",
                    "suspended_since": "CASE WHEN p.state = 'suspended' THEN p.accepted_on + 3 END",
                    "decided_at": "p.decided_at",
                    "correction_used": "p.state = 'correction_requested'",
                    "delivered_via": "CASE WHEN p.state IN ('result_delivered', 'archived', 'revoked') THEN "
                    "'electronic' ELSE '' END",
                },
                "bench_plan p",
            )
        )
        pg.commit()
        progress.update(task, advance=1, description=f"办件 {CASES:,} cases: {steps[3]}")
        path_rows = [(state, seq, *step) for state, path in PATHS.items() for seq, step in enumerate(path)]
        pg.execute("CREATE TEMP TABLE bench_path (state text, seq int, action text, from_state text, to_state text)")
        with pg.cursor().copy("COPY bench_path FROM STDIN") as copy:
            for row in path_rows:
                copy.write_row(row)
        pg.execute(
            _insert_select(
                Transition,
                {
                    "case_id": "p.case_id",
                    "seq": "x.seq",
                    "action": "x.action",
                    "from_state": "x.from_state",
                    "to_state": "x.to_state",
                    "actor": "CASE WHEN x.action IN ('submit', 'withdraw') THEN 'person:' || p.person_id "
                    "ELSE 'staff:bench' END",
                    "actor_name": "CASE WHEN x.action IN ('submit', 'withdraw') THEN '申请人' ELSE '审批人员' END",
                    "channel": "CASE WHEN x.action IN ('submit', 'withdraw') THEN 'web' ELSE 'backoffice' END",
                    "at": "CASE WHEN x.seq = 0 THEN p.submitted_at ELSE greatest(p.submitted_at, "
                    "coalesce(p.accepted_on::timestamp AT TIME ZONE 'Asia/Shanghai', p.submitted_at) "
                    "+ x.seq * interval '1 day') END",
                },
                "bench_plan p JOIN bench_path x ON x.state = p.state",
            )
        )
        pg.commit()
        progress.update(task, advance=1, description=f"办件 {CASES:,} cases: {steps[4]}")
        pg.autocommit = True
        pg.execute("SET maintenance_work_mem = '1GB'")
        for table in ("forms_submission", "cases_case", "cases_transition"):
            for statement in rebuild[table]:
                pg.execute(statement)
        progress.update(task, advance=1, description=f"办件 {CASES:,} cases: {steps[5]}")
        for table in ("forms_submission", "cases_case", "cases_transition"):
            pg.execute(f"VACUUM ANALYZE {table}")
        progress.update(task, advance=1, description=f"办件 {CASES:,} cases written")
        counts = pg.execute(
            "SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM cases_transition), "
            "(SELECT count(*) FROM cases_case WHERE state = ANY(%s))",
            [["submitted", "correction_requested", "accepted", "in_review", "suspended", "approved", "denied"]],
        ).fetchone()
    assert counts is not None
    console.print(f"cases: {counts[0]:,} ({counts[2]:,} open), {counts[1]:,} transitions, over {DAYS} days")


def _clean(name: str) -> None:
    """Delete what an earlier run added: its applications (with their cases and whatever points at them),
    drafts, sessions, messages, idempotency keys, baseline rows."""

    def referencing(pg: psycopg.Connection[Any], table: str) -> list[tuple[str, str]]:
        return [
            (row[0], row[1])
            for row in pg.execute(
                "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c JOIN pg_attribute a "
                "ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.contype = 'f' "
                "AND c.confrelid = %s::regclass",
                [table],
            )
        ]

    with _pg(name) as pg:
        pg.execute("CREATE TEMP TABLE bench_run_cases AS SELECT c.id FROM cases_case c JOIN forms_submission s "
                   "ON s.id = c.submission_id WHERE s.draft_id IS NOT NULL")  # fmt: skip
        for table, column in referencing(pg, "cases_case"):
            pg.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM bench_run_cases)")
        pg.execute("DELETE FROM cases_case WHERE id IN (SELECT id FROM bench_run_cases)")
        pg.execute("CREATE TEMP TABLE bench_run_subs AS SELECT id FROM forms_submission WHERE draft_id IS NOT NULL")
        for table, column in referencing(pg, "forms_submission"):
            if table != "cases_case":
                pg.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM bench_run_subs)")
        pg.execute("DELETE FROM forms_submission WHERE id IN (SELECT id FROM bench_run_subs)")
        for table, column in referencing(pg, "forms_draft"):
            if table != "forms_submission":
                pg.execute(f"DELETE FROM {table} WHERE {column} IS NOT NULL")
        for table in ("forms_draft", "django_session", "identity_outboxmessage", "core_idempotencykey"):
            pg.execute(f"DELETE FROM {table}")
        pg.execute("DROP TABLE IF EXISTS bench_http_insert")
        pg.execute("VACUUM ANALYZE")


# --- sessions and request files --------------------------------------------------------------------------


def _sessions(users: list[tuple[Any, str]], fresh_for: int) -> list[str]:
    """A logged-in session per (user id, password hash), written in one COPY; marked as refreshed for the
    next `fresh_for` seconds, as if each applicant had just opened a page (the idle-limit slide,
    core.sessions, would otherwise write each session on its first use)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tongban.core.sessions import REFRESHED
    from tongban.identity.models import User

    store = SessionStore()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    refreshed = int(time.time()) + fresh_for
    keys = []
    with (
        connections["default"].cursor() as cursor,
        cursor.copy("COPY django_session (session_key, session_data, expire_date) FROM STDIN") as copy,
    ):
        for user_id, password in users:
            key = secrets.token_hex(16)
            user = User(pk=user_id, password=password)
            data = {SESSION_KEY: str(user_id), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(), REFRESHED: refreshed}  # fmt: skip
            copy.write_row((key, store.encode(data), expires))
            keys.append(key)
    return keys


def _applicants(count: int, skip: int = 0) -> list[tuple[Any, str, str]]:
    """(user id, password hash, ID number) of persons with logins, in a fixed order."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT u.id, u.password, p.id_number FROM identity_person p JOIN identity_user u ON u.id = p.user_id "
            "WHERE p.source = 'register' ORDER BY p.id OFFSET %s LIMIT %s",
            [skip, count],
        )
        return list(cursor.fetchall())


def _implementation_code() -> str:
    """What an API client sends: the implementation code (实施编码) of 人社局's item."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT i.code FROM catalog_implementation i JOIN catalog_item it ON it.id = i.item_id "
                       "WHERE it.basic_code = %s", [ITEM_CODE])  # fmt: skip
        return str(cursor.fetchone()[0])


def _write_lines(path: Path, lines: Iterator[str]) -> None:
    path.write_text("".join(f"{line}\n" for line in lines))


# --- a. applications per second -------------------------------------------------------------------------


def _submissions_made(since: Any) -> tuple[int, int]:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT user_id) FROM forms_submission WHERE draft_id IS NOT NULL "
            "AND submitted_at >= %s",
            [since],
        )
        row = cursor.fetchone()
    return int(row[0]), int(row[1])


def _table(title: str, names: dict[str, str], results: dict[str, list[Result]]) -> Table:
    table = Table(title=title)
    for col in ("endpoint", "round", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "non-2xx", "socket errors",
                "CPU ms/req", "of which PostgreSQL"):  # fmt: skip
        table.add_column(col, justify="left" if col == "endpoint" else "right")
    for kind, label in names.items():
        for n, r in enumerate(results[kind], start=1):
            table.add_row(label, str(n), f"{r.requests:,}", f"{r.rps:.0f}", f"{r.p50_ms:.1f}", f"{r.p90_ms:.1f}",
                          f"{r.p99_ms:.1f}", str(r.non_2xx), str(r.socket_errors), f"{r.cpu_ms:.2f}",
                          f"{r.db_cpu_ms:.2f}")  # fmt: skip
    return table


@dataclass
class Figures:
    lines: list[str]

    def add(self, text: str) -> None:
        self.lines.append(text)


def _applications(console: Console, work: Path, base: str, server_pid: int, db: CasesDb, figures: Figures) -> None:
    console.rule("a. 网上申请 applications per second: POST /api/v1/applications vs the insert-one-row baseline")
    runs = [WARM_UP_SECONDS] + [SECONDS] * ROUNDS
    per_run = [MAX_RPS * s for s in runs]
    applicants = _applicants(sum(per_run) + 1)
    rng = random.Random(5)
    csrf = secrets.token_hex(16)
    sessions = _sessions([(u, pw) for u, pw, _ in applicants], fresh_for=120 + sum(runs) * 2 + 60)
    item = _implementation_code()
    bodies = [json.dumps({"item": item, "answers": _answers(rng), "consent": [], "declaration": True},
                         ensure_ascii=False) for _ in applicants]  # fmt: skip
    # One file per run of the applications, each applicant in one only; the baseline posts their ID numbers.
    files, start = [], 1
    for n, size in enumerate(per_run):
        path = work / f"applications-{n}.txt"
        _write_lines(path, (f"{sessions[i]}\t{bodies[i]}" for i in range(start, start + size)))
        files.append((path, size))
        start += size
    insert_file = work / "insert.txt"
    _write_lines(insert_file, (f"{sessions[i]}\t{json.dumps({'subject': applicants[i][2]})}"
                               for i in range(1, len(applicants))))  # fmt: skip
    with connections["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_http_insert (id bigserial PRIMARY KEY, "
                       "subject varchar(40) NOT NULL, created_at timestamptz NOT NULL DEFAULT now())")  # fmt: skip
    status, text = _http.post(f"{base}/api/v1/applications", bodies[0].encode(), sessions[0], csrf)
    console.print(f"probe POST /api/v1/applications → {status} {text}", highlight=False)
    if status != 201:
        raise RuntimeError(f"POST /api/v1/applications answered {status}: {text[:800]}")
    probe = json.loads(text)
    console.print(f"{len(applicants) - 1:,} applicants, each with a session and answers for the 12 fields the hub "
                  f"does not fill; every application request is a different applicant", style="dim")  # fmt: skip
    since = timezone.now()
    used = iter(files)
    sizes: list[tuple[int, int]] = []

    def run(kind: str, seconds: int) -> Result:
        if kind == "insert":
            return _http.wrk(f"{base}/bench/insert", kind, seconds, _http.HERE / "http_cases.lua",
                             [str(insert_file), csrf, "POST"])  # fmt: skip
        path, size = next(used)
        result = _http.wrk(f"{base}/api/v1/applications", kind, seconds, _http.HERE / "http_cases.lua",
                           [str(path), csrf, "POST"])  # fmt: skip
        sizes.append((result.requests, size))
        return result

    labels = {"insert": "POST /bench/insert", "apply": "POST /api/v1/applications"}
    results = _http.alternate(console, kinds=("insert", "apply"), labels=labels, run=run, server_pid=server_pid,
                              database=db.name)  # fmt: skip
    names = {"insert": "baseline POST /bench/insert (one INSERT)",
             "apply": "POST /api/v1/applications (20-field form)"}  # fmt: skip
    console.print(_table(f"申请 Applications through HTTP · {_http.server_description()} · wrk {CONNECTIONS} "
                         "connections · a different applicant per request", names, results))  # fmt: skip
    made, people = _submissions_made(since)
    sent = sum(r for r, _ in sizes)
    wrapped = [n for n, (r, size) in enumerate(sizes) if r > size]
    ran_out = f"; {len(wrapped)} runs ran out of applicants (repeats answered from the first)" if wrapped else ""
    console.print(f"submissions made in these runs: {made:,} by {people:,} applicants for {sent:,} requests "
                  f"(warm-up included){ran_out}; backfill of each: {probe['fields_prefilled']} of "
                  f"{probe['fields_shown']} fields prefilled")  # fmt: skip
    cpu = {kind: statistics.fmean(r.cpu_ms for r in results[kind]) for kind in results}
    rps = {kind: statistics.fmean(r.rps for r in results[kind]) for kind in results}
    ratio = rps["apply"] / rps["insert"]
    cores = os.cpu_count() or 1
    if all(cpu.values()):
        console.print(f"CPU per request (gunicorn + its PostgreSQL backends): applications {cpu['apply']:.2f} ms, "
                      f"baseline {cpu['insert']:.2f} ms; if the {cores} CPUs were the app's alone: "
                      f"≈ {1000 * cores / cpu['apply']:.0f}/s and ≈ {1000 * cores / cpu['insert']:.0f}/s",
                      style="dim")  # fmt: skip
    ok_rps = "[green]met[/green]" if rps["apply"] >= TARGET_RPS else "[red]MISSED[/red]"
    ok_ratio = "[green]met[/green]" if ratio >= TARGET_RATIO else "[red]MISSED[/red]"
    figures.add(f"a. applications {rps['apply']:.0f}/s (p50 {statistics.fmean(r.p50_ms for r in results['apply']):.1f}"
                f" ms, p99 {statistics.fmean(r.p99_ms for r in results['apply']):.1f} ms), baseline insert-one-row "
                f"{rps['insert']:.0f}/s, ratio {ratio:.2f}×; target ≥ {TARGET_RPS:.0f}/s {ok_rps}, "
                f"≥ {TARGET_RATIO:.1f}× {ok_ratio}")  # fmt: skip


# --- b. double submits ----------------------------------------------------------------------------------


def _double_submits(console: Console, base: str, figures: Figures) -> None:
    console.rule(f"b. 重复提交 {PAIRS:,} applicants × the same application twice at the same moment")
    runs = [WARM_UP_SECONDS] + [SECONDS] * ROUNDS
    applicants = _applicants(PAIRS, skip=sum(MAX_RPS * s for s in runs) + 1)  # none of a.'s
    csrf = secrets.token_hex(16)
    sessions = _sessions([(u, pw) for u, pw, _ in applicants], fresh_for=600)
    rng = random.Random(6)
    item = _implementation_code()
    bodies = [json.dumps({"item": item, "answers": _answers(rng), "consent": [], "declaration": True},
                         ensure_ascii=False).encode() for _ in applicants]  # fmt: skip
    barriers = [threading.Barrier(2, timeout=60) for _ in applicants]
    answers: list[list[tuple[int, str]]] = [[] for _ in applicants]
    url = f"{base}/api/v1/applications"

    def send(i: int) -> None:
        barriers[i].wait()  # both requests of a pair leave together
        status, text = _http.post(url, bodies[i], sessions[i], csrf)
        number = json.loads(text).get("number", "") if status == 201 else text[:200]
        answers[i].append((status, number))

    started = time.perf_counter()
    with Progress(console=console, transient=False) as progress:
        task = progress.add_task(f"{2 * PAIRS:,} requests, {PAIR_THREADS // 2} pairs in flight", total=2 * PAIRS)
        with ThreadPoolExecutor(max_workers=PAIR_THREADS) as pool:
            futures = [pool.submit(send, i) for i in range(len(applicants)) for _ in range(2)]
            for future in futures:
                future.result()
                progress.advance(task)
    seconds = time.perf_counter() - started
    statuses: dict[int, int] = {}
    for pair in answers:
        for status, _ in pair:
            statuses[status] = statuses.get(status, 0) + 1
    same = sum(1 for pair in answers if len(pair) == 2 and pair[0] == pair[1] and pair[0][0] == 201)
    user_ids = [str(u) for u, _, _ in applicants]
    with connections["default"].cursor() as cursor:  # these applicants' applications of the bench's item
        cursor.execute(
            "WITH s AS (SELECT * FROM forms_submission WHERE user_id = ANY(%s::uuid[]) AND item_code = %s), "
            "c AS (SELECT * FROM cases_case WHERE submission_id IN (SELECT id FROM s)) "
            "SELECT (SELECT count(*) FROM s), (SELECT count(DISTINCT user_id) FROM s), (SELECT count(*) FROM c), "
            "(SELECT count(DISTINCT user_id) FROM c), "
            "(SELECT count(*) FROM forms_draft WHERE user_id = ANY(%s::uuid[]))",
            [user_ids, ITEM_CODE, user_ids],
        )
        submissions, submitters, cases, applicants_with_cases, drafts = cursor.fetchone()
    duplicates = (submissions - submitters) + (cases - applicants_with_cases)
    table = Table(title=f"重复提交 Double submits · {2 * PAIRS:,} requests in {seconds:.1f} s, no Idempotency-Key")
    for col in ("applicants", "responses by status", "pairs answered with the same case", "submissions", "cases",
                "drafts", "duplicates"):  # fmt: skip
        table.add_column(col, justify="right")
    table.add_row(f"{PAIRS:,}", ", ".join(f"{k}: {v:,}" for k, v in sorted(statuses.items())), f"{same:,}",
                  f"{submissions:,}", f"{cases:,}", f"{drafts:,}", f"{duplicates:,}")  # fmt: skip
    console.print(table)
    verdict = "[green]met[/green]" if duplicates == 0 and cases == PAIRS else "[red]MISSED[/red]"
    figures.add(f"b. {PAIRS:,} double submits ({2 * PAIRS:,} requests): {cases:,} cases, {submissions:,} submissions, "
                f"{same:,} pairs answered with the same case, duplicates {duplicates} (baseline: one case per "
                f"applicant, {PAIRS:,}); target 0 duplicates {verdict}")  # fmt: skip


# --- c. the worklist ------------------------------------------------------------------------------------


# The index the worklist wants (not in the migrations yet): the open cases of a department in the order the
# worklist reads them, so the first 200 are the index's first 200 entries instead of a sort of all of them.
PROPOSED_INDEX = "cases_worklist_open_idx"
PROPOSED_INDEX_SQL = (
    f"CREATE INDEX {PROPOSED_INDEX} ON cases_case (department_id, due_on, submitted_at) WHERE state IN "
    "('submitted', 'correction_requested', 'accepted', 'in_review', 'suspended', 'approved', 'denied')"
)


def _index_state() -> str:
    """Whether the models declare the proposed index ("migrated"), else whether the database has it."""
    from tongban.cases.models import Case

    if any(index.name == PROPOSED_INDEX for index in Case._meta.indexes):
        return "migrated"
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [PROPOSED_INDEX])
        return "present" if cursor.fetchone() else "absent"


def _set_index(wanted: bool) -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute(PROPOSED_INDEX_SQL if wanted else f"DROP INDEX IF EXISTS {PROPOSED_INDEX}")
        cursor.execute("ANALYZE cases_case")


def _worklist_plan() -> list[str]:
    """The selector's query as the API runs it, EXPLAIN ANALYZE'd: the scans and the times."""
    from tongban.cases.selectors import case_rows_query, worklist
    from tongban.identity.models import Staff

    staff = Staff.objects.select_related("department").get(user__username=REVIEWER)
    sql, params = case_rows_query(cases=worklist(staff=staff)[:200]).query.sql_with_params()
    with connections["default"].cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
    return [line for line in lines if "Scan" in line or "Sort" in line or "Time:" in line or "Gather" in line]


def _worklist(console: Console, work: Path, base: str, server_pid: int, db: CasesDb, figures: Figures) -> None:
    console.rule(f"c. 待办 the department's worklist with {db.cases:,} cases: GET /api/v1/cases/worklist vs one "
                 "bare indexed query")  # fmt: skip
    from django.test import Client

    from tongban.identity.models import User

    client = Client()
    client.force_login(User.objects.get(username=REVIEWER))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = secrets.token_hex(16)
    lines = work / "worklist.txt"
    _write_lines(lines, iter([session]))
    urls = {"floor": f"{base}/bench/floor", "bare": f"{base}/bench/worklist", "api": f"{base}/api/v1/cases/worklist"}
    index = _index_state()
    if index == "migrated":
        variants = [(f"indexes as migrated (with {PROPOSED_INDEX})", None)]
    else:  # the same run without, then with the proposed index; the database is left as the migrations have it
        variants = [("indexes as migrated", False), (f"with {PROPOSED_INDEX}, created by hand", True)]
    try:
        for label, wanted in variants:
            if wanted is not None:
                _set_index(wanted)
            _worklist_variant(console, base, urls, lines, session, csrf, server_pid, db, figures, label)
    finally:
        if index != "migrated":
            _set_index(False)


def _worklist_variant(
    console: Console, base: str, urls: dict[str, str], lines: Path, session: str, csrf: str, server_pid: int,
    db: CasesDb, figures: Figures, label: str,
) -> None:  # fmt: skip
    numbers = {}
    for kind, url in urls.items():
        status, text = _http.request(url, session, csrf)
        if status != 200:
            raise RuntimeError(f"GET {url} answered {status}: {text[:800]}")
        if kind != "floor":
            numbers[kind] = [row["number"] for row in json.loads(text)]
    same = "the same 200 cases in the same order" if numbers["api"] == numbers["bare"] else "[red]different rows[/red]"
    console.print(f"[bold]{label}[/bold]: 公安局 has {db.open_in_department:,} open cases; both endpoints answer "
                  f"{same} ({len(numbers['api'])} rows)")  # fmt: skip
    results = _http.alternate(
        console, kinds=("floor", "bare", "api"), labels={k: f"GET {u.removeprefix(base)}" for k, u in urls.items()},
        run=lambda kind, seconds: _http.wrk(urls[kind], kind, seconds, _http.HERE / "http_cases.lua",
                                            [str(lines), csrf, "GET"], connections=8),
        server_pid=server_pid, database=db.name,
    )  # fmt: skip
    names = {"floor": "floor GET /bench/floor (an authenticated call, no query)",
             "bare": "baseline GET /bench/worklist (one bare indexed query)",
             "api": "GET /api/v1/cases/worklist (selectors.worklist)"}  # fmt: skip
    console.print(_table(f"待办 Worklist through HTTP · {label} · {_http.server_description()} · wrk 8 connections"
                         f" · {db.cases:,} cases", names, results))  # fmt: skip
    console.print("the selector's query (EXPLAIN ANALYZE, scans and times):", style="dim")
    for line in _worklist_plan():
        console.print(f"  {line}", style="dim", highlight=False)
    p50 = {k: statistics.fmean(r.p50_ms for r in results[k]) for k in results}
    p99 = {k: statistics.fmean(r.p99_ms for r in results[k]) for k in results}
    cpu = {k: statistics.fmean(r.cpu_ms for r in results[k]) for k in results}
    verdict = "[green]met[/green]" if p99["api"] <= TARGET_P99_MS else "[red]MISSED[/red]"
    figures.add(f"c. worklist, {label}: p50 {p50['api']:.1f} ms, p99 {p99['api']:.1f} ms ({cpu['api']:.1f} ms CPU); "
                f"bare indexed query p50 {p50['bare']:.1f} ms, p99 {p99['bare']:.1f} ms ({cpu['bare']:.1f} ms CPU); "
                f"the stack's floor p50 {p50['floor']:.1f} ms, p99 {p99['floor']:.1f} ms ({cpu['floor']:.1f} ms CPU); "
                f"ratio p99 {p99['api'] / p99['bare']:.2f}× (8 clients, {db.open_in_department:,} open of "
                f"{db.cases:,} cases); target p99 ≤ {TARGET_P99_MS:.0f} ms {verdict}")  # fmt: skip


# --- the run --------------------------------------------------------------------------------------------


def _measure(console: Console, db: CasesDb, work: Path) -> None:
    figures = Figures([])
    port = _http.free_port()
    log = work / "gunicorn.log"
    env = _http.server_env(db.name, work, EXCHANGE_CONNECTOR="bench-register")
    server = _http.start_server(env, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        for part in os.environ.get("BENCH_CASES_PARTS", "abc"):
            if part == "a":
                _applications(console, work, base, server.pid, db, figures)
            elif part == "b":
                _double_submits(console, base, figures)
            elif part == "c":
                _worklist(console, work, base, server.pid, db, figures)
    finally:
        _http.stop_server(server)
    errors = log.read_text().strip() if log.exists() else ""
    if errors:
        console.print(f"[yellow]gunicorn error log:[/yellow]\n{errors[-3000:]}", highlight=False)
    console.rule("bench_cases: figures, each with its baseline from this run")
    for line in figures.lines:
        console.print(line)
    console.print(f"load average after the run: {_http.load_average()} ({os.cpu_count()} CPUs)", style="dim")


def run() -> None:
    console = Console(width=None if os.isatty(1) else 160)
    console.rule("bench_cases: 办件 — applications through the API, double submits, the worklist at 1,000,000 cases")
    if connections["default"].vendor != "postgresql":
        console.print("[yellow]bench_cases needs PostgreSQL (DATABASE_URL=postgres://…); skipped.[/yellow]")
        return
    if shutil.which("wrk") is None:
        console.print("[red]bench_cases needs wrk (apt-get install wrk; `make bench` installs it).[/red]")
        raise SystemExit(1)
    db = ensure(console)
    console.print(f"load average before the run: {_http.load_average()} ({os.cpu_count()} CPUs)", style="dim")
    with tempfile.TemporaryDirectory(prefix="tongban-bench-cases-") as tmp, _register.use_database(db.name):
        _measure(console, db, Path(tmp))
