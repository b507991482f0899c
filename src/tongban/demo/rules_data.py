"""The demo city's decisions without a person (issue 5), declared by its operator through the same service
and checks as the rules page (cases.rules.decision_rule_save):

- 居住证申领 (公安局), 秒批: 有合法稳定住所 — asked of the hub as a yes/no (owns_property: 本市名下有不动产,
  a conditional element of 自然资源和规划局, so 公安局 holds a grant for it, approved by the 数据局) — and
  申领事由为居住 from the form. A resident with a home in the city who applies to live there is approved
  within the request; one applying for work or study (employer, school to be checked) goes to the
  department's reviewer (`reviewer-gaj`) with that check shown as failed.
- 异地就医备案 (医保局), 告知承诺: the pledge replaces proofs of residence or work (the guide's
  异地就医备案个人承诺书); signed on the case page, the case is approved at once and checked within 20
  working days.
"""

from __future__ import annotations

from collections.abc import Callable

from tongban.cases.models import DecisionRule
from tongban.cases.rules import decision_rule_save
from tongban.catalog.selectors import implementation_get_by_code
from tongban.exchange.services import sharing_request_decide, sharing_request_submit
from tongban.identity.models import Staff

RESIDENCE_PERMIT = "GA07002"
OUT_OF_AREA_CARE = "YB20003"
GRANT = ("reviewer-gaj", ["P.PROPERTY_IN_CITY"], "居住证申领秒批：核验申请人在本市有合法稳定住所（名下有不动产登记）")
AUTO_CHECKS = [
    {"label": "有合法稳定住所：本市名下有不动产登记", "predicate": "owns_property", "params": {}},
    {"label": "申领事由为居住（就业、就读须人工核实单位或学校）", "logic": {"==": [{"var": "reason"}, "live"]}},
]
PLEDGE_TEXT = (
    "本人承诺：本次异地就医备案填写的备案类型、就医地以及异地居住或工作地址等信息真实、准确，本人符合所申请"
    "备案类型的条件。如有不实，本人愿意承担相应法律责任，同意撤销本次备案，并退回不符合规定支付的医疗保障基金。"
)
POST_CHECK_DAYS = 20


def rules_load(*, tick: Callable[[int, int], None]) -> int:
    """The grant the 秒批 check needs, then both rules; returns the number of rules."""
    operator = Staff.objects.select_related("user").get(user__username="operator")
    steward = Staff.objects.get(user__username="steward")
    username, codes, purpose = GRANT
    consumer = Staff.objects.select_related("department").get(user__username=username)
    request = sharing_request_submit(staff=consumer, element_codes=codes, purpose=purpose, period_days=365)
    sharing_request_decide(staff=steward, request_id=request.pk, approve=True, reason="用于秒批核验，同意共享")
    tick(1, 3)
    decision_rule_save(
        implementation=implementation_get_by_code(RESIDENCE_PERMIT), kind=DecisionRule.Kind.AUTO, checks=AUTO_CHECKS,
        pledge_text="", check_within_days=0, active=True, actor=operator,
    )  # fmt: skip
    tick(2, 3)
    decision_rule_save(
        implementation=implementation_get_by_code(OUT_OF_AREA_CARE), kind=DecisionRule.Kind.PLEDGE, checks=[],
        pledge_text=PLEDGE_TEXT, check_within_days=POST_CHECK_DAYS, active=True, actor=operator,
    )  # fmt: skip
    tick(3, 3)
    return 2
