"""A stand-alone issuer for token tests: one Ed25519 key, a trust that knows only it, a fixed status."""

from __future__ import annotations

import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tongban.licenses.jose import compact_sign
from tongban.licenses.sdjwt import KeyAnswer, KeyLookup, StatusAnswer, sd_jwt_vc_build
from tongban.licenses.seal import ed25519_public_jwk

ISS = "https://tongban.example/issuers/990101"
VCT = "https://tongban.example/vct/11100000000013338W011/1"
KID = "990101-2026-1"
URI = "https://tongban.example/status/990101/1"
CLAIMS = {
    "licence_id": "1.2.156.3005.2.11100000000013338W011.11310115MB2F31234K.2026000123.001.3",
    "holder_name": "张三",
    "holder_code": "91990101MA1234567X",
    "address": "示范市明德区新港路8号",
    "business_scope": "软件开发",
    "registered_capital": 500,
}


class Issuer:
    def __init__(self, kid: str = KID) -> None:
        self.kid = kid
        self.private = Ed25519PrivateKey.generate()
        self.jwk = ed25519_public_jwk(self.private, kid=kid)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)

    def token(self, *, claims: dict[str, Any] | None = None, holder_jwk: dict | None = None, **over: Any) -> str:
        now = int(time.time())
        args: dict[str, Any] = {
            "iss": ISS, "vct": VCT, "kid": self.kid, "claims": CLAIMS if claims is None else claims,
            "sign": self.sign, "iat": now, "exp": now + 3600, "status": {"status_list": {"idx": 7, "uri": URI}},
            "holder_jwk": holder_jwk,
        }  # fmt: skip
        args.update(over)
        return sd_jwt_vc_build(**args)

    def jwt(self, header: dict[str, Any], payload: dict[str, Any]) -> str:
        return compact_sign(header=header, payload=payload, sign=self.sign)


class StubTrust:
    def __init__(self, *issuers: Issuer, iss: str = ISS) -> None:
        self.keys = {i.kid: i.jwk for i in issuers}
        self.iss = iss
        self.other: dict[str, dict] = {}  # kid → jwk of another issuer

    def key(self, *, iss: str, kid: str, vct: str | None) -> KeyAnswer:
        if iss != self.iss:
            return KeyAnswer(KeyLookup.UNTRUSTED_ISSUER)
        if kid in self.other:
            return KeyAnswer(KeyLookup.WRONG_ISSUER)
        if kid not in self.keys:
            return KeyAnswer(KeyLookup.UNKNOWN_KEY)
        return KeyAnswer(KeyLookup.FOUND, jwk=self.keys[kid])


class FixedStatus:
    def __init__(self, value: int | None = 0) -> None:
        self.value = value
        self.asked: list[tuple[str, str, int]] = []

    def status(self, *, iss: str, uri: str, idx: int) -> StatusAnswer:
        self.asked.append((iss, uri, idx))
        return StatusAnswer(self.value)
