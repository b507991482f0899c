"""Declaring elements and recording values: history kept, the authoritative source wins, conflicts flagged."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.core.errors import Conflict, InvalidInput
from tongban.identity.tests.factories import EnterpriseFactory
from tongban.registry.models import DataElement, ElementValue
from tongban.registry.selectors import profile_for_subject, profile_values, value_history
from tongban.registry.services import ValueInput, choose_current, element_declare, value_record, values_record_bulk
from tongban.registry.tests.conftest import at
from tongban.registry.tests.factories import DataElementFactory

pytestmark = pytest.mark.django_db


def _declare(owner, **overrides):
    fields = {
        "code": "P.HUKOU_ADDRESS",
        "name": "户籍地址",
        "name_en": "Registered address",
        "owner": owner,
        "value_type": "text",
        "subject_kind": "person",
        "sharing_class": "conditional",
        "update_cycle": "realtime",
        "sensitivity": 3,
        "legal_basis": "《中华人民共和国户口登记条例》",
    }
    return element_declare(**{**fields, **overrides})


def _record(person, element, value, source, *, as_of, trust="A", record_id=""):
    return value_record(
        subject=person,
        element=element,
        value=value,
        source_department=source,
        source_record_id=record_id,
        as_of=as_of,
        trust_level=trust,
    )


def test_declare_keeps_the_catalogue_fields(police):
    element = _declare(police)
    assert (element.code, element.owner, element.sharing_class, element.sensitivity) == (
        "P.HUKOU_ADDRESS",
        police,
        "conditional",
        3,
    )


@pytest.mark.parametrize(
    ("overrides", "zh", "en"),
    [
        ({"code": "hukou address"}, "格式不正确", "not valid"),
        ({"value_type": "colour"}, "未知的数据类型", "Unknown value type"),
        ({"sensitivity": 5}, "敏感级别", "sensitivity level"),
        ({"value_type": "code"}, "允许的代码", "allowed codes"),
        ({"pattern": "[unclosed"}, "正则表达式", "regular expression"),
    ],
)
def test_declare_refuses_bad_definitions_in_both_languages(police, overrides, zh, en):
    with pytest.raises(InvalidInput) as caught:
        _declare(police, **overrides)
    assert zh in caught.value.message_zh and en in caught.value.message_en
    assert not DataElement.objects.exists()


def test_declare_refuses_a_code_twice(police):
    _declare(police)
    with pytest.raises(Conflict):
        _declare(police, name="另一个")


def test_a_new_value_is_a_new_row_and_the_old_one_is_kept(police, person):
    element = _declare(police)
    old = _record(person, element, "明德区旧城路1号", police, as_of=at(2020))
    new = _record(person, element, "明德区新港路8号", police, as_of=at(2025))
    old.refresh_from_db()
    assert old.value == "明德区旧城路1号" and not old.current
    assert new.current and not new.conflict  # one source's newer record is an update, not a conflict
    assert [v.value for v in value_history(subject=person, element_code=element.code)] == [
        "明德区新港路8号",
        "明德区旧城路1号",
    ]
    assert ElementValue.objects.filter(person=person).count() == 2


def test_a_late_arriving_older_record_does_not_replace_the_current_one(police, person):
    element = _declare(police)
    newer = _record(person, element, "新地址", police, as_of=at(2025))
    _record(person, element, "旧地址", police, as_of=at(2019))
    assert profile_values(subject=person, element_codes=[element.code])[element.code].text == "新地址"
    newer.refresh_from_db()
    assert newer.current


def test_the_authoritative_source_wins_and_the_disagreement_is_flagged(police, fund, person):
    element = _declare(police)
    _record(person, element, "明德区新港路8号", police, as_of=at(2024), trust="A")
    _record(person, element, "明德区旧城路18号", fund, as_of=at(2025), trust="C")  # newer but less authoritative
    current = profile_values(subject=person, element_codes=[element.code])[element.code]
    assert (current.text, current.source_department, current.trust_level, current.conflict) == (
        "明德区新港路8号",
        "示范市公安局",
        "A",
        True,
    )
    (group,) = profile_for_subject(subject=person)
    (alt,) = group.values[0].alternatives
    assert (alt.source_department, alt.value, alt.trust_level) == ("示范市住房公积金管理中心", "明德区旧城路18号", "C")


def test_the_conflict_clears_when_the_sources_agree_again(police, fund, person):
    element = _declare(police)
    _record(person, element, "新港路8号", police, as_of=at(2024))
    _record(person, element, "旧城路18号", fund, as_of=at(2023), trust="C")
    assert ElementValue.objects.get(person=person, current=True).conflict
    _record(person, element, "新港路8号", fund, as_of=at(2025), trust="C")
    current = ElementValue.objects.get(person=person, current=True)
    assert current.source_department == police and not current.conflict
    assert ElementValue.objects.filter(person=person).count() == 3


def test_same_trust_level_the_latest_wins(police, fund, person):
    element = _declare(police)
    _record(person, element, "甲", police, as_of=at(2023), trust="B")
    _record(person, element, "乙", fund, as_of=at(2024), trust="B")
    current = ElementValue.objects.get(person=person, current=True)
    assert (current.value, current.conflict) == ("乙", True)


def test_only_one_current_value_per_fact_is_allowed_by_the_database(police, person):
    element = _declare(police)
    _record(person, element, "甲", police, as_of=at(2023))
    with pytest.raises(IntegrityError), transaction.atomic():
        ElementValue.objects.create(
            person=person, element=element, value="乙", source_department=police, as_of=at(2024), trust_level="A",
            current=True,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("value_type", "value", "zh", "en"),
    [
        ("date", "2025-02-30", "不是有效日期", "not a valid date"),
        ("date", 20250101, "不是有效日期", "not a valid date"),
        ("integer", "三", "不是整数", "not a whole number"),
        ("integer", True, "应为整数", "whole number"),
        ("decimal", "1,000", "不是数字", "not a number"),
        ("decimal", "NaN", "不是数字", "not a number"),
        ("boolean", "maybe", "应为“是”或“否”", "yes or no"),
        ("text", "   ", "不能为空", "must not be empty"),
        ("text", 42, "应为文本", "expected text"),
    ],
)
def test_bad_values_are_refused_in_both_languages(police, person, value_type, value, zh, en):
    element = DataElementFactory(owner=police, value_type=value_type)
    with pytest.raises(InvalidInput) as caught:
        _record(person, element, value, police, as_of=at(2025))
    assert zh in caught.value.message_zh and en in caught.value.message_en
    assert element.code in caught.value.message_zh
    with translation.override("en"):
        assert en in caught.value.message
    assert not ElementValue.objects.exists()


def test_format_and_allowed_codes_are_checked(police, person):
    number = DataElementFactory(owner=police, pattern=r"H\d{5}")
    status = DataElementFactory(owner=police, value_type="code", choices={"10": "未婚", "20": "已婚"})
    with pytest.raises(InvalidInput, match="格式不正确"):
        _record(person, number, "12345", police, as_of=at(2025))
    with pytest.raises(InvalidInput, match="不是允许的代码"):
        _record(person, status, "99", police, as_of=at(2025))
    assert _record(person, number, "H00001", police, as_of=at(2025)).value == "H00001"
    assert profile_for_subject(subject=person)[0].values  # recorded


def test_values_are_read_back_typed(police, person):
    born = DataElementFactory(owner=police, value_type="date")
    capital = DataElementFactory(owner=police, value_type="decimal")
    married = DataElementFactory(owner=police, value_type="boolean")
    count = DataElementFactory(owner=police, value_type="integer")
    for element, value in ((born, date(1994, 3, 16)), (capital, "100.50"), (married, "是"), (count, " 2 ")):
        _record(person, element, value, police, as_of=at(2025))
    values = profile_values(subject=person, element_codes=[born.code, capital.code, married.code, count.code])
    assert values[born.code].typed == date(1994, 3, 16)
    assert values[capital.code].typed == Decimal("100.5")
    assert values[married.code].typed is True and values[married.code].display == "是"
    assert values[count.code].typed == 2


def test_person_element_refuses_an_enterprise_subject(police):
    element = _declare(police)
    with pytest.raises(InvalidInput, match="只适用于自然人"):
        _record(EnterpriseFactory(), element, "某地", police, as_of=at(2025))


def test_naive_and_future_as_of_are_refused(police, person):
    from datetime import datetime, timedelta

    from django.utils import timezone

    element = _declare(police)
    with pytest.raises(InvalidInput, match="带时区"):
        _record(person, element, "某地", police, as_of=datetime(2025, 1, 1))
    with pytest.raises(InvalidInput, match="晚于现在"):
        _record(person, element, "某地", police, as_of=timezone.now() + timedelta(days=1))


def test_bulk_load_is_all_or_nothing_and_names_the_bad_row(police, person):
    element = DataElementFactory(owner=police, value_type="integer")
    rows = [ValueInput(person, element, "1", police, at(2024)), ValueInput(person, element, "x", police, at(2025))]
    with pytest.raises(InvalidInput) as caught:
        values_record_bulk(rows=rows)
    assert "第 2 行" in caught.value.message_zh and "Row 2" in caught.value.message_en
    assert not ElementValue.objects.exists()


def test_bulk_load_chooses_current_across_the_batch_and_existing_rows(police, fund, person):
    element = _declare(police)
    _record(person, element, "旧地址", police, as_of=at(2020))
    count = values_record_bulk(
        rows=[
            ValueInput(person, element, "新地址", police, at(2024)),
            ValueInput(person, element, "抄录地址", fund, at(2025), trust_level="C"),
        ]
    )
    assert count == 2
    current = ElementValue.objects.get(person=person, current=True)
    assert (current.value, current.conflict) == ("新地址", True)
    assert ElementValue.objects.filter(person=person).count() == 3


def test_profile_values_is_one_query(police, person, django_assert_num_queries):
    elements = [DataElementFactory(owner=police) for _ in range(40)]
    values_record_bulk(rows=[ValueInput(person, e, f"值{i}", police, at(2025)) for i, e in enumerate(elements)])
    codes = [e.code for e in elements] + ["P.NOT_DECLARED"]
    with django_assert_num_queries(3):  # new elements: the process reads the element and department names once
        profile_values(subject=person, element_codes=codes)
    with django_assert_num_queries(1):
        values = profile_values(subject=person, element_codes=codes)
        assert values[elements[7].code].source_department == "示范市公安局"
    assert len(values) == 40
    assert values[elements[7].code].name == elements[7].name


class _Row:
    def __init__(self, source, value, trust, year):
        self.source_department_id, self.value, self.trust_level = source, value, trust
        self.as_of = at(year)
        self.recorded_at = at(year)


rows = st.lists(
    st.tuples(st.sampled_from("pqrs"), st.sampled_from(["甲", "乙"]), st.sampled_from("ABCD"), st.integers(2000, 2025)),
    min_size=1,
    max_size=12,
    unique_by=lambda r: (r[0], r[3]),  # one record per source and time
)


@settings(max_examples=200, deadline=None)
@given(rows)
def test_the_winner_has_the_best_trust_level_among_each_sources_latest(raw):
    values = [_Row(*r) for r in raw]
    winner, differing = choose_current(values)
    latest = {}
    for v in values:
        if v.source_department_id not in latest or v.as_of >= latest[v.source_department_id].as_of:
            latest[v.source_department_id] = v
    assert winner is latest[winner.source_department_id]  # a source's older record never wins
    assert winner.trust_level == min(v.trust_level for v in latest.values())
    same_level = [v for v in latest.values() if v.trust_level == winner.trust_level]
    assert winner.as_of == max(v.as_of for v in same_level)
    assert {id(v) for v in differing} == {id(v) for v in latest.values() if v.value != winner.value}


def test_profile_lists_a_departments_elements_in_declared_order(police, person):
    sex = _declare(police, code="P.SEX", name="性别", position=2)
    name = _declare(police, code="P.NAME", name="姓名", position=1)
    for element, value in ((sex, "男"), (name, "林晓峰")):
        _record(person, element, value, police, as_of=at(2025))
    (group,) = profile_for_subject(subject=person)
    assert [v.name for v in group.values] == ["姓名", "性别"]
