"""The operator's 秒批 and 告知承诺 page: both rules of an item as plain form rows, one save for both or neither,
every problem beside its check with what was typed kept, a dry run, and no page for anyone but operators."""

import pytest

from tongban.cases.models import DecisionRule
from tongban.cases.tests.factories import published_implementation
from tongban.core.models import AuditEntry
from tongban.exchange.verify import predicate_declare
from tongban.forms.services import form_publish
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, staff_with_roles
from tongban.registry.tests.factories import DataElementFactory

pytestmark = pytest.mark.django_db
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


@pytest.fixture
def implementation():
    department = DepartmentFactory(name="示范市公安局")
    birth = DataElementFactory(code="P.BIRTH_DATE", value_type="date", owner=department, sharing_class="open")
    years = {"n": {"type": "integer", "min": 0, "max": 150}}
    predicate_declare(code="age_at_least", name="年满N周岁", name_en="Aged at least N", element_code=birth.code,
                      operator="age_at_least", param_schema=years)  # fmt: skip
    impl = published_implementation(department=department, days=7, name="居住证申领")
    form_publish(item=impl.item, schema=FORM)
    return impl


@pytest.fixture
def operator(client):
    staff = staff_with_roles([Role.OPERATOR], username="operator-page", mobile="13700000711")
    client.force_login(staff.user)
    return staff


def _url(impl):
    return f"/backoffice/items/{impl.code}/rules/"


def _post(client, impl, action="save", **fields):
    return client.post(_url(impl), {"action": action, **fields})


GOOD = {
    "rows": "3", "auto-active": "1",
    "check-0-label": "年满 16 周岁", "check-0-kind": "predicate", "check-0-predicate": "age_at_least",
    "check-0-params": '{"n": 16}',
    "check-1-label": "", "check-1-kind": "logic", "check-1-logic": "",  # the blank row
    "check-2-label": "申领事由为居住", "check-2-kind": "logic", "check-2-logic": '{"==": [{"var": "reason"}, "live"]}',
    "pledge-active": "1", "pledge-text": PLEDGE, "pledge-days": "20",
}  # fmt: skip


def test_the_item_page_links_to_its_rules_and_the_page_lists_predicates_and_form_fields(
    client, operator, implementation
):
    history = client.get(f"/manage/catalog/{implementation.code}/").content.decode()
    assert _url(implementation) in history and "秒批与告知承诺规则" in history
    html = client.get(_url(implementation)).content.decode()
    assert "尚未设置" in html and 'name="check-0-label"' in html and 'name="check-1-label"' not in html
    assert "年满N周岁（age_at_least）" in html and "n: integer ≥0 ≤150" in html
    assert ">reason</th>" in html and "live</span> 居住" in html


def test_an_operator_saves_both_rules_and_sees_them_as_stored(client, operator, implementation):
    response = _post(client, implementation, **GOOD)
    assert response.status_code == 302 and response["Location"] == _url(implementation)
    auto = DecisionRule.objects.get(implementation=implementation, kind="auto")
    assert auto.active and auto.checks == [
        {"label": "年满 16 周岁", "predicate": "age_at_least", "params": {"n": 16}},
        {"label": "申领事由为居住", "logic": {"==": [{"var": "reason"}, "live"]}},
    ]
    pledge = DecisionRule.objects.get(implementation=implementation, kind="pledge")
    assert pledge.pledge_text == PLEDGE and pledge.check_within_days == 20
    assert AuditEntry.objects.filter(action="cases.decision_rule_saved").count() == 2
    html = client.get(_url(implementation)).content.decode()
    assert "规则已保存" in html and 'value="年满 16 周岁"' in html and "&quot;n&quot;: 16" in html
    assert 'name="check-2-label"' in html and "autofocus" not in html  # two stored checks and a blank row


