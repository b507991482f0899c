"""Merging fields and materials, on plain definitions (no database)."""

from __future__ import annotations

from tongban.bundles.checks import definition_problems
from tongban.bundles.definition import Flow
from tongban.bundles.merge import EXEMPT, PLEDGE, answers_kept, compose, material_key
from tongban.bundles.tests.factories import bound, definition, free, material, node, option, question


def test_a_merged_field_is_required_if_any_item_requires_it_and_offers_only_choices_all_accept():
    a = node("a", bound("x", "P.KIND", "choice", required=False, choices={"1": "甲", "2": "乙", "3": "丙"}))
    b = node("b", bound("kind", "P.KIND", "choice", choices={"2": "乙", "3": "丙", "4": "丁"}))
    (kind,) = compose(definition([a, b]), {}).fields
    assert kind.required and dict(kind.choices) == {"2": "乙", "3": "丙"}


def test_lengths_narrow_and_a_long_text_stays_long():
    a = node("a", bound("addr", "P.ADDR", "text", min_length=2, max_length=100))
    b = node("b", bound("address", "P.ADDR", "textarea", max_length=60, pattern=r".*市.*"))
    (address,) = compose(definition([a, b]), {}).fields
    assert (address.type, address.min_length, address.max_length, address.pattern) == ("textarea", 2, 60, r".*市.*")


def test_a_field_is_shown_when_any_asking_item_would_show_it():
    a = node("a", bound("addr", "P.ADDR", visible_if={"==": [{"var": "kind"}, "1"]}))
    b = node("b", bound("addr", "P.ADDR"))
    only_a = compose(definition([a]), {}).fields[0]
    both = compose(definition([a, b]), {}).fields[0]
    assert only_a.visible_if == (("a", {"==": [{"var": "kind"}, "1"]}),)
    assert both.visible_if == ()  # b always asks it


def test_the_same_role_and_element_is_one_field_but_another_role_is_another():
    a = node("a", bound("name", "P.NAME"), bound("agent_name", "P.NAME", role="agent"))
    b = node("b", bound("applicant", "P.NAME"))
    assert [f.key for f in compose(definition([a, b]), {}).fields] == ["subject.P.NAME", "agent.P.NAME"]


def test_an_element_asked_incompatibly_is_refused_at_publish_and_asked_per_item_if_a_form_changed_since():
    a = node("a", bound("born", "P.BIRTH", "date"))
    b = node("b", bound("born", "P.BIRTH", "integer"))
    d = definition([a, b])
    assert [p.code for p in definition_problems(d)] == ["field_conflict"]
    fields = compose(d, {}).fields
    assert [(f.key, f.conflict) for f in fields] == [("a.born", True), ("b.born", True)]


def test_free_fields_are_one_only_when_the_items_ask_the_very_same_question():
    a = node("a", free("phone", "phone", "联系电话"), free("note", label="备注"))
    b = node("b", free("phone", "phone", "联系电话"), free("note", label="说明"))
    c = node("c", free("phone", "phone", "手机"), free("phone2", "phone", "手机"))
    keys = [f.key for f in compose(definition([a, b, c]), {}).fields]
    assert keys == ["free.phone", "a.note", "b.note", "c.phone", "c.phone2"]


def test_a_free_fields_key_does_not_change_when_an_answer_drops_the_other_item_asking_it():
    a = node("a", free("phone", "phone", "联系电话"))
    b = node("b", free("phone", "phone", "联系电话"), core=False)
    d = definition([a, b], questions=[question("q", option("yes", "b"), option("no"))])
    assert [f.key for f in compose(d, {"q": "yes"}).fields] == ["free.phone"]
    assert [f.key for f in compose(d, {"q": "no"}).fields] == ["free.phone"]
    kept = answers_kept(previous={"free.phone": "13800138000"}, composition=compose(d, {"q": "no"}))
    assert kept == {"free.phone": "13800138000"}


