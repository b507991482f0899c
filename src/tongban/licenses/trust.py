"""跨区域互认 (issue 6 part 7): verifying licences of other regions' issuers through the trust list.

Keys of a foreign issuer come only from its trust-list entry, never from the token; an issuer not on the
list, suspended, withdrawn or past its validity is untrusted; a licence type it is not listed for is refused.
Its status lists are mirrored here when they verify (`trusted_status_mirror`), so checking revocation does
not need the other region to be reachable, and the answer says how old the list is. This platform's own
regions are checked against its own key store and live lists (selectors.LocalTrust, LocalStatusSource).

The platform publishes the list it trusts at /trust/list.jwt: a JWS (`typ: tongban-trustlist+jwt`) by the
platform key of its home region, naming every issuer — its own regions with their keys, and the foreign
ones — after ETSI TS 119 602's list of trusted entities, so another platform can take it as it is.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.core.audit import audit_record
from tongban.core.errors import InvalidInput, PermissionDenied
from tongban.identity.models import Region, Staff
from tongban.identity.roles import Role
from tongban.licenses import selectors
from tongban.licenses.jose import compact_sign
from tongban.licenses.models import SealKey, StatusList, TrustedIssuer
from tongban.licenses.offline import TRUST_LIST_TYP
from tongban.licenses.sdjwt import KeyAnswer, KeyLookup, StatusAnswer, VerifyPolicy, VerifyResult, sd_jwt_vc_verify
from tongban.licenses.statuslist import CachedStatusSource, StatusListInvalid, status_list_token_verify

TRUST_LIST_DAYS = 7


def _local(iss: str) -> bool:
    return iss.startswith(f"{str(settings.LICENCE_BASE_URL).rstrip('/')}/issuers/")


def _entry(iss: str) -> TrustedIssuer | None:
    entry = TrustedIssuer.objects.filter(iss=iss).first()
    if entry is None or entry.state != TrustedIssuer.State.ACTIVE:
        return None
    if entry.valid_until is not None and entry.valid_until <= timezone.now():
        return None
    return entry


class FederatedTrust:
    """Our regions from our key store; the others from the trust list only."""

    def __init__(self) -> None:
        self._local = selectors.LocalTrust()

    def key(self, *, iss: str, kid: str, vct: str | None) -> KeyAnswer:
        if _local(iss):
            return self._local.key(iss=iss, kid=kid, vct=vct)
        entry = _entry(iss)
        if entry is None:
            return KeyAnswer(KeyLookup.UNTRUSTED_ISSUER, detail=f"{iss} is not an active issuer on the trust list")
        if vct is not None and entry.vct_allowed and not any(vct.startswith(p) for p in entry.vct_allowed):
            return KeyAnswer(KeyLookup.WRONG_ISSUER, detail=f"{entry.name} is not listed for {vct}")
        jwk = next((k for k in entry.jwks.get("keys", []) if k.get("kid") == kid), None)
        if jwk is None:
            return KeyAnswer(KeyLookup.UNKNOWN_KEY, detail=f"{entry.name} lists no key {kid}")
        return KeyAnswer(KeyLookup.FOUND, jwk=jwk)


class FederatedStatus:
    """Our lists live; a foreign issuer's from the mirror of its last list that verified (offline)."""

    def __init__(self, trust: FederatedTrust) -> None:
        self._local = selectors.LocalStatusSource()
        self._trust = trust

    def status(self, *, iss: str, uri: str, idx: int) -> StatusAnswer:
        if _local(iss):
            return self._local.status(iss=iss, uri=uri, idx=idx)
        entry = _entry(iss)
        token = (entry.status_lists or {}).get(uri) if entry is not None else None
        if token is None:
            return StatusAnswer(None, source="none", stale=True, detail=f"no list of {iss} at {uri} held here")

        def offline(url: str) -> str:
            return token

        answer = CachedStatusSource(fetch=offline, trust=self._trust).status(iss=iss, uri=uri, idx=idx)
        return StatusAnswer(answer.value, as_of=answer.as_of, source="cache", stale=answer.stale, detail=answer.detail)


def licence_verify_anywhere(*, presentation: str, policy: VerifyPolicy, now: float | None = None) -> VerifyResult:
    """Verify a licence of this platform or of any issuer the trust list trusts. Never raises."""
    trust = FederatedTrust()
    return sd_jwt_vc_verify(presentation, trust=trust, status=FederatedStatus(trust), policy=policy,
                            now=time.time() if now is None else now)  # fmt: skip


def _operator(actor: Staff) -> str:
    if not actor.has_role(Role.OPERATOR):
        raise PermissionDenied()
    return f"staff:{actor.pk}"


