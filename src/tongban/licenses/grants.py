"""用证授权 (issue 6 part 6): a holder authorises a department or an enterprise to fetch one licence for a
purpose and a period, choosing what it sees; the grantee fetches it through the API with that authorisation
and gets a presentation of just those fields; the holder revokes whenever they like. A department fetches
through its staff; an enterprise through the people acting for it (its legal representative, or an agent
holding its delegation in force). A fetch after revocation or past the period is refused with the reason and
logged; by anyone else it is a 404, as if there were no such grant. Every use is in the holder's 谁用了我的数据.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from tongban.core.audit import audit_record
from tongban.core.errors import InvalidInput, NotFound, PermissionDenied
from tongban.identity import selectors as identity
from tongban.identity import validators
from tongban.identity.models import Department, Enterprise, Person, Staff
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
    if grant.grantee_enterprise is not None:
        grantee = {"enterprise": grant.grantee_enterprise.name, "enterprise_code": grant.grantee_enterprise.credit_code}
    else:
        grantee = {"department": grant.grantee.name if grant.grantee else ""}
    audit_record(
        action=action, actor=actor, object_type="licence", object_id=grant.licence.identifier,
        subject=grant.licence.holder_code,
        data={"grant": str(grant.pk), **grantee, "purpose": grant.purpose, **data},
    )  # fmt: skip


def grantee_enterprise_find(*, credit_code: str) -> Enterprise:
    """The enterprise a holder names by its 统一社会信用代码: a valid code (check character included) of a firm
    in the platform's register. An unknown code says only that: nothing else about the register."""
    code = validators.credit_code(credit_code, field="grantee_code")
    enterprise = identity.enterprise_find(credit_code=code)
    if enterprise is None:
        raise InvalidInput("平台企业名录中未找到该统一社会信用代码的企业",
                           "No enterprise with this unified social credit code was found on the platform",
                           field="grantee_code")  # fmt: skip
    return enterprise


@transaction.atomic
def grant_create(
    *,
    person: Person,
    licence: Licence,
    grantee: Department | Enterprise,
    purpose: str,
    days: int,
    fields: list[str],
) -> LicenceGrant:
    """The holder (who found the licence through the wallet) authorises `grantee` — a department or an
    enterprise — for `days`."""
    purpose = (purpose or "").strip()
    if not purpose:
        raise InvalidInput("请写明用途", "Give the purpose", field="purpose")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"授权期限为 1 至 {MAX_DAYS} 天", f"The period is 1 to {MAX_DAYS} days", field="days")
    if licence.state != LicenceState.ISSUED:
        raise InvalidInput("只能授权使用有效的证照", "Only a valid licence can be authorised", field="licence")
    disclosed = disclosures_chosen(licence=licence, fields=fields)
    to: dict[str, Department | Enterprise] = (
        {"grantee_enterprise": grantee} if isinstance(grantee, Enterprise) else {"grantee": grantee}
    )
    grant = LicenceGrant.objects.create(
        licence=licence, **to, purpose=purpose[:200], disclosed=disclosed, granted_by=person,
        valid_until=timezone.now() + timedelta(days=days),
    )  # fmt: skip
    _log(grant, action="licence.grant_created", actor=f"person:{person.pk}", elements=disclosed, days=days)
    return grant


@transaction.atomic
def grant_revoke(*, person: Person, grant_id: Any) -> LicenceGrant:
    wanted = _id(grant_id)
    grant = grants_of(person=person).select_for_update(of=("self",)).filter(pk=wanted).first() if wanted else None
    if grant is None:
        raise NotFound("未找到该授权", "No such authorisation")
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at", "updated_at"])
        _log(grant, action="licence.grant_revoked", actor=f"person:{person.pk}")
    return grant


def grants_of(*, person: Person, licence: Licence | None = None) -> QuerySet[LicenceGrant]:
    """The authorisations this person gave (for their licences and their firms'), of one licence if given."""
    qs = LicenceGrant.objects.filter(granted_by=person).select_related(
        "licence__licence_type", "grantee", "grantee_enterprise"
    )
    return qs.filter(licence=licence) if licence is not None else qs


def grantees() -> list[Department]:
    """Departments a holder may authorise (this platform's)."""
    return list(Department.objects.order_by("name"))


def grants_received(*, person: Person) -> list[LicenceGrant]:
    """收到的用证授权: the grants to the enterprises this person acts for now (newest first), ended ones too."""
    firms = identity.enterprise_list_acted_for(person=person)
    return list(LicenceGrant.objects.filter(grantee_enterprise__in=firms)
                .select_related("licence__licence_type", "licence__department", "grantee_enterprise"))  # fmt: skip


def _may_fetch(grant: LicenceGrant, *, staff: Staff | None, person: Person | None) -> bool:
    if grant.grantee_id is not None:
        return staff is not None and staff.active and staff.department_id == grant.grantee_id
    return person is not None and any(
        firm.pk == grant.grantee_enterprise_id for firm in identity.enterprise_list_acted_for(person=person)
    )


def grant_fetch(*, grant_id: Any, staff: Staff | None = None, person: Person | None = None) -> tuple[LicenceGrant, str]:
    """The grantee's fetch — a department's staff member, or a person acting for the grantee enterprise: the
    presentation of the granted fields; else GrantRefused with the reason, logged. Not the grantee's: NotFound."""
    with transaction.atomic():
        wanted = _id(grant_id)
        grant = (LicenceGrant.objects.select_for_update(of=("self",))
                 .select_related("licence__licence_type", "grantee", "grantee_enterprise")
                 .filter(pk=wanted).first()) if wanted else None  # fmt: skip
        if grant is None or not _may_fetch(grant, staff=staff, person=person):
            raise NotFound("未找到该授权", "No such authorisation")  # someone else's: as if there were none
        if grant.grantee_id is not None and staff is not None:
            who: dict[str, Any] = {"actor": f"staff:{staff.pk}"}
        else:
            assert person is not None
            who = {"actor": f"person:{person.pk}", "actor_name": person.name}
        reason = None
        if grant.revoked_at is not None:
            reason = ("持证人已撤销该授权", "The holder has revoked this authorisation", "revoked")
        elif grant.valid_until <= timezone.now():
            reason = ("授权已过期", "The authorisation has expired", "expired")
        elif grant.licence.state != LicenceState.ISSUED:
            reason = ("证照已不再有效", "The licence is no longer valid", "licence_not_valid")
        if reason is None:
            LicenceGrant.objects.filter(pk=grant.pk).update(uses=F("uses") + 1)
            _log(grant, action="licence.grant_used", **who, elements=grant.disclosed)
            return grant, sd_jwt_present(grant.licence.token, disclose=grant.disclosed)
    _log(grant, action="licence.grant_refused", **who, reason=reason[2])  # outside the rollback
    raise GrantRefused(reason[0], reason[1], reason=reason[2])
