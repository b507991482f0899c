"""Items of a bundle application waiting for another's result go on when that case is decided."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tongban.bundles.applications import bundle_case_moved
from tongban.cases.signals import moved


@receiver(moved, dispatch_uid="bundles.case_moved")
def _case_moved(sender: Any, case_id: Any, to_state: str, **kwargs: Any) -> None:
    bundle_case_moved(case_id=case_id, to_state=to_state)
