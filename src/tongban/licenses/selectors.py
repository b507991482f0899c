"""Reads of the e-licences: the catalogue, licences and their history, the issuers' published keys, and the
verifier wired to this platform's own key store and status lists.

URLs: `iss` = `<base>/issuers/<region code>`, `vct` = `<base>/vct/<type code>/<version>`, status list
`uri` = `<base>/status/<region code>/<n>` (notes/e-licences.md §4); the endpoints that serve them come later.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.core.errors import NotFound
from tongban.identity.models import Enterprise, Person, Region
from tongban.licenses.codes import LicenceState
from tongban.licenses.models import Licence, LicenceEvent, LicenceType, SealKey, StatusList
from tongban.licenses.sdjwt import (
    KeyAnswer,
    KeyLookup,
    StatusAnswer,
    VerifyPolicy,
    VerifyResult,
    sd_jwt_vc_verify,
)
from tongban.licenses.statuslist import status_get

# Claims every licence token discloses beside its type's own fields (a type's field may not take these names).
STANDARD_CLAIMS = frozenset(
    {
        "licence_id", "licence_name", "licence_number", "holder_name", "holder_code", "holder_code_type",
        "issuer_name", "issuer_code", "region_code", "issued_on", "valid_from", "valid_until", "trust_level",
        "replaces", "iat", "sub",
    }
)  # fmt: skip


def _base() -> str:
    return str(settings.LICENCE_BASE_URL).rstrip("/")


def issuer_url(region: Region) -> str:
    return f"{_base()}/issuers/{region.code}"


def vct_url(licence_type: LicenceType) -> str:
    return f"{_base()}/vct/{licence_type.code}/{licence_type.vct_version}"


def status_uri(status_list: StatusList) -> str:
    return f"{_base()}/status/{status_list.region.code}/{status_list.number}"


# --- Catalogue and licences ------------------------------------------------------------------------------


def licence_type_get(*, code: str) -> LicenceType:
    try:
        return LicenceType.objects.select_related("department").get(code=code.strip().upper())
    except LicenceType.DoesNotExist:
        raise NotFound("证照类型不存在", "No such licence type") from None


def licence_type_list(*, active_only: bool = True) -> QuerySet[LicenceType]:
    qs = LicenceType.objects.select_related("department")
    return qs.filter(active=True) if active_only else qs


_TITLE_MARKS = str.maketrans("", "", '《》〈〉“”"')


def _material_key(name: str) -> str:
    return "".join(name.split()).translate(_TITLE_MARKS)


def material_satisfied_by(*, satisfies: str, material_name: str) -> bool:
    """Whether a type's `satisfies` entry names this guide material. Guides name whose paper it is
    (申请人居民身份证, 监护人居民身份证) and quote titles (《出生医学证明》), so the entry is looked for inside the
    material's name, marks and spaces aside; whose licence fills it is the application's question."""
    wanted = _material_key(satisfies)
    return bool(wanted) and wanted in _material_key(material_name)


def licence_types_for_material(*, material_name: str) -> list[LicenceType]:
    """The active types whose licence replaces a guide material of this name (免提交 through a licence)."""
    return [
        t
        for t in licence_type_list()
        if any(material_satisfied_by(satisfies=entry, material_name=material_name) for entry in t.satisfies)
    ]


def licence_types_issued_by(*, item_code: str, department_id: Any) -> list[LicenceType]:
    """The active types an approval of this item by this department issues (its 办理结果 as e-licences)."""
    wanted = item_code.strip().upper()
    return [t for t in licence_type_list().filter(department_id=department_id) if wanted in t.issued_by]


def licences_from(*, source: str) -> QuerySet[Licence]:
    """The licences something issued (`source` as licence_issue was given it, e.g. "case:<number>")."""
    return Licence.objects.filter(source=source).select_related("licence_type", "department")


def licence_get(*, identifier: str) -> Licence:
    try:
        return Licence.objects.select_related("licence_type", "department__region", "status_list").get(
            identifier=identifier.strip().upper()
        )
    except Licence.DoesNotExist:
        raise NotFound("证照不存在", "No such licence") from None


def licence_find(*, identifier: str) -> Licence | None:
    """The licence with this identifier, or None (a submission's record of the licence it used)."""
    return Licence.objects.select_related("licence_type", "department").filter(identifier=identifier).first()


def licence_list_for_holder(*, holder: Person | Enterprise, include_ended: bool = False) -> QuerySet[Licence]:
    """A holder's licences (the wallet, later); the current ones unless `include_ended`."""
    qs = Licence.objects.filter(
        Q(holder_person=holder) if isinstance(holder, Person) else Q(holder_enterprise=holder)
    ).select_related("licence_type", "department")
    if not include_ended:
        qs = qs.filter(state__in=[LicenceState.ISSUED, LicenceState.SUSPENDED])
    return qs


def licence_get_for_holder(*, holder: Person | Enterprise, identifier: str) -> Licence:
    """One of the holder's own licences (the wallet); someone else's is NotFound, as an unknown one is."""
    licence = licence_list_for_holder(holder=holder, include_ended=True).filter(identifier=identifier.strip().upper())
    found = licence.first()
    if found is None:
        raise NotFound("证照不存在", "No such licence")
    return found


def licences_for_materials(*, holder: Person | Enterprise, material_names: list[str]) -> dict[str, Licence]:
    """Material name → the holder's licence that replaces it (免提交, issue 6 part 9): valid today, of an active
    type whose `satisfies` names the material; the most recently issued when several do. Two queries for all
    the materials of a guide (the types, then the holder's licences of the matching ones)."""
    types = list(licence_type_list())
    wanted = {
        name: {t.pk for t in types if any(material_satisfied_by(satisfies=e, material_name=name) for e in t.satisfies)}
        for name in material_names
    }
    matching = set().union(*wanted.values()) if wanted else set()
    if not matching:
        return {}
    today = timezone.localdate()
    held = list(
        licence_list_for_holder(holder=holder)
        .filter(licence_type__in=matching, state=LicenceState.ISSUED, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("-issued_on", "-created_at")
    )
    found = {}
    for name, type_ids in wanted.items():
        newest = next((licence for licence in held if licence.licence_type_id in type_ids), None)
        if newest is not None:
            found[name] = newest
    return found


def licence_for_material(*, holder: Person | Enterprise, material_name: str) -> Licence | None:
    """The holder's licence that replaces one guide material (see licences_for_materials)."""
    return licences_for_materials(holder=holder, material_names=[material_name]).get(material_name)


def licence_history(*, licence: Licence) -> list[LicenceEvent]:
    return list(LicenceEvent.objects.filter(licence=licence).order_by("seq"))


def issuer_jwks(*, region: Region) -> dict[str, Any]:
    """Every public key of the region's issuers, retired ones too: old signatures stay verifiable."""
    keys = SealKey.objects.filter(region=region).order_by("created_at").values_list("public_jwk", flat=True)
    return {"keys": list(keys)}


# --- The verifier on this platform's own keys and lists --------------------------------------------------


class LocalTrust:
    """Trust from our own key store: an issuer is a region of this platform with keys; a licence key must be
    its type's issuing department's; a status list key must be the region platform's. The cross-region trust
    list (issue 6 part 7) will be another `Trust` beside this one."""

    def __init__(self) -> None:
        self._keys: dict[str, SealKey | None] = {}

    def _key(self, kid: str) -> SealKey | None:
        if kid not in self._keys:
            self._keys[kid] = SealKey.objects.select_related("region").filter(kid=kid).first()
        return self._keys[kid]

    def key(self, *, iss: str, kid: str, vct: str | None) -> KeyAnswer:
        prefix = f"{_base()}/issuers/"
        code = iss.removeprefix(prefix) if iss.startswith(prefix) else ""
        if not code or not SealKey.objects.filter(region__code=code).exists():
            return KeyAnswer(KeyLookup.UNTRUSTED_ISSUER, detail=f"{iss} is not an issuer of this platform")
        key = self._key(kid)
        if key is None:
            return KeyAnswer(KeyLookup.UNKNOWN_KEY, detail=f"{iss} has no key {kid}")
        if key.region.code != code:
            return KeyAnswer(KeyLookup.WRONG_ISSUER, detail=f"key {kid} is not one of {iss}")
        if vct is None:
            if key.department_id is not None:
                return KeyAnswer(KeyLookup.WRONG_ISSUER, detail=f"key {kid} is a department's, not the list signer")
            return KeyAnswer(KeyLookup.FOUND, jwk=key.public_jwk)
        type_prefix = f"{_base()}/vct/"
        parts = vct.removeprefix(type_prefix).split("/") if vct.startswith(type_prefix) else []
        issuing = (
            LicenceType.objects.filter(code=parts[0], vct_version=parts[1]).values_list("department_id", flat=True)
            if len(parts) == 2 and parts[1].isdigit()
            else LicenceType.objects.none()
        )
        department_id = issuing.first()
        if department_id is None or key.department_id != department_id:
            return KeyAnswer(KeyLookup.WRONG_ISSUER, detail=f"key {kid} does not issue {vct}")
        return KeyAnswer(KeyLookup.FOUND, jwk=key.public_jwk)


class LocalStatusSource:
    """The region's lists as this platform holds them: current, online, never stale."""

    def status(self, *, iss: str, uri: str, idx: int) -> StatusAnswer:
        prefix = f"{_base()}/status/"
        parts = uri.removeprefix(prefix).split("/") if uri.startswith(prefix) else []
        if len(parts) != 2 or not parts[1].isdigit() or iss != f"{_base()}/issuers/{parts[0]}":
            return StatusAnswer(None, source="none", detail=f"{uri} is not a list of {iss}")
        lst = StatusList.objects.filter(region__code=parts[0], number=int(parts[1])).first()
        if lst is None:
            return StatusAnswer(None, source="none", detail=f"no list at {uri}")
        try:
            value = status_get(bytes(lst.data), idx, bits=lst.bits)
        except IndexError:
            return StatusAnswer(None, source="online", detail="idx is outside the list")
        return StatusAnswer(value, as_of=timezone.now(), source="online")


def licence_verify(*, presentation: str, policy: VerifyPolicy, now: float | None = None) -> VerifyResult:
    """Verify a presented licence against this platform's keys and current status lists. Never raises."""
    return sd_jwt_vc_verify(
        presentation, trust=LocalTrust(), status=LocalStatusSource(), policy=policy,
        now=time.time() if now is None else now,
    )  # fmt: skip


# --- What the platform publishes (SD-JWT VC issuer metadata, type metadata, status lists) ----------------


def issuer_region(*, code: str) -> Region | None:
    """The region whose licences name `<base>/issuers/<code>` as iss, if it has ever had a key."""
    if not SealKey.objects.filter(region__code=code).exists():
        return None
    return Region.objects.filter(code=code).first()


def status_list_find(*, region_code: str, number: int) -> StatusList | None:
    return StatusList.objects.select_related("region").filter(region__code=region_code, number=number).first()


def licence_type_version(*, code: str, version: int) -> LicenceType | None:
    return LicenceType.objects.filter(code=code.strip().upper(), vct_version=version).first()
