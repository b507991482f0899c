"""The demo city's neighbours (issue 6 part 7, 跨区域互认): 邻省示范市, whose licence issuer is on the trust list,
and 远方市, whose is not. Both are fictional platforms elsewhere; this city holds only what a real one would —
the trusted neighbour's public key and the last status list it published (one of its licences revoked).

Their keys are derived from fixed strings so the demo page /demo/foreign-licences/ can sign sample licences
from each at any time; a verifier here sees the neighbour's valid and revoked ones for what they are, and the
far city's as untrusted.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tongban.licenses.sdjwt import sd_jwt_present, sd_jwt_vc_build
from tongban.licenses.seal import ed25519_public_jwk
from tongban.licenses.statuslist import status_list_token_build, status_set
from tongban.licenses.trust import trusted_issuer_save, trusted_status_mirror


@dataclass(frozen=True)
class Neighbour:
    code: str
    name: str
    host: str
    trusted: bool

    @property
    def iss(self) -> str:
        return f"https://{self.host}/issuers/{self.code}"

    @property
    def kid(self) -> str:
        return f"{self.code}-2026-1"

    @property
    def status_uri(self) -> str:
        return f"https://{self.host}/status/{self.code}/1"

    @property
    def vct(self) -> str:
        return f"https://{self.host}/vct/119800000000000GA0001/1"

    def key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"tongban-demo-{self.code}".encode()).digest())

    def public_jwk(self) -> dict[str, str]:
        return {k: v for k, v in ed25519_public_jwk(self.key(), kid=self.kid).items() if k != "d"}


NEIGHBOURS = (
    Neighbour("980101", "邻省示范市", "linsheng.example", trusted=True),
    Neighbour("970101", "远方市", "yuanfang.example", trusted=False),
)
REVOKED_IDX = 3


@dataclass(frozen=True)
class Sample:
    label: str
    presentation: str
    expected: str


def _status_token(n: Neighbour) -> str:
    data = bytearray(256)
    status_set(data, REVOKED_IDX, 1, bits=2)
    now = int(time.time())
    return status_list_token_build(iss=n.iss, uri=n.status_uri, kid=n.kid, bits=2, data=bytes(data), iat=now,
                                   exp=now + 30 * 86400, ttl=3600, sign=n.key().sign)  # fmt: skip


def federation_load(*, tick: Callable[[int, int], None]) -> int:
    """Put the trusted neighbour on the trust list with its last status list; returns issuers listed."""
    listed = 0
    for n in NEIGHBOURS:
        if n.trusted:
            trusted_issuer_save(actor="system:demo", iss=n.iss, name=n.name, region_code=n.code,
                                jwks={"keys": [n.public_jwk()]}, vct_allowed=[f"https://{n.host}/vct/"])  # fmt: skip
            trusted_status_mirror(iss=n.iss, uri=n.status_uri, token=_status_token(n))
            listed += 1
        tick(listed, len(NEIGHBOURS))
    return listed


def _licence(n: Neighbour, *, idx: int, holder: str) -> str:
    now = int(time.time())
    claims = {"licence_name": "居民身份证", "issuer_name": f"{n.name}公安局", "holder_name": holder,
              "valid_until": "2036-06-30", "licence_number": f"{n.code}19900101{idx:04d}"}  # fmt: skip
    token = sd_jwt_vc_build(iss=n.iss, vct=n.vct, kid=n.kid, claims=claims, sign=n.key().sign, iat=now,
                            exp=now + 365 * 86400, status={"status_list": {"idx": idx, "uri": n.status_uri}},
                            holder_jwk=None)  # fmt: skip
    return sd_jwt_present(token, disclose=list(claims))


def foreign_samples() -> list[Sample]:
    """Licences signed now by the neighbours, for the demo page: what a verifier here makes of each."""
    trusted, far = NEIGHBOURS
    return [
        Sample(f"{trusted.name}签发、有效的居民身份证", _licence(trusted, idx=1, holder="邻省居民 张晓雨"), "证照有效"),
        Sample(f"{trusted.name}签发、已注销的居民身份证", _licence(trusted, idx=REVOKED_IDX, holder="邻省居民 李明"),
               "证照已被撤销或注销"),
        Sample(f"{far.name}签发的居民身份证（不在信任列表）", _licence(far, idx=1, holder="远方市居民 王芳"),
               "发证方不在信任列表中"),
    ]  # fmt: skip
