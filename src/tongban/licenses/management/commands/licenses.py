"""`tongban licenses expire`: the daily run that marks licences past their valid-until date expired (their tokens'
exp already says so; this puts it on the status list and in each licence's history). `tongban licenses check`:
whether the seal backend can sign (the key-encryption key is there and fits). `tongban licenses import TYPE FILE`:
existing licences (存量) of one type from a CSV or JSONL file, every rejected row named with why; exits 1 when
any row was rejected, so a migration script notices.

The offline verifier (licenses.offline), for a checkpoint officer or a partner system outside the platform:
`tongban licenses sync-verifier --url URL --out DIR` copies the trust list, issuer metadata and status lists into
DIR, each verified first (exits 1 when a download was refused or the platform could not be reached);
`tongban licenses verify-offline --cache DIR PRESENTATION|-` verifies from DIR alone and says how old its
revocation data is (exits 0 only for a valid licence).

`tongban licenses refresh-status` (cron, every 15 minutes or so): fetches the status lists of other regions' trusted
issuers that this platform mirrors, keeping each newer one that verifies; exits 1 when a list was refused."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tongban.core.errors import DomainError
from tongban.licenses.offline import CacheUnusable, OfflineResult, http_fetch, offline_verify, verifier_sync
from tongban.licenses.seal import seals
from tongban.licenses.selectors import licence_type_get
from tongban.licenses.services import licences_expire, licences_import
from tongban.licenses.trust import trusted_status_refresh


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def age_words(seconds: float) -> tuple[str, str]:
    """How old, in Chinese and English: minutes under an hour, hours under two days, then days."""
    seconds = max(seconds, 0)
    if seconds < 3600:
        n = int(seconds // 60)
        return f"{n} 分钟前", f"{n} minute{'s' if n != 1 else ''} old"
    if seconds < 48 * 3600:
        n = int(seconds // 3600)
        return f"{n} 小时前", f"{n} hour{'s' if n != 1 else ''} old"
    n = int(seconds // 86400)
    return f"{n} 天前", f"{n} days old"


def offline_report(outcome: OfflineResult) -> list[str]:
    """What verify-offline prints: the outcome, the issuer, the disclosed fields, the age of the revocation data."""
    result = outcome.result
    lines = [f"结果 outcome: {result.outcome.value} — {result.message_zh} / {result.message_en}"]
    if result.detail:
        lines.append(f"  ({result.detail})")
    if result.iss:
        lines.append(f"发证方 issuer: {outcome.issuer_name or '—'} ({result.iss})")
    if result.disclosed:
        lines.append("出示的信息 disclosed:")
        lines += [f"  {name}: {result.claims.get(name)}" for name in result.disclosed]
    if outcome.status_as_of is not None and outcome.status_age_s is not None:
        zh, en = age_words(outcome.status_age_s)
        when = _local(outcome.status_as_of)
        lines.append(f"吊销数据更新于 {when}（{zh}） / revocation data as of {when}, {en}")
        if outcome.status_expired and outcome.status_expires_at is not None:
            until = _local(outcome.status_expires_at)
            lines.append(f"吊销数据已于 {until} 过期，无法确认证照当前状态，请联网同步 / the revocation data expired "
                         f"at {until}: the licence's current status is unknown, sync when online")  # fmt: skip
        elif outcome.status_stale:
            lines.append("吊销数据已超过建议更新时间，请尽快联网同步 / the revocation data is past its refresh time: "
                         "sync when online")  # fmt: skip
    if outcome.trust_list_as_of is not None:
        when = _local(outcome.trust_list_as_of)
        lines.append(f"信任列表签发于 {when}{'（已过期）' if outcome.trust_list_expired else ''} / trust list of {when}"
                     f"{' (expired)' if outcome.trust_list_expired else ''}")  # fmt: skip
    return lines


class Command(BaseCommand):
    help = "电子证照 E-licences: expire, check the seal backend, import, and the offline verifier"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("expire", help="失效 mark licences past their valid-until date expired (run daily)")
        actions.add_parser("check", help="whether the seal backend can sign")
        actions.add_parser("refresh-status", help="跨区域互认 refresh the mirrored status lists of other regions")
        imports = actions.add_parser("import", help="存量证照 import existing licences of one type")
        imports.add_argument("type_code", nargs="?", help="the licence type code (21 characters)")
        imports.add_argument("file", nargs="?", type=Path, help="a CSV or JSONL file")
        sync = actions.add_parser("sync-verifier", help="离线核验 copy the trust list and status lists into a folder")
        sync.add_argument("--url", required=True, help="the platform's base URL, e.g. https://tongban.example")
        sync.add_argument("--out", required=True, type=Path, help="the verifier's folder")
        anchor = "the RFC 7638 thumbprint of the trust list's signing key (from the platform operator); without it "
        anchor += "the first sync pins the key it finds"
        sync.add_argument("--anchor", help=anchor)
        verify = actions.add_parser("verify-offline", help="离线核验 verify a presentation from the folder alone")
        verify.add_argument("--cache", required=True, type=Path, help="the folder sync-verifier filled")
        verify.add_argument("presentation", help="the SD-JWT VC presentation, or - to read it from stdin")
        verify.add_argument("--audience", help="with a KB-JWT: the audience this verifier gave the holder")
        verify.add_argument("--nonce", help="with a KB-JWT: the nonce this verifier gave the holder")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "check":
            seal = seals.load()
            seal.check_config()
            self.stdout.write(f"签章 seal backend {seal.plugin_id} ({seal.algorithm}) is ready")
        elif action == "import":
            self._import(options["type_code"], options["file"])
        elif action == "sync-verifier":
            self._sync(options["url"], options["out"], options.get("anchor"))
        elif action == "refresh-status":
            self._refresh()
        elif action == "verify-offline":
            self._verify(options["cache"], options["presentation"], options.get("audience"), options.get("nonce"))
        else:
            count = licences_expire()
            self.stdout.write(f"失效 expired {count} licence(s) past their valid-until date")

    def _import(self, type_code: str | None, path: Path | None) -> None:
        if not type_code or path is None:
            raise CommandError("用法 usage: tongban licenses import TYPE_CODE FILE")
        if not path.is_file():
            raise CommandError(f"找不到文件 no such file: {path}")
        try:
            licence_type = licence_type_get(code=type_code)
            report = licences_import(licence_type=licence_type, file=path.read_bytes(), name=path.name,
                                     actor="system:import-command")  # fmt: skip
        except DomainError as exc:
            raise CommandError(f"{exc.message_zh} / {exc.message_en}") from None
        self.stdout.write(f"{licence_type.name}: {report.rows_total} 行 rows, 签发 issued {len(report.issued)}, "
                          f"拒绝 rejected {len(report.rejected)}")  # fmt: skip
        for row in report.rejected:
            self.stdout.write(f"  第 {row.line} 行 line {row.line} {row.holder}: {row.reason_zh} / {row.reason_en}")
        if report.rejected:
            raise SystemExit(1)

    def _sync(self, url: str, out: Path, anchor: str | None) -> None:
        report = verifier_sync(url=url, out=out, fetch=http_fetch, anchor=anchor)
        for line in report.saved:
            self.stdout.write(f"已保存 saved: {line}")
        for line in report.unreachable:
            self.stdout.write(f"未能下载，保留原有副本 not fetched, previous copy kept: {line}")
        for line in report.refused:
            self.stdout.write(f"验证失败，已拒绝，保留原有副本 refused, previous copy kept: {line}")
        if report.pinned:
            self.stdout.write(f"已固定信任列表签名密钥 pinned the trust list's signing key: {report.pinned} "
                              "（请与平台公布的指纹核对 compare it with the one the platform publishes）")  # fmt: skip
        if not report.ok:
            raise SystemExit(1)

    def _refresh(self) -> None:
        report = trusted_status_refresh(fetch=http_fetch)
        self.stdout.write(f"状态列表 status lists of other regions: 更新 refreshed {len(report.refreshed)}, "
                          f"未变 unchanged {len(report.unchanged)}, 拒绝 refused {len(report.refused)}, "
                          f"无法连接 unreachable {len(report.unreachable)}")  # fmt: skip
        for uri, why in report.unreachable:
            self.stdout.write(f"  无法连接，保留原有列表 unreachable, the list held stays: {uri}: {why}")
        for uri, why in report.refused:
            self.stdout.write(f"  验证失败，已拒绝，保留原有列表 refused, the list held stays: {uri}: {why}")
        if report.refused:
            raise SystemExit(1)

    def _verify(self, cache: Path, presentation: str, audience: str | None, nonce: str | None) -> None:
        text = sys.stdin.read() if presentation == "-" else presentation
        try:
            outcome = offline_verify(cache_dir=cache, presentation=text.strip(), audience=audience, nonce=nonce)
        except CacheUnusable as exc:
            raise CommandError(f"{exc.message_zh} / {exc.message_en}", returncode=2) from None
        for line in offline_report(outcome):
            self.stdout.write(line)
        if not outcome.valid:
            raise SystemExit(1)
