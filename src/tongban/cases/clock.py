"""The legal clock of a case: due dates in working (G) or natural (Z) days, suspensions added back,
yellow at 80% of the limit used, red once the due date is reached.

Working days come from core.calendar (chinese-calendar plus the operator's overrides), so holidays
and make-up working days (调休) count as the State Council announced them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tongban.cases.codes import CLOCK_RUNNING, ClockColour, State
from tongban.catalog.codes import LimitUnit
from tongban.core.calendar import add_natural_days, add_working_days, working_days_between

YELLOW_SHARE = 0.8


def days_after(start: dt.date, days: int, unit: str) -> dt.date:
    """The day on which `days` days of the unit after `start` have elapsed (start itself not counted)."""
    return add_working_days(start, days) if unit == LimitUnit.WORKING_DAYS else add_natural_days(start, days)


def days_between(start: dt.date, end: dt.date, unit: str) -> int:
    """Days of the unit in (start, end]."""
    if unit == LimitUnit.WORKING_DAYS:
        return working_days_between(start, end)
    return max(0, (end - start).days)


@dataclass(frozen=True)
class Clock:
    colour: str
    used: int  # days of the limit used by `today` (suspended days not counted)
    limit: int
    due_on: dt.date | None
    remaining: int  # days of the unit left until the due date; negative when overdue

    @property
    def overdue(self) -> bool:
        return self.remaining < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.remaining)


def clock_read(
    *, state: str, limit_days: int, unit: str, accepted_on: dt.date | None, due_on: dt.date | None,
    suspended_since: dt.date | None, suspended_days: int, today: dt.date,
) -> Clock:  # fmt: skip
    """Where a case's clock stands on `today`."""
    if accepted_on is None or due_on is None or limit_days == 0:
        return Clock(ClockColour.NONE, 0, limit_days, due_on, 0)
    running = state in CLOCK_RUNNING
    # While suspended the clock stands where it stopped, the day the suspension began.
    until = suspended_since if state == State.SUSPENDED and suspended_since is not None else today
    used = max(0, days_between(accepted_on, until, unit) - suspended_days)
    remaining = days_between(until, due_on, unit) if until <= due_on else -days_between(due_on, until, unit)
    if not running and state != State.SUSPENDED:
        return Clock(ClockColour.NONE, used, limit_days, due_on, remaining)
    if state == State.SUSPENDED:
        colour = ClockColour.STOPPED
    elif until >= due_on:
        colour = ClockColour.RED
    elif used >= YELLOW_SHARE * limit_days:
        colour = ClockColour.YELLOW
    else:
        colour = ClockColour.GREEN
    return Clock(colour, used, limit_days, due_on, remaining)
