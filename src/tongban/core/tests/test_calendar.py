import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.core import calendar
from tongban.core.errors import CalendarUnknown, InvalidInput
from tongban.core.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_five_working_days_skip_national_day_and_land_on_a_makeup_saturday():
    # 2026: 1–7 October off; Saturday 10 October worked (State Council schedule).
    assert calendar.add_working_days(dt.date(2026, 9, 28), 5) == dt.date(2026, 10, 10)


def test_spring_festival_2026_is_not_counted():
    # 2026 Spring Festival: 15–23 February off; Saturday 14 and 28 February worked.
    assert calendar.is_workday(dt.date(2026, 2, 14))
    assert not calendar.is_workday(dt.date(2026, 2, 17))
    assert calendar.add_working_days(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 14)
    assert calendar.add_working_days(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 24)


def test_a_date_beyond_the_package_and_the_overrides_is_an_explicit_error():
    with pytest.raises(CalendarUnknown) as exc:
        calendar.is_workday(dt.date(2031, 3, 3))
    assert "2031" in exc.value.message_zh


def test_an_operator_override_wins_over_the_package():
    CalendarDay.objects.create(date=dt.date(2026, 6, 1), is_workday=False, name="临时调休")
    assert not calendar.is_workday(dt.date(2026, 6, 1))


def test_import_adds_a_year_the_package_does_not_know(tmp_path):
    csv_file = tmp_path / "2031.csv"
    rows = ["date,is_workday,name"]
    day = dt.date(2031, 1, 1)
    while day.year == 2031:
        rows.append(f"{day:%Y%m%d},{'0' if day.weekday() >= 5 or day == dt.date(2031, 1, 1) else '1'},")
        day += dt.timedelta(days=1)
    csv_file.write_text("\n".join(rows), encoding="utf-8")
    result = calendar.calendar_import(path=csv_file)
    assert result.created == 365
    assert not calendar.is_workday(dt.date(2031, 1, 1))
    assert calendar.add_working_days(dt.date(2030, 12, 31), 1) == dt.date(2031, 1, 2)


def test_import_rejects_a_bad_row_and_keeps_nothing(tmp_path):
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("date,is_workday\n2031-01-01,0\n2031-02-30,1\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        calendar.calendar_import(path=csv_file)
    assert "第 3 行" in exc.value.message_zh
    assert not CalendarDay.objects.exists()


@settings(max_examples=40, deadline=None)
@given(start=st.dates(dt.date(2024, 1, 1), dt.date(2026, 11, 1)), days=st.integers(1, 40))
def test_adding_working_days_counts_exactly_that_many(start, days):
    due = calendar.add_working_days(start, days)
    assert calendar.working_days_between(start, due) == days
    assert calendar.is_workday(due)
