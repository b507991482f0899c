"""The case lifecycle (DESIGN §4): states, the actions that move between them, and who may act.

A case is one application of one item by one applicant. Every move is an action from this table and
a `Transition` row; a move the table does not hold is refused with the current state named (409).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("case state", "已提交")
    CORRECTION_REQUESTED = "correction_requested", pgettext_lazy("case state", "待补正")
    REJECTED_AT_INTAKE = "rejected_at_intake", pgettext_lazy("case state", "不予受理")
    ACCEPTED = "accepted", pgettext_lazy("case state", "已受理")
    IN_REVIEW = "in_review", pgettext_lazy("case state", "审查中")
    SUSPENDED = "suspended", pgettext_lazy("case state", "特别程序中")
    APPROVED = "approved", pgettext_lazy("case state", "准予许可")
    DENIED = "denied", pgettext_lazy("case state", "不予许可")
    RESULT_DELIVERED = "result_delivered", pgettext_lazy("case state", "已送达")
    ARCHIVED = "archived", pgettext_lazy("case state", "已归档")
    WITHDRAWN = "withdrawn", pgettext_lazy("case state", "已撤回")
    REVOKED = "revoked", pgettext_lazy("case state", "已撤销")


class Action(models.TextChoices):
    SUBMIT = "submit", pgettext_lazy("case action", "提交申请")  # the case's first row: it was opened
    ACCEPT = "accept", pgettext_lazy("case action", "受理")
    REJECT = "reject", pgettext_lazy("case action", "不予受理")
    REQUEST_CORRECTION = "request_correction", pgettext_lazy("case action", "一次性告知补正")
    CORRECT = "correct", pgettext_lazy("case action", "补正提交")
    START_REVIEW = "start_review", pgettext_lazy("case action", "开始审查")
    SUSPEND = "suspend", pgettext_lazy("case action", "启动特别程序")
    RESUME = "resume", pgettext_lazy("case action", "结束特别程序")
    APPROVE = "approve", pgettext_lazy("case action", "准予")
    DENY = "deny", pgettext_lazy("case action", "不予")
    DELIVER = "deliver", pgettext_lazy("case action", "送达结果")
    ARCHIVE = "archive", pgettext_lazy("case action", "归档")
    WITHDRAW = "withdraw", pgettext_lazy("case action", "撤回申请")
    REVOKE = "revoke", pgettext_lazy("case action", "撤销决定")


S, A = State, Action
BEFORE_DECISION = (S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED)

# (state, action) → next state. Withdrawal is open in every state before a decision.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, A.REJECT): S.REJECTED_AT_INTAKE,
    (S.SUBMITTED, A.REQUEST_CORRECTION): S.CORRECTION_REQUESTED,
    (S.CORRECTION_REQUESTED, A.CORRECT): S.SUBMITTED,
    (S.ACCEPTED, A.START_REVIEW): S.IN_REVIEW,
    (S.ACCEPTED, A.APPROVE): S.APPROVED,  # 即办件 and 秒批: decided at acceptance
    (S.ACCEPTED, A.DENY): S.DENIED,
    (S.IN_REVIEW, A.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, A.RESUME): S.IN_REVIEW,
    (S.IN_REVIEW, A.APPROVE): S.APPROVED,
    (S.IN_REVIEW, A.DENY): S.DENIED,
    (S.APPROVED, A.DELIVER): S.RESULT_DELIVERED,
    (S.DENIED, A.DELIVER): S.RESULT_DELIVERED,
    (S.RESULT_DELIVERED, A.ARCHIVE): S.ARCHIVED,
    (S.APPROVED, A.REVOKE): S.REVOKED,
    (S.RESULT_DELIVERED, A.REVOKE): S.REVOKED,
    **{(state, A.WITHDRAW): S.WITHDRAWN for state in BEFORE_DECISION},
}

# Cases a department still has work on: intake, review, and decisions not yet delivered (the worklist).
OPEN_STATES = (S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED, S.APPROVED, S.DENIED)
TERMINAL = frozenset({S.REJECTED_AT_INTAKE, S.ARCHIVED, S.WITHDRAWN, S.REVOKED})
# The clock runs from acceptance to the decision, and stands still while suspended.
CLOCK_RUNNING = frozenset({S.ACCEPTED, S.IN_REVIEW})
DECIDED = frozenset({S.APPROVED, S.DENIED, S.RESULT_DELIVERED, S.ARCHIVED, S.REVOKED})


# 容缺受理: the states in which a deferred material can still be supplied (and is overdue once its date passes).
SUPPLY_STATES = frozenset({S.CORRECTION_REQUESTED, S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED})


def allowed_actions(state: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == state]


class SuspensionKind(models.TextChoices):
    """特别程序: time that does not count against the limit (行政许可法第四十五条)."""

    INSPECTION = "inspection", pgettext_lazy("suspension", "现场核查")
    HEARING = "hearing", pgettext_lazy("suspension", "听证")
    EXPERT_REVIEW = "expert_review", pgettext_lazy("suspension", "专家评审")
    TESTING = "testing", pgettext_lazy("suspension", "检验检测")


class Delivery(models.TextChoices):
    ELECTRONIC = "electronic", pgettext_lazy("delivery", "电子送达")
    WINDOW = "window", pgettext_lazy("delivery", "窗口领取")
    POST = "post", pgettext_lazy("delivery", "邮寄送达")


class ClockColour(models.TextChoices):
    GREEN = "green", pgettext_lazy("clock", "正常")
    YELLOW = "yellow", pgettext_lazy("clock", "临近到期")
    RED = "red", pgettext_lazy("clock", "已超期")
    STOPPED = "stopped", pgettext_lazy("clock", "计时暂停")
    NONE = "none", pgettext_lazy("clock", "未计时")


class ActedThrough(models.TextChoices):
    """Where a transition was made: the applicant's channels, the back office, or the platform itself."""

    WEB = "web", pgettext_lazy("channel", "网上办理")
    MOBILE = "mobile", pgettext_lazy("channel", "移动端")
    WINDOW = "window", pgettext_lazy("channel", "窗口")
    HOTLINE = "hotline", pgettext_lazy("channel", "12345热线")
    API = "api", pgettext_lazy("channel", "接口")
    BACKOFFICE = "backoffice", pgettext_lazy("channel", "审批系统")
    SYSTEM = "system", pgettext_lazy("channel", "系统自动")


