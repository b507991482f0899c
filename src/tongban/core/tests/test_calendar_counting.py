"""Working days between two dates are counted (the package's days counted once, then the operator's
overrides), and the count is the day-by-day walk's, for any span and any overrides."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongban.core.calendar import WorkingCalendar
from tongban.core.errors import CalendarUnknown
from tongban.core.models import CalendarDay

pytestmark = pytest.mark.django_db

known = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 12, 31))


def _walked(start: dt.date, end: dt.date) -> int:
    return WorkingCalendar()._walk(start, end)


@given(start=known, days=st.integers(min_value=0, max_value=1500))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_count_is_the_walk_for_any_span_of_the_packages_years(start, days):
    end = min(start + dt.timedelta(days=days), dt.date(2026, 12, 31))
    assert WorkingCalendar().working_days_between(start, end) == _walked(start, end)


@given(first=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)), n=st.integers(1, 14))
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_overrides_count_as_the_walk_counts_them(first, n):
    CalendarDay.objects.all().delete()
    for k in range(n):  # alternate: a weekday off, a weekend day worked, a holiday worked, …
        day = first + dt.timedelta(days=3 * k)
        CalendarDay.objects.create(date=day, is_workday=k % 2 == 1, name="示范市调整")
    start, end = first - dt.timedelta(days=5), min(first + dt.timedelta(days=3 * n + 5), dt.date(2026, 12, 31))
    assert WorkingCalendar().working_days_between(start, end) == _walked(start, end)


def test_national_day_2026_and_its_makeup_saturday():
    # 1–7 October off, Saturday 10 October worked: after 30 September, 8, 9, 10 and 12 October by the 12th.
    assert WorkingCalendar().working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 12)) == 4


def test_a_span_into_a_year_nobody_knows_is_still_an_explicit_error():
    with pytest.raises(CalendarUnknown):
        WorkingCalendar().working_days_between(dt.date(2026, 12, 20), dt.date(2027, 1, 5))


def test_a_span_into_an_imported_year_walks_the_imported_days():
    for n in range(1, 6):
        CalendarDay.objects.create(date=dt.date(2027, 1, n), is_workday=n > 3, name="2027 元旦")
    # 31 December (the package), then 1–3 January off and the 4th and 5th worked (the import).
    assert WorkingCalendar().working_days_between(dt.date(2026, 12, 30), dt.date(2027, 1, 5)) == 3
