"""E-licences (issue 6), each figure printed with its baseline from the same run:

a. Offline verification per second: a verifier that has fetched the issuer's keys and the region's status
   list once and is then cut off (its fetch raises) verifies presented licences — header and algorithm
   checks, the issuer signature, every disclosure's digest, the claims, the status bit from its cached list —
   against raw Ed25519 verification (pyca/cryptography) of the same signing input and signature in the same
   run (target ≥ 0.7×). Twice: a presentation without holder binding (one signature each side), and one with
   its KB-JWT (two signatures each side: the issuer's and the holder's).
b. Issuance per second: `licence_issue` (identifier, status slot, the SD-JWT VC signed by the department's
   seal key, its history row and audit entry) with and without the signed PDF (WeasyPrint, the seal and QR,
   pyHanko's PAdES signature), beside rendering and signing the PDF alone.

Runs on a fresh PostgreSQL database, `tongban_bench_licences`, migrated for the run and dropped after it.
"""

from __future__ import annotations

import os
import secrets
import statistics
import time
from collections.abc import Callable
from typing import Any

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bench import _register

NAME = "tongban_bench_licences"
TARGET_RATIO = 0.7
ROUNDS = int(os.environ.get("BENCH_LICENCES_ROUNDS", "5"))
VERIFY_SECONDS = float(os.environ.get("BENCH_LICENCES_SECONDS", "1.0"))
ISSUES = int(os.environ.get("BENCH_LICENCES_ISSUES", "40"))


def _rate(fn: Callable[[], Any], seconds: float) -> float:
    """Calls per second of `fn` over about `seconds` (after one call to warm it)."""
    fn()
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(50):
            fn()
        done += 50
    return done / elapsed


def _alternate(kinds: dict[str, Callable[[], Any]], seconds: float) -> dict[str, float]:
    """The median rate of each kind over ROUNDS rounds, the kinds alternating within each round."""
    rates: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(ROUNDS):
        for kind, fn in kinds.items():
            rates[kind].append(_rate(fn, seconds))
    return {k: statistics.median(v) for k, v in rates.items()}


