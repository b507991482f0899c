"""A submitted form opens its case in the same transaction (forms.signals.submitted); forms' receipts
name the case and its state (forms.signals.described)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tongban.cases.decisions import auto_decide
from tongban.cases.selectors import case_for_submission
from tongban.cases.services import case_open
from tongban.forms.models import Submission
from tongban.forms.signals import described, submitted


@receiver(submitted, dispatch_uid="cases.open_on_submit")
def _open_case(sender: Any, submission: Submission, **kwargs: Any) -> None:
    auto_decide(case=case_open(submission=submission))  # 秒批 where the item declares it


@receiver(described, dispatch_uid="cases.describe_submission")
def _describe(sender: Any, submission: Submission, **kwargs: Any) -> dict[str, Any]:
    case = case_for_submission(submission=submission)
    return {"case_number": case.number, "case_state": case.state} if case is not None else {}
