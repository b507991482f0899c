"""The demo city's registry: every element declared, every resident and business has values with provenance."""

from __future__ import annotations

import pytest
from django.db.models import F

from tongban.demo.registry_data import ENTERPRISE_ELEMENTS, PERSON_ELEMENTS
from tongban.demo.tests.conftest import city_per_module
from tongban.identity.models import Enterprise, Person
from tongban.registry.models import DataElement, ElementValue
from tongban.registry.selectors import profile_for_subject, profile_values

city_once = city_per_module(seed=11, persons=60, enterprises=12)


@pytest.fixture
def built(city_once, db, fast_hashing):
    return city_once


def test_at_least_thirty_elements_each_owned_by_a_department(built):
    assert DataElement.objects.count() == len(PERSON_ELEMENTS) + len(ENTERPRISE_ELEMENTS) >= 30
    owners = set(DataElement.objects.values_list("owner__name", flat=True))
    assert {"示范市公安局", "示范市民政局", "示范市市场监督管理局", "示范市住房公积金管理中心"} <= owners
    assert built.counts["element_values"] == ElementValue.objects.count()


def test_every_person_and_enterprise_has_register_values_from_the_owner(built):
    assert not Person.objects.exclude(pk__in=ElementValue.objects.values("person")).exists()
    assert not Enterprise.objects.exclude(pk__in=ElementValue.objects.values("enterprise")).exists()
    mismatched = ElementValue.objects.filter(trust_level="A").exclude(source_department=F("element__owner"))
    assert not mismatched.exists()


def test_the_register_agrees_with_the_person_record(built):
    for person in Person.objects.all()[:20]:
        values = profile_values(subject=person, element_codes=["P.NAME", "P.BIRTH_DATE", "P.SEX"])
        assert values["P.NAME"].text == person.name
        assert values["P.BIRTH_DATE"].typed == person.birth_date
        assert values["P.SEX"].text == person.sex


def test_the_citizen_sees_the_housing_fund_centres_old_address_as_a_conflict(built):
    citizen = Person.objects.get(user__username="citizen")
    address = profile_values(subject=citizen, element_codes=["P.HUKOU_ADDRESS"])["P.HUKOU_ADDRESS"]
    assert address.source_department == "示范市公安局" and address.conflict
    groups = {g.department.name: g for g in profile_for_subject(subject=citizen)}
    (alt,) = next(v for v in groups["示范市公安局"].values if v.code == "P.HUKOU_ADDRESS").alternatives
    assert alt.source_department == "示范市住房公积金管理中心"
    assert profile_values(subject=citizen, element_codes=["P.MARITAL_STATUS"])["P.MARITAL_STATUS"].display == "已婚"


def test_the_legal_representatives_company_has_its_record(built):
    firm = Enterprise.objects.get(name="示范市鼎盛餐饮管理有限公司")
    values = profile_values(subject=firm, element_codes=["E.USCC", "E.LEGAL_REP_NAME", "E.STATUS"])
    assert values["E.USCC"].text == firm.credit_code
    assert values["E.LEGAL_REP_NAME"].text == "赵建华"