def test_every_problem_is_shown_beside_its_check_nothing_typed_is_lost_and_nothing_is_saved(
    client, operator, implementation
):
    bad = {**GOOD, "check-0-params": '{"n": 200}', "check-2-logic": '{"==": [{"var": "employer"}, "x"]}',
           "pledge-days": "0"}  # fmt: skip
    response = _post(client, implementation, **bad)
    assert response.status_code == 422
    html = response.content.decode()
    assert "请修改以下问题，规则尚未保存" in html
    assert 'href="#check-0-params"' in html
    assert "第 1 条核验条件：参数 n 不能大于 150" in html
    assert 'href="#check-1-logic"' in html and "第 2 条核验条件：条件引用了不存在的字段 employer" in html
    assert 'href="#pledge-days"' in html and "事后核查期限应为 1 至 60 个工作日" in html
    assert 'value="{&quot;n&quot;: 200}"' in html and "&quot;employer&quot;" in html and PLEDGE in html
    assert 'aria-describedby="check-0-params-hint check-0-params-error" aria-invalid="true"' in html
    assert not DecisionRule.objects.exists()  # the good pledge rule waits for the whole page to be right


def test_the_page_speaks_english_on_an_english_page(client, operator, implementation):
    html = client.post(
        f"{_url(implementation)}?lang=en", {**GOOD, "action": "save", "check-0-label": ""}
    ).content.decode()
    assert "Check 1: give it a label" in html


def test_rows_are_added_and_removed_without_script(client, operator, implementation):
    added = _post(client, implementation, action="add_row", **GOOD)
    html = added.content.decode()
    assert added.status_code == 200 and 'name="check-3-label" value="" maxlength="100" autofocus' in html
    assert 'value="申领事由为居住"' in html and not DecisionRule.objects.exists()
    _post(client, implementation, **{**GOOD, "check-0-remove": "1"})
    assert [c["label"] for c in DecisionRule.objects.get(kind="auto").checks] == ["申领事由为居住"]


def test_the_dry_run_evaluates_the_typed_conditions_against_a_sample(client, operator, implementation):
    html = _post(client, implementation, action="dry_run", sample='{"reason": "work"}', **GOOD).content.decode()
    assert "试算结果" in html and "样例内容不符合" in html and "试算不查询" in html
    assert not DecisionRule.objects.exists()
    broken = _post(client, implementation, action="dry_run", sample="{reason", **GOOD)
    assert broken.status_code == 422 and "样例申请内容应为 JSON 对象" in broken.content.decode()


def test_a_switched_off_auto_rule_may_be_left_without_checks(client, operator, implementation):
    _post(client, implementation, **GOOD)
    off = {"rows": "1", "check-0-label": "", "pledge-active": "1", "pledge-text": PLEDGE, "pledge-days": "20"}
    assert _post(client, implementation, **off).status_code == 302
    auto = DecisionRule.objects.get(kind="auto")
    assert not auto.active and auto.checks == []
    switched_on = _post(client, implementation, **{**off, "auto-active": "1"})
    assert switched_on.status_code == 422 and "启用秒批规则至少需要一条核验条件" in switched_on.content.decode()


@pytest.mark.parametrize("junk", [
    {"rows": "abc"}, {"rows": "100000"}, {"rows": "2", "check-0-kind": "<script>", "check-0-label": "x"},
    {"pledge-days": "二十", "pledge-active": "1", "pledge-text": PLEDGE}, {"sample": "[]", "action": "dry_run"},
])  # fmt: skip
def test_junk_is_answered_as_a_form_never_a_500(client, operator, implementation, junk):
    response = client.post(_url(implementation), {"action": "save", **junk})
    assert response.status_code in (200, 302, 422)


def test_only_operators_see_the_page(client, implementation):
    assert client.get(_url(implementation)).status_code == 302  # to the login page
    reviewer = staff_with_roles([Role.REVIEWER], department=implementation.department, mobile="13700000712")
    client.force_login(reviewer.user)
    assert client.get(_url(implementation)).status_code == 404
    assert _post(client, implementation, **GOOD).status_code == 404 and not DecisionRule.objects.exists()


def test_an_unknown_item_or_action_is_not_found(client, operator, implementation):
    assert client.get("/backoffice/items/NOSUCHCODE/rules/").status_code == 404
    assert _post(client, implementation, action="drop_table").status_code == 404
