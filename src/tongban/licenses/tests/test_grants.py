"""用证授权: a holder authorises a department for a purpose and a period; its staff fetch a presentation of
the granted fields through the API; after revocation or past the period the fetch is refused with the reason
and logged; another department, a bad id, or a citizen get nothing; every use is in the holder's history."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.audit import audit_list_for_subject
from tongban.core.errors import InvalidInput
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles
from tongban.licenses import grants
from tongban.licenses.models import LicenceGrant
from tongban.licenses.sdjwt import disclosure_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    return DepartmentFactory(name="示范市住房公积金管理中心")


@pytest.fixture
def bank_staff(bank):
    return staff_with_roles([Role.REVIEWER], department=bank, mobile="13700000701")


def _grant(owner, licence, bank, **kw):
    args = {"purpose": "单位缴存登记核验营业执照", "days": 30, "fields": ["address"], **kw}
    return grants.grant_create(person=owner, licence=licence, grantee=bank, **args)


def _fetch(client, staff, grant):
    client.force_login(staff.user)
    return client.get(f"/api/v1/licences/grants/{grant.pk}/presentation")


def test_the_grantee_fetches_just_the_granted_fields_and_the_holder_sees_the_use(client, owner, issue, bank,
                                                                                 bank_staff):  # fmt: skip
    licence = issue()
    grant = _grant(owner, licence, bank)
    body = _fetch(client, bank_staff, grant).json()
    names = {disclosure_name(d) for d in body["presentation"].split("~")[1:] if d}
    assert "address" in names and "business_scope" not in names and body["licence_id"] == licence.identifier
    verified = client.post("/api/v1/licences/verify", json.dumps({"presentation": body["presentation"]}),
                           content_type="application/json").json()  # fmt: skip
    assert verified["valid"] and verified["claims"]["address"] == licence.fields["address"]
    actions = [e.action for e in audit_list_for_subject(subject=licence.holder_code)]
    assert "licence.grant_created" in actions and "licence.grant_used" in actions
    assert LicenceGrant.objects.get(pk=grant.pk).uses == 1


def test_after_revocation_or_past_its_period_the_fetch_is_refused_and_logged(client, owner, issue, bank,
                                                                            bank_staff):  # fmt: skip
    licence = issue()
    revoked = _grant(owner, licence, bank)
    grants.grant_revoke(person=owner, grant_id=revoked.pk)
    refused = _fetch(client, bank_staff, revoked)
    assert refused.status_code == 403 and refused["Content-Type"].startswith("application/problem+json")
    assert "撤销" in refused.json()["detail"] or "撤销" in json.dumps(refused.json(), ensure_ascii=False)
    expired = _grant(owner, licence, bank)
    LicenceGrant.objects.filter(pk=expired.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    assert _fetch(client, bank_staff, expired).status_code == 403
    reasons = [e.data.get("reason") for e in audit_list_for_subject(subject=licence.holder_code)
               if e.action == "licence.grant_refused"]  # fmt: skip
    assert sorted(reasons) == ["expired", "revoked"]


def test_another_department_a_bad_id_and_a_citizen_get_nothing(client, owner, issue, bank):
    grant = _grant(owner, issue(), bank)
    other = staff_with_roles([Role.REVIEWER], department=DepartmentFactory(), mobile="13700000702")
    assert _fetch(client, other, grant).status_code == 404
    client.force_login(other.user)
    assert client.get("/api/v1/licences/grants/not-a-uuid/presentation").status_code == 404
    client.force_login(owner.user)  # a citizen who acts for no grantee: as if there were no such grant
    assert client.get(f"/api/v1/licences/grants/{grant.pk}/presentation").status_code == 404


def test_bad_grants_are_refused_with_the_reason(owner, issue, bank):
    licence = issue()
    for kw, field in (({"purpose": " "}, "purpose"), ({"days": 0}, "days"), ({"days": 400}, "days"),
                      ({"fields": ["password"]}, None)):  # fmt: skip
        with pytest.raises(InvalidInput) as refused:
            _grant(owner, licence, bank, **kw)
        assert refused.value.field == field


def test_the_licence_page_grants_lists_and_revokes(client, owner, issue, bank):
    licence = issue()
    client.force_login(owner.user)
    url = f"/account/licences/{licence.identifier}/"
    bad = client.post(f"{url}grants", {"grantee": str(bank.pk), "purpose": "", "days": "30"})
    assert bad.status_code == 400 and "请写明用途" in bad.content.decode()
    done = client.post(f"{url}grants", {"grantee": str(bank.pk), "purpose": "核验", "days": "7",
                                        "grant_field": ["address"]})  # fmt: skip
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert bank.name in page and "核验" in page
    grant = LicenceGrant.objects.get()
    client.post(f"{url}grants/{grant.pk}/revoke")
    assert LicenceGrant.objects.get().revoked_at is not None
    stranger = person_with_account(name="路人丙")
    client.force_login(stranger.user)
    assert client.post(f"{url}grants", {"grantee": str(bank.pk), "purpose": "x", "days": "7"}).status_code == 404
