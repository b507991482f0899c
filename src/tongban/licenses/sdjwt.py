"""SD-JWT VC (RFC 9901; draft-ietf-oauth-sd-jwt-vc) for e-licences: issue, present and verify — our own code
with our own compact JWS (jose.py), because no Python SD-JWT library checks all we need (notes/e-licences.md §2).

    <issuer-JWT>~<disclosure>~…~<disclosure>~[<KB-JWT>]

Header `{"alg":"Ed25519","typ":"dc+sd-jwt","kid":…}`. Plain claims are only `iss vct iat exp cnf status
_sd_alg _sd`; every licence claim is a disclosure `[salt, name, value]` and `_sd` carries decoys beside the
real digests. The verifier never raises on bad input: it returns a `VerifyResult` with one `Outcome`, and
the keys it verifies with come from the `Trust` it is given, never from the token.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from hashlib import sha256
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tongban.licenses.jose import (
    ALG,
    MAX_TOKEN_CHARS,
    Malformed,
    Signer,
    b64d,
    b64e,
    compact_parts,
    compact_sign,
    header_refusal,
    json_bytes,
    json_value,
    sha256_b64,
    signature_bytes_valid,
)

logger = logging.getLogger(__name__)

TYP = "dc+sd-jwt"
KB_TYP = "kb+jwt"
SD_ALG = "sha-256"
# Never selectively disclosable (SD-JWT VC §3.2.2), and names a disclosure may never carry (RFC 9901 §7.1).
PLAIN_ONLY = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "aka_vcts", "status"})
RESERVED_NAMES = frozenset({"_sd", "...", "_sd_alg"})
NEVER_DISCLOSED = PLAIN_ONLY | {"iat"}
SALT_BYTES = 16  # 128 bits per disclosure


class Outcome(StrEnum):
    VALID = "valid"
    MALFORMED = "malformed"
    ALG_NOT_ALLOWED = "alg_not_allowed"
    WRONG_TYP = "wrong_typ"
    HEADER_KEY_REFUSED = "header_key_refused"
    UNTRUSTED_ISSUER = "untrusted_issuer"
    UNKNOWN_KEY = "unknown_key"
    WRONG_ISSUER = "wrong_issuer"
    INVALID_SIGNATURE = "invalid_signature"
    INVALID_CLAIMS = "invalid_claims"
    TAMPERED_DISCLOSURE = "tampered_disclosure"  # a disclosure no digest refers to: altered or foreign
    DUPLICATE_DISCLOSURE = "duplicate_disclosure"
    INVALID_DISCLOSURE = "invalid_disclosure"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    KEY_BINDING_REQUIRED = "key_binding_required"
    INVALID_KEY_BINDING = "invalid_key_binding"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    STATUS_UNKNOWN = "status_unknown"


# What a person reads for each outcome, Chinese first (pages and the API choose one by language).
OUTCOME_MESSAGES: dict[Outcome, tuple[str, str]] = {
    Outcome.VALID: ("证照有效", "The licence is valid"),
    Outcome.MALFORMED: ("不是有效的电子证照数据", "This is not well-formed licence data"),
    Outcome.ALG_NOT_ALLOWED: ("签名算法不被接受", "The signature algorithm is not accepted"),
    Outcome.WRONG_TYP: ("令牌类型不是电子证照", "The token is not a licence credential"),
    Outcome.HEADER_KEY_REFUSED: ("令牌自带密钥，不予信任", "The token names its own key; it is not trusted"),
    Outcome.UNTRUSTED_ISSUER: ("发证方不在信任列表中", "The issuer is not on the trust list"),
    Outcome.UNKNOWN_KEY: ("发证方没有该签名密钥", "The issuer has no such signing key"),
    Outcome.WRONG_ISSUER: ("签名密钥不属于该发证机关", "The signing key does not belong to this issuer"),
    Outcome.INVALID_SIGNATURE: ("签名无效，内容可能被篡改", "The signature is invalid; the content may be altered"),
    Outcome.INVALID_CLAIMS: ("证照内容不完整或有误", "The licence's claims are incomplete or wrong"),
    Outcome.TAMPERED_DISCLOSURE: ("出示的信息项被篡改", "A shown field was altered"),
    Outcome.DUPLICATE_DISCLOSURE: ("出示的信息项重复", "A shown field is repeated"),
    Outcome.INVALID_DISCLOSURE: ("出示的信息项不合规", "A shown field is not allowed"),
    Outcome.EXPIRED: ("证照已过有效期", "The licence has expired"),
    Outcome.NOT_YET_VALID: ("证照尚未生效", "The licence is not yet valid"),
    Outcome.KEY_BINDING_REQUIRED: ("缺少持证人确认，可能是复制件", "The holder's confirmation is missing"),
    Outcome.INVALID_KEY_BINDING: ("持证人确认无效或已使用", "The holder's confirmation is invalid or was used"),
    Outcome.REVOKED: ("证照已被撤销或注销", "The licence has been revoked"),
    Outcome.SUSPENDED: ("证照已被暂扣", "The licence is suspended"),
    Outcome.STATUS_UNKNOWN: ("无法确认证照当前状态", "The licence's current status cannot be confirmed"),
}


# --- Trust and status, as the verifier is given them ----------------------------------------------------


class KeyLookup(StrEnum):
    FOUND = "found"
    UNTRUSTED_ISSUER = "untrusted_issuer"
    UNKNOWN_KEY = "unknown_key"
    WRONG_ISSUER = "wrong_issuer"


@dataclass(frozen=True)
class KeyAnswer:
    lookup: KeyLookup
    jwk: dict[str, Any] | None = None
    detail: str = ""


class Trust(Protocol):
    def key(self, *, iss: str, kid: str, vct: str | None) -> KeyAnswer:
        """The public key `kid` of issuer `iss`, for a credential of type `vct` (None: a status list)."""
        ...


@dataclass(frozen=True)
class StatusAnswer:
    value: int | None  # None: unknown (no list, a list past its exp, a list that did not verify)
    as_of: datetime | None = None  # the list's iat
    source: str = "online"  # online | cache
    stale: bool = False
    detail: str = ""


class StatusSource(Protocol):
    def status(self, *, iss: str, uri: str, idx: int) -> StatusAnswer: ...


@dataclass(frozen=True)
class VerifyPolicy:
    """Set by the verifier before it reads a token (RFC 9901 §7.3): whether holder binding is required."""

    require_key_binding: bool = True
    audience: str | None = None
    nonce: str | None = None
    kb_max_age_s: int = 300
    leeway_s: int = 60
    check_status: bool = True
    # A wallet receiving its licence from the issuer: a KB-JWT there means something was replayed to it.
    issuance: bool = False


@dataclass(frozen=True)
class VerifyResult:
    outcome: Outcome
    detail: str = ""
    iss: str = ""
    kid: str = ""
    vct: str = ""
    claims: dict[str, Any] = field(default_factory=dict)  # plain and disclosed claims, `_sd` resolved
    disclosed: tuple[str, ...] = ()  # top-level names the holder disclosed
    key_bound: bool = False
    status_as_of: datetime | None = None
    status_source: str = ""
    status_stale: bool = False

    @property
    def valid(self) -> bool:
        return self.outcome == Outcome.VALID

    @property
    def message_zh(self) -> str:
        return OUTCOME_MESSAGES[self.outcome][0]

    @property
    def message_en(self) -> str:
        return OUTCOME_MESSAGES[self.outcome][1]


# --- Issuing ---------------------------------------------------------------------------------------------


def disclosure_make(name: str, value: Any, *, salt: str | None = None) -> str:
    return b64e(json_bytes([salt or b64e(secrets.token_bytes(SALT_BYTES)), name, value]))


def sd_jwt_vc_build(
    *,
    iss: str,
    vct: str,
    kid: str,
    claims: Mapping[str, Any],
    sign: Signer,
    iat: int,
    exp: int | None,
    status: dict[str, Any],
    holder_jwk: dict[str, Any] | None,
    decoys: int = 3,
) -> str:
    """An SD-JWT VC with each of `claims` as a disclosure and `decoys` extra digests that disclose nothing."""
    for name in claims:
        if name in PLAIN_ONLY or name in RESERVED_NAMES or name in ("iat", "sub"):
            raise ValueError(f"{name} cannot be a disclosable licence claim")
    disclosures = [disclosure_make(name, value) for name, value in claims.items()]
    digests = [sha256_b64(d) for d in disclosures]
    digests += [b64e(secrets.token_bytes(32)) for _ in range(decoys)]
    payload: dict[str, Any] = {"iss": iss, "vct": vct, "iat": iat}
    if exp is not None:
        payload["exp"] = exp
    if holder_jwk is not None:
        payload["cnf"] = {"jwk": holder_jwk}
    payload["status"] = status
    payload["_sd_alg"] = SD_ALG
    payload["_sd"] = sorted(digests)  # sorted: the order reveals neither the fields nor the decoys
    jwt = compact_sign(header={"alg": ALG, "typ": TYP, "kid": kid}, payload=payload, sign=sign)
    return "~".join([jwt, *disclosures]) + "~"


def disclosure_name(disclosure: str) -> str | None:
    """The claim name of an object disclosure (holder side, own tokens); None for anything else."""
    try:
        value = json_value(b64d(disclosure), what="disclosure")
    except Malformed:
        return None
    return value[1] if isinstance(value, list) and len(value) == 3 and isinstance(value[1], str) else None


def sd_jwt_present(
    token: str,
    *,
    disclose: Iterable[str],
    holder_key: Ed25519PrivateKey | None = None,
    audience: str = "",
    nonce: str = "",
    iat: int | None = None,
) -> str:
    """Holder side: keep only the disclosures named in `disclose`; with a holder key, append a KB-JWT bound to
    `audience` and `nonce` over exactly what is sent (sd_hash over `<jwt>~<D>~…~`, final `~` included)."""
    jwt, *rest = token.split("~")
    wanted = set(disclose)
    kept = [d for d in rest if d and disclosure_name(d) in wanted]
    presented = "~".join([jwt, *kept]) + "~"
    if holder_key is None:
        return presented
    kb_payload = {
        "iat": int(time.time()) if iat is None else iat,
        "aud": audience,
        "nonce": nonce,
        "sd_hash": sha256_b64(presented),
    }
    kb = compact_sign(header={"alg": ALG, "typ": KB_TYP}, payload=kb_payload, sign=holder_key.sign)
    return presented + kb


# --- Verifying -------------------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, outcome: Outcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail


def _number(payload: Mapping[str, Any], name: str, *, required: bool = False) -> float | None:
    value = payload.get(name)
    if type(value) is int:  # the usual case; a huge one raises OverflowError here as math.isfinite would below
        return float(value)
    if value is None:
        if required or name in payload:
            raise _Refused(Outcome.INVALID_CLAIMS, f"{name} missing or null")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Refused(Outcome.INVALID_CLAIMS, f"{name} is not a number")
    return float(value)


def _parse_disclosures(raw: list[str]) -> dict[str, list[Any]]:
    by_digest: dict[str, list[Any]] = {}
    for disclosure in raw:
        try:
            decoded = json_value(b64d(disclosure), what="disclosure")
            digest = b64e(sha256(disclosure.encode("ascii")).digest())  # sha256_b64(), one call fewer
        except (Malformed, UnicodeError) as exc:
            raise _Refused(Outcome.MALFORMED, "a disclosure is not base64url JSON") from exc
        if digest in by_digest:
            raise _Refused(Outcome.DUPLICATE_DISCLOSURE, "the same disclosure is sent twice")
        if not isinstance(decoded, list) or len(decoded) not in (2, 3) or not isinstance(decoded[0], str):
            raise _Refused(Outcome.INVALID_DISCLOSURE, "a disclosure is not [salt, name, value] or [salt, value]")
        if len(decoded) == 3 and (not isinstance(decoded[1], str) or decoded[1] in RESERVED_NAMES):
            raise _Refused(Outcome.INVALID_DISCLOSURE, f"disclosure name {decoded[1]!r} is not allowed")
        by_digest[digest] = decoded
    return by_digest


_NO_DIGESTS: list[Any] = []  # an object without `_sd` (never mutated)


class _Unpacker:
    """RFC 9901 §7.1 step 3: replace digests by what their disclosures say, once each, never over plaintext."""

    def __init__(self, disclosures: dict[str, list[Any]]) -> None:
        self.disclosures = disclosures
        self.used: set[str] = set()
        self.seen: set[str] = set()  # every digest met in the payload and in disclosed values

    def _digest(self, value: Any) -> str:
        if not isinstance(value, str):
            raise _Refused(Outcome.INVALID_CLAIMS, "a digest is not a string")
        if value in self.seen:
            raise _Refused(Outcome.INVALID_CLAIMS, "the same digest appears twice")
        self.seen.add(value)
        return value

    def unpack(self, node: Any, *, drop: str = "_sd") -> Any:
        """`node` with its digests replaced; a top-level payload drops `_sd_alg` too (`drop`)."""
        if isinstance(node, dict):
            return self._object(node, drop)
        if isinstance(node, list):
            return self._array(node)
        return node

    def _object(self, node: dict[str, Any], drop: str = "_sd") -> dict[str, Any]:
        digests = node.get("_sd", _NO_DIGESTS)
        if not isinstance(digests, list):
            raise _Refused(Outcome.INVALID_CLAIMS, "_sd is not an array")
        out: dict[str, Any] = {}
        for k, v in node.items():  # members in order, as unpack() would, without a call for each plain value
            if k != "_sd" and k != drop:
                out[k] = self._object(v) if isinstance(v, dict) else self._array(v) if isinstance(v, list) else v
        seen, disclosures = self.seen, self.disclosures
        for digest in digests:  # _digest() inlined: each checked before its disclosure is unpacked, as before
            if not isinstance(digest, str):
                raise _Refused(Outcome.INVALID_CLAIMS, "a digest is not a string")
            if digest in seen:
                raise _Refused(Outcome.INVALID_CLAIMS, "the same digest appears twice")
            seen.add(digest)
            disclosure = disclosures.get(digest)
            if disclosure is None:
                continue  # a decoy, or a claim the holder withheld
            if len(disclosure) != 3:
                raise _Refused(Outcome.INVALID_DISCLOSURE, "an array disclosure answers an object digest")
            _, name, value = disclosure
            if name in out:
                raise _Refused(Outcome.INVALID_DISCLOSURE, f"disclosure {name!r} overrides a claim")
            self.used.add(digest)
            out[name] = self.unpack(value)
        return out

    def _array(self, node: list[Any]) -> list[Any]:
        out = []
        for element in node:
            if isinstance(element, dict) and "..." in element:
                if len(element) != 1:
                    raise _Refused(Outcome.INVALID_CLAIMS, "an array digest object has other members")
                digest = self._digest(element["..."])
                disclosure = self.disclosures.get(digest)
                if disclosure is None:
                    continue
                if len(disclosure) != 2:
                    raise _Refused(Outcome.INVALID_DISCLOSURE, "an object disclosure answers an array digest")
                self.used.add(digest)
                out.append(self.unpack(disclosure[1]))
            else:
                out.append(self.unpack(element))
        return out


def _key_binding(*, kb: str, presented: str, payload: Mapping[str, Any], policy: VerifyPolicy, now: float) -> None:
    cnf = payload.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    if not isinstance(jwk, dict):
        raise _Refused(Outcome.KEY_BINDING_REQUIRED, "the credential has no cnf.jwk to bind a holder")
    try:
        header, kb_payload, signing_input, signature = compact_parts(kb)
    except Malformed as exc:
        raise _Refused(Outcome.INVALID_KEY_BINDING, f"KB-JWT: {exc}") from exc
    refusal = header_refusal(header, typ=KB_TYP)
    if refusal:
        raise _Refused(Outcome.INVALID_KEY_BINDING, f"KB-JWT: {refusal[1]}")
    if not signature_bytes_valid(signing_input, signature, jwk, kept=False):  # the holder's: one per licence
        raise _Refused(Outcome.INVALID_KEY_BINDING, "KB-JWT signature does not verify with cnf.jwk")
    if kb_payload.get("sd_hash") != sha256_b64(presented):
        raise _Refused(Outcome.INVALID_KEY_BINDING, "sd_hash does not cover what was presented")
    try:
        iat = _number(kb_payload, "iat", required=True)
    except _Refused as exc:
        raise _Refused(Outcome.INVALID_KEY_BINDING, f"KB-JWT {exc.detail}") from exc
    assert iat is not None
    if iat > now + policy.leeway_s or iat < now - policy.kb_max_age_s - policy.leeway_s:
        raise _Refused(Outcome.INVALID_KEY_BINDING, "KB-JWT iat is outside the accepted window")
    # aud and nonce bind together (RFC 9901 §7.3 step 5.6): a verifier that gave only one, or an empty one,
    # would accept a KB-JWT made for another verifier or session, so that is refused too.
    if not policy.audience or not policy.nonce:
        raise _Refused(Outcome.INVALID_KEY_BINDING, "this verifier gave no audience and nonce to bind against")
    if kb_payload.get("aud") != policy.audience:
        raise _Refused(Outcome.INVALID_KEY_BINDING, "KB-JWT aud is not this verifier")
    if kb_payload.get("nonce") != policy.nonce:
        raise _Refused(Outcome.INVALID_KEY_BINDING, "KB-JWT nonce is not the one this verifier gave")


def _status_ref(payload: Mapping[str, Any]) -> tuple[str, int]:
    status = payload.get("status")
    ref = status.get("status_list") if isinstance(status, dict) else None
    if not isinstance(ref, dict):
        raise _Refused(Outcome.INVALID_CLAIMS, "status.status_list missing")
    idx, uri = ref.get("idx"), ref.get("uri")
    if isinstance(idx, bool) or not isinstance(idx, int) or idx < 0 or not isinstance(uri, str) or not uri:
        raise _Refused(Outcome.INVALID_CLAIMS, "status.status_list needs idx ≥ 0 and uri")
    return uri, idx


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


_STATUS_OUTCOMES = {0: Outcome.VALID, 1: Outcome.REVOKED, 2: Outcome.SUSPENDED}


def _result(
    outcome: Outcome, detail: str, iss: str, kid: str, vct: str, claims: dict[str, Any], disclosed: tuple[str, ...],
    key_bound: bool, state: StatusAnswer,
) -> VerifyResult:  # fmt: skip
    """The VerifyResult of a token that got as far as its status, every field given: what the dataclass would
    build, without its frozen __init__'s object.__setattr__ for each of eleven fields (a microsecond of each
    verification). test_sdjwt holds it equal to the constructor's, field for field."""
    result = object.__new__(VerifyResult)
    vars(result).update(
        {
            "outcome": outcome, "detail": detail, "iss": iss, "kid": kid, "vct": vct, "claims": claims,
            "disclosed": disclosed, "key_bound": key_bound, "status_as_of": state.as_of,
            "status_source": state.source, "status_stale": state.stale,
        }
    )  # fmt: skip
    return result


