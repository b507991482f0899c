"""A submitted form opens its case in the same transaction (forms.signals.submitted)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tongban.cases.decisions import auto_decide
from tongban.cases.services import case_open
from tongban.forms.models import Submission
from tongban.forms.signals import submitted


@receiver(submitted, dispatch_uid="cases.open_on_submit")
def _open_case(sender: Any, submission: Submission, **kwargs: Any) -> None:
    auto_decide(case=case_open(submission=submission))  # 秒批 where the item declares it
