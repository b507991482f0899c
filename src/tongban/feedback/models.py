"""好差评: one rating per case (a case is one item), and the rectification each 差评 opens."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tongban.cases.models import Case
from tongban.core.models import BaseModel
from tongban.feedback.codes import BAD_AT_MOST, RatingChannel, RectificationStatus, Score
from tongban.identity.models import Department, User


class Rating(BaseModel):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    item_code = models.CharField(max_length=10)
    item_name = models.CharField(max_length=200)
    # The rater's login; empty for a window rating pad, kiosk or SMS rating made without logging in.
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    reasons = models.JSONField(default=list)
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=16, choices=RatingChannel.choices)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-rated_at"]
        indexes = [models.Index(fields=["department", "rated_at"], name="feedback_rating_dept_idx")]

    @property
    def bad(self) -> bool:
        return self.score <= BAD_AT_MOST


class Rectification(BaseModel):
    """整改: the department verifies the 差评, makes a return visit (回访), rectifies and answers the rater."""

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="rectification")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN)
    due_on = models.DateField()
    complex = models.BooleanField(default=False)  # 15 working days instead of 5
    return_visit = models.TextField(blank=True)  # how and when the rater was called back, what they said
    measures = models.TextField(blank=True)  # what the department changed
    answer = models.TextField(blank=True)  # what the rater is told
    answered_by = models.CharField(max_length=100, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)  # overdue: sent to supervision

    class Meta:
        ordering = ["due_on"]
