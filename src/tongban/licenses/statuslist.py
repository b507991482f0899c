"""Token Status List (draft-ietf-oauth-status-list): the bit array, its signed token, and a verifier's cache.

The list is a byte array, `bits` per entry, the lowest bits of byte 0 for index 0; `lst` is base64url of its
zlib (DEFLATE, level 9) compression. The token is a JWS `typ: statuslist+jwt` with `sub` = the uri that
credentials name. A verifier takes a list only when it is signed by a key of the credential's issuer (not
of whatever `iss` the list claims), and `CachedStatusSource` keeps the newest list that verified: a refresh
that fails, or is older than what it holds, never replaces it; past `exp` it answers unknown, never valid.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tongban.licenses.jose import (
    ALG,
    MAX_TOKEN_CHARS,
    Malformed,
    Signer,
    b64d,
    b64e,
    compact_sign,
    compact_split,
    header_refusal,
    signature_valid,
)
from tongban.licenses.sdjwt import KeyLookup, StatusAnswer, Trust

TYP = "statuslist+jwt"
BITS = frozenset({1, 2, 4, 8})
MAX_LIST_BYTES = 4 * 1024 * 1024  # a decompressed list larger than this is refused (zlib bomb)
MAX_TTL_S = 7 * 24 * 3600


class StatusListInvalid(ValueError):
    """A status list token that must not be used; the message says why (English, for logs)."""


def status_get(data: bytes, idx: int, *, bits: int) -> int:
    per_byte = 8 // bits
    byte = idx // per_byte
    if idx < 0 or byte >= len(data):
        raise IndexError(f"index {idx} is outside the list")
    return (data[byte] >> ((idx % per_byte) * bits)) & ((1 << bits) - 1)


def status_set(data: bytearray, idx: int, value: int, *, bits: int) -> None:
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{value} does not fit in {bits} bits")
    per_byte = 8 // bits
    byte, shift = idx // per_byte, (idx % per_byte) * bits
    if idx < 0 or byte >= len(data):
        raise IndexError(f"index {idx} is outside the list")
    mask = ((1 << bits) - 1) << shift
    data[byte] = (data[byte] & ~mask & 0xFF) | (value << shift)


def lst_encode(data: bytes) -> str:
    return b64e(zlib.compress(bytes(data), 9))


def lst_decode(lst: str, *, max_bytes: int = MAX_LIST_BYTES) -> bytes:
    """Decompress without ever holding more than `max_bytes`: a small bomb cannot fill memory."""
    try:
        compressed = b64d(lst)
        inflater = zlib.decompressobj()
        data = inflater.decompress(compressed, max_bytes + 1)
    except (Malformed, zlib.error) as exc:
        raise StatusListInvalid("lst is not base64url zlib") from exc
    if len(data) > max_bytes or inflater.unconsumed_tail:
        raise StatusListInvalid("the list is larger than allowed")
    if not inflater.eof:
        raise StatusListInvalid("the compressed list is truncated")
    return data


def status_list_token_build(
    *, iss: str, uri: str, kid: str, bits: int, data: bytes, iat: int, exp: int, ttl: int, sign: Signer
) -> str:
    payload = {
        "iss": iss,
        "sub": uri,
        "iat": iat,
        "exp": exp,
        "ttl": ttl,
        "status_list": {"bits": bits, "lst": lst_encode(data)},
    }
    return compact_sign(header={"alg": ALG, "typ": TYP, "kid": kid}, payload=payload, sign=sign)


@dataclass(frozen=True)
class VerifiedList:
    uri: str
    bits: int
    data: bytes
    iat: int
    exp: int | None
    ttl: int | None

    def get(self, idx: int) -> int:
        return status_get(self.data, idx, bits=self.bits)


def _int(payload: dict[str, Any], name: str, *, required: bool) -> int | None:
    value = payload.get(name)
    if value is None and not required and name not in payload:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StatusListInvalid(f"{name} is not a non-negative integer")
    return value


def status_list_token_verify(
    token: str, *, uri: str, issuer: str, trust: Trust, now: float | None = None, leeway_s: int = 60
) -> VerifiedList:
    """The list at `uri` for credentials of `issuer`, or StatusListInvalid saying why it cannot be used."""
    at = time.time() if now is None else now
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        raise StatusListInvalid("not a token, or too long")
    try:
        header, payload = compact_split(token.strip())
    except Malformed as exc:
        raise StatusListInvalid(str(exc)) from exc
    refusal = header_refusal(header, typ=TYP)
    if refusal:
        raise StatusListInvalid(refusal[1])
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise StatusListInvalid("no kid")
    if payload.get("iss", issuer) != issuer:
        raise StatusListInvalid("the list names another issuer")
    answer = trust.key(iss=issuer, kid=kid, vct=None)  # the credential's issuer, never the list's own claim
    if answer.lookup != KeyLookup.FOUND or answer.jwk is None:
        raise StatusListInvalid(f"key {kid}: {answer.lookup.value}")
    if not signature_valid(token.strip(), answer.jwk):
        raise StatusListInvalid("the signature does not verify")
    if payload.get("sub") != uri:
        raise StatusListInvalid("sub is not the uri the credential names")
    iat = _int(payload, "iat", required=True)
    exp = _int(payload, "exp", required=False)
    ttl = _int(payload, "ttl", required=False)
    assert iat is not None
    if iat > at + leeway_s:
        raise StatusListInvalid("iat is in the future")
    if exp is not None and exp <= at:
        raise StatusListInvalid("the list has expired")
    status_list = payload.get("status_list")
    if not isinstance(status_list, dict) or status_list.get("bits") not in BITS:
        raise StatusListInvalid("status_list.bits must be 1, 2, 4 or 8")
    lst = status_list.get("lst")
    if not isinstance(lst, str):
        raise StatusListInvalid("status_list.lst missing")
    return VerifiedList(uri, status_list["bits"], lst_decode(lst), iat, exp, ttl)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


class CachedStatusSource:
    """A verifier's status lists, fetched through `fetch(uri) -> token` and cached by the token's own rules:
    refresh after fetch + ttl (clamped to a week; no ttl: by exp), answer from cache while refresh fails, and
    say `unknown` once the cached list is past its exp. Works offline with whatever it last verified."""

    def __init__(
        self, *, fetch: Callable[[str], str], trust: Trust, clock: Callable[[], float] = time.time, min_ttl_s: int = 60
    ) -> None:
        self.fetch = fetch
        self.trust = trust
        self.clock = clock
        self.min_ttl_s = min_ttl_s
        # uri → (list, fetched at, its iat, the answers given from it so far: immutable, and gone with the list)
        self._cache: dict[str, tuple[VerifiedList, float, datetime, dict[tuple[int, str], StatusAnswer]]] = {}

    def _due(self, entry: tuple[VerifiedList, float, datetime, Any] | None, now: float) -> bool:
        if entry is None:
            return True
        lst, fetched, _, _ = entry
        if lst.ttl is not None:
            return now >= fetched + min(max(lst.ttl, self.min_ttl_s), MAX_TTL_S)
        return lst.exp is None or now >= lst.exp

    def refresh(self, *, iss: str, uri: str) -> str:
        """Fetch and verify once; the cache changes only for a list that verifies and is not older."""
        now = self.clock()
        try:
            fresh = status_list_token_verify(self.fetch(uri), uri=uri, issuer=iss, trust=self.trust, now=now)
        except StatusListInvalid as exc:
            return f"refresh refused: {exc}"
        except Exception as exc:  # the network or the server: keep what we have
            return f"refresh failed: {type(exc).__name__}"
        held = self._cache.get(uri)
        if held is not None and fresh.iat < held[0].iat:
            return "refresh refused: older than the cached list"
        self._cache[uri] = (fresh, now, _utc(fresh.iat), {})
        return ""

    def status(self, *, iss: str, uri: str, idx: int) -> StatusAnswer:
        now = self.clock()
        entry = self._cache.get(uri)
        problem = ""
        if self._due(entry, now):
            problem = self.refresh(iss=iss, uri=uri)
            entry = self._cache.get(uri)
        if entry is None:
            return StatusAnswer(None, source="none", stale=True, detail=problem or "no status list")
        lst, fetched, as_of, answers = entry
        source = "online" if fetched == now else "cache"
        if lst.exp is not None and now >= lst.exp:
            return StatusAnswer(None, as_of=as_of, source=source, stale=True, detail=problem or "list past its exp")
        try:
            value = lst.get(idx)
        except IndexError:
            return StatusAnswer(None, as_of=as_of, source=source, detail="idx is outside the list")
        if problem:
            return StatusAnswer(value, as_of=as_of, source=source, stale=True, detail=problem)
        answer = answers.get((value, source))
        if answer is None:  # at most two per value the list's bits can hold
            answer = answers[value, source] = StatusAnswer(value, as_of=as_of, source=source)
        return answer
