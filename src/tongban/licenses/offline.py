"""An offline verifier outside the platform (issue 6 part 5): a checkpoint officer's laptop or a partner system
copies what the platform publishes — the trust list, each trusted issuer's metadata, every status list the trust
list names — into a folder (`verifier_sync`), and later verifies presentations from that folder alone
(`offline_verify`), saying how old its revocation data is.

Nothing here touches the database: only files, the standards' formats and the platform's public addresses.

- The trust list (`/trust/list.jwt`, `typ: tongban-trustlist+jwt`) is the anchor of everything else. The key
  that signs it is pinned in the manifest: by `anchor` (its RFC 7638 thumbprint, given out of band) or, without
  one, on first use, the thumbprint printed so it can be compared. A later list signed by another key is refused.
- Keys come only from the trust list. An issuer's metadata (`/.well-known/jwt-vc-issuer/...`) is kept beside it
  only when it names the same issuer and no key the trust list does not hold.
- A status list is kept only when it verifies with its issuer's listed keys, its `sub` is the uri it was fetched
  for, it is not past its `exp` and not older than the copy held. A list another region publishes is fetched at
  its own uri and, when that region cannot be reached, from the platform's mirror (`/trust/status?uri=`): it is
  signed by that region's key either way.
- Whatever is refused or cannot be fetched leaves the previous copy in place, and the report says why.
- Verifying offline: the cached list is read as of its own date. Past its `exp` the status is unknown (never
  valid); past fetch + `ttl` the answer is given and marked stale.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tongban.licenses.jose import (
    Malformed,
    b64e,
    compact_split,
    header_refusal,
    json_bytes,
    json_object,
    signature_valid,
)
from tongban.licenses.sdjwt import (
    KeyAnswer,
    KeyLookup,
    StatusAnswer,
    VerifyPolicy,
    VerifyResult,
    sd_jwt_vc_verify,
)
from tongban.licenses.statuslist import MAX_TTL_S, StatusListInvalid, VerifiedList, status_list_token_verify

TRUST_LIST_TYP = "tongban-trustlist+jwt"
MANIFEST = "manifest.json"
TRUST_LIST_FILE = "trust-list.jwt"
MANIFEST_VERSION = 1
MAX_DOWNLOAD_BYTES = 1024 * 1024
FETCH_TIMEOUT_S = 10.0

Fetch = Callable[[str], bytes]


class FetchFailed(Exception):
    """A download that did not happen (network, HTTP status, size): the cached copy stays."""


class CacheUnusable(Exception):
    """The verifier's folder cannot be used (missing, corrupt, its trust list does not verify)."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def http_fetch(url: str) -> bytes:
    """GET `url` over HTTPS (plain HTTP only to this machine, for the demo), at most 1 MiB, or FetchFailed."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname or "")):
        raise FetchFailed(f"{url}: only https addresses are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "tongban-offline-verifier/1"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:  # noqa: S310 (scheme checked)
            body: bytes = response.read(MAX_DOWNLOAD_BYTES + 1)
    except OSError as exc:  # URLError, HTTPError, timeouts
        raise FetchFailed(f"{url}: {exc}") from None
    if len(body) > MAX_DOWNLOAD_BYTES:
        raise FetchFailed(f"{url}: larger than {MAX_DOWNLOAD_BYTES} bytes")
    return body


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint of an Ed25519 (OKP) public key: what an officer compares out of band."""
    members = {"crv": jwk.get("crv"), "kty": jwk.get("kty"), "x": jwk.get("x")}
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode()
    return b64e(hashlib.sha256(canonical).digest())


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _when(value: Any) -> float | None:
    """A trust-list date (ISO 8601, or seconds) as seconds; None when absent; ValueError when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    raise ValueError(f"{value!r} is not a date")


# --- The trust list ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustList:
    token: str
    payload: dict[str, Any]
    signer: dict[str, Any]  # the JWK that signed it

    @property
    def iat(self) -> int:
        return int(self.payload["iat"])

    @property
    def exp(self) -> int | None:
        exp = self.payload.get("exp")
        return int(exp) if isinstance(exp, int) else None

    def issuers(self) -> dict[str, dict[str, Any]]:
        return {i["iss"]: i for i in self.payload["issuers"]}


def trust_list_read(token: str, *, anchor: str | None) -> TrustList:
    """Check the trust list's form and signature: by the key whose thumbprint is `anchor`, or (first use, no
    anchor) by the key its own issuer entry lists. ValueError says why it cannot be used."""
    try:
        header, payload = compact_split(token.strip())
    except Malformed as exc:
        raise ValueError(f"the trust list is not a JWS: {exc}") from None
    refusal = header_refusal(header, typ=TRUST_LIST_TYP)
    if refusal:
        raise ValueError(f"the trust list's header: {refusal[1]}")
    issuers = payload.get("issuers")
    iat = payload.get("iat")
    if not isinstance(issuers, list) or not all(isinstance(i, dict) and isinstance(i.get("iss"), str) for i in issuers):
        raise ValueError("the trust list names no issuers")
    if isinstance(iat, bool) or not isinstance(iat, int):
        raise ValueError("the trust list has no iat")
    kid = header.get("kid")
    own = next((i for i in issuers if i["iss"] == payload.get("iss")), None)
    keys = (own or {}).get("jwks", {}).get("keys", []) if isinstance((own or {}).get("jwks"), dict) else []
    signer = next((k for k in keys if isinstance(k, dict) and k.get("kid") == kid), None)
    if signer is None:
        raise ValueError(f"the trust list's signing key {kid!r} is not among its issuer's keys")
    if anchor is not None and jwk_thumbprint(signer) != anchor:
        raise ValueError(f"the trust list is signed by key {jwk_thumbprint(signer)}, not the pinned {anchor}")
    if not signature_valid(token.strip(), signer):
        raise ValueError("the trust list's signature does not verify")
    return TrustList(token.strip(), payload, signer)


class ListedTrust:
    """`Trust` from a verified trust list: an issuer listed active and in date, its listed keys and types only.
    A list past its own `exp` trusts nobody (it says so)."""

    def __init__(self, trust_list: TrustList, *, now: float) -> None:
        self.issuers = trust_list.issuers()
        self.expired = trust_list.exp is not None and now >= trust_list.exp
        self.exp = trust_list.exp
        self.now = now

    def key(self, *, iss: str, kid: str, vct: str | None) -> KeyAnswer:
        if self.expired:
            assert self.exp is not None
            return KeyAnswer(KeyLookup.UNTRUSTED_ISSUER, detail=f"the cached trust list expired at {_utc(self.exp)}")
        entry = self.issuers.get(iss)
        if entry is None or entry.get("state") != "active":
            return KeyAnswer(KeyLookup.UNTRUSTED_ISSUER, detail=f"{iss} is not an active issuer on the trust list")
        try:
            valid_from, valid_to = _when(entry.get("valid_from")), _when(entry.get("valid_to"))
        except ValueError:
            return KeyAnswer(KeyLookup.UNTRUSTED_ISSUER, detail=f"{iss}: unreadable validity on the trust list")
        if (valid_from is not None and self.now < valid_from) or (valid_to is not None and self.now >= valid_to):
            return KeyAnswer(KeyLookup.UNTRUSTED_ISSUER, detail=f"{iss} is not trusted at this time")
        allowed = entry.get("vct_allowed") or []
        if vct is not None and allowed and not any(isinstance(p, str) and vct.startswith(p) for p in allowed):
            return KeyAnswer(KeyLookup.WRONG_ISSUER, detail=f"{entry.get('name', iss)} is not listed for {vct}")
        jwks = entry.get("jwks")
        keys = jwks.get("keys", []) if isinstance(jwks, dict) else []
        jwk = next((k for k in keys if isinstance(k, dict) and k.get("kid") == kid), None)
        if jwk is None:
            return KeyAnswer(KeyLookup.UNKNOWN_KEY, detail=f"{entry.get('name', iss)} lists no key {kid}")
        return KeyAnswer(KeyLookup.FOUND, jwk=jwk)


# --- The folder ---------------------------------------------------------------------------------------------


def _file_name(kind: str, url: str, suffix: str) -> str:
    return f"{kind}/{hashlib.sha256(url.encode()).hexdigest()[:24]}{suffix}"


def _write(root: Path, name: str, data: bytes) -> None:
    """Replace `root/name` at once: a reader sees the old file or the new one, never half of one."""
    target = root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _manifest_load(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not path.is_file():
        raise CacheUnusable(f"{root} 中没有核验缓存，请先运行 sync-verifier",
                            f"{root} holds no verifier cache: run sync-verifier first")  # fmt: skip
    try:
        manifest = json_object(path.read_bytes(), what="manifest")
    except (OSError, Malformed):
        raise CacheUnusable(f"核验缓存清单 {path} 已损坏，请重新同步",
                            f"the cache manifest {path} is corrupt: sync again") from None  # fmt: skip
    if manifest.get("version") != MANIFEST_VERSION or not isinstance(manifest.get("status_lists", {}), dict):
        raise CacheUnusable(f"核验缓存清单 {path} 的格式不对，请重新同步",
                            f"the cache manifest {path} is not in a known format: sync again")  # fmt: skip
    return manifest


def _trust_list_load(root: Path, manifest: dict[str, Any]) -> TrustList:
    anchor = (manifest.get("anchor") or {}).get("thumbprint")
    path = root / TRUST_LIST_FILE
    try:
        return trust_list_read(path.read_text("ascii"), anchor=anchor)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CacheUnusable(f"缓存的信任列表 {path} 不可用（已损坏或被改动），请重新同步",
                            f"the cached trust list {path} cannot be used ({exc}): sync again") from None  # fmt: skip


# --- Syncing ------------------------------------------------------------------------------------------------


@dataclass
class SyncReport:
    saved: list[str] = field(default_factory=list)  # what was downloaded, verified and kept
    refused: list[str] = field(default_factory=list)  # downloads that did not verify: the old copy stays
    unreachable: list[str] = field(default_factory=list)  # downloads that did not happen: the old copy stays
    pinned: str = ""  # the thumbprint pinned on this run (first use or a new anchor), else ""
    trust_list_iat: int | None = None

    @property
    def ok(self) -> bool:
        return not self.refused and self.trust_list_iat is not None


def metadata_url(iss: str) -> str:
    """SD-JWT VC issuer metadata: `https://host/.well-known/jwt-vc-issuer/<iss path>`."""
    parts = urllib.parse.urlsplit(iss)
    return f"{parts.scheme}://{parts.netloc}/.well-known/jwt-vc-issuer{parts.path.rstrip('/')}"


def _now_iso(now: float) -> str:
    return _utc(now).isoformat()


def verifier_sync(*, url: str, out: Path, fetch: Fetch = http_fetch, anchor: str | None = None,
                  now: float | None = None) -> SyncReport:  # fmt: skip
    """Download the platform's trust list, issuer metadata and status lists into `out`, each verified first.
    Never raises for what it downloads: every refusal and failure is in the report."""
    at = time.time() if now is None else now
    base = url.rstrip("/")
    out.mkdir(parents=True, exist_ok=True)
    report = SyncReport()
    try:
        manifest = _manifest_load(out)
    except CacheUnusable:
        manifest = {}
    pinned = anchor or (manifest.get("anchor") or {}).get("thumbprint")
    held_lists = manifest.get("status_lists")
    held_issuers = manifest.get("issuers")
    manifest = {
        "version": MANIFEST_VERSION, "platform": base, "anchor": manifest.get("anchor"),
        "trust_list": manifest.get("trust_list"), "issuers": held_issuers if isinstance(held_issuers, dict) else {},
        "status_lists": held_lists if isinstance(held_lists, dict) else {},
    }  # fmt: skip

    trust_list: TrustList | None = None
    trust_url = f"{base}/trust/list.jwt"
    try:
        trust_list = trust_list_read(fetch(trust_url).decode("ascii"), anchor=pinned)
        held = manifest["trust_list"] or {}
        if trust_list.exp is not None and trust_list.exp <= at:
            raise ValueError("the trust list has expired")
        if trust_list.iat > at + 60:
            raise ValueError("the trust list is dated in the future")
        if isinstance(held.get("iat"), int) and trust_list.iat < held["iat"]:
            raise ValueError("older than the trust list held")
    except FetchFailed as exc:
        report.unreachable.append(f"trust list: {exc}")
        trust_list = None
    except (ValueError, UnicodeDecodeError) as exc:
        report.refused.append(f"trust list {trust_url}: {exc}")
        trust_list = None
    if trust_list is None:
        try:  # go on with the list already held, so status lists can still be refreshed
            trust_list = _trust_list_load(out, manifest) if manifest["trust_list"] else None
        except CacheUnusable:
            trust_list = None
        if trust_list is None:
            return report
    else:
        _write(out, TRUST_LIST_FILE, trust_list.token.encode("ascii"))
        thumbprint = jwk_thumbprint(trust_list.signer)
        if (manifest["anchor"] or {}).get("thumbprint") != thumbprint:
            manifest["anchor"] = {"thumbprint": thumbprint, "kid": trust_list.signer.get("kid"),
                                  "pinned_at": _now_iso(at), "given": anchor is not None}  # fmt: skip
            report.pinned = thumbprint
        manifest["trust_list"] = {"url": trust_url, "iat": trust_list.iat, "exp": trust_list.exp,
                                  "fetched_at": at, "fetched": _now_iso(at)}  # fmt: skip
        report.trust_list_iat = trust_list.iat
        report.saved.append(f"trust list {trust_url}")

    trust = ListedTrust(trust_list, now=at)
    for iss, entry in trust_list.issuers().items():
        if entry.get("state") != "active":
            continue
        _sync_metadata(out, manifest, report, fetch=fetch, iss=iss, entry=entry, at=at)
        for uri in entry.get("status_lists") or []:
            if isinstance(uri, str):
                _sync_status(out, manifest, report, fetch=fetch, base=base, iss=iss, uri=uri, trust=trust, at=at)
    manifest["synced_at"] = at
    _write(out, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    return report


def _sync_metadata(out: Path, manifest: dict[str, Any], report: SyncReport, *, fetch: Fetch, iss: str,
                   entry: dict[str, Any], at: float) -> None:  # fmt: skip
    where = metadata_url(iss)
    try:
        metadata = json_object(fetch(where), what="issuer metadata")
    except (FetchFailed, Malformed) as exc:  # other regions' hosts are often out of reach: keys are listed anyway
        report.unreachable.append(f"issuer metadata {where}: {exc}")
        return
    listed = {(k.get("kid"), k.get("x")) for k in (entry.get("jwks") or {}).get("keys", [])}
    keys = (metadata.get("jwks") or {}).get("keys") if isinstance(metadata.get("jwks"), dict) else None
    if metadata.get("issuer") != iss:
        report.refused.append(f"issuer metadata {where}: names {metadata.get('issuer')!r}, not {iss}")
        return
    if not isinstance(keys, list) or any(not isinstance(k, dict) or (k.get("kid"), k.get("x")) not in listed
                                         for k in keys):  # fmt: skip
        report.refused.append(f"issuer metadata {where}: keys that the trust list does not hold")
        return
    name = _file_name("issuers", iss, ".json")
    _write(out, name, json_bytes(metadata))
    manifest["issuers"][iss] = {"file": name, "url": where, "fetched_at": at, "fetched": _now_iso(at)}
    report.saved.append(f"issuer metadata {where}")


def _sync_status(out: Path, manifest: dict[str, Any], report: SyncReport, *, fetch: Fetch, base: str, iss: str,
                 uri: str, trust: ListedTrust, at: float) -> None:  # fmt: skip
    held = manifest["status_lists"].get(uri) or {}
    mirror = f"{base}/trust/status?{urllib.parse.urlencode({'uri': uri})}"
    sources = [uri] if uri.startswith(f"{base}/") else [uri, mirror]
    failures: list[str] = []
    for source in sources:
        try:
            token = fetch(source).decode("ascii").strip()
            lst = status_list_token_verify(token, uri=uri, issuer=iss, trust=trust, now=at)
        except FetchFailed as exc:
            failures.append(str(exc))
            continue
        except (StatusListInvalid, UnicodeDecodeError) as exc:
            report.refused.append(f"status list {uri} from {source}: {exc}")
            continue
        if isinstance(held.get("iat"), int) and lst.iat < held["iat"]:
            report.refused.append(f"status list {uri} from {source}: older than the list held")
            continue
        name = _file_name("status", uri, ".jwt")
        _write(out, name, token.encode("ascii"))
        manifest["status_lists"][uri] = {"file": name, "iss": iss, "source": source, "iat": lst.iat, "exp": lst.exp,
                                         "ttl": lst.ttl, "fetched_at": at, "fetched": _now_iso(at)}  # fmt: skip
        report.saved.append(f"status list {uri}" + ("" if source == uri else " (platform mirror)"))
        return
    if failures:
        report.unreachable.append(f"status list {uri}: {'; '.join(failures)}")


# --- Verifying offline --------------------------------------------------------------------------------------


class _CachedLists:
    """`StatusSource` from the folder: each list as verified when it was fetched, answered as of its own date."""

    def __init__(self, root: Path, manifest: dict[str, Any], trust_list: TrustList, *, now: float) -> None:
        self.root, self.lists, self.trust_list, self.now = root, manifest.get("status_lists", {}), trust_list, now
        self.used: dict[str, Any] | None = None  # the manifest entry of the list the last answer came from

    def _read(self, uri: str, iss: str, entry: dict[str, Any]) -> VerifiedList:
        path = self.root / str(entry.get("file", ""))
        fetched = entry.get("fetched_at")
        if not isinstance(fetched, int | float) or not path.is_file():
            raise StatusListInvalid(f"the cached file for {uri} is missing")
        try:
            token = path.read_text("ascii")
        except (OSError, UnicodeDecodeError):
            raise StatusListInvalid(f"the cached file {path} is unreadable") from None
        try:  # as it was when it was fetched: its age is judged below, not refused here
            trust = ListedTrust(self.trust_list, now=fetched)
            return status_list_token_verify(token, uri=uri, issuer=iss, trust=trust, now=fetched)
        except StatusListInvalid as exc:
            raise StatusListInvalid(f"the cached file {path} does not verify ({exc}): sync again") from None

    def status(self, *, iss: str, uri: str, idx: int) -> StatusAnswer:
        entry = self.lists.get(uri)
        if not isinstance(entry, dict):
            return StatusAnswer(None, source="none", stale=True, detail=f"no status list for {uri} in the cache")
        try:
            lst = self._read(uri, iss, entry)
        except StatusListInvalid as exc:
            return StatusAnswer(None, source="none", stale=True, detail=str(exc))
        self.used = {**entry, "uri": uri}
        as_of = _utc(lst.iat)
        if lst.exp is not None and self.now >= lst.exp:
            return StatusAnswer(None, as_of=as_of, source="cache", stale=True,
                                detail=f"the cached status list expired at {_utc(lst.exp)}")  # fmt: skip
        try:
            value = lst.get(idx)
        except IndexError:
            return StatusAnswer(None, as_of=as_of, source="cache", detail="idx is outside the list")
        ttl = min(max(lst.ttl, 60), MAX_TTL_S) if lst.ttl is not None else None
        stale = ttl is not None and self.now >= float(entry["fetched_at"]) + ttl
        return StatusAnswer(value, as_of=as_of, source="cache", stale=stale,
                            detail="past its ttl: sync again when online" if stale else "")  # fmt: skip


@dataclass(frozen=True)
class OfflineResult:
    result: VerifyResult
    issuer_name: str = ""
    synced_at: datetime | None = None  # the last sync
    trust_list_as_of: datetime | None = None
    trust_list_expired: bool = False
    status_uri: str = ""
    status_as_of: datetime | None = None  # the list's own date (iat): how old the revocation data is
    status_fetched_at: datetime | None = None
    status_expires_at: datetime | None = None
    status_expired: bool = False  # past the list's exp: the answer is unknown, never valid
    status_stale: bool = False  # past the list's ttl (or expired)
    now: datetime = field(default_factory=lambda: datetime.now(tz=UTC))

    @property
    def valid(self) -> bool:
        return self.result.valid

    @property
    def status_age_s(self) -> float | None:
        return None if self.status_as_of is None else (self.now - self.status_as_of).total_seconds()


def offline_verify(*, cache_dir: Path | str, presentation: str, now: float | None = None,
                   audience: str | None = None, nonce: str | None = None,
                   require_key_binding: bool = False) -> OfflineResult:  # fmt: skip
    """Verify a presentation (SD-JWT VC, with or without KB-JWT) from the synced folder only. Raises
    CacheUnusable when the folder cannot be used; every answer about the presentation is in the result."""
    at = time.time() if now is None else now
    root = Path(cache_dir)
    manifest = _manifest_load(root)
    trust_list = _trust_list_load(root, manifest)
    trust = ListedTrust(trust_list, now=at)
    lists = _CachedLists(root, manifest, trust_list, now=at)
    policy = VerifyPolicy(require_key_binding=require_key_binding or bool(audience and nonce), audience=audience,
                          nonce=nonce)  # fmt: skip
    result = sd_jwt_vc_verify(presentation, trust=trust, status=lists, policy=policy, now=at)
    entry = trust.issuers.get(result.iss) or {}
    used = lists.used if result.status_as_of is not None else None
    exp = used.get("exp") if used else None
    synced = manifest.get("synced_at")
    return OfflineResult(
        result=result, issuer_name=str(entry.get("name") or ""),
        synced_at=_utc(synced) if isinstance(synced, int | float) else None,
        trust_list_as_of=_utc(trust_list.iat), trust_list_expired=trust.expired,
        status_uri=used["uri"] if used else "", status_as_of=result.status_as_of,
        status_fetched_at=_utc(used["fetched_at"]) if used else None,
        status_expires_at=_utc(exp) if isinstance(exp, int) else None,
        status_expired=isinstance(exp, int) and at >= exp, status_stale=result.status_stale, now=_utc(at),
    )  # fmt: skip
