"""一件事一次办 (issue 7), each figure printed with its baseline from the same run:

a. Bundle submissions per second and p99: `bundle_application_submit` of a bundle of five items of four
   departments that need nothing of each other, so each submission opens five child cases (the one form's
   values written to each item's draft and checked, five submissions, five cases, the saga's rows), against
   the same five items' drafts — same applicant, same values, same materials — submitted separately with
   forms' `application_submit` in the same run (what the five applications would cost one by one).
b. Guide composition p99 (target ≤ 20 ms): composing the newborn bundle's custom guide (items in order, the
   one form, the one set of materials) for random situational answers from the published version, as the
   bundle page and the application do, against reading the published version's definition once.

One process on PostgreSQL, a fresh database `tongban_bench_bundles` migrated for the run and dropped after it;
the test city of the bundles' tests (five items, four departments, their guides and forms). Setting up the
applications (starting, filling, uploading) is not timed.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import tempfile
import time
from typing import Any

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test.utils import override_settings
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bench import _register

NAME = "tongban_bench_bundles"
APPLICATIONS = int(os.environ.get("BENCH_BUNDLES_APPLICATIONS", "60"))
COMPOSITIONS = int(os.environ.get("BENCH_BUNDLES_COMPOSITIONS", "2000"))
TARGET_COMPOSE_P99_MS = 20.0
VALUES = {
    "subject.P.NAME": "王小明", "subject.P.BIRTH_DATE": "1992-03-04", "birth.hospital": "示范市妇幼保健院",
    "free.phone": "13900001111", "hukou.side": "mother", "insurance.pay": "bank",
    "subject.P.HUKOU_ADDRESS": "示范市中山路1号", "card.phone": "13900002222", "card.bank": "icbc",
    "vaccine.name": "王小明",
}  # fmt: skip


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def _world() -> tuple[Any, Any]:
    """The test city with every item's form; the five items as one bundle without edges, and the newborn."""
    from tongban.bundles.services import bundle_import
    from tongban.bundles.tests.factories import applying_version, newborn_city

    city = newborn_city()
    newborn = applying_version(city)
    items = [{**item, "core": True} for item in city.spec().model_dump(mode="json")["items"]]
    spec = city.spec(code="five", name="五个事项一件事", items=items, edges=[], questions=[])
    return bundle_import(spec=spec), newborn


