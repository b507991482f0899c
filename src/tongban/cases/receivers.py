"""A submitted form opens its case in the same transaction (forms.signals.submitted); forms' receipts
name the case and its state (forms.signals.described)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tongban.cases.codes import State
from tongban.cases.decisions import auto_decide, pledge_rule
from tongban.cases.selectors import auto_check, case_for_submission, pledge
from tongban.cases.services import case_open
from tongban.forms.models import Submission
from tongban.forms.signals import described, submitted


@receiver(submitted, dispatch_uid="cases.open_on_submit")
def _open_case(sender: Any, submission: Submission, **kwargs: Any) -> None:
    auto_decide(case=case_open(submission=submission))  # 秒批 where the item declares it


@receiver(described, dispatch_uid="cases.describe_submission")
def _describe(sender: Any, submission: Submission, **kwargs: Any) -> dict[str, Any]:
    case = case_for_submission(submission=submission)
    if case is None:
        return {}
    checked = auto_check(case=case)
    open_pledge = case.state == State.SUBMITTED and pledge(case=case) is None and pledge_rule(case=case) is not None
    return {"case_number": case.number, "case_state": case.state, "auto_approved": bool(checked and checked.passed),
            "pledge_open": open_pledge}  # fmt: skip
