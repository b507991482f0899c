"""The generated population: valid numbers, plausible families, and the same city for the same seed."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from tongban.demo.content.regions import DISTRICTS
from tongban.demo.generators import DEFAULT_SEED, REFERENCE_DATE, generate_city
from tongban.demo.numbers import resident_id_make, resident_id_sex
from tongban.identity import validators

DISTRICT_CODES = {code for code, _ in DISTRICTS}


@pytest.fixture(scope="module")
def city():
    return generate_city()


def _age(born: date) -> int:
    return REFERENCE_DATE.year - born.year - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (born.month, born.day))


def test_at_least_a_thousand_people_and_two_hundred_businesses(city):
    assert len(city.persons) >= 1000
    assert len(city.enterprises) >= 200


def test_every_resident_id_has_a_valid_check_digit_birth_date_and_sex(city):
    for person in city.persons:
        number = person.id_number
        assert number[-1] == ric.calc_check_digit(number)
        assert ric.get_birth_date(number) == person.birth_date
        assert resident_id_sex(number) == person.sex
        checked = validators.resident_id(number)  # what person_create will run
        assert (checked.birth_date, checked.sex) == (person.birth_date, person.sex)
        assert number[:6] == person.region and person.region in DISTRICT_CODES


def test_ids_and_mobiles_are_unique_and_mobiles_fictional(city):
    ids = [p.id_number for p in city.persons]
    assert len(set(ids)) == len(ids)
    mobiles = [p.mobile for p in city.persons if p.mobile]
    assert len(set(mobiles)) == len(mobiles)
    assert all(m.startswith("1990") and len(m) == 11 and validators.mobile(m) == m for m in mobiles)
    assert all(not p.mobile for p in city.persons if _age(p.birth_date) < 16)


def test_both_sexes_and_births_from_1940_to_2025(city):
    sexes = Counter(p.sex for p in city.persons)
    assert min(sexes.values()) > 0.4 * len(city.persons)
    births = [p.birth_date for p in city.persons]
    assert min(births) >= date(1940, 1, 1) and max(births) <= date(2025, 12, 31)
    decades = {b.year // 10 * 10 for b in births}
    assert decades == {1940, 1950, 1960, 1970, 1980, 1990, 2000, 2010, 2020}


def test_names_are_chinese_and_pass_the_name_rule(city):
    for person in city.persons:
        assert 2 <= len(person.name) <= 4
        assert all("\u4e00" <= ch <= "\u9fff" for ch in person.name)
        assert validators.person_name(person.name) == person.name


def test_every_credit_code_validates_and_says_what_kind_of_body_it_is(city):
    codes = [e.credit_code for e in city.enterprises]
    assert len(set(codes)) == len(codes)
    for enterprise in city.enterprises:
        assert uscc.validate(enterprise.credit_code) == enterprise.credit_code
        assert validators.credit_code(enterprise.credit_code) == enterprise.credit_code
        assert enterprise.credit_code[:2] == ("91" if enterprise.kind == "enterprise" else "92")
        assert enterprise.credit_code[2:8] == enterprise.region


def test_businesses_have_unique_names_and_adult_representatives_from_the_population(city):
    people = {p.id_number: p for p in city.persons}
    names = [e.name for e in city.enterprises]
    assert len(set(names)) == len(names)
    kinds = Counter(e.kind for e in city.enterprises)
    assert kinds["enterprise"] > 0 and kinds["individual"] > 0
    for enterprise in city.enterprises:
        owner = people[enterprise.legal_representative]
        assert _age(owner.birth_date) >= 22
        assert enterprise.established_on.year - owner.birth_date.year >= 18
        assert enterprise.established_on <= date(2025, 12, 31)
        if enterprise.kind == "enterprise":
            assert enterprise.name.endswith("公司")
    assert max(Counter(e.legal_representative for e in city.enterprises).values()) <= 2


def test_households_hold_couples_of_marriageable_age_and_their_children(city):
    people = {p.id_number: p for p in city.persons}
    assert sum(len(h.members) for h in city.households) == len(city.persons)
    assert len(city.couples) >= 100
    for couple in city.couples:
        husband, wife = people[couple.husband], people[couple.wife]
        assert (husband.sex, wife.sex) == ("M", "F")
        assert _age(husband.birth_date) >= 22 and _age(wife.birth_date) >= 20
        assert couple.married_on.year - husband.birth_date.year >= 22
        assert couple.married_on.year - wife.birth_date.year >= 20
        assert couple.married_on < REFERENCE_DATE
    for household in city.households:
        members = [people[i] for i in household.members]
        assert members[0].relation == "户主"
        assert {m.household for m in members} == {household.number}
        assert {m.address for m in members} == {household.address}


def test_expecting_couples_for_the_newborn_bundle(city):
    people = {p.id_number: p for p in city.persons}
    married = {(c.husband, c.wife) for c in city.couples}
    assert len(city.expecting) >= 5
    for expecting in city.expecting:
        assert (expecting.father, expecting.mother) in married
        assert people[expecting.mother].household == people[expecting.father].household
        assert expecting.expected_on > REFERENCE_DATE


def test_the_cast_of_the_demo_accounts(city):
    people = {p.id_number: p for p in city.persons}
    citizen = people[city.cast["citizen"]]
    assert citizen.name == "林晓峰" and citizen.region == "990102" and citizen.mobile
    assert any(e.father == citizen.id_number for e in city.expecting)
    elder = people[city.cast["elder"]]
    assert elder.name == "王秀英" and _age(elder.birth_date) >= 75
    owner = city.cast["legalrep"]
    owned = {e.credit_code: e for e in city.enterprises if e.legal_representative == owner}
    assert set(city.cast_enterprises.values()) == set(owned)
    assert {e.kind for e in owned.values()} == {"enterprise", "individual"}


def test_the_same_seed_gives_the_same_city_and_another_seed_another():
    assert generate_city(seed=7, persons=300, enterprises=60) == generate_city(seed=7, persons=300, enterprises=60)
    other = generate_city(seed=8, persons=300, enterprises=60)
    assert other.persons[10:] != generate_city(seed=7, persons=300, enterprises=60).persons[10:]


def test_the_default_seed_is_stable():
    city = generate_city(seed=DEFAULT_SEED, persons=50, enterprises=10)
    again = generate_city(persons=50, enterprises=10)
    assert city == again


@settings(max_examples=200, deadline=None)
@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
    region=st.sampled_from(sorted(DISTRICT_CODES)),
)
def test_resident_id_make_always_gives_a_number_the_platform_accepts(born, sequence, region):
    number = resident_id_make(region=region, birth_date=born, sequence=sequence)
    checked = validators.resident_id(number)
    assert checked.birth_date == born
    assert checked.sex == ("M" if sequence % 2 else "F")
