"""用证授权 to an enterprise: the holder names a firm by its 统一社会信用代码 (check character checked, the firm must
be in the platform's register); whoever acts for the firm — its legal representative, or an agent with a
delegation of the firm in force — fetches the presentation through the API or on 收到的用证授权; anyone else,
another firm's agent included, gets a 404; revoked or expired is refused with the reason and logged; every use
is in the holder's 谁用了我的数据, naming the enterprise."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from stdnum.cn import uscc

from tongban.core.audit import audit_list_for_subject
from tongban.core.errors import InvalidInput
from tongban.identity import services as identity_services
from tongban.identity.selectors import delegation_list_for_person
from tongban.identity.tests.factories import EnterpriseFactory, make_credit_code, person_with_account
from tongban.licenses import grants, services
from tongban.licenses.codes import HolderKind
from tongban.licenses.models import LicenceGrant
from tongban.licenses.sdjwt import disclosure_name
from tongban.licenses.tests.factories import LicenceTypeFactory
from tongban.registry.selectors import data_uses_describe

pytestmark = pytest.mark.django_db

PERSON_FIELDS = [
    {"name": "full_name", "label": "姓名", "label_en": "Name", "type": "text", "disclosable": False, "required": True},
    {"name": "sex", "label": "性别", "label_en": "Sex", "type": "text", "required": True},
    {"name": "birth_date", "label": "出生日期", "label_en": "Date of birth", "type": "date", "required": True},
]


@pytest.fixture
def partner(db):
    """The grantee: a firm with a legal representative who has an account."""
    rep = person_with_account(name="钱立群")
    return EnterpriseFactory(name="示范市远航人力资源有限公司", legal_representative=rep)


@pytest.fixture
def agent(partner):
    """A 经办人 of the partner firm: its legal representative delegated every item to them."""
    person = person_with_account(name="孙晓雯")
    identity_services.delegation_grant(
        principal=partner, agent_id_number=person.id_number, agent_name=person.name,
        valid_until=timezone.now() + timedelta(days=90), granted_by=partner.legal_representative.user,
    )  # fmt: skip
    return person


@pytest.fixture
def rival_agent(db):
    """The legal representative and an agent of another firm."""
    rival = EnterpriseFactory(name="示范市另一家科技有限公司", legal_representative=person_with_account(name="周成"))
    person = person_with_account(name="吴海")
    identity_services.delegation_grant(
        principal=rival, agent_id_number=person.id_number, agent_name=person.name,
        valid_until=timezone.now() + timedelta(days=90), granted_by=rival.legal_representative.user,
    )  # fmt: skip
    return person


@pytest.fixture
def id_card(amr, reviewer, wallet):
    """A person-held licence (so its uses are in that person's own 谁用了我的数据) and its holder."""
    holder = person_with_account(name="林晓峰")
    kind = LicenceTypeFactory(code="11100000000013338W021", name="居民身份证", department=amr,
                              holder_kind=HolderKind.PERSON, fields=PERSON_FIELDS, satisfies=[])  # fmt: skip
    licence = services.licence_issue(
        licence_type=kind, holder=holder, number=holder.id_number, actor=reviewer, holder_jwk=wallet.jwk,
        fields={"full_name": holder.name, "sex": "男", "birth_date": "1990-05-01"},
    )  # fmt: skip
    return holder, licence


def _grant(person, licence, grantee, **kw):
    args = {"purpose": "员工入职核验身份", "days": 30, "fields": ["birth_date"], **kw}
    return grants.grant_create(person=person, licence=licence, grantee=grantee, **args)


def _api(client, person, grant):
    client.force_login(person.user)
    return client.get(f"/api/v1/licences/grants/{grant.pk}/presentation")


def test_the_legal_representative_fetches_and_the_holder_sees_the_firm_in_their_history(client, partner, id_card):
    holder, licence = id_card
    grant = _grant(holder, licence, partner)
    assert grant.grantee is None and grant.grantee_enterprise == partner and grant.grantee_name == partner.name
    response = _api(client, partner.legal_representative, grant)
    assert response.status_code == 200, response.content
    body = response.json()
    names = {disclosure_name(d) for d in body["presentation"].split("~")[1:] if d}
    assert "birth_date" in names and "sex" not in names and body["purpose"] == "员工入职核验身份"
    verified = client.post("/api/v1/licences/verify", json.dumps({"presentation": body["presentation"]}),
                           content_type="application/json").json()  # fmt: skip
    assert verified["valid"] and verified["claims"]["birth_date"] == "1990-05-01"
    assert LicenceGrant.objects.get(pk=grant.pk).uses == 1

    client.force_login(holder.user)
    page = client.get("/account/data-uses/").content.decode()
    assert "企业凭授权调取电子证照" in page and partner.name in page and partner.legal_representative.name in page
    uses = data_uses_describe(person=holder, entries=audit_list_for_subject(subject=holder.id_number))
    used = next(u for u in uses if u.action == "licence.grant_used")
    assert used.department == partner.name and used.who == partner.legal_representative.name
    assert used.purpose == "员工入职核验身份" and not used.by_self


def test_an_agent_with_the_firms_delegation_fetches(client, partner, agent, id_card):
    holder, licence = id_card
    grant = _grant(holder, licence, partner)
    assert _api(client, agent, grant).status_code == 200
    used = [e for e in audit_list_for_subject(subject=holder.id_number) if e.action == "licence.grant_used"]
    assert used[0].actor == f"person:{agent.pk}" and used[0].data["enterprise"] == partner.name
    assert used[0].data["actor_name"] == agent.name


def test_an_agent_whose_delegation_was_revoked_gets_nothing(client, partner, agent, id_card):
    holder, licence = id_card
    grant = _grant(holder, licence, partner)
    given = delegation_list_for_person(person=agent, direction="received").get()
    identity_services.delegation_revoke(delegation=given, by=partner.legal_representative.user)
    assert _api(client, agent, grant).status_code == 404


def test_an_unrelated_person_another_firms_agent_and_a_department_get_404(client, partner, rival_agent, id_card,
                                                                          reviewer):  # fmt: skip
    holder, licence = id_card
    grant = _grant(holder, licence, partner)
    assert _api(client, person_with_account(name="路人丁"), grant).status_code == 404
    assert _api(client, rival_agent, grant).status_code == 404  # another firm's agent, this firm's grant id
    client.force_login(reviewer.user)  # department staff: the grant is not their department's
    assert client.get(f"/api/v1/licences/grants/{grant.pk}/presentation").status_code == 404
    assert _api(client, holder, grant).status_code == 404  # the holder is not the grantee either
    assert not [e for e in audit_list_for_subject(subject=holder.id_number) if e.action == "licence.grant_used"]
    client.force_login(rival_agent.user)
    assert client.post(f"/account/licences/received/{grant.pk}/fetch").status_code == 404
    assert grant.purpose not in client.get("/account/licences/received/").content.decode()


def test_revoked_or_expired_is_refused_with_the_reason_and_logged(client, partner, agent, id_card):
    holder, licence = id_card
    revoked = _grant(holder, licence, partner)
    grants.grant_revoke(person=holder, grant_id=revoked.pk)
    refused = _api(client, partner.legal_representative, revoked)
    assert refused.status_code == 403 and refused["Content-Type"].startswith("application/problem+json")
    assert "撤销" in json.dumps(refused.json(), ensure_ascii=False)
    expired = _grant(holder, licence, partner)
    LicenceGrant.objects.filter(pk=expired.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    client.force_login(agent.user)
    page = client.post(f"/account/licences/received/{expired.pk}/fetch")
    assert page.status_code == 403 and "授权已过期" in page.content.decode()
    entries = [e for e in audit_list_for_subject(subject=holder.id_number) if e.action == "licence.grant_refused"]
    assert sorted(e.data["reason"] for e in entries) == ["expired", "revoked"]
    assert {e.data["enterprise"] for e in entries} == {partner.name}
    assert LicenceGrant.objects.get(pk=revoked.pk).uses == 0
    client.force_login(holder.user)
    assert "授权已失效，调取被拒绝" in client.get("/account/data-uses/").content.decode()


def test_the_received_page_lists_the_firms_grants_and_fetches_one(client, partner, agent, id_card, firm, issue,
                                                                  owner):  # fmt: skip
    holder, licence = id_card
    grant = _grant(holder, licence, partner)
    _grant(owner, issue(), EnterpriseFactory(name="示范市无关物流有限公司"), purpose="别家的授权",
           fields=["address"])  # fmt: skip
    client.force_login(agent.user)
    wallet = client.get("/account/licences/").content.decode()
    assert "/account/licences/received/" in wallet
    page = client.get("/account/licences/received/").content.decode()
    assert "员工入职核验身份" in page and partner.name in page and "别家的授权" not in page
    assert holder.name not in page and "林*峰" in page  # the holder's name masked until a fetch discloses it
    fetched = client.post(f"/account/licences/received/{grant.pk}/fetch")
    html = fetched.content.decode()
    assert fetched.status_code == 200 and fetched["Cache-Control"] == "no-store"
    assert "1990-05-01" in html and "男" not in html.split("调取结果")[1].split("</section>")[0]
    assert LicenceGrant.objects.get(pk=grant.pk).uses == 1
    client.force_login(owner.user)  # a legal representative of a firm that has no grants
    assert "暂无授权给您所代表企业的证照" in client.get("/account/licences/received/").content.decode()


def test_the_licence_page_grants_to_an_enterprise_by_its_credit_code(client, owner, issue, partner):
    licence = issue()
    client.force_login(owner.user)
    url = f"/account/licences/{licence.identifier}/grants"
    done = client.post(url, {"grantee_kind": "enterprise", "grantee_code": partner.credit_code.lower(),
                             "purpose": "投标资格核验", "days": "10", "grant_field": ["address"]})  # fmt: skip
    assert done.status_code == 302
    grant = LicenceGrant.objects.get()
    assert grant.grantee_enterprise == partner and grant.grantee is None and "address" in grant.disclosed
    page = client.get(f"/account/licences/{licence.identifier}/").content.decode()
    assert partner.name in page and partner.credit_code in page and "投标资格核验" in page


def test_a_bad_check_character_or_an_unknown_firm_is_a_field_error_keeping_what_was_typed(client, owner, issue,
                                                                                          partner):  # fmt: skip
    licence = issue()
    client.force_login(owner.user)
    url = f"/account/licences/{licence.identifier}/grants"
    good = partner.credit_code
    wrong = good[:17] + next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != good[17])
    typed = {"grantee_kind": "enterprise", "purpose": "投标资格核验", "days": "12", "grant_field": ["address"]}
    bad = client.post(url, {**typed, "grantee_code": wrong})
    html = bad.content.decode()
    assert bad.status_code == 400 and "统一社会信用代码校验位错误" in html
    assert 'aria-invalid="true"' in html and f'value="{wrong}"' in html and 'value="投标资格核验"' in html
    assert 'value="12"' in html and 'id="grant-address" checked' in html
    assert 'value="enterprise" id="grant-kind-enterprise" checked' in html
    unknown = make_credit_code(prefix="91")
    missing = client.post(url, {**typed, "grantee_code": unknown}).content.decode()
    assert "平台企业名录中未找到该统一社会信用代码的企业" in missing and f'value="{unknown}"' in missing
    client.cookies["tongban_lang"] = "en"
    english = client.post(url, {**typed, "grantee_code": wrong}).content.decode()
    assert "The check character of the unified social credit code is wrong" in english
    assert not LicenceGrant.objects.exists()


def test_the_service_refuses_a_bad_or_unknown_code_on_the_code_field():
    body = "91990101MA1234567"
    with pytest.raises(InvalidInput) as bad:
        grants.grantee_enterprise_find(credit_code=body + ("0" if uscc.calc_check_digit(body) != "0" else "1"))
    assert bad.value.field == "grantee_code" and "校验位" in bad.value.message_zh
    with pytest.raises(InvalidInput) as unknown:
        grants.grantee_enterprise_find(credit_code=body + uscc.calc_check_digit(body))
    assert unknown.value.field == "grantee_code" and unknown.value.message_en.startswith("No enterprise")


def test_a_grant_has_exactly_one_grantee(owner, issue, partner, amr):
    licence = issue()
    grant = _grant(owner, licence, partner, fields=["address"])
    for department, enterprise in ((amr, partner), (None, None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            LicenceGrant.objects.filter(pk=grant.pk).update(grantee=department, grantee_enterprise=enterprise)


# --- the contract -----------------------------------------------------------------------------------

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler()).include(
    path_regex="^/api/v1/licences/grants"
)
_STATE: dict[str, list[str] | str] = {}


@schema.auth(refresh_interval=None)
class RepresentativeSession:
    def get(self, case, ctx):
        return _STATE.get("session")

    def set(self, case, data, ctx):
        case.cookies = {**(case.cookies or {}), "sessionid": data}


@pytest.fixture
def grants_to_fetch(client, partner, rival_agent, id_card):
    """Grants the session's firm may fetch (one valid, one revoked), another firm's, and random ids."""
    holder, licence = id_card
    valid, revoked = _grant(holder, licence, partner), _grant(holder, licence, partner)
    grants.grant_revoke(person=holder, grant_id=revoked.pk)
    rival = _grant(holder, licence, rival_agent.delegations_received.get().principal_enterprise)
    client.force_login(partner.legal_representative.user)
    _STATE.update(session=client.cookies["sessionid"].value, ids=[str(valid.pk), str(revoked.pk), str(rival.pk)])
    yield
    _STATE.clear()


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_grant_api_conforms_to_the_openapi_schema_for_an_enterprise(case, grants_to_fetch, keep_test_connection):
    generated = str((case.path_parameters or {}).get("grant_id", ""))
    ids = list(_STATE["ids"])
    if case.path_parameters is not None and len(generated) % 4 < 3:
        case.path_parameters["grant_id"] = ids[len(generated) % 4]  # 200, 403 and 404 as well as random ids
    case.call_and_validate()
