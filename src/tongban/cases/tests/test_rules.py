"""Declaring 秒批 and 告知承诺 rules: operators only, everything checked before saving with each problem named
by the check's position, every change audited, and a dry run over sample answers."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tongban.cases import decisions, rules
from tongban.cases.codes import State
from tongban.cases.models import Case, DecisionRule
from tongban.cases.services import Actor
from tongban.cases.tests.factories import calendar_beyond_the_package, case_for, published_implementation
from tongban.core.errors import InvalidInput, PermissionDenied
from tongban.core.models import AuditEntry
from tongban.exchange.tests.factories import GrantFactory
from tongban.exchange.verify import predicate_declare
from tongban.forms.services import form_publish
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles
from tongban.registry.services import value_record
from tongban.registry.tests.factories import DataElementFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
PLEDGE = "本人承诺所填信息真实、完整，如有不实，愿承担相应法律责任并接受撤销决定。"
FORM = {
    "subject": "person",
    "pages": [{"key": "main", "title": "申请信息"}],
    "fields": [
        {"key": "reason", "type": "choice", "label": "申领事由", "page": "main",
         "choices": {"work": "就业", "study": "就读", "live": "居住"}},
        {"key": "phone", "type": "phone", "label": "联系电话", "page": "main"},
    ],
}  # fmt: skip
LIVE = {"label": "申领事由为居住", "logic": {"==": [{"var": "reason"}, "live"]}}
ADULT = {"label": "年满 16 周岁", "predicate": "age_at_least", "params": {"n": 16}}


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市公安局")


@pytest.fixture
def implementation(department):
    impl = published_implementation(department=department, days=7, name="居住证申领")
    form_publish(item=impl.item, schema=FORM)
    return impl


@pytest.fixture
def operator():
    return staff_with_roles([Role.OPERATOR], username="operator-rules", mobile="13700000701")


@pytest.fixture
def predicates(department):
    birth = DataElementFactory(code="P.BIRTH_DATE", value_type="date", owner=department, sharing_class="open")
    years = {"n": {"type": "integer", "min": 0, "max": 150}}
    predicate_declare(code="age_at_least", name="年满N周岁", name_en="Aged at least N", element_code=birth.code,
                      operator="age_at_least", param_schema=years)  # fmt: skip
    other = DepartmentFactory(name="示范市自然资源和规划局")
    owns = DataElementFactory(code="P.PROPERTY_IN_CITY", value_type="boolean", owner=other,
                              sharing_class="conditional")  # fmt: skip
    predicate_declare(code="owns_property", name="本市名下有不动产", name_en="Owns real estate",
                      element_code=owns.code, operator="is_true")  # fmt: skip
    firm = DataElementFactory(code="E.STATUS", value_type="code", owner=other, subject_kind="enterprise")
    predicate_declare(code="enterprise_in_good_standing", name="企业存续", name_en="In good standing",
                      element_code=firm.code, operator="equals", fixed_params={"value": "1"})  # fmt: skip
    return {"birth": birth, "owns": owns, "owner": other}


def _save(implementation, operator, kind=DecisionRule.Kind.AUTO, checks=(), text="", days=0, active=True):
    return rules.decision_rule_save(implementation=implementation, kind=kind, checks=list(checks), pledge_text=text,
                                    check_within_days=days, active=active, actor=operator)  # fmt: skip


def _audits():
    return list(AuditEntry.objects.filter(action="cases.decision_rule_saved").order_by("seq"))


def test_an_operator_declares_an_auto_rule_and_every_change_is_audited_with_before_and_after(
    implementation, operator, predicates
):
    rule = _save(implementation, operator, checks=[ADULT, LIVE])
    assert rule.kind == "auto" and rule.active and rule.checks == [ADULT, LIVE]
    (created,) = _audits()
    assert created.actor == "staff:operator-rules" and created.data["before"] is None
    assert created.data["after"]["checks"] == [ADULT, LIVE] and created.data["implementation"] == implementation.code

    assert _save(implementation, operator, checks=[ADULT, LIVE]).pk == rule.pk
    assert len(_audits()) == 1  # the same rule again changes nothing and records nothing

    _save(implementation, operator, checks=[ADULT, LIVE], active=False)
    changed = _audits()[-1]
    assert changed.data["before"]["active"] is True and changed.data["after"]["active"] is False
    assert DecisionRule.objects.get(pk=rule.pk).active is False


def test_only_operators_declare_rules(implementation, department, predicates):
    reviewer = staff_with_roles([Role.REVIEWER], department=department, mobile="13700000702")
    with pytest.raises(PermissionDenied):
        _save(implementation, reviewer, checks=[LIVE])
    assert not DecisionRule.objects.exists()


def test_every_problem_is_named_by_the_checks_position_at_once_and_nothing_is_saved(
    implementation, operator, predicates
):
    checks = [
        {"label": "", "logic": {"==": [{"var": "reason"}, "live"]}},
        {"label": "未登记", "predicate": "no_such_thing", "params": {}},
        {"label": "年龄", "predicate": "age_at_least", "params": {"n": 200}},
        {"label": "字段不存在", "logic": {"==": [{"var": "employer"}, "x"]}},
        {"label": "坏 JSON", "logic": '{"==": [{"var": "reason"}, '},
        {"label": "参数坏 JSON", "predicate": "age_at_least", "params": "{n: 16}"},
        {"label": "不支持的运算", "logic": {"cat": ["a", "b"]}},
    ]
    with pytest.raises(rules.RuleInvalid) as raised:
        _save(implementation, operator, checks=checks)
    problems = [(p.check, p.field) for p in raised.value.problems]
    assert problems == [(1, "label"), (2, "predicate"), (3, "params"), (4, "logic"), (5, "logic"), (6, "params"),
                        (7, "logic")]  # fmt: skip
    by_check = {p.check: p for p in raised.value.problems}
    assert by_check[1].message_zh.startswith("第 1 条核验条件：请填写名称")
    assert by_check[1].message_en.startswith("Check 1: give it a label")
    assert "未登记的核验条件：no_such_thing" in by_check[2].message_zh
    assert "不能大于 150" in by_check[3].message_zh and "at most 150" in by_check[3].message_en
    assert by_check[4].message_zh == "第 4 条核验条件：条件引用了不存在的字段 employer"
    assert by_check[4].message_en == "Check 4: the condition refers to unknown fields employer"
    assert "第 1 行第 27 列" in by_check[5].message_zh and "line 1, column 27" in by_check[5].message_en
    assert "不支持的运算“cat”" in by_check[7].message_zh
    assert isinstance(raised.value, InvalidInput) and raised.value.status == 422
    assert not DecisionRule.objects.exists() and not _audits()


def test_a_data_check_the_department_may_not_ask_is_refused_until_it_holds_the_grant(
    implementation, operator, predicates, department
):
    owns = {"label": "本市名下有不动产", "predicate": "owns_property"}
    with pytest.raises(rules.RuleInvalid) as raised:
        _save(implementation, operator, checks=[LIVE, owns])
    (problem,) = raised.value.problems
    assert problem.check == 2 and "承办部门无法核验" in problem.message_zh and "共享授权" in problem.message_zh
    GrantFactory(consumer=department, owner=predicates["owner"], element_codes=["P.PROPERTY_IN_CITY"])
    assert _save(implementation, operator, checks=[LIVE, owns]).checks[1] == {**owns, "params": {}}


def test_a_check_about_enterprises_is_refused_on_an_item_for_persons(implementation, operator, predicates):
    with pytest.raises(rules.RuleInvalid) as raised:
        _save(implementation, operator, checks=[{"label": "企业存续", "predicate": "enterprise_in_good_standing"}])
    assert "不适用于本事项的申请主体（自然人）" in raised.value.problems[0].message_zh


def test_form_checks_need_a_published_form_and_an_auto_rule_needs_a_check(operator, department, predicates):
    no_form = published_implementation(department=department, name="窗口办理的事项")
    with pytest.raises(rules.RuleInvalid) as raised:
        _save(no_form, operator, checks=[LIVE])
    assert "没有已发布的网上申请表" in raised.value.problems[0].message_zh
    with pytest.raises(rules.RuleInvalid) as raised:
        _save(no_form, operator, checks=[])
    assert raised.value.problems[0].message_zh == "启用秒批规则至少需要一条核验条件"
    assert _save(no_form, operator, checks=[ADULT]).checks == [ADULT]  # a data check needs no form


@pytest.mark.parametrize(("text", "days", "field"), [
    ("", 20, "pledge_text"), (PLEDGE, 0, "check_within_days"), (PLEDGE, 61, "check_within_days"),
])  # fmt: skip
def test_a_pledge_rule_needs_its_text_and_a_post_check_within_1_to_60_working_days(
    implementation, operator, text, days, field
):
    with pytest.raises(rules.RuleInvalid) as raised:
        _save(implementation, operator, kind=DecisionRule.Kind.PLEDGE, text=text, days=days)
    assert [p.field for p in raised.value.problems] == [field]


def test_a_pledge_rule_has_no_checks_and_its_text_is_what_the_applicant_signs(implementation, operator):
    with pytest.raises(rules.RuleInvalid) as raised:
        _save(implementation, operator, kind=DecisionRule.Kind.PLEDGE, checks=[LIVE], text=PLEDGE, days=20)
    assert raised.value.problems[0].field == "checks"
    calendar_beyond_the_package()  # 60 working days from today may run past the package's last year
    for days in (1, 60):
        rule = _save(implementation, operator, kind=DecisionRule.Kind.PLEDGE, text=f"  {PLEDGE}\n", days=days)
        assert rule.pledge_text == PLEDGE and rule.check_within_days == days
    case = case_for(implementation=implementation)
    decisions.pledge_sign(case_id=case.pk, actor=Actor.of_person(case.agent, case.user), text=PLEDGE)
    assert Case.objects.get(pk=case.pk).state == State.APPROVED


def test_a_rule_saved_by_the_operator_decides_a_new_case(implementation, operator, predicates, department):
    _save(implementation, operator, checks=[ADULT, LIVE])
    adult = person_with_account()
    value_record(subject=adult, element=predicates["birth"], value="1990-05-01", source_department=department,
                 as_of=dt.datetime(2020, 1, 1, tzinfo=TZ))  # fmt: skip
    approved = case_for(implementation=implementation, applicant=adult, answers={"reason": "live"})
    working = case_for(implementation=implementation, applicant=adult, answers={"reason": "work"})
    assert decisions.auto_decide(case=approved).passed
    failed = decisions.auto_decide(case=working)
    assert Case.objects.get(pk=approved.pk).state == State.APPROVED
    assert Case.objects.get(pk=working.pk).state == State.SUBMITTED
    assert [r["label"] for r in failed.results if not r["passed"]] == ["申领事由为居住"]


def test_the_dry_run_evaluates_form_checks_against_sample_answers_and_names_data_checks(implementation, predicates):
    results = rules.rule_dry_run(implementation=implementation, checks=[ADULT, LIVE], answers='{"reason": "live"}')
    assert [(r.kind, r.passed) for r in results] == [("predicate", None), ("logic", True)]
    assert "试算不查询" in results[0].note_zh
    (work,) = rules.rule_dry_run(implementation=implementation, checks=[LIVE], answers={"reason": "work"})
    assert work.passed is False and work.note_zh == "样例内容不符合"
    with pytest.raises(rules.RuleInvalid) as raised:
        rules.rule_dry_run(implementation=implementation, checks=[{**LIVE, "label": ""}], answers="[1, 2")
    assert [(p.check, p.field) for p in raised.value.problems] == [(1, "label"), (None, "sample")]
    assert not DecisionRule.objects.exists()
