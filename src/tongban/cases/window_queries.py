"""Reads for the window clerk console (一窗受理): always the clerk's own department, never wider.

`cases_for_staff` lets supervisors and auditors read every department; the window is a desk of one
department, so even a clerk who also holds a wide role sees only their own department here.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tongban.cases import selectors
from tongban.cases.codes import State
from tongban.cases.models import Case
from tongban.core.audit import audit_record
from tongban.core.errors import NotFound
from tongban.identity.models import Staff
from tongban.identity.roles import Role

SEARCH_LIMIT = 100


def window_clerk(staff: Staff) -> bool:
    """A clerk (综合窗口) of a department: who may use the window pages."""
    return staff.has_role(Role.CLERK) and staff.department_id is not None


def window_cases(*, staff: Staff) -> QuerySet[Case]:
    """The cases of the departments the clerk's window receives for (their own; a service centre's: its region's)."""
    if not window_clerk(staff) or staff.department_id is None:
        return Case.objects.none()
    return selectors.cases_for_staff(staff=staff).filter(department_id__in=selectors.intake_departments(staff=staff))


def window_intake_queue(*, staff: Staff) -> QuerySet[Case]:
    """The department's cases waiting for intake, the longest waiting first."""
    return window_cases(staff=staff).filter(state=State.SUBMITTED).order_by("submitted_at", "number")


def window_cases_of_person(*, staff: Staff, id_number: str) -> list[Case]:
    """The department's cases of one person (as applicant or as the one who acted), newest first.

    Looking a person up by ID number is a use of their data: it is audited (the number only hashed)."""
    found = list(
        window_cases(staff=staff)
        .filter(Q(subject_person__id_number=id_number) | Q(agent__id_number=id_number))
        .order_by("-submitted_at", "-number")[:SEARCH_LIMIT]
    )
    audit_record(
        action="case.window_search", actor=f"staff:{staff.pk}", object_type="person", subject=id_number,
        data={"department": staff.department.name if staff.department else "", "found": len(found)},
    )  # fmt: skip
    return found


def window_case_get(*, staff: Staff, number: str) -> Case:
    """One case of the clerk's department by its number; NotFound for any other (an id never grants access)."""
    case = window_cases(staff=staff).select_related("submission__version").filter(number=number).first()
    if case is None:
        raise NotFound("未找到该办件", "No such case")
    return case
