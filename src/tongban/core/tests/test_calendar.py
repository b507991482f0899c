import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.core import calendar
from tongban.core.errors import CalendarUnknown, InvalidInput, NotFound
from tongban.core.models import AuditEntry, CalendarDay

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
    result = calendar.calendar_import(path=csv_file, actor="test")
    assert result.created == 365
    assert not calendar.is_workday(dt.date(2031, 1, 1))
    assert calendar.add_working_days(dt.date(2030, 12, 31), 1) == dt.date(2031, 1, 2)


def test_import_rejects_a_bad_row_and_keeps_nothing(tmp_path):
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("date,is_workday\n2031-01-01,0\n2031-02-30,1\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        calendar.calendar_import(path=csv_file, actor="test")
    assert "第 3 行" in exc.value.message_zh
    assert not CalendarDay.objects.exists()


@settings(max_examples=40, deadline=None)
@given(start=st.dates(dt.date(2024, 1, 1), dt.date(2026, 11, 1)), days=st.integers(1, 40))
def test_adding_working_days_counts_exactly_that_many(start, days):
    due = calendar.add_working_days(start, days)
    assert calendar.working_days_between(start, due) == days
    assert calendar.is_workday(due)


# --- the year view, operator overrides and imports from an upload -------------------------------


def _by_date(days):
    return {d.date: d for d in days}


def test_the_2026_year_shows_national_day_as_holidays_and_10_october_as_a_makeup_working_day(
    django_assert_num_queries,
):
    with django_assert_num_queries(1):
        days = calendar.calendar_year(year=2026)
    assert len(days) == 365
    by_date = _by_date(days)
    for d in range(1, 8):
        day = by_date[dt.date(2026, 10, d)]
        assert (day.kind, day.name, day.source) == ("holiday", "国庆节", "package")
    assert by_date[dt.date(2026, 10, 1)].name_en == "National Day"
    assert by_date[dt.date(2026, 10, 10)].kind == "makeup"  # a Saturday worked
    assert by_date[dt.date(2026, 10, 11)].kind == "rest"  # an ordinary Sunday
    assert by_date[dt.date(2026, 10, 12)].kind == "workday"
    assert by_date[dt.date(2026, 4, 5)].name == "清明节"


def test_a_year_the_package_does_not_know_is_unknown_day_by_day_until_overridden():
    CalendarDay.objects.create(date=dt.date(2031, 1, 1), is_workday=False, name="元旦", source="2031.csv")
    by_date = _by_date(calendar.calendar_year(year=2031))
    assert by_date[dt.date(2031, 1, 2)].is_workday is None
    assert by_date[dt.date(2031, 1, 2)].kind == "unknown"
    assert by_date[dt.date(2031, 1, 2)].source == "unknown"
    first = by_date[dt.date(2031, 1, 1)]
    assert (first.kind, first.source, first.name, first.manual) == ("holiday", "override", "元旦", False)


def test_an_override_keeps_the_package_holiday_name_and_its_own_reason():
    calendar.calendar_day_set(date=dt.date(2026, 10, 8), is_workday=False, name="延长假期", actor="op1")
    calendar.calendar_day_set(date=dt.date(2026, 6, 1), is_workday=False, name="儿童节调休", actor="op1")
    by_date = _by_date(calendar.calendar_year(year=2026))
    assert by_date[dt.date(2026, 10, 8)].kind == "holiday"
    assert by_date[dt.date(2026, 10, 8)].reason == "延长假期"
    june = by_date[dt.date(2026, 6, 1)]
    assert (june.kind, june.name, june.source, june.manual) == ("holiday", "儿童节调休", "override", True)


def test_setting_an_override_is_audited_with_what_it_replaced():
    calendar.calendar_day_set(date=dt.date(2026, 6, 1), is_workday=False, name="临时休息", actor="op1")
    calendar.calendar_day_set(date=dt.date(2026, 6, 1), is_workday=True, name="恢复上班", actor="op2")
    row = CalendarDay.objects.get(date=dt.date(2026, 6, 1))
    assert (row.is_workday, row.name, row.source) == (True, "恢复上班", "operator:op2")
    entries = list(AuditEntry.objects.filter(action="calendar.override_set").order_by("seq"))
    assert [e.actor for e in entries] == ["op1", "op2"]
    assert entries[0].data["previous"] is None
    assert entries[1].data["previous"]["name"] == "临时休息"
    assert entries[1].data["is_workday"] is True
    assert calendar.is_workday(dt.date(2026, 6, 1))


def test_an_override_needs_a_name_or_reason():
    with pytest.raises(InvalidInput) as exc:
        calendar.calendar_day_set(date=dt.date(2026, 6, 1), is_workday=False, name="  ", actor="op1")
    assert exc.value.field == "name"
    assert not CalendarDay.objects.exists()
    assert not AuditEntry.objects.filter(action="calendar.override_set").exists()


def test_deleting_an_override_restores_the_package_and_is_audited():
    calendar.calendar_day_set(date=dt.date(2026, 10, 10), is_workday=False, name="取消调休", actor="op1")
    assert not calendar.is_workday(dt.date(2026, 10, 10))
    calendar.calendar_day_delete(date=dt.date(2026, 10, 10), actor="op2")
    assert calendar.is_workday(dt.date(2026, 10, 10))
    entry = AuditEntry.objects.get(action="calendar.override_delete")
    assert entry.actor == "op2" and entry.data["removed"]["name"] == "取消调休"
    with pytest.raises(NotFound):
        calendar.calendar_day_delete(date=dt.date(2026, 10, 10), actor="op2")


def test_import_from_uploaded_bytes_is_audited_and_updates_what_exists():
    CalendarDay.objects.create(date=dt.date(2031, 1, 1), is_workday=True, name="旧", source="old.csv")
    data = "date,is_workday,name\n2031-01-01,0,元旦\n2031-01-02,1,\n".encode()
    result = calendar.calendar_import(file=data, name="2031.csv", actor="op1")
    assert (result.created, result.updated) == (1, 1)
    assert CalendarDay.objects.get(date=dt.date(2031, 1, 1)).name == "元旦"
    entry = AuditEntry.objects.get(action="calendar.import")
    assert entry.actor == "op1"
    assert entry.data == {"source": "2031.csv", "created": 1, "updated": 1, "first": "2031-01-01", "last": "2031-01-02"}


def test_import_from_a_file_object_with_a_bom_spaces_in_the_header_and_blank_lines():
    import io

    data = "\ufeffdate, is_workday ,name\n\n20310101,休,元旦\n\n2031-01-04,班,调休上班\n".encode()
    result = calendar.calendar_import(file=io.BytesIO(data), name="x.csv", actor="op1")
    assert result.created == 2
    assert calendar.is_workday(dt.date(2031, 1, 4))


def test_import_names_the_physical_line_even_after_blank_lines():
    data = b"date,is_workday\n2031-01-01,0\n\n2031-01-02,maybe\n"
    with pytest.raises(InvalidInput) as exc:
        calendar.calendar_import(file=data, actor="op1")
    assert "第 4 行" in exc.value.message_zh and "line 4" in exc.value.message_en


@pytest.mark.parametrize(
    ("data", "zh"),
    [
        (b"date,is_workday\n" + b"2031-01-01,0\n" * 90_000, "1 MB"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "二进制"),
        ("date,is_workday,name\n2031-01-01,0,元旦\n".encode("gbk"), "UTF-8"),
        (b"day,workday\n2031-01-01,0\n", "date 和 is_workday"),
        (b"date,is_workday\n", "没有数据行"),
        (b"date,is_workday\n2031-01-01,0\n2031-01-01,1\n", "第 3 行：日期重复"),
        (b"date,is_workday\n2031-01-01,\n", "第 2 行：缺少工作日标记"),
    ],
)
def test_import_refuses_what_is_not_a_small_valid_utf8_csv_and_keeps_nothing(data, zh):
    with pytest.raises(InvalidInput) as exc:
        calendar.calendar_import(file=data, actor="op1")
    assert zh in exc.value.message_zh
    assert exc.value.message_en
    assert not CalendarDay.objects.exists()
    assert not AuditEntry.objects.filter(action="calendar.import").exists()


def test_the_command_still_imports_from_a_path(tmp_path):
    from django.core.management import call_command

    csv_file = tmp_path / "2031.csv"
    csv_file.write_text("date,is_workday,name\n2031-01-01,0,元旦\n", encoding="utf-8")
    call_command("calendar", "import", str(csv_file))
    assert CalendarDay.objects.get(date=dt.date(2031, 1, 1)).source == "2031.csv"
    assert AuditEntry.objects.get(action="calendar.import").actor.startswith("cli:")
