"""The JOSE pieces our tokens share: strict base64url, compact JWS signed through a seal, verified with Ed25519.

Signing builds the signing input itself and hands the bytes to the seal backend (an HSM signs bytes, it
holds no joserfc key); verifying accepts one algorithm, `Ed25519` (RFC 9864), checked by pyca/cryptography
with the key read from the JWK's `x` (strict base64url, 32 bytes) — a trust list's keys read once and kept,
a holder's key read for each token. Nothing here trusts a key named in a header: the caller passes the key
it looked up.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALG = "Ed25519"
ALLOWED_ALGS = frozenset({ALG})
# Header members that would let a token name its own key, or demand processing we do not do.
REFUSED_HEADER = frozenset({"jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit", "b64"})
MAX_TOKEN_CHARS = 64 * 1024
_B64_VALUE = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}
_URL_TO_STD = bytes.maketrans(b"-_", b"+/")
_STD_TO_URL = bytes.maketrans(b"+/", b"-_")
_PADDING = (b"", b"", b"==", b"=")  # by len % 4 (1 is refused before)

Signer = Callable[[bytes], bytes]


class Malformed(ValueError):
    """The input is not a well-formed token; the message says where (English, for logs and results)."""


def b64e(data: bytes) -> str:
    return binascii.b2a_base64(data, newline=False).rstrip(b"=").translate(_STD_TO_URL).decode("ascii")


def b64d(text: str) -> bytes:
    """Strict base64url without padding: anything else is Malformed (no silent repair of a bad token)."""
    # The alphabet is [A-Za-z0-9_-] exactly: ASCII, none of the standard alphabet's `+ /` or padding, and after
    # `- _` become `+ /` the strict decoder refuses every other character (a regex over a long payload cost more
    # than decoding it).
    if not isinstance(text, str) or len(text) % 4 == 1 or not text.isascii():
        raise Malformed("not base64url")
    if "+" in text or "/" in text or "=" in text:
        raise Malformed("not base64url")
    try:
        standard = text.encode("ascii").translate(_URL_TO_STD) + _PADDING[len(text) % 4]
        raw = binascii.a2b_base64(standard, strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise Malformed("not base64url") from exc
    # Canonical only: the unused low bits of the last character must be zero, or one value has several spellings.
    if len(text) % 4 and _B64_VALUE[text[-1]] & (0x0F if len(text) % 4 == 2 else 0x03):
        raise Malformed("non-canonical base64url")
    return raw


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def json_value(raw: bytes, *, what: str) -> Any:
    """Strict JSON: no NaN/Infinity, no member named twice (two parsers could read two different tokens)."""
    try:
        text = raw.decode("utf-8")
        try:  # a token's JSON is one value with no whitespace around it: scanned as decode() would, in one call
            value, end = _STRICT_SCAN(text, 0)
        except StopIteration:
            end = -1
        return value if end == len(text) else _STRICT_JSON.decode(text)  # anything else: decode() says why
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Malformed(f"{what} is not JSON") from exc


def json_object(raw: bytes, *, what: str) -> dict[str, Any]:
    value = json_value(raw, what=what)
    if not isinstance(value, dict):
        raise Malformed(f"{what} is not a JSON object")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("a member is named twice")
    return out


# One decoder for every token (json.loads with options builds a new one per call). A leading BOM, which
# json.loads refuses by name, is refused here as any other character that cannot start a JSON value.
_STRICT_JSON = json.JSONDecoder(parse_constant=_refuse_constant, object_pairs_hook=_unique_members)
# What decode() calls after skipping whitespace, with the same hooks (set by JSONDecoder.__init__, not in the stubs).
_STRICT_SCAN: Callable[[str, int], tuple[Any, int]] = _STRICT_JSON.scan_once  # type: ignore[attr-defined]
HEADER_CACHE_CHARS = 512  # a header longer than this (ours are ~60) is decoded each time, not cached


def sha256_b64(text: str) -> str:
    """SD-JWT digest: base64url(SHA-256(ASCII bytes of the text as sent)) — never of re-encoded JSON."""
    return b64e(hashlib.sha256(text.encode("ascii")).digest())


def compact_sign(*, header: dict[str, Any], payload: dict[str, Any], sign: Signer) -> str:
    signing_input = f"{b64e(json_bytes(header))}.{b64e(json_bytes(payload))}"
    return f"{signing_input}.{b64e(sign(signing_input.encode('ascii')))}"


def compact_split(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS, unverified: only to choose the key and to refuse early."""
    header, payload, _, _ = compact_parts(token)
    return header, payload


