"""The demo city's content: every guide is a valid exchange item, believable and internally consistent."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidComponent

from tongban.catalog.codes import CaseType, HandlingForm, LimitUnit, MaterialSource
from tongban.catalog.schema import ItemSpec
from tongban.demo.content import CITY_CODE, DEPARTMENTS, ITEMS, REGIONS, item_specs
from tongban.demo.numbers import credit_code_make, org_code_check, resident_id_make
from tongban.identity import validators

REQUIRED_ITEMS = [
    "出生医学证明签发",
    "出生户口登记",
    "城乡居民基本医疗保险参保登记",
    "社会保障卡申领",
    "预防接种证办理",
    "个体工商户设立登记",
    "企业设立登记",
    "食品经营许可",
    "公共场所卫生许可",
    "户外招牌设置审批",
    "退休申请（职工基本养老保险待遇申领）",
    "基本养老金核定",
    "不动产转移登记",
    "用水过户",
    "用电过户",
    "燃气过户",
    "居住证申领",
    "就业登记",
]
DEPARTMENT_CODES = {d.credit_code for d in DEPARTMENTS}


def _as_natural_days(days: int, unit: str) -> float:
    return days * 7 / 5 if unit == LimitUnit.WORKING_DAYS else days


@pytest.mark.parametrize("spec", ITEMS, ids=lambda s: s.basic_code)
def test_every_item_validates_as_an_exchange_item(spec):
    again = ItemSpec.model_validate(spec.model_dump(mode="json"))
    assert again == spec


def test_the_city_offers_at_least_thirty_items_with_distinct_codes():
    assert len(ITEMS) >= 30
    codes = [s.basic_code for s in ITEMS]
    assert len(set(codes)) == len(codes)
    assert len({s.name for s in ITEMS}) == len(ITEMS)


def test_the_items_the_issues_name_are_all_there():
    names = {s.name for s in ITEMS}
    assert [n for n in REQUIRED_ITEMS if n not in names] == []


def test_utilities_are_transferred_by_the_three_utility_companies():
    by_name = {s.name: s for s in ITEMS}
    owners = {d.credit_code: d.key for d in DEPARTMENTS}
    assert owners[by_name["用水过户"].department] == "water"
    assert owners[by_name["用电过户"].department] == "power"
    assert owners[by_name["燃气过户"].department] == "gas"


@pytest.mark.parametrize("spec", ITEMS, ids=lambda s: s.basic_code)
def test_every_item_is_implemented_by_a_department_of_the_city(spec):
    assert spec.department in DEPARTMENT_CODES


def test_at_least_twelve_departments_with_valid_distinct_credit_codes():
    assert len(DEPARTMENTS) >= 12
    assert len(DEPARTMENT_CODES) == len(DEPARTMENTS)
    for dept in DEPARTMENTS:
        assert uscc.validate(dept.credit_code) == dept.credit_code
        assert validators.credit_code(dept.credit_code) == dept.credit_code
        assert dept.credit_code[2:8] == CITY_CODE
        assert dept.phone.startswith("0699-") and dept.address.startswith("示范市")


def test_government_bodies_carry_11_institutions_12_and_utility_companies_91():
    prefixes = {d.key: d.credit_code[:2] for d in DEPARTMENTS}
    assert prefixes["gaj"] == "11"
    assert prefixes["gjj"] == "12"
    assert {prefixes["water"], prefixes["power"], prefixes["gas"]} == {"91"}


def test_organisation_code_check_matches_a_published_credit_code():
    # 91110000600037341L is python-stdnum's own example: organisation code 60003734-1.
    assert org_code_check("60003734") == "1"
    assert credit_code_make(prefix="91", region="110000", org_body="60003734") == "91110000600037341L"


def test_region_codes_are_fictional_and_unknown_to_the_national_table():
    for region in REGIONS:
        assert region.code.startswith("99") and len(region.code) in (6, 9)
        if len(region.code) == 6 and region.level == 3:
            number = resident_id_make(region=region.code, birth_date=date(1990, 5, 17), sequence=123)
            with pytest.raises(InvalidComponent):
                ric.get_birth_place(number)
    parents = {r.code for r in REGIONS}
    assert all(r.parent is None or r.parent in parents for r in REGIONS)


@pytest.mark.parametrize("spec", ITEMS, ids=lambda s: s.basic_code)
def test_limits_are_consistent_with_the_case_type(spec):
    if spec.case_type == CaseType.IMMEDIATE:
        assert spec.promised_limit.days == 0
    else:
        assert spec.promised_limit.days > 0
    promised = _as_natural_days(spec.promised_limit.days, spec.promised_limit.unit)
    legal = _as_natural_days(spec.legal_limit.days, spec.legal_limit.unit)
    assert promised <= legal


@pytest.mark.parametrize("spec", ITEMS, ids=lambda s: s.basic_code)
def test_guides_are_complete(spec):
    assert spec.name_en and spec.summary and spec.result and spec.delivery
    assert spec.consult_phone and spec.complaint_phone == "12345"
    assert len(spec.conditions) >= 2 and len(spec.process) >= 3
    assert all(basis.startswith("《") for basis in spec.legal_basis)
    assert spec.life_events and len(spec.keywords) >= 4
    assert all(place.hours and place.address for place in spec.places)
    for material in spec.materials:
        assert material.issuer, material.name
        if material.source == MaterialSource.PLEDGE:
            assert material.blank_form, material.name


@pytest.mark.parametrize("spec", ITEMS, ids=lambda s: s.basic_code)
def test_an_item_that_needs_no_visit_can_be_applied_for_online(spec):
    if spec.visits == 0:
        assert HandlingForm.ONLINE in spec.handling_forms


def test_fees_follow_the_national_standard_and_most_items_are_free():
    charged = [s for s in ITEMS if s.fees]
    assert len(charged) <= len(ITEMS) // 5
    assert all(fee.basis for s in charged for fee in s.fees)
    transfer = next(s for s in ITEMS if s.name == "不动产转移登记")
    residential = next(f for f in transfer.fees if "住宅类" in f.name and "非" not in f.name)
    assert residential.amount == 80
    assert "发改价格规〔2016〕2559号" in residential.basis


def test_everyday_words_people_type_are_keywords():
    keywords = {k for s in ITEMS for k in s.keywords}
    for word in ["营业执照", "上户口", "生孩子", "医保卡", "社保卡", "过户", "结婚证", "低保", "身份证"]:
        assert word in keywords, word


def test_item_specs_are_copies_the_caller_may_change():
    copies = item_specs()
    copies[0].name = "改过的名称"
    assert ITEMS[0].name != "改过的名称"