def _b64d(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw_check(jwt: str, jwk: dict[str, Any]) -> Callable[[], None]:
    """Raw Ed25519 verification of the compact JWS's signing input, the key already loaded."""
    head, body, signature = jwt.split(".")
    key = Ed25519PublicKey.from_public_bytes(_b64d(jwk["x"]))
    data, sig = f"{head}.{body}".encode(), _b64d(signature)
    return lambda: key.verify(sig, data)


def _world() -> tuple[Any, Any, Any, Any]:
    """A department with its licence type, a firm, a wallet key and an issuing reviewer."""
    from tongban.identity.roles import Role
    from tongban.identity.tests.factories import DepartmentFactory, EnterpriseFactory, staff_with_roles
    from tongban.licenses.tests.factories import LicenceTypeFactory, WalletKey

    department = DepartmentFactory(name="示范市市场监督管理局")
    reviewer = staff_with_roles([Role.REVIEWER], department=department, username="bench-lic", mobile="13700000990")
    return LicenceTypeFactory(code="11100000000013338W011", department=department), EnterpriseFactory(), \
        WalletKey(), reviewer  # fmt: skip


def _verification(console: Console, figures: list[str]) -> None:
    from tongban.licenses import selectors, services
    from tongban.licenses.sdjwt import VerifyPolicy, sd_jwt_present, sd_jwt_vc_verify
    from tongban.licenses.statuslist import CachedStatusSource
    from tongban.licenses.tests.factories import business_fields

    licence_type, firm, wallet, reviewer = _world()
    licence = services.licence_issue(licence_type=licence_type, holder=firm, number="91990101MA1234567X",
                                     fields=business_fields(), actor=reviewer, holder_jwk=wallet.jwk)  # fmt: skip
    uri = selectors.status_uri(licence.status_list)
    list_token = services.status_list_sign(status_list=licence.status_list)

    class Cached:  # what an offline verifier holds: the trust list's keys, read once into memory
        def __init__(self) -> None:
            local = selectors.LocalTrust()
            self._answers: dict[tuple[str, str, str | None], Any] = {}
            self._local = local  # asked once per key, then never again

        def key(self, *, iss: str, kid: str, vct: str | None) -> Any:
            answer = self._answers.get((iss, kid, vct))  # one look-up, as an in-memory trust list does
            if answer is None:
                answer = self._answers[iss, kid, vct] = self._local.key(iss=iss, kid=kid, vct=vct)
            return answer

    trust = Cached()
    online = {"up": True}

    def fetch(url: str) -> str:
        if not online["up"]:
            raise ConnectionError("offline")
        return list_token

    status = CachedStatusSource(fetch=fetch, trust=trust)
    plain = sd_jwt_present(licence.token, disclose=["licence_id", "holder_name", "enterprise_name"])
    audience, nonce = "bench-verifier", secrets.token_hex(8)
    bound = sd_jwt_present(licence.token, disclose=["licence_id", "holder_name", "enterprise_name"],
                           holder_key=wallet.private, audience=audience, nonce=nonce)  # fmt: skip
    unbound_policy = VerifyPolicy(require_key_binding=False)
    bound_policy = VerifyPolicy(require_key_binding=True, audience=audience, nonce=nonce)

    def check(presentation: str, policy: VerifyPolicy) -> Callable[[], None]:
        def run() -> None:
            result = sd_jwt_vc_verify(presentation, trust=trust, status=status, policy=policy, now=time.time())
            if not result.valid:
                raise RuntimeError(f"the bench's licence did not verify: {result.outcome} {result.detail}")

        return run

    check(plain, unbound_policy)()  # fetches the list and the keys once
    online["up"] = False
    published = selectors.issuer_jwks(region=licence.department.region)["keys"]
    issuer_jwk = next(k for k in published if k["kid"] == licence.kid)
    issuer_raw = _raw_check(plain.split("~")[0], issuer_jwk)
    kb_raw = _raw_check(bound.split("~")[-1], wallet.jwk)
    kinds = {
        "raw1": issuer_raw,
        "offline": check(plain, unbound_policy),
        "raw2": lambda: (issuer_raw(), kb_raw()),
        "offline_kb": check(bound, bound_policy),
    }
    console.print(f"verifying offline ({ROUNDS} rounds × {VERIFY_SECONDS:.1f} s each, alternating)…")
    rates = _alternate(kinds, VERIFY_SECONDS)
    answer = status.status(iss=selectors.issuer_url(licence.department.region), uri=uri, idx=licence.status_idx)
    table = Table(title=f"Offline verification · {os.cpu_count()} CPUs · one process")
    for column in ("what", "per second", "µs each", "ratio to its baseline"):
        table.add_column(column, justify="left" if column == "what" else "right")
    rows = [
        ("raw1", "baseline: raw Ed25519 verify of the issuer JWT", 1.0),
        ("offline", "offline verify, 3 of 13 claims disclosed, no holder binding", rates["offline"] / rates["raw1"]),
        ("raw2", "baseline: raw Ed25519 verify of issuer JWT + KB-JWT", 1.0),
        ("offline_kb", "offline verify with the KB-JWT (audience, nonce, sd_hash)",
         rates["offline_kb"] / rates["raw2"]),
    ]  # fmt: skip
    for kind, label, ratio in rows:
        table.add_row(label, f"{rates[kind]:,.0f}", f"{1e6 / rates[kind]:,.0f}", f"{ratio:.2f}×")
    console.print(table)
    console.print(f"the cached status list answered from '{answer.source}' as of {answer.as_of:%Y-%m-%d %H:%M:%S} "
                  f"(stale={answer.stale}) while the fetch raised", style="dim")  # fmt: skip
    for kind, baseline in (("offline", "raw1"), ("offline_kb", "raw2")):
        ratio = rates[kind] / rates[baseline]
        verdict = "[green]met[/green]" if ratio >= TARGET_RATIO else "[red]MISSED[/red]"
        what = "with KB-JWT" if kind == "offline_kb" else "no holder binding"
        figures.append(f"a. offline verification ({what}): {rates[kind]:,.0f}/s vs raw Ed25519 {rates[baseline]:,.0f}/s"
                       f" = {ratio:.2f}× (target ≥ {TARGET_RATIO}×) {verdict}")  # fmt: skip


def _issuance(console: Console, figures: list[str]) -> None:
    from tongban.identity.models import Enterprise, Staff
    from tongban.licenses import services
    from tongban.licenses.document import licence_pdf
    from tongban.licenses.models import LicenceType
    from tongban.licenses.pdfsign import document_key_for
    from tongban.licenses.tests.factories import business_fields

    licence_type = LicenceType.objects.select_related("department__region").get(code="11100000000013338W011")
    firm = Enterprise.objects.first()
    reviewer = Staff.objects.get(user__username="bench-lic")
    document_key_for(department=licence_type.department)  # the document root and key, made once beforehand
    made = {"n": 0}

    def issue() -> Any:
        made["n"] += 1
        return services.licence_issue(licence_type=licence_type, holder=firm, number=f"BENCH{made['n']:06d}",
                                      fields=business_fields(), actor=reviewer)  # fmt: skip

    sample = issue()
    kinds: dict[str, Callable[[], Any]] = {
        "issue": issue,
        "pdf": lambda: licence_pdf(licence=sample),
        "issue_pdf": lambda: licence_pdf(licence=issue()),
    }
    timings: dict[str, list[float]] = {k: [] for k in kinds}
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("issuing", total=ROUNDS * len(kinds) * max(1, ISSUES // ROUNDS))
        for _ in range(ROUNDS):
            for kind, fn in kinds.items():
                started = time.perf_counter()
                for _ in range(max(1, ISSUES // ROUNDS)):
                    fn()
                    progress.advance(task)
                timings[kind].append(max(1, ISSUES // ROUNDS) / (time.perf_counter() - started))
    rates = {k: statistics.median(v) for k, v in timings.items()}
    table = Table(title=f"Issuance · PostgreSQL · {os.cpu_count()} CPUs · one process · {ISSUES} of each")
    for column in ("what", "per second", "ms each"):
        table.add_column(column, justify="left" if column == "what" else "right")
    labels = {"issue": "licence_issue (token signed, rows, audit)", "pdf": "the signed PDF alone (render + PAdES)",
              "issue_pdf": "licence_issue + its signed PDF"}  # fmt: skip
    for kind, label in labels.items():
        table.add_row(label, f"{rates[kind]:,.1f}", f"{1000 / rates[kind]:,.1f}")
    console.print(table)
    figures.append(f"b. issuance: {rates['issue']:,.1f}/s without the PDF, {rates['issue_pdf']:,.1f}/s with the "
                   f"signed PDF (the PDF alone {1000 / rates['pdf']:,.0f} ms)")  # fmt: skip


def run() -> None:
    console = Console(width=None if os.isatty(1) else 160)
    console.rule("bench_licences: 电子证照 — offline verification against raw Ed25519, issuance with the signed PDF")
    if connections["default"].vendor != "postgresql":
        console.print("[yellow]bench_licences needs PostgreSQL (DATABASE_URL=postgres://…); skipped.[/yellow]")
        return
    connections["default"].close()
    with psycopg.connect(_register.conninfo("postgres"), autocommit=True) as pg:
        pg.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        pg.execute(f"CREATE DATABASE {NAME}")
    settings.LICENCE_SEAL_KEK = secrets.token_urlsafe(32)  # this run's key-encryption key, never written
    figures: list[str] = []
    try:
        with _register.use_database(NAME):
            call_command("migrate", verbosity=0)
            _verification(console, figures)
            _issuance(console, figures)
    finally:
        connections["default"].close()
        with psycopg.connect(_register.conninfo("postgres"), autocommit=True) as pg:
            pg.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
    console.rule("bench_licences: figures, each with its baseline from this run")
    for line in figures:
        console.print(line)
