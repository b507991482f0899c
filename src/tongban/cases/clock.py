"""The legal clock of a case: due dates in working (G) or natural (Z) days, suspensions added back,
yellow at 80% of the limit used, red once the due date is reached.

Working days come from core.calendar (chinese-calendar plus the operator's overrides), so holidays
and make-up working days (调休) count as the State Council announced them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tongban.cases.codes import CLOCK_RUNNING, ClockColour, State
from tongban.catalog.codes import LimitUnit
from tongban.core.calendar import WorkingCalendar, add_natural_days

YELLOW_SHARE = 0.8


def days_after(start: dt.date, days: int, unit: str, calendar: WorkingCalendar | None = None) -> dt.date:
    """The day on which `days` days of the unit after `start` have elapsed (start itself not counted)."""
    if unit == LimitUnit.WORKING_DAYS:
        return (calendar or WorkingCalendar()).add_working_days(start, days)
    return add_natural_days(start, days)


def days_between(start: dt.date, end: dt.date, unit: str, calendar: WorkingCalendar | None = None) -> int:
    """Days of the unit in (start, end]."""
    if unit == LimitUnit.WORKING_DAYS:
        return (calendar or WorkingCalendar()).working_days_between(start, end)
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
    suspended_since: dt.date | None, suspended_days: int, today: dt.date, calendar: WorkingCalendar | None = None,
) -> Clock:  # fmt: skip
    """Where a case's clock stands on `today`. Pass the `calendar` of a list of cases (`clock_calendar`) so
    the overrides are read once for the list; otherwise they are read once for this clock."""
    if accepted_on is None or due_on is None or limit_days == 0:
        return Clock(ClockColour.NONE, 0, limit_days, due_on, 0)
    calendar = calendar or WorkingCalendar()
    running = state in CLOCK_RUNNING
    # While suspended the clock stands where it stopped, the day the suspension began.
    until = suspended_since if state == State.SUSPENDED and suspended_since is not None else today
    used = max(0, days_between(accepted_on, until, unit, calendar) - suspended_days)
    if until <= due_on:
        remaining = days_between(until, due_on, unit, calendar)
    else:
        remaining = -days_between(due_on, until, unit, calendar)
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


def clock_calendar(*, spans: Iterable[tuple[str, dt.date | None, dt.date | None]], today: dt.date) -> WorkingCalendar:
    """One calendar for the clocks of a list, its overrides read at once: `spans` are each case's (unit,
    accepted_on, due_on); only working-day clocks that have started need the calendar."""
    calendar = WorkingCalendar()
    dates = [d for unit, accepted, due in spans if unit == LimitUnit.WORKING_DAYS and accepted and due
             for d in (accepted, due)]  # fmt: skip
    if dates:
        calendar.cover(min([*dates, today]), max([*dates, today]))
    return calendar