def sd_jwt_vc_verify(
    presentation: Any,
    *,
    trust: Trust,
    status: StatusSource | None,
    policy: VerifyPolicy,
    now: float | None = None,
) -> VerifyResult:
    """Check a presentation in the order that keeps a bad token from costing much: shape, header, key from the
    trust list, signature, claims, disclosures, validity, holder binding, then status. Never raises."""
    at = time.time() if now is None else now
    iss = kid = vct = ""
    try:
        if not isinstance(presentation, str) or not presentation or len(presentation) > MAX_TOKEN_CHARS:
            raise _Refused(Outcome.MALFORMED, "empty, not text, or too long")
        presentation = presentation.strip()
        parts = presentation.split("~")
        if len(parts) == 1:
            raise _Refused(Outcome.MALFORMED, "a plain JWT, not an SD-JWT")
        jwt, *disclosures, last = parts
        if last and last.count(".") != 2:
            raise _Refused(Outcome.MALFORMED, "an SD-JWT ends with ~ (or a KB-JWT)")
        kb = last or None
        if kb is not None and policy.issuance:
            raise _Refused(Outcome.MALFORMED, "an issued SD-JWT carries no KB-JWT")
        presented = presentation[: len(presentation) - len(last)]
        if "" in disclosures:
            raise _Refused(Outcome.MALFORMED, "an empty disclosure")
        try:
            header, payload, signing_input, signature = compact_parts(jwt)
        except Malformed as exc:
            raise _Refused(Outcome.MALFORMED, str(exc)) from exc
        refusal = header_refusal(header, typ=TYP)
        if refusal:
            raise _Refused(Outcome(refusal[0]), refusal[1])
        kid, iss, vct = _text(header.get("kid")), _text(payload.get("iss")), _text(payload.get("vct"))
        if not kid:
            raise _Refused(Outcome.UNKNOWN_KEY, "no kid in the header")
        if not iss or not vct:
            raise _Refused(Outcome.INVALID_CLAIMS, "iss and vct are required strings")
        answer = trust.key(iss=iss, kid=kid, vct=vct)
        if answer.lookup != KeyLookup.FOUND or answer.jwk is None:
            raise _Refused(Outcome(answer.lookup.value), answer.detail or answer.lookup.value)
        if not signature_bytes_valid(signing_input, signature, answer.jwk):
            raise _Refused(Outcome.INVALID_SIGNATURE, "the issuer signature does not verify")

        if payload.get("_sd_alg", SD_ALG) != SD_ALG:
            raise _Refused(Outcome.INVALID_CLAIMS, f"_sd_alg {payload.get('_sd_alg')!r} is not {SD_ALG}")
        exp = _number(payload, "exp")
        nbf = _number(payload, "nbf")
        iat = _number(payload, "iat", required=True)
        uri, idx = _status_ref(payload)

        unpacker = _Unpacker(_parse_disclosures(disclosures))
        claims = unpacker.unpack(payload, drop="_sd_alg")
        if len(unpacker.used) != len(unpacker.disclosures):  # used is a subset: a difference in size is one left
            unused = set(unpacker.disclosures) - unpacker.used
            raise _Refused(Outcome.TAMPERED_DISCLOSURE, f"{len(unused)} disclosure(s) match no digest")
        disclosed = tuple(sorted(claims.keys() - payload.keys()))
        if not NEVER_DISCLOSED.isdisjoint(disclosed):
            smuggled = sorted(NEVER_DISCLOSED.intersection(disclosed))
            raise _Refused(Outcome.INVALID_DISCLOSURE, f"{', '.join(smuggled)} may not be disclosed")

        assert iat is not None
        if iat > at + policy.leeway_s:
            raise _Refused(Outcome.INVALID_CLAIMS, "iat is in the future")
        if exp is not None and exp <= at - policy.leeway_s:
            raise _Refused(Outcome.EXPIRED, "exp has passed")
        if nbf is not None and nbf > at + policy.leeway_s:
            raise _Refused(Outcome.NOT_YET_VALID, "nbf is in the future")

        key_bound = False
        if kb is not None:
            _key_binding(kb=kb, presented=presented, payload=payload, policy=policy, now=at)
            key_bound = True
        elif policy.require_key_binding and not policy.issuance:
            raise _Refused(Outcome.KEY_BINDING_REQUIRED, "no KB-JWT, and this verifier requires one")

        if not policy.check_status:
            return VerifyResult(Outcome.VALID, "", iss, kid, vct, claims=claims, disclosed=disclosed,
                                key_bound=key_bound)  # fmt: skip
        if status is None:  # checking was asked for and nothing can answer: not valid, by omission
            return VerifyResult(Outcome.STATUS_UNKNOWN, "no status source", iss, kid, vct, claims=claims,
                                disclosed=disclosed, key_bound=key_bound)  # fmt: skip
        state = status.status(iss=iss, uri=uri, idx=idx)
        outcome = _STATUS_OUTCOMES.get(state.value, Outcome.STATUS_UNKNOWN)  # type: ignore[arg-type]  # None: unknown
        return _result(outcome, state.detail, iss, kid, vct, claims, disclosed, key_bound, state)
    except _Refused as refused:
        return VerifyResult(refused.outcome, refused.detail, iss, kid, vct)
    except Exception as exc:  # the verifier answers every input: a case we did not foresee is not a 500
        logger.exception("sd_jwt_vc_verify: unexpected input")
        return VerifyResult(Outcome.MALFORMED, f"unexpected: {type(exc).__name__}", iss, kid, vct)
