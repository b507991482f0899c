"""A case's materials: the submission's list with its files, and 容缺受理 — accepting with a non-essential
(容缺) material missing against a dated promise to supply it, which the applicant then keeps online.

Only a material the guide marks 容缺 may be deferred, only one that was not supplied, and the promise
lies after today and within `MAX_PROMISE_DAYS`: a required material missing is a correction notice or
a refusal, never a deferral.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tongban.cases.models import Case, DeferredMaterial
from tongban.catalog.codes import Necessity
from tongban.core.errors import InvalidInput
from tongban.forms import materials as forms_materials
from tongban.forms.materials import MaterialState

MAX_PROMISE_DAYS = 60  # natural days: 容缺 is for what follows soon, not an open-ended gap


@dataclass(frozen=True)
class Deferral:
    material_id: str
    promised_by: dt.date | None


@dataclass(frozen=True)
class CaseMaterial:
    state: MaterialState
    deferred: DeferredMaterial | None

    @property
    def outstanding(self) -> bool:
        """Promised under 容缺 and not supplied yet."""
        return self.deferred is not None and self.deferred.supplied_at is None


def case_materials(*, case: Case) -> list[CaseMaterial]:
    deferred = {str(d.material_id): d for d in case.deferred_materials.all()}
    return [
        CaseMaterial(state=s, deferred=deferred.get(str(s.material.pk)))
        for s in forms_materials.submission_material_states(submission=case.submission)
    ]


def deferrable(*, case: Case) -> list[MaterialState]:
    """What the clerk may accept without: 容缺 materials with no file."""
    return [m.state for m in case_materials(case=case) if m.state.deferrable_missing and m.deferred is None]


def deferrals_record(
    *, case: Case, deferrals: list[Deferral], accepted_by: str, today: dt.date
) -> list[dict[str, Any]]:
    """Check and keep the clerk's deferrals (inside case_accept's transaction); returns them for the transition."""
    if not deferrals:
        return []
    allowed = {str(s.material.pk): s for s in deferrable(case=case)}
    states = {str(m.state.material.pk): m.state for m in case_materials(case=case)}
    kept = []
    for deferral in deferrals:
        state = allowed.get(deferral.material_id)
        if state is None:
            known = states.get(deferral.material_id)
            name = known.material.name if known else ""
            if known is not None and known.material.necessity == Necessity.REQUIRED:
                raise InvalidInput(
                    f"“{name}”是必要材料，不能容缺受理；请出具一次性告知书或不予受理",
                    f"“{name}” is required and cannot be deferred; issue a correction notice or refuse",
                    field="deferred",
                )  # fmt: skip
            raise InvalidInput(
                f"“{name or deferral.material_id}”不能容缺受理", "That material cannot be deferred", field="deferred"
            )
        latest = today + dt.timedelta(days=MAX_PROMISE_DAYS)
        if deferral.promised_by is None or not today < deferral.promised_by <= latest:
            raise InvalidInput(
                f"请为“{state.material.name}”填写补交期限：今天之后、{MAX_PROMISE_DAYS} 天之内",
                f"Give a date for “{state.material.name}” after today and within {MAX_PROMISE_DAYS} days",
                field="deferred",
            )  # fmt: skip
        DeferredMaterial.objects.create(
            case=case, material_id=state.material.pk, material_name=state.material.name,
            promised_by=deferral.promised_by, accepted_by=accepted_by,
        )  # fmt: skip
        kept.append({"material": state.material.name, "promised_by": deferral.promised_by.isoformat()})
    return kept


def deferral_supplied(*, case: Case, material_id: Any) -> bool:
    """A file arrived for a deferred material: the promise is kept."""
    return bool(
        DeferredMaterial.objects.filter(case=case, material_id=material_id, supplied_at__isnull=True).update(
            supplied_at=timezone.now()
        )
    )


def outstanding_deferrals(*, case: Case) -> list[DeferredMaterial]:
    return list(case.deferred_materials.filter(supplied_at__isnull=True))
