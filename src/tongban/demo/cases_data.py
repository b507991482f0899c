"""The demo city's case history: a case for each past window application, on the legal clock.

Seeded history, written as rows (like the applications themselves): most cases were decided on time,
delivered and archived; some were late; a few are still in review — some of those overdue, so the
supervisor has something to chase — or waiting for a correction. About half of the results were rated,
mostly well; each 差评 has its rectification, most of them answered after a return visit. Everything
done from here on in the demo goes through cases.services and feedback.services like anywhere else.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from tongban.cases.clock import days_after
from tongban.cases.codes import CLOCK_RUNNING, ActedThrough, Action, Delivery, State
from tongban.cases.models import Case, CorrectionNotice, DeferredMaterial, Transition
from tongban.catalog import selectors as catalog
from tongban.catalog.codes import Necessity
from tongban.core.calendar import add_working_days, is_workday
from tongban.feedback.codes import BAD_AT_MOST, RECTIFY_DAYS, RatingChannel, RectificationStatus
from tongban.feedback.models import Rating, Rectification
from tongban.forms.models import Submission
from tongban.identity.models import Staff

TZ = ZoneInfo("Asia/Shanghai")
SCORES, WEIGHTS = (5, 4, 3, 2, 1), (70, 20, 6, 3, 1)  # about 4% 差评


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=TZ)


def _workday_on_or_after(day: date) -> date:
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def _promises_not_kept(
    cases: list[Case], guides: dict[Any, Any], clerk: Staff, today: date, rng: random.Random
) -> list[DeferredMaterial]:
    """容缺受理 seen by supervision: a few cases accepted at least two days ago and still in review, each with a
    容缺 material of its guide promised for three days after acceptance (yesterday at the latest), never supplied."""
    promises: list[DeferredMaterial] = []
    for case in rng.sample(cases, len(cases)):
        accepted = case.accepted_on
        if len(promises) == PROMISES_NOT_KEPT:
            break
        if case.state not in CLOCK_RUNNING or accepted is None or (today - accepted).days < 2:
            continue
        deferrable = [m for m in guides[case.implementation_id].materials.all() if m.necessity == Necessity.DEFERRABLE]
        if deferrable:
            material = rng.choice(deferrable)
            promised = min(accepted + timedelta(days=3), today - timedelta(days=1))
            promises.append(DeferredMaterial(case=case, material_id=material.pk, material_name=material.name,
                                             promised_by=promised, accepted_by=clerk.name))  # fmt: skip
    return promises


PROMISES_NOT_KEPT = 6


def cases_load(*, seed: int, tick: Callable[[int, int], None]) -> dict[str, int]:
    """Cases, transitions, ratings and rectifications for the demo's past applications."""
    rng = random.Random(seed + 5)
    today = timezone.localdate()
    # In Python: SQLite has no JSON contains lookup.
    reviewers = [s for s in Staff.objects.order_by("-user__username") if "reviewer" in s.roles]
    staff = {s.department_id: s for s in reviewers}
    clerk = Staff.objects.get(user__username="clerk")
    submissions = list(Submission.objects.select_related("implementation__item", "agent").order_by("submitted_at"))
    guides: dict[Any, Any] = {}
    cases: list[Case] = []
    moves: list[Transition] = []
    notices: list[CorrectionNotice] = []
    ratings: list[tuple[Case, int, datetime]] = []
    for done, sub in enumerate(submissions, start=1):
        guide = guides.get(sub.implementation_id) or guides.setdefault(
            sub.implementation_id, catalog.guide_published(sub.implementation)
        )
        limit = guide.promised_limit_days or guide.legal_limit_days
        unit = guide.promised_limit_unit if guide.promised_limit_days else guide.legal_limit_unit
        reviewer = staff.get(sub.department_id)
        case = Case(
            number=sub.number, lookup_code=f"{secrets.randbelow(10**6):06d}", submission=sub,
            implementation=sub.implementation, department=sub.department, user=sub.user, agent=sub.agent,
            subject_person=sub.subject_person, subject_enterprise=sub.subject_enterprise, channel=sub.channel,
            case_type=guide.case_type, limit_days=limit, limit_unit=unit, submitted_at=sub.submitted_at,
        )  # fmt: skip
        submitted_on = timezone.localtime(sub.submitted_at).date()
        steps: list[tuple[str, str, str, datetime, str, Any]] = [
            (Action.SUBMIT, "", State.SUBMITTED, sub.submitted_at, "", None)
        ]

        def step(action: str, to: str, at: datetime, reason: str = "", by: Any = clerk, steps: list = steps) -> None:
            steps.append((action, steps[-1][2], to, at, reason, by))

        age = (today - submitted_on).days
        if age <= 1 and rng.random() < 0.7:
            pass  # still waiting at intake
        elif rng.random() < 0.04 and age > 3:
            step(Action.REQUEST_CORRECTION, State.CORRECTION_REQUESTED, _at(submitted_on, rng), "材料不全")
            case.correction_used = True
            notices.append(CorrectionNotice(case=case, items=[{"material": "户口簿", "problem": "缺少本人页"}],
                                            issued_by=clerk.name, issued_at=steps[-1][3]))  # fmt: skip
        else:
            accepted_on = submitted_on
            case.accepted_on = accepted_on
            case.due_on = accepted_on if limit == 0 else days_after(accepted_on, limit, unit)
            step(Action.ACCEPT, State.ACCEPTED, _at(accepted_on, rng))
            late = rng.random() < 0.08
            span = limit + rng.randint(1, 3) if late else rng.randint(0, max(0, limit - 1))
            decided_on = _workday_on_or_after(add_working_days(accepted_on, span) if limit and span else accepted_on)
            if reviewer is None or decided_on >= today:  # still open (late ones are overdue now)
                if reviewer is not None and limit and rng.random() < 0.8:
                    step(Action.START_REVIEW, State.IN_REVIEW, _at(accepted_on, rng), by=reviewer)
            else:
                if limit:
                    step(Action.START_REVIEW, State.IN_REVIEW, _at(accepted_on, rng), by=reviewer)
                deny = rng.random() < 0.05
                decided_at = _at(decided_on, rng)
                step(Action.DENY if deny else Action.APPROVE, State.DENIED if deny else State.APPROVED, decided_at,
                     "不符合申请条件" if deny else "符合条件，准予办理", by=reviewer)  # fmt: skip
                case.decided_at = decided_at
                delivered = min(decided_at + timedelta(hours=rng.randint(1, 30)), timezone.now())
                step(Action.DELIVER, State.RESULT_DELIVERED, delivered, by=clerk)
                case.delivered_via = rng.choice(Delivery.values)
                if (today - decided_on).days > 10:
                    step(Action.ARCHIVE, State.ARCHIVED, delivered + timedelta(days=7), by=clerk)
                if rng.random() < 0.5:
                    rated_at = min(delivered + timedelta(hours=2), timezone.now())
                    ratings.append((case, rng.choices(SCORES, WEIGHTS)[0], rated_at))
        case.state = steps[-1][2]
        case.revision = len(steps) - 1
        cases.append(case)
        for seq, (action, source, target, at, reason, by) in enumerate(steps):
            moves.append(Transition(
                case=case, seq=seq, action=action, from_state=source, to_state=target, reason=reason,
                actor=f"staff:{by.pk}" if by else f"person:{sub.agent_id}",
                actor_name=by.name if by else sub.agent.name,
                channel=ActedThrough.WINDOW if by is clerk or by is None else ActedThrough.BACKOFFICE, at=at,
            ))  # fmt: skip
        tick(done, len(submissions))
    Case.objects.bulk_create(cases, batch_size=500)
    Transition.objects.bulk_create(moves, batch_size=1000)
    CorrectionNotice.objects.bulk_create(notices)
    DeferredMaterial.objects.bulk_create(_promises_not_kept(cases, guides, clerk, today, rng))
    rated = [
        Rating(case=case, department=case.department, item_code=case.implementation.item.basic_code,
               item_name=case.implementation.item.name, user=None, score=score,
               reasons=["slow"] if score <= BAD_AT_MOST else ["fast"], channel=RatingChannel.WINDOW_PAD, rated_at=at)
        for case, score, at in ratings
    ]  # fmt: skip
    Rating.objects.bulk_create(rated)
    fixes = []
    for rating in rated:
        if rating.score <= BAD_AT_MOST:
            due = add_working_days(timezone.localtime(rating.rated_at).date(), RECTIFY_DAYS)
            answered = due < today and rng.random() < 0.8
            fixes.append(Rectification(
                rating=rating, department=rating.department, due_on=due,
                status=RectificationStatus.ANSWERED if answered else RectificationStatus.OPEN,
                return_visit="电话回访申请人，了解办理等待时间过长的情况" if answered else "",
                measures="增加午间窗口，材料预审提前到线上" if answered else "",
                answer="已增开午间窗口并开通线上预审，感谢您的监督。" if answered else "",
                answered_by="窗口负责人" if answered else "",
                answered_at=timezone.now() if answered else None,
            ))  # fmt: skip
    Rectification.objects.bulk_create(fixes)
    return {"cases": len(cases), "ratings": len(rated), "rectifications": len(fixes)}
