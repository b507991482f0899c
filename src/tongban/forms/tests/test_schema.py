"""Publishing a form checks it once: known elements, agreeing types, known fields in conditions, no cycles."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.core.errors import InvalidInput
from tongban.forms import expr
from tongban.forms.models import FormVersion
from tongban.forms.schema import ElementInfo, schema_compile
from tongban.forms.services import form_publish
from tongban.forms.tests.conftest import SCHEMA

ELEMENTS = {
    "P.NAME": ElementInfo("P.NAME", "姓名", "Name", "text", "person", "公安局", "Police"),
    "P.SEX": ElementInfo("P.SEX", "性别", "Sex", "code", "person", "公安局", "Police", {"M": "男", "F": "女"}),
    "E.NAME": ElementInfo("E.NAME", "名称", "Name", "text", "enterprise", "市场监管局", "SAMR"),
}
BASE = {"pages": [{"key": "main", "title": "信息"}], "fields": [{"key": "name", "element": "P.NAME"}]}


def _compile(raw):
    return schema_compile(raw, elements=ELEMENTS, subject_kind="person")


def _with(**field):
    raw = copy.deepcopy(BASE)
    raw["fields"].append({"page": "main", **field})
    return raw


def test_a_bound_field_takes_its_label_type_and_choices_from_the_element():
    schema = _compile(_with(key="sex", element="P.SEX"))
    sex = schema.field("sex")
    assert (sex.label, sex.type, dict(sex.choices), sex.owner) == ("性别", "choice", {"M": "男", "F": "女"}, "公安局")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ({"key": "x", "element": "P.NOPE"}, "数据项 P.NOPE 不存在"),
        ({"key": "x", "element": "P.SEX", "type": "date"}, "不一致"),
        ({"key": "x", "element": "E.NAME"}, "不适用于本事项的申请主体"),
        ({"key": "x", "element": "P.NAME"}, "已被其他字段使用"),
        ({"key": "name", "type": "text", "label": "重名"}, "标识重复"),
        ({"key": "Bad-Key", "type": "text", "label": "x"}, "字段标识"),
        ({"key": "x", "type": "choice", "label": "选择"}, "须列出选项"),
        ({"key": "x", "type": "rocket", "label": "x"}, "未知的字段类型"),
        ({"key": "x", "type": "text", "label": "x", "visible_if": {"==": [{"var": "ghost"}, 1]}}, "不存在的字段 ghost"),
        ({"key": "x", "type": "text", "label": "x", "visible_if": {"eval": ["1"]}}, "不支持的运算"),
        ({"key": "x", "type": "text", "label": "x", "pattern": "("}, "正则表达式"),
    ],
)
def test_a_bad_field_is_refused_with_its_reason(field, message):
    with pytest.raises(InvalidInput) as exc:
        _compile(_with(**field))
    assert message in exc.value.message_zh


def test_conditions_that_read_each_other_are_a_cycle_named_in_the_error():
    raw = _with(key="a", type="text", label="甲", visible_if={"==": [{"var": "b"}, "1"]})
    raw["fields"].append({"key": "b", "type": "text", "label": "乙", "page": "main",
                          "visible_if": {"==": [{"var": "a"}, "1"]}})  # fmt: skip
    with pytest.raises(InvalidInput) as exc:
        _compile(raw)
    assert "a → b → a" in exc.value.message_zh


def test_fields_are_evaluated_after_the_fields_their_conditions_read():
    raw = _with(key="later", type="text", label="后", visible_if={"==": [{"var": "first"}, "1"]})
    raw["fields"].append({"key": "first", "type": "text", "label": "先", "page": "main"})
    order = _compile(raw).order
    assert order.index("first") < order.index("later")


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=2),
                    max_leaves=8))  # fmt: skip
def test_any_json_as_a_condition_is_accepted_or_refused_never_a_crash(tree):
    try:
        _compile(_with(key="x", type="text", label="x", visible_if=tree))
    except InvalidInput:
        return
    try:
        expr.evaluate(tree, {"name": "林", "x": None, "_age": 30})
    except (TypeError, ValueError, ArithmeticError, KeyError, IndexError):
        pytest.fail(f"a condition that passed the check crashed the evaluator: {tree!r}")


def test_publishing_the_same_json_again_creates_no_new_version(city):
    item = city.implementation.item
    first = city.version
    again = form_publish(item=item, schema=copy.deepcopy(SCHEMA))
    changed = copy.deepcopy(SCHEMA)
    changed["fields"][-1]["label"] = "手机号码"
    second = form_publish(item=item, schema=changed)
    assert first.pk == again.pk and second.number == first.number + 1
    assert list(FormVersion.objects.filter(current=True)) == [second]