# --- the national exchange (全国一体化政务服务平台 办件信息) --------------------------------------------
#
# Provincial platforms report each case to the national platform as 办件信息: the case's basic record and
# one record per step of its process (办件过程信息: 申办, 受理, 补正告知, 审批, 特别程序, 办结, 送达), with the
# 办件状态 it is in and, at 办结, the 办结结果. GB/T 39046-2020 (政务服务平台基础数据规范) sets out the basic data
# items, but we found no published list of 办件状态 code values (not in the standard's public text, not
# elsewhere: the national interface specification is handed to provinces, not published). So NATIONAL_STATUS
# is our table — one code per State, numbered in lifecycle order, each with the step whose record carries
# it — and DoneResult follows the 办结 record as provincial platforms implement it (0 出证办结 … 6 不予受理).
# Check both against the province's interface specification when its connector is written; only these
# tables should have to change.


@dataclass(frozen=True)
class NationalStatus:
    code: str  # 办件状态代码 in the exchange
    name: str  # its name there
    step: str  # the process step (环节) whose record carries it


NATIONAL_STATUS: dict[str, NationalStatus] = {
    S.SUBMITTED: NationalStatus("01", "已申报，待受理", "申办"),
    S.CORRECTION_REQUESTED: NationalStatus("02", "补齐补正", "补正告知"),
    S.ACCEPTED: NationalStatus("03", "已受理", "受理"),
    S.REJECTED_AT_INTAKE: NationalStatus("04", "不予受理", "受理"),
    S.IN_REVIEW: NationalStatus("05", "办理中", "审批"),
    S.SUSPENDED: NationalStatus("06", "特别程序", "特别程序"),
    S.APPROVED: NationalStatus("07", "已办结（准予）", "办结"),
    S.DENIED: NationalStatus("08", "已办结（不予）", "办结"),
    S.RESULT_DELIVERED: NationalStatus("09", "已送达", "送达"),
    S.ARCHIVED: NationalStatus("10", "已归档", "办结"),
    S.WITHDRAWN: NationalStatus("11", "申请人撤回", "办结"),
    S.REVOKED: NationalStatus("12", "决定已撤销", "办结"),
}


class DoneResult(models.TextChoices):
    """办结结果代码 of the 办结 record (the case concluded, and how)."""

    ISSUED = "0", "出证办结"  # approved: a licence, approval or result issued
    DENIED = "1", "不予许可"
    VOIDED = "2", "作废办结"  # void in the business sense; not used by the lifecycle
    DELETED = "3", "删除办结"  # a technical error record; not used
    FORWARDED = "4", "转报办结"  # forwarded to another body; not used yet (跨省通办 will)
    RETURNED = "5", "退件"  # the applicant withdrew (or never completed the materials)
    NOT_ACCEPTED = "6", "不予受理"


def done_result(state: str, *, approved: bool | None) -> str:
    """The 办结结果代码 of a case in `state` ("" while it is not concluded); `approved` is its decision."""
    if state == S.REJECTED_AT_INTAKE:
        return DoneResult.NOT_ACCEPTED
    if state == S.WITHDRAWN:
        return DoneResult.RETURNED
    if state in DECIDED and approved is not None:
        return DoneResult.ISSUED if approved else DoneResult.DENIED
    return ""