def test_a_kept_choice_must_still_be_offered():
    a = node("a", bound("kind", "P.KIND", "choice", choices={"1": "甲", "2": "乙"}))
    b = node("b", bound("kind", "P.KIND", "choice", choices={"2": "乙"}), core=False)
    d = definition([a, b], questions=[question("q", option("yes", "b"), option("no"))])
    typed = {"subject.P.KIND": "1", "gone.field": "x"}
    assert answers_kept(previous=typed, composition=compose(d, {"q": "no"})) == {"subject.P.KIND": "1"}
    assert answers_kept(previous=typed, composition=compose(d, {"q": "yes"})) == {}


def test_materials_are_one_per_name_up_to_book_title_marks_and_take_the_strictest_necessity():
    a = node("a", materials=(material("《出生医学证明》", necessity="optional"),))
    b = node("b", materials=(material("出生医学证明", necessity="deferrable", copies=2),))
    (one,) = compose(definition([a, b]), {}).materials
    assert (one.necessity, one.copies, len(one.sources)) == ("deferrable", 2, 2)
    assert material_key("《 出生医学证明 》") == "出生医学证明"


def test_a_material_one_item_gets_from_shared_data_is_still_asked_when_another_item_needs_it_from_the_applicant():
    a = node("a", materials=(material("居民户口簿", source="shared"),))
    b = node("b", materials=(material("居民户口簿"),))
    c = node("c", materials=(material("承诺书", source="pledge"), material("营业执照", source="licence")))
    d = node("d", materials=(material("承诺书", source="pledge"),))
    ways = {m.name: m.way for m in compose(definition([a, b, c, d]), {}).materials}
    assert ways == {"居民户口簿": "applicant", "承诺书": PLEDGE, "营业执照": EXEMPT}


def test_an_upstream_result_replaces_a_material_only_when_the_upstream_item_is_chosen():
    a = node("a", core=False)
    b = node("b", materials=(material("出生医学证明"),))
    flow = Flow("a", "b", materials=("出生医学证明",))
    d = definition([a, b], flows=[flow], questions=[question("q", option("yes", "a"), option("no"))])
    assert compose(d, {"q": "yes"}).materials[0].way == EXEMPT
    assert compose(d, {"q": "no"}).materials[0].way == "applicant"


def test_the_items_application_forms_are_one_merged_form():
    a = node(
        "a",
        materials=(
            material("甲申请表", online_form=True),
            material("授权委托书", "applicant", "optional"),
            material("同意设置招牌证明"),  # it has a blank form too, but the building's owner signs it
        ),
    )
    b = node("b", materials=(material("乙登记表", online_form=True), material("照片")))
    composition = compose(definition([a, b]), {})
    assert [m.name for m in composition.application_forms] == ["甲申请表", "乙登记表"]
    assert [m.name for m in composition.to_submit] == ["授权委托书", "同意设置招牌证明", "照片"]
    from tongban.bundles.reduction import reduction_of

    assert str(reduction_of(composition).materials) == "5→4"  # two forms become one


def test_each_item_receives_the_one_forms_values_under_its_own_keys_and_nothing_else():
    a = node("a", bound("name", "P.NAME"), free("phone", "phone", "联系电话"))
    b = node("b", bound("applicant", "P.NAME"), free("phone", "phone", "联系电话"), free("shop", label="店名"))
    c = node("c", bound("address", "P.ADDR"))
    d = definition([a, b, c], flows=[Flow("a", "c", elements=("P.ADDR",))])
    values = {"subject.P.NAME": "赵建华", "free.phone": "13800138000", "b.shop": "赵记面馆", "subject.P.ADDR": "x"}
    composition = compose(d, {})
    assert composition.answers_for("a", values) == {"name": "赵建华", "phone": "13800138000"}
    assert composition.answers_for("b", values) == {"applicant": "赵建华", "phone": "13800138000", "shop": "赵记面馆"}
    assert composition.answers_for("c", values) == {}  # the address comes with a's result


def test_an_item_selected_only_by_an_answer_that_can_never_be_given_is_unreachable_and_says_why():
    a = node("a")
    b = node("b", core=False)
    later = question("later", option("yes", "b"), requires=("first", "maybe"))
    d = definition([a, b], questions=[question("first", option("yes"), option("no")), later])
    (problem,) = definition_problems(d)
    assert problem.code == "unreachable" and "first.maybe" in problem.zh and "can never be answered" in problem.en
