"""The JOSE pieces our tokens share: strict base64url, compact JWS signed through a seal, verified with joserfc.

Signing builds the signing input itself and hands the bytes to the seal backend (an HSM signs bytes, it
holds no joserfc key); verifying goes through joserfc with the one algorithm we accept, `Ed25519` (RFC 9864).
Nothing here trusts a key named in a header: the caller passes the key it looked up.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry

ALG = "Ed25519"
ALLOWED_ALGS = frozenset({ALG})
# Header members that would let a token name its own key, or demand processing we do not do.
REFUSED_HEADER = frozenset({"jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit", "b64"})
MAX_TOKEN_CHARS = 64 * 1024
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_B64_VALUE = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}

_ED25519 = JWSRegistry.algorithms[ALG]
Signer = Callable[[bytes], bytes]


class Malformed(ValueError):
    """The input is not a well-formed token; the message says where (English, for logs and results)."""


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    """Strict base64url without padding: anything else is Malformed (no silent repair of a bad token)."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise Malformed("not base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
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
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant, object_pairs_hook=_unique_members)
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


def sha256_b64(text: str) -> str:
    """SD-JWT digest: base64url(SHA-256(ASCII bytes of the text as sent)) — never of re-encoded JSON."""
    return b64e(hashlib.sha256(text.encode("ascii")).digest())


def compact_sign(*, header: dict[str, Any], payload: dict[str, Any], sign: Signer) -> str:
    signing_input = f"{b64e(json_bytes(header))}.{b64e(json_bytes(payload))}"
    return f"{signing_input}.{b64e(sign(signing_input.encode('ascii')))}"


def compact_split(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS, unverified: only to choose the key and to refuse early."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise Malformed("not a compact JWS")
    b64d(parts[2])
    return json_object(b64d(parts[0]), what="header"), json_object(b64d(parts[1]), what="payload")


def header_refusal(header: dict[str, Any], *, typ: str) -> tuple[str, str] | None:
    """(outcome, detail) when the header is not one we accept, None when it is."""
    alg = header.get("alg")
    if alg not in ALLOWED_ALGS:
        return "alg_not_allowed", f"alg {alg!r} is not accepted (only {ALG})"
    named = sorted(REFUSED_HEADER & header.keys())
    if named:
        return "header_key_refused", f"header names {', '.join(named)}: keys come from the trust list only"
    if header.get("typ") != typ:
        return "wrong_typ", f"typ {header.get('typ')!r}, expected {typ!r}"
    return None


@functools.lru_cache(maxsize=1024)
def _public_key(x: str) -> OKPKey:
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": x})


def signature_valid(token: str, jwk: dict[str, Any]) -> bool:
    """Verify with joserfc's `Ed25519` algorithm, the only one we accept; a key that is not an Ed25519 public key
    verifies nothing. The token was split and its header checked already, so joserfc is given the signing input
    and the signature rather than parsing the token a second time (a third of the verifier's time)."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "d" in jwk or not isinstance(jwk.get("x"), str):
        return False
    signing_input, _, signature = token.rpartition(".")
    try:
        return bool(_ED25519.verify(signing_input.encode("ascii"), b64d(signature), _public_key(jwk["x"])))
    except (JoseError, Malformed, ValueError, TypeError, UnicodeEncodeError):
        return False
