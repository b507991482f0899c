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

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tongban.core.audit import audit_record
from tongban.core.errors import InvalidInput, PermissionDenied
from tongban.identity.models import Region, Staff
from tongban.identity.roles import Role
from tongban.licenses import selectors
from tongban.licenses.jose import Malformed, compact_sign, compact_split
from tongban.licenses.models import SealKey, StatusList, TrustedIssuer
from tongban.licenses.offline import TRUST_LIST_TYP, Fetch, FetchFailed, http_fetch
from tongban.licenses.sdjwt import KeyAnswer, KeyLookup, StatusAnswer, VerifyPolicy, VerifyResult, sd_jwt_vc_verify
from tongban.licenses.statuslist import CachedStatusSource, StatusListInvalid, status_list_token_verify

TRUST_LIST_DAYS = 7

logger = logging.getLogger(__name__)


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


def _iat(token: str | None) -> int | None:
    try:
        iat = compact_split(token)[1].get("iat") if token else None
    except Malformed:
        return None
    return iat if isinstance(iat, int) and not isinstance(iat, bool) else None


def trusted_status_mirror(*, iss: str, uri: str, token: str) -> TrustedIssuer:
    """Keep a foreign issuer's status list, only if it verifies with the listed keys and is not older than
    the one held (a replayed old list must not un-revoke a licence)."""
    entry = _entry(iss)
    if entry is None:
        raise InvalidInput("该发证方不在信任列表中", "This issuer is not on the trust list")
    try:
        fresh = status_list_token_verify(token, uri=uri, issuer=iss, trust=FederatedTrust())
        # The list held verified when it was stored: only its date matters now. (Verifying it again as of the
        # fresh list's iat refused every fresh list once the held one had expired — after a long outage.)
        held_iat = _iat(entry.status_lists.get(uri))
        if held_iat is not None and fresh.iat < held_iat:
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


@dataclass
class StatusRefreshReport:
    refreshed: list[str] = field(default_factory=list)  # uris whose newer list replaced the one held
    unchanged: list[str] = field(default_factory=list)  # uris that answered the list already held
    refused: list[tuple[str, str]] = field(default_factory=list)  # (uri, why): forged, older, expired …
    unreachable: list[tuple[str, str]] = field(default_factory=list)  # (uri, why): the old list stays


def trusted_status_refresh(*, fetch: Fetch = http_fetch) -> StatusRefreshReport:
    """The periodic refresh of other regions' mirrored status lists (cron: `tongban licenses refresh-status`):
    for every issuer trusted now, fetch each list it has mirrored at its own uri and keep it through
    `trusted_status_mirror` — only when it verifies and is not older. A refusal or an unreachable region leaves
    the list held (and its date) in place; the outcome of each attempt is kept on the issuer's row."""
    report = StatusRefreshReport()
    for entry in TrustedIssuer.objects.filter(state=TrustedIssuer.State.ACTIVE).order_by("iss"):
        if _entry(entry.iss) is None:  # past its validity: not trusted, so not refreshed
            continue
        checks: dict[str, Any] = {}
        for uri in sorted(entry.status_lists or {}):
            outcome, detail = _refresh_one(entry, uri, fetch)
            checks[uri] = {"checked_at": timezone.now().isoformat(), "outcome": outcome, "detail": detail}
            if outcome == "refreshed":
                report.refreshed.append(uri)
            elif outcome == "unchanged":
                report.unchanged.append(uri)
            else:
                getattr(report, outcome).append((uri, detail))
                logger.warning("status list %s of %s %s: %s", uri, entry.iss, outcome, detail)
        if checks:
            TrustedIssuer.objects.filter(pk=entry.pk).update(status_checks=checks, updated_at=timezone.now())
    return report


def _refresh_one(entry: TrustedIssuer, uri: str, fetch: Fetch) -> tuple[str, str]:
    try:
        token = fetch(uri).decode("ascii").strip()
    except FetchFailed as exc:
        return "unreachable", str(exc)
    except UnicodeDecodeError:
        return "refused", "not a token"
    except Exception as exc:  # a connector that raises something else: the region is as good as unreachable
        return "unreachable", f"{type(exc).__name__}: {exc}"
    if token == entry.status_lists.get(uri):
        return "unchanged", ""
    try:
        with transaction.atomic():
            trusted_status_mirror(iss=entry.iss, uri=uri, token=token)
    except InvalidInput as exc:
        return "refused", exc.message_en
    return "refreshed", ""


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
