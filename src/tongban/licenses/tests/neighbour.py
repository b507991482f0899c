"""The neighbouring region of the 跨区域互认 tests (邻省示范市): its issuer, licence type and status list URLs,
its listing on this platform's trust list, and its status lists and licences, signed by a test issuer key."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from tongban.licenses import trust
from tongban.licenses.sdjwt import sd_jwt_present
from tongban.licenses.statuslist import status_list_token_build, status_set
from tongban.licenses.tests.tokens import Issuer

NEIGHBOUR = "https://linsheng.example/issuers/980101"
NEIGHBOUR_VCT = "https://linsheng.example/vct/119800000000000GA0001/1"
NEIGHBOUR_URI = "https://linsheng.example/status/980101/1"


def neighbour_listed(issuer: Issuer, **kw: Any) -> Any:
    """The neighbour on the trust list with `issuer`'s public key and its licence types (`kw` overrides)."""
    args = {"actor": "system:test", "iss": NEIGHBOUR, "name": "邻省示范市", "region_code": "980101",
            "jwks": {"keys": [{k: v for k, v in issuer.jwk.items() if k != "d"}]},
            "vct_allowed": ["https://linsheng.example/vct/"], **kw}  # fmt: skip
    return trust.trusted_issuer_save(**args)


def neighbour_status_list(issuer: Issuer, *, revoked: Iterable[int] = (), iat: int | None = None) -> str:
    """The neighbour's status list (2 bits, 64 entries) with `revoked` set, issued at `iat` (now), valid a day."""
    data = bytearray(16)
    for idx in revoked:
        status_set(data, idx, 1, bits=2)
    at = iat or int(time.time())
    return status_list_token_build(iss=NEIGHBOUR, uri=NEIGHBOUR_URI, kid=issuer.kid, bits=2, data=bytes(data),
                                   iat=at, exp=at + 86400, ttl=900, sign=issuer.sign)  # fmt: skip


def neighbour_licence(
    issuer: Issuer, *, idx: int = 5, iss: str = NEIGHBOUR, disclose: tuple[str, ...] = ("holder_name",)
) -> str:
    """A presentation of a licence `issuer` signed as `iss`, at `idx` of the neighbour's status list."""
    token = issuer.token(iss=iss, vct=NEIGHBOUR_VCT, status={"status_list": {"idx": idx, "uri": NEIGHBOUR_URI}})
    return sd_jwt_present(token, disclose=list(disclose))
