"""好差评 reads: public statistics per department and item, the department's rectifications, a case's rating."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from tongban.feedback.codes import BAD_AT_MOST, RectificationStatus
from tongban.feedback.models import Rating, Rectification
from tongban.identity.models import Staff
from tongban.identity.roles import Role


@dataclass(frozen=True)
class RatingFigures:
    name: str
    ratings: int
    mean: float
    good_rate: float  # share of 4–5
    bad: int
    rectified: int

    @property
    def rectified_rate(self) -> float | None:
        return self.rectified / self.bad if self.bad else None


def _figures(rows: QuerySet[Rating], key: str) -> list[RatingFigures]:
    grouped = rows.values(key).annotate(
        n=Count("id"), mean=Avg("score"), good=Count("id", filter=Q(score__gte=4)),
        bad=Count("id", filter=Q(score__lte=BAD_AT_MOST)),
        rectified=Count("id", filter=Q(rectification__status=RectificationStatus.ANSWERED)),
    ).order_by(key)  # fmt: skip
    return [RatingFigures(r[key], r["n"], float(r["mean"]), r["good"] / r["n"], r["bad"], r["rectified"])
            for r in grouped]  # fmt: skip


def ratings_by_department() -> list[RatingFigures]:
    """Public: every department's ratings (好差评 statistics are published)."""
    return _figures(Rating.objects.all(), "department__name")


def ratings_by_item() -> list[RatingFigures]:
    return _figures(Rating.objects.all(), "item_name")


def rating_for_case(*, case_id: Any) -> Rating | None:
    return Rating.objects.select_related("rectification").filter(case_id=case_id).first()


def rectifications_for_staff(*, staff: Staff) -> QuerySet[Rectification]:
    """The department's 差评 to rectify (supervisors see every department's, escalated first)."""
    qs = Rectification.objects.select_related("rating__case", "department")
    if staff.has_role(Role.SUPERVISOR):
        return qs.order_by("status", "-escalated_at", "due_on")
    if staff.department_id is None:
        return qs.none()
    return qs.filter(department_id=staff.department_id).order_by("status", "due_on")