def compact_parts(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """`compact_split`, with the signing input and the decoded signature for `signature_bytes_valid` (each part is
    decoded once)."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise Malformed("not a compact JWS")
    signature = b64d(parts[2])
    members = _header_members(parts[0]) if len(parts[0]) <= HEADER_CACHE_CHARS else None
    header = dict(members) if members is not None else json_object(b64d(parts[0]), what="header")
    payload = json_object(b64d(parts[1]), what="payload")
    return header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


@functools.lru_cache(maxsize=256)
def _header_members(encoded: str) -> tuple[tuple[str, Any], ...] | None:
    """A JWS header's members: the same few for every token of a key, so decoded once per spelling — a pure
    function of the text, each caller given its own dict. One with a nested member (refused later anyway) is
    None, decoded afresh each time, so nothing mutable is shared; what is not a header raises, uncached."""
    header = json_object(b64d(encoded), what="header")
    if any(isinstance(v, dict | list) for v in header.values()):
        return None
    return tuple(header.items())


def header_refusal(header: dict[str, Any], *, typ: str) -> tuple[str, str] | None:
    """(outcome, detail) when the header is not one we accept, None when it is."""
    alg = header.get("alg")
    if alg not in ALLOWED_ALGS:
        return "alg_not_allowed", f"alg {alg!r} is not accepted (only {ALG})"
    if not REFUSED_HEADER.isdisjoint(header):
        named = sorted(REFUSED_HEADER & header.keys())
        return "header_key_refused", f"header names {', '.join(named)}: keys come from the trust list only"
    if header.get("typ") != typ:
        return "wrong_typ", f"typ {header.get('typ')!r}, expected {typ!r}"
    return None


def _public_key(x: str) -> Ed25519PublicKey:
    """The Ed25519 public key whose bytes `x` spells: strict base64url (as joserfc reads it), exactly 32 bytes;
    anything else raises ValueError (Malformed is one)."""
    return Ed25519PublicKey.from_public_bytes(b64d(x))


# The keys of the trust list, read once per key material: a key is its bytes, so a kept key can never answer
# for another, and which key a token is checked with is still the trust list's answer each time.
_trusted_public_key = functools.lru_cache(maxsize=1024)(_public_key)


def signature_valid(token: str, jwk: dict[str, Any]) -> bool:
    """Verify the compact JWS `token` (already split and its header checked by the caller) as `Ed25519`, the
    only algorithm we accept; a key that is not an Ed25519 public key verifies nothing."""
    signing_input, _, signature = token.rpartition(".")
    try:
        return signature_bytes_valid(signing_input.encode("ascii"), b64d(signature), jwk)
    except (Malformed, UnicodeEncodeError):
        return False


def signature_bytes_valid(signing_input: bytes, signature: bytes, jwk: dict[str, Any], *, kept: bool = True) -> bool:
    """`signature_valid` for a caller that holds the signing input and the decoded signature already. `kept`: the
    key is a trust list's, read once and kept; a holder's key (`cnf.jwk`, one per licence) is read each time."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "d" in jwk or not isinstance(jwk.get("x"), str):
        return False
    try:
        (_trusted_public_key if kept else _public_key)(jwk["x"]).verify(signature, signing_input)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
