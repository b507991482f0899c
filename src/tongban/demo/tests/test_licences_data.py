"""The demo city's e-licences: the catalogue, existing licences imported (ID cards for the public accounts'
people, a business licence for every firm), a 居住证 issued into the citizen's wallet by the 秒批 approval,
and the legal representative's 食品经营许可 taking the firm's 营业执照 from the wallet (免提交)."""

import pytest

from tongban.catalog.selectors import implementation_get_by_code
from tongban.demo.federation_data import foreign_samples
from tongban.demo.licences_data import TYPES
from tongban.demo.tests.conftest import city_per_module
from tongban.demo.tests.test_rules_data import RESIDENCE, SMALL, _apply
from tongban.forms import materials
from tongban.forms.services import draft_start
from tongban.identity.models import Enterprise, User
from tongban.licenses.models import Licence, LicenceGrant, LicenceType

city_once = city_per_module(seed=7, **SMALL)  # one city for the module; each test's writes are rolled back


@pytest.fixture
def built(city_once, db, fast_hashing):  # type: ignore[no-untyped-def]
    return city_once


def test_the_catalogue_the_existing_licences_the_food_licence_and_the_neighbours(built, client, settings):
    assert built.counts["licence_types"] == LicenceType.objects.count() == len(TYPES) == 7
    assert Licence.objects.filter(licence_type__name="营业执照").count() == Enterprise.objects.count()
    citizen = User.objects.get(username="citizen").person
    assert Licence.objects.filter(licence_type__name="居民身份证", holder_person=citizen).exists()
    legalrep = User.objects.get(username="legalrep")
    firm = Enterprise.objects.filter(legal_representative=legalrep.person).order_by("name").first()
    draft = draft_start(user=legalrep, implementation=implementation_get_by_code("SC01003"), subject=firm)
    [state] = [s for s in materials.material_states(draft=draft) if s.material.name == "营业执照"]
    assert state.way == materials.EXEMPT and state.licence.holder_enterprise == firm
    client.force_login(legalrep)  # the citizen's 用证授权 to the restaurant company, fetched by its legal rep
    assert "应聘入职：核验身份和年龄" in client.get("/account/licences/received/").content.decode()
    grant_id = LicenceGrant.objects.get(grantee_enterprise__name="示范市鼎盛餐饮管理有限公司").pk
    fetched = client.post(f"/account/licences/received/{grant_id}/fetch").content.decode()
    assert citizen.birth_date.isoformat() in fetched
    settings.DEMO_MODE = True
    page = client.get("/demo/foreign-licences/").content.decode()
    assert "邻省示范市" in page and "远方市" in page
    for sample in foreign_samples():
        result = client.post("/verify/", {"token": sample.presentation}).content.decode()
        assert sample.expected in result, sample.label
    settings.DEMO_MODE = False
    assert client.get("/demo/foreign-licences/").status_code == 404


def test_the_residence_permit_approved_within_the_request_is_in_the_wallet(built, client):
    citizen = User.objects.get(username="citizen")
    case = _apply(citizen, "GA07002", {**RESIDENCE, "reason": "live"})
    permit = Licence.objects.get(licence_type__name="居住证", holder_person=citizen.person)
    assert permit.number == case.number and permit.fields["residence_address"] == RESIDENCE["residence_address"]
    assert permit.fields["full_name"] == citizen.person.name and permit.fields["reason"] == "居住"
    client.force_login(citizen)
    assert "居住证" in client.get("/account/licences/").content.decode()