@transaction.atomic
def trusted_issuer_save(
    *, actor: Staff | str, iss: str, name: str, region_code: str, jwks: dict[str, Any],
    vct_allowed: list[str] | None = None, state: str = TrustedIssuer.State.ACTIVE, valid_until: Any = None,
) -> TrustedIssuer:  # fmt: skip
    """Add or change a foreign issuer on the trust list (the platform operator, or a system import)."""
    if isinstance(actor, str):
        if not actor.startswith("system:"):
            raise PermissionDenied()
        ref = actor
    else:
        ref = _operator(actor)
    if not iss.startswith("https://") or _local(iss):
        raise InvalidInput(
            "发证方地址应为其他地区的 https 地址", "The issuer must be another region's https URL", field="iss"
        )
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not keys or any(k.get("kty") != "OKP" or k.get("crv") != "Ed25519" or "d" in k or not k.get("kid")
                       for k in keys):  # fmt: skip
        raise InvalidInput("公钥应为带 kid 的 Ed25519 公钥（JWKS）", "The keys must be Ed25519 public JWKs with kids",
                           field="jwks")  # fmt: skip
    if state not in TrustedIssuer.State.values:
        raise InvalidInput("信任状态有误", "Unknown trust state", field="state")
    entry, _created = TrustedIssuer.objects.update_or_create(
        iss=iss, defaults={"name": name.strip(), "region_code": region_code.strip(), "jwks": {"keys": keys},
                           "vct_allowed": list(vct_allowed or []), "state": state, "valid_until": valid_until},
    )  # fmt: skip
    audit_record(action="licenses.trust_list_changed", actor=ref, object_type="trusted_issuer", object_id=iss,
                 data={"state": state, "kids": [k["kid"] for k in keys]})  # fmt: skip
    return entry


def trusted_status_mirror(*, iss: str, uri: str, token: str) -> TrustedIssuer:
    """Keep a foreign issuer's status list, only if it verifies with the listed keys and is not older than
    the one held (a replayed old list must not un-revoke a licence)."""
    entry = _entry(iss)
    if entry is None:
        raise InvalidInput("该发证方不在信任列表中", "This issuer is not on the trust list")
    try:
        fresh = status_list_token_verify(token, uri=uri, issuer=iss, trust=FederatedTrust())
        held = entry.status_lists.get(uri)
        if held is not None:
            old = status_list_token_verify(held, uri=uri, issuer=iss, trust=FederatedTrust(), now=fresh.iat)
            if fresh.iat < old.iat:
                raise StatusListInvalid("older than the list held")
    except StatusListInvalid as exc:
        raise InvalidInput(f"状态列表不可用：{exc}", f"The status list cannot be used: {exc}") from None
    entry.status_lists = {**entry.status_lists, uri: token}
    entry.save(update_fields=["status_lists", "updated_at"])
    return entry


def trusted_status_token(*, uri: str) -> str | None:
    """The mirrored list at `uri` of an issuer trusted now, as its issuer signed it; None when none is held."""
    for entry in TrustedIssuer.objects.filter(state=TrustedIssuer.State.ACTIVE):
        token = (entry.status_lists or {}).get(uri)
        if token is not None and _entry(entry.iss) is not None:
            return str(token)
    return None


def _home_region() -> Region | None:
    """The region whose platform key signs the trust list: the top of this platform's regions with keys."""
    return Region.objects.filter(pk__in=SealKey.objects.values("region")).order_by("level", "code").first()


def trust_list_token() -> str | None:
    """The trust list as a signed JWS, or None before this platform has issued anything."""
    from tongban.licenses.services import platform_sign  # services are above trust: imported when signing

    home = _home_region()
    if home is None:
        return None
    kid, sign = platform_sign(region=home)  # first: a key it makes is in the list it signs
    ours = Region.objects.filter(pk__in=SealKey.objects.values("region")).order_by("code")
    lists = StatusList.objects.select_related("region").order_by("number")
    issuers: list[dict[str, Any]] = [
        {"iss": selectors.issuer_url(r), "region_code": r.code, "name": r.name, "state": "active",
         "jwks": selectors.issuer_jwks(region=r),
         "status_lists": [selectors.status_uri(s) for s in lists if s.region_id == r.pk]}
        for r in ours
    ]  # fmt: skip
    # Another region's lists are named by the uris its licences carry; this platform serves its mirror of each
    # at /trust/status?uri=… for a verifier that cannot reach that region (the list is that region's signed token).
    issuers += [{"iss": e.iss, "region_code": e.region_code, "name": e.name, "state": e.state,
                 "vct_allowed": e.vct_allowed, "jwks": e.jwks,
                 "valid_to": e.valid_until.isoformat() if e.valid_until else None,
                 "status_lists": sorted(e.status_lists)}
                for e in TrustedIssuer.objects.all()]  # fmt: skip
    now = int(time.time())
    payload = {"iss": selectors.issuer_url(home), "iat": now, "next_update": now + TRUST_LIST_DAYS * 86400,
               "exp": now + 2 * TRUST_LIST_DAYS * 86400, "issuers": issuers}  # fmt: skip
    return compact_sign(header={"alg": "Ed25519", "typ": TRUST_LIST_TYP, "kid": kid}, payload=payload, sign=sign)
