"""The demo city's data-sharing hub: the 数据局 runs it, one grant in force, requests waiting (issue 4).

The steward account (数据局) sees a yellow-card request from 民政局 for 户籍 elements, a fresh one from
医保局, and a grant 人社局 holds for 婚姻状况.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from tongban.core.calendar import add_working_days, working_days_between
from tongban.exchange.models import SharingRequest
from tongban.exchange.services import hub_operator_add, sharing_request_decide, sharing_request_submit
from tongban.exchange.verify import predicate_declare
from tongban.identity.models import Department, Staff

REQUESTS: tuple[tuple[str, list[str], str, int, int], ...] = (
    # consumer staff username, elements, purpose, period in days, working days since submission
    ("reviewer-mzj", ["P.HUKOU_ADDRESS", "P.HOUSEHOLD_NUMBER"], "最低生活保障审核：核对申请人户籍", 365, 8),
    ("reviewer-ybj", ["P.PENSION_STATUS"], "城乡居民医保参保：核对养老保险参保状态", 180, 1),
)


# Verify-not-reveal (可用不可见): code, zh, en, element, operator, caller's parameters, fixed parameters.
PREDICATES: tuple[tuple[str, str, str, str, str, dict[str, Any], dict[str, Any]], ...] = (
    ("age_at_least", "年满N周岁", "Aged at least N", "P.BIRTH_DATE", "age_at_least",
     {"n": {"type": "integer", "min": 0, "max": 150, "label": "周岁"}}, {}),
    ("hukou_in_region", "户籍在指定行政区划内", "Hukou in a region", "P.HUKOU_REGION", "in_region",
     {"region": {"type": "text", "pattern": r"\d{2,6}", "label": "行政区划代码"}}, {}),
    ("owns_property", "本市名下有不动产", "Owns real estate in the city", "P.PROPERTY_IN_CITY", "is_true", {}, {}),
    ("married", "已婚", "Married", "P.MARITAL_STATUS", "equals", {}, {"value": "20"}),
    ("receives_pension", "领取基本养老金", "Receives a basic pension", "P.RECEIVES_PENSION", "is_true", {}, {}),
    ("receives_low_income", "享受最低生活保障", "Receives minimum living allowance", "P.LOW_INCOME", "is_true",
     {}, {}),
    ("enterprise_in_good_standing", "企业登记状态为存续", "Enterprise in good standing", "E.STATUS", "equals",
     {}, {"value": "1"}),
)  # fmt: skip


def _working_days_ago(days: int) -> date:
    """The latest date from which `days` working days have elapsed by today (8 → a yellow card)."""
    today = day = timezone.localdate()
    while working_days_between(day, today) < days:
        day -= timedelta(days=1)
    return day


def exchange_load(*, departments: dict[str, Department], tick: Callable[[int, int], None]) -> int:
    """Seed the hub; returns the number of sharing requests."""
    hub_operator_add(department=departments["sjj"])
    for code, name, name_en, element, operator, schema, fixed in PREDICATES:
        predicate_declare(code=code, name=name, name_en=name_en, element_code=element, operator=operator,
                          param_schema=schema, fixed_params=fixed, actor="system:demo")  # fmt: skip
    steward = Staff.objects.get(user__username="steward")
    staff: dict[str, Any] = {s.user.username: s for s in Staff.objects.select_related("user", "department")}
    approved = sharing_request_submit(
        staff=staff["reviewer-rsj"],
        element_codes=["P.MARITAL_STATUS"],
        purpose="退休申请：核对婚姻状况以确定遗属待遇",
        period_days=365,
        item_code="",
    )
    sharing_request_decide(staff=steward, request_id=approved.pk, approve=True, reason="依据《社会保险法》同意共享")
    tick(1, len(REQUESTS) + 1)
    for index, (username, codes, purpose, days, age) in enumerate(REQUESTS, start=2):
        request = sharing_request_submit(staff=staff[username], element_codes=codes, purpose=purpose, period_days=days)
        submitted = timezone.now() - timedelta(days=(timezone.localdate() - _working_days_ago(age)).days)
        SharingRequest.objects.filter(pk=request.pk).update(
            submitted_at=submitted, due_on=add_working_days(timezone.localdate(submitted), 10)
        )
        tick(index, len(REQUESTS) + 1)
    return len(REQUESTS) + 1
