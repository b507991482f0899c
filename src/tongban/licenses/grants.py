"""用证授权 (issue 6 part 6): a holder authorises a department to fetch one licence for a purpose and a
period, choosing what it sees; the department fetches it through the API with that authorisation and gets a
presentation of just those fields; the holder revokes whenever they like. A fetch after revocation or past
the period, or by anyone else, is refused with the reason and logged; every use is in the holder's
谁用了我的数据.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tongban.core.audit import audit_record
from tongban.core.errors import InvalidInput, NotFound, PermissionDenied
from tongban.identity.models import Department, Person, Staff
from tongban.licenses.codes import LicenceState
from tongban.licenses.models import Licence, LicenceGrant
from tongban.licenses.sdjwt import sd_jwt_present
from tongban.licenses.showing import disclosures_chosen

MAX_DAYS = 365


class GrantRefused(PermissionDenied):
    code = "licence_grant_refused"
    default_zh = "用证授权无效"
    default_en = "The licence authorisation does not allow this"


def _id(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _log(grant: LicenceGrant, *, action: str, actor: str, **data: Any) -> None:
    audit_record(
        action=action, actor=actor, object_type="licence", object_id=grant.licence.identifier,
        subject=grant.licence.holder_code,
        data={"grant": str(grant.pk), "department": grant.grantee.name, "purpose": grant.purpose, **data},
    )  # fmt: skip


@transaction.atomic
def grant_create(
    *, person: Person, licence: Licence, grantee: Department, purpose: str, days: int, fields: list[str]
) -> LicenceGrant:
    """The holder (who found the licence through the wallet) authorises `grantee` for `days`."""
    purpose = (purpose or "").strip()
    if not purpose:
        raise InvalidInput("请写明用途", "Give the purpose", field="purpose")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"授权期限为 1 至 {MAX_DAYS} 天", f"The period is 1 to {MAX_DAYS} days", field="days")
    if licence.state != LicenceState.ISSUED:
        raise InvalidInput("只能授权使用有效的证照", "Only a valid licence can be authorised", field="licence")
    disclosed = disclosures_chosen(licence=licence, fields=fields)
    grant = LicenceGrant.objects.create(
        licence=licence, grantee=grantee, purpose=purpose[:200], disclosed=disclosed, granted_by=person,
        valid_until=timezone.now() + timedelta(days=days),
    )  # fmt: skip
    _log(grant, action="licence.grant_created", actor=f"person:{person.pk}", elements=disclosed, days=days)
    return grant


@transaction.atomic
def grant_revoke(*, person: Person, grant_id: Any) -> LicenceGrant:
    wanted = _id(grant_id)
    grant = grants_of(person=person).select_for_update().filter(pk=wanted).first() if wanted else None
    if grant is None:
        raise NotFound("未找到该授权", "No such authorisation")
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at", "updated_at"])
        _log(grant, action="licence.grant_revoked", actor=f"person:{person.pk}")
    return grant


def grants_of(*, person: Person, licence: Licence | None = None) -> Any:
    """The authorisations this person gave (for their licences and their firms'), of one licence if given."""
    qs = LicenceGrant.objects.filter(granted_by=person).select_related("licence__licence_type", "grantee")
    return qs.filter(licence=licence) if licence is not None else qs


def grantees() -> list[Department]:
    """Departments a holder may authorise (this platform's)."""
    return list(Department.objects.order_by("name"))


def grant_fetch(*, staff: Staff, grant_id: Any) -> tuple[LicenceGrant, str]:
    """The grantee department's fetch: the presentation of the granted fields; else GrantRefused, logged."""
    with transaction.atomic():
        wanted = _id(grant_id)
        grant = (LicenceGrant.objects.select_for_update().select_related("licence__licence_type", "grantee")
                 .filter(pk=wanted).first()) if wanted else None  # fmt: skip
        if grant is None or staff.department_id != grant.grantee_id or not staff.active:
            raise NotFound("未找到该授权", "No such authorisation")  # someone else's: as if there were none
        reason = None
        if grant.revoked_at is not None:
            reason = ("持证人已撤销该授权", "The holder has revoked this authorisation", "revoked")
        elif grant.valid_until <= timezone.now():
            reason = ("授权已过期", "The authorisation has expired", "expired")
        elif grant.licence.state != LicenceState.ISSUED:
            reason = ("证照已不再有效", "The licence is no longer valid", "licence_not_valid")
        if reason is None:
            LicenceGrant.objects.filter(pk=grant.pk).update(uses=F("uses") + 1)
            _log(grant, action="licence.grant_used", actor=f"staff:{staff.pk}", elements=grant.disclosed)
            return grant, sd_jwt_present(grant.licence.token, disclose=grant.disclosed)
    _log(grant, action="licence.grant_refused", actor=f"staff:{staff.pk}", reason=reason[2])  # outside the rollback
    raise GrantRefused(reason[0], reason[1], reason=reason[2])
