"""好差评 writes: a rating once per case after its result; a 差评 opens a rectification on a
working-day clock; the department answers with a required return visit; overdue ones escalate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.cases import selectors as cases
from tongban.cases.codes import State
from tongban.core.audit import audit_record
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tongban.feedback.codes import (
    BAD_AT_MOST,
    BAD_REASONS,
    GOOD_REASONS,
    RECTIFY_DAYS,
    RECTIFY_DAYS_COMPLEX,
    RatingChannel,
    RectificationStatus,
    Score,
)
from tongban.feedback.models import Rating, Rectification
from tongban.identity.models import Staff, User
from tongban.identity.services import message_send

RATEABLE = frozenset({State.APPROVED, State.DENIED, State.RESULT_DELIVERED, State.ARCHIVED})
MAX_TEXT = 1000


def _today() -> dt.date:
    return timezone.localdate()


def rating_submit(
    *, user: User, number: str, score: int, reasons: list[str], comment: str = "", channel: str = RatingChannel.PC
) -> Rating:
    """Rate a case once it has a result; one rating per case. A 差评 (1–2) needs a reason and opens a
    rectification due in RECTIFY_DAYS working days."""
    case = cases.case_list_for_applicant(user=user).filter(number=number).first()
    if case is None:
        raise NotFound("未找到该办件", "No such case")
    if case.state not in RATEABLE:
        raise Conflict("办件有办理结果后才能评价", "A case can be rated once it has a result", current_state=case.state)
    if score not in Score.values:
        raise InvalidInput("请选择 1 到 5 星", "Choose from 1 to 5 stars", field="score")
    if channel not in RatingChannel.values:
        raise InvalidInput("评价渠道无效", "Unknown rating channel", field="channel")
    known = BAD_REASONS if score <= BAD_AT_MOST else GOOD_REASONS
    picked = [r for r in dict.fromkeys(reasons) if r in known]
    comment = (comment or "").strip()[:MAX_TEXT]
    if score <= BAD_AT_MOST and not picked and not comment:
        raise InvalidInput(
            "差评请选择或写明不满意的原因，以便部门整改",
            "Tell us what went wrong so it can be put right",
            field="reasons",
        )
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case, department=case.department, item_code=case.implementation.item.basic_code,
                item_name=case.implementation.item.name, user=user, score=score, reasons=picked, comment=comment,
                channel=channel,
            )  # fmt: skip
            if rating.bad:
                Rectification.objects.create(
                    rating=rating, department=case.department, due_on=add_working_days(_today(), RECTIFY_DAYS)
                )
            audit_record(action="feedback.rated", actor=f"user:{user.pk}", object_type="case", object_id=case.number,
                         data={"score": score})  # fmt: skip
    except IntegrityError:
        raise Conflict("该办件已评价过", "This case has already been rated") from None
    return rating


def _department_staff(staff: Staff | None, rectification: Rectification) -> Staff:
    if staff is None or not staff.active or staff.department_id != rectification.department_id:
        raise PermissionDenied("只有被评价部门可以整改答复", "Only the rated department can answer")
    return staff


@transaction.atomic
def rectification_answer(
    *, rectification_id: Any, staff: Staff, return_visit: str, measures: str, answer: str
) -> Rectification:
    """Close a 差评: the return visit (required, 100% 回访), the measures taken and the answer to the rater."""
    rectification = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("rating__case", "rating__department", "rating__user")
        .get(pk=rectification_id)
    )
    _department_staff(staff, rectification)
    if rectification.status != RectificationStatus.OPEN:
        raise Conflict("该差评已整改答复", "This rating has been answered")
    texts = {"return_visit": return_visit, "measures": measures, "answer": answer}
    for field, label_zh, label_en in (("return_visit", "回访情况", "the return visit"),
                                      ("measures", "整改措施", "the measures taken"),
                                      ("answer", "给评价人的答复", "the answer to the rater")):  # fmt: skip
        if not (texts[field] or "").strip():
            raise InvalidInput(f"请填写{label_zh}", f"Fill in {label_en}", field=field)
    rectification.return_visit = return_visit.strip()[:MAX_TEXT]
    rectification.measures = measures.strip()[:MAX_TEXT]
    rectification.answer = answer.strip()[:MAX_TEXT]
    rectification.answered_by, rectification.answered_at = staff.name, timezone.now()
    rectification.status = RectificationStatus.ANSWERED
    rectification.save()
    rating = rectification.rating
    about = f"您对办件 {rating.case.number}（{rating.item_name}）的评价"
    body = f"{about}，{rating.department.name}答复：{rectification.answer}"
    transaction.on_commit(lambda: message_send(body=body, user=rating.user))
    audit_record(action="feedback.rectified", actor=f"staff:{staff.pk}", object_type="rating",
                 object_id=str(rating.pk), data={"late": _today() > rectification.due_on})  # fmt: skip
    return rectification


@transaction.atomic
def rectification_mark_complex(*, rectification_id: Any, staff: Staff) -> Rectification:
    """A complex case gets 15 working days instead of 5, counted from the rating."""
    rectification = Rectification.objects.select_for_update().select_related("rating").get(pk=rectification_id)
    _department_staff(staff, rectification)
    if rectification.status != RectificationStatus.OPEN or rectification.complex:
        raise Conflict("只有待整改的差评可以延长到 15 个工作日", "Only an open rating can be extended, once")
    rated_on = timezone.localtime(rectification.rating.rated_at).date()
    rectification.complex, rectification.due_on = True, add_working_days(rated_on, RECTIFY_DAYS_COMPLEX)
    rectification.save(update_fields=["complex", "due_on", "updated_at"])
    return rectification


def rectifications_escalate(*, today: dt.date | None = None) -> int:
    """Open rectifications past their due date go to supervision (once); returns how many now."""
    today = today or _today()
    late = Rectification.objects.filter(status=RectificationStatus.OPEN, due_on__lt=today, escalated_at__isnull=True)
    return late.update(escalated_at=timezone.now())