def _prepared(version: Any, count: int, progress: Progress) -> list[tuple[Any, Any, list[Any]]]:
    """`count` applicants, each with a filled bundle application (every material uploaded) and, for the baseline,
    a second person's five drafts of the same items filled with the same values."""
    from tongban.bundles import applications as apps
    from tongban.forms import services as forms_services
    from tongban.forms.materials import attachment_add, material_states
    from tongban.identity.tests.factories import person_with_account

    data = _pdf()
    out = []
    task = progress.add_task("preparing applications", total=count)
    for _ in range(count):
        parent = person_with_account(realname_level=2)
        application = apps.bundle_application_start(user=parent.user, version=version, answers={})
        apps.bundle_application_save(user=parent.user, application_id=application.pk, values=VALUES)
        composition = apps.application_composition(application)
        for index, material in enumerate(composition.materials):
            if material.way == "applicant":
                apps.bundle_material_upload(user=parent.user, application_id=application.pk, index=index,
                                            stream=io.BytesIO(data), filename="材料.pdf", size=len(data))  # fmt: skip
        # The same five items applied for one by one by another person: the same drafts, filled the same way.
        other = person_with_account(realname_level=2)
        drafts = []
        for child in application.children.select_related("implementation"):
            draft = forms_services.draft_start(user=other.user, implementation=child.implementation)
            own = composition.answers_for(child.node, VALUES)
            forms_services.draft_save(user=other.user, draft_id=draft.pk, answers=own, page=None)
            for state in material_states(draft=draft):
                if state.missing:
                    attachment_add(user=other.user, draft_id=draft.pk, material_id=state.material.pk,
                                   stream=io.BytesIO(data), filename="材料.pdf", size=len(data))  # fmt: skip
            drafts.append(draft)
        out.append((application, other, drafts))
        progress.advance(task)
    return out


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _submissions(console: Console, figures: list[str], version: Any) -> None:
    from tongban.bundles import applications as apps
    from tongban.bundles.models import BundleChild
    from tongban.cases.models import Case
    from tongban.forms import services as forms_services

    with Progress(console=console, transient=True) as progress:
        prepared = _prepared(version, APPLICATIONS, progress)
        task = progress.add_task("submitting", total=len(prepared))
        bundle_ms: list[float] = []
        separate_ms: list[float] = []
        for application, other, drafts in prepared:  # alternating, so both meet the same database state
            started = time.perf_counter()
            apps.bundle_application_submit(user=application.user, application_id=application.pk, declaration=True)
            bundle_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            for draft in drafts:
                forms_services.application_submit(user=other.user, draft_id=draft.pk, consent=[], declaration=True)
            separate_ms.append((time.perf_counter() - started) * 1000)
            progress.advance(task)
    opened = BundleChild.objects.filter(state="opened").count()
    cases = Case.objects.count()
    expected = len(prepared) * 5
    table = Table(title=f"Submissions · PostgreSQL · {os.cpu_count()} CPUs · one process · {len(prepared)} of each")
    for column in ("what", "per second", "p50 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == "what" else "right")
    rows = {"one bundle submission (5 child cases)": bundle_ms, "the same 5 items submitted separately": separate_ms}
    for label, ms in rows.items():
        table.add_row(label, f"{1000 / statistics.mean(ms):,.1f}", f"{_p(ms, 0.5):,.1f}", f"{_p(ms, 0.99):,.1f}")
    console.print(table)
    ratio = statistics.mean(separate_ms) / statistics.mean(bundle_ms)
    console.print(f"child cases opened {opened} of {expected}; cases in all {cases} of {2 * expected}")
    figures.append(
        f"a. bundle submissions: {1000 / statistics.mean(bundle_ms):,.1f}/s (p99 {_p(bundle_ms, 0.99):,.0f} ms, "
        f"5 child cases each) against the same items separately {1000 / statistics.mean(separate_ms):,.1f} "
        f"sets/s (p99 {_p(separate_ms, 0.99):,.0f} ms): {ratio:.2f}× their speed; {opened}/{expected} children opened"
    )


def _composition(console: Console, figures: list[str], version: Any) -> None:
    from tongban.bundles import selectors
    from tongban.bundles.merge import compose

    definition = selectors.bundle_definition(version=version)
    rng = random.Random(7)
    choices = [(q.key, [o.key for o in q.options]) for q in definition.questions]
    answers = [{k: rng.choice(opts) for k, opts in choices} for _ in range(COMPOSITIONS)]
    compose_ms = []
    for chosen in answers:
        started = time.perf_counter()
        compose(selectors.bundle_definition(version=version), chosen)
        compose_ms.append((time.perf_counter() - started) * 1000)
    read_ms = []
    for _ in range(20):
        started = time.perf_counter()
        selectors.bundle_definition(version=version, fresh=True)
        read_ms.append((time.perf_counter() - started) * 1000)
    p99 = _p(compose_ms, 0.99)
    table = Table(title=f"Guide composition · newborn bundle · {COMPOSITIONS} random answers")
    for column in ("what", "p50 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == "what" else "right")
    table.add_row("compose the custom guide (published version kept)", f"{_p(compose_ms, 0.5):.2f}", f"{p99:.2f}")
    table.add_row("read the version's definition from the database", f"{_p(read_ms, 0.5):.1f}",
                  f"{_p(read_ms, 0.99):.1f}")  # fmt: skip
    console.print(table)
    verdict = "met" if p99 <= TARGET_COMPOSE_P99_MS else "MISSED"
    figures.append(f"b. guide composition p99 {p99:.2f} ms (target ≤ {TARGET_COMPOSE_P99_MS:.0f} ms, {verdict}); "
                   f"reading the definition from the database p50 {_p(read_ms, 0.5):.1f} ms")  # fmt: skip


def run() -> None:
    console = Console(width=None if os.isatty(1) else 160)
    console.rule("bench_bundles: 一件事 — one submission against the items one by one, guide composition")
    if connections["default"].vendor != "postgresql":
        console.print("[yellow]bench_bundles needs PostgreSQL (DATABASE_URL=postgres://…); skipped.[/yellow]")
        return
    connections["default"].close()
    with psycopg.connect(_register.conninfo("postgres"), autocommit=True) as pg:
        pg.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        pg.execute(f"CREATE DATABASE {NAME}")
    uploads = tempfile.TemporaryDirectory(prefix="bench-bundles-")
    storages = dict(settings.STORAGES)
    storages["uploads"] = {**storages["uploads"], "OPTIONS": {"location": uploads.name}}
    figures: list[str] = []
    try:
        with _register.use_database(NAME), override_settings(STORAGES=storages):
            call_command("migrate", verbosity=0)
            five, newborn = _world()
            _submissions(console, figures, five)
            _composition(console, figures, newborn)
    finally:
        connections["default"].close()
        with psycopg.connect(_register.conninfo("postgres"), autocommit=True) as pg:
            pg.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        uploads.cleanup()
    console.rule("bench_bundles: figures, each with its baseline from this run")
    for line in figures:
        console.print(line)
