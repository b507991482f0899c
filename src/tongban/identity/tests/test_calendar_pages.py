"""The operator's working-day calendar page: who may see it, what a year shows, overrides and CSV imports."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.core.models import AuditEntry, CalendarDay
from tongban.identity.tests.factories import person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db

URL = "/backoffice/calendar/"


@pytest.fixture
def operator_client(client):
    staff = staff_with_roles(["operator"], username="op_cal")
    client.force_login(staff.user)
    return client


def _cell(html: str, label_start: str) -> str:
    """The <td> of the day whose screen-reader text starts with `label_start`."""
    for td in re.findall(r"<td class=\"cal-day[^\"]*\"[^>]*>.*?</td>", html, flags=re.S):
        if f'<span class="visually-hidden">{label_start}' in td:
            return td
    raise AssertionError(f"no cell for {label_start}")


def test_operator_sees_national_day_2026_as_holidays_and_10_october_as_a_makeup_working_day(operator_client):
    response = operator_client.get(URL, {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="cal-day') == 365
    for day in range(1, 8):
        cell = _cell(html, f"2026年10月{day}日")
        assert "cal-holiday" in cell
        assert "节假日（国庆节）" in cell
        assert '<span class="cal-label" aria-hidden="true">国庆节</span>' in cell
    makeup = _cell(html, "2026年10月10日")
    assert "cal-makeup" in makeup and "调休上班" in makeup and "星期六" in makeup
    assert "cal-rest" in _cell(html, "2026年10月11日")
    assert "cal-workday" in _cell(html, "2026年10月12日")
    # Monday-first weekday headers, a caption per month with its working days
    assert '<th scope="col"><abbr title="星期一">一</abbr></th>' in html
    assert html.count("<caption>") == 12
    october = html[html.index('id="month-10"') : html.index('id="month-11"')]
    assert "工作日 18 天" in october  # 22 weekdays − 5 holiday weekdays + Saturday 10 October
    assert "尚未导入节假日安排" not in html


def test_october_2026_working_days_are_counted_from_the_calendar(operator_client):
    from tongban.core import calendar

    expected = sum(bool(d.is_workday) for d in calendar.calendar_year(year=2026) if d.date.month == 10)
    html = operator_client.get(URL, {"year": "2026"}).content.decode()
    october = html[html.index('id="month-10"') : html.index('id="month-11"')]
    assert f"工作日 {expected} 天" in october


def test_a_year_nobody_has_imported_is_flagged_with_a_banner(operator_client):
    html = operator_client.get(URL, {"year": "2031"}).content.decode()
    assert "2031 年尚未导入节假日安排" in html
    assert html.count('class="cal-day cal-unknown') == 365
    assert "工作日：未知（31 天未导入）" in html
    assert 'href="?year=2030"' in html and 'href="?year=2032"' in html


def test_the_banner_is_in_english_on_english_pages(operator_client):
    html = operator_client.get(URL, {"year": "2031", "lang": "en"}).content.decode()
    assert "The 2031 holiday schedule has not been imported" in html
    assert "Working-day calendar" in html
    html = operator_client.get(URL, {"year": "2026", "lang": "en"}).content.decode()
    assert "Holiday (National Day)" in _cell(html, "Thursday, Oct. 1, 2026")
    makeup = _cell(html, "Saturday, Oct. 10, 2026")
    assert ">Make-up day</span>" in makeup and "Make-up working day (National Day)" in makeup
    assert '<abbr title="Monday">Mon</abbr>' in html


def test_a_nonsense_year_shows_this_year_with_a_notice_not_an_error(operator_client):
    response = operator_client.get(URL, {"year": "abc"})
    assert response.status_code == 200
    assert "年份无效" in response.content.decode()
    assert operator_client.get(URL, {"year": "99999"}).status_code == 200


def test_other_staff_get_404_and_visitors_go_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.post("/backoffice/calendar/overrides/", {})["Location"].startswith("/login/")
    clerk = staff_with_roles(["clerk", "auditor"], username="clerk_cal")
    client.force_login(clerk.user)
    assert client.get(URL).status_code == 404
    assert client.post("/backoffice/calendar/overrides/", {"set-date": "2026-06-01"}).status_code == 404
    assert client.get("/backoffice/calendar/overrides/2026-06-01/delete/").status_code == 404
    person = person_with_account()
    client.force_login(person.user)
    assert client.get(URL).status_code == 404


def test_backoffice_home_has_a_calendar_card_for_operators_only(client):
    operator = staff_with_roles(["operator"], username="op_card")
    client.force_login(operator.user)
    assert "/backoffice/calendar/" in client.get("/backoffice/").content.decode()
    client.force_login(staff_with_roles(["auditor"], username="aud_card").user)
    assert "/backoffice/calendar/" not in client.get("/backoffice/").content.decode()


def test_setting_an_override_marks_the_day_and_is_audited(operator_client):
    response = operator_client.post(
        "/backoffice/calendar/overrides/",
        {"year": "2026", "set-date": "2026-06-01", "set-is_workday": "0", "set-name": "临时停止办公"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/calendar/?year=2026#month-6"
    row = CalendarDay.objects.get(date=dt.date(2026, 6, 1))
    assert (row.is_workday, row.name) == (False, "临时停止办公")
    entry = AuditEntry.objects.get(action="calendar.override_set")
    assert entry.actor == "staff:op_cal" and entry.data["date"] == "2026-06-01"
    html = operator_client.get(response["Location"]).content.decode()
    cell = _cell(html, "2026年6月1日")
    assert "cal-manual" in cell and "※" in cell
    assert "2026年6月1日 星期一：节假日；运营人员调整：临时停止办公</span>" in cell
    assert "已将 2026年6月1日 设为休息日" in html


def test_an_override_without_a_reason_or_with_a_bad_date_keeps_what_was_typed(operator_client):
    response = operator_client.post(
        "/backoffice/calendar/overrides/",
        {"year": "2026", "set-date": "2026-02-30", "set-is_workday": "1", "set-name": "调休上班"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "请修改以下问题" in html and 'href="#id_set-date"' in html
    assert "请输入有效日期" in html and "Enter a valid date" not in html
    assert 'value="调休上班"' in html
    response = operator_client.post(
        "/backoffice/calendar/overrides/",
        {"year": "2026", "set-date": "2026-06-01", "set-is_workday": "0", "set-name": ""},
    )
    assert response.status_code == 422
    assert 'value="2026-06-01"' in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_deleting_an_override_asks_first_then_is_audited(operator_client):
    CalendarDay.objects.create(date=dt.date(2026, 10, 10), is_workday=False, name="取消调休", source="operator:x")
    confirm = operator_client.get("/backoffice/calendar/overrides/2026-10-10/delete/")
    assert confirm.status_code == 200
    assert "确定要删除这条调整记录吗" in confirm.content.decode()
    assert CalendarDay.objects.exists()
    response = operator_client.post("/backoffice/calendar/overrides/2026-10-10/delete/")
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    entry = AuditEntry.objects.get(action="calendar.override_delete")
    assert entry.actor == "staff:op_cal" and entry.data["removed"]["name"] == "取消调休"
    html = operator_client.get(response["Location"]).content.decode()
    assert "cal-makeup" in _cell(html, "2026年10月10日")  # the package's make-up day again


def test_deleting_what_is_not_there_is_404(operator_client):
    assert operator_client.get("/backoffice/calendar/overrides/2026-10-10/delete/").status_code == 404
    assert operator_client.post("/backoffice/calendar/overrides/2026-10-10/delete/").status_code == 404
    assert operator_client.get("/backoffice/calendar/overrides/not-a-date/delete/").status_code == 404


def _upload(client, content: bytes, name: str = "2031.csv", year: str = "2031"):
    return client.post(
        "/backoffice/calendar/import/", {"year": year, "import-file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_uploading_a_good_csv_fills_the_year_in(operator_client):
    rows = ["date,is_workday,name"]
    day = dt.date(2031, 1, 1)
    while day.year == 2031:
        holiday = day == dt.date(2031, 1, 1)
        rows.append(f"{day:%Y-%m-%d},{0 if holiday or day.weekday() >= 5 else 1},{'元旦' if holiday else ''}")
        day += dt.timedelta(days=1)
    response = _upload(operator_client, "\n".join(rows).encode())
    assert response.status_code == 302 and response["Location"] == "/backoffice/calendar/?year=2031"
    assert CalendarDay.objects.filter(date__year=2031).count() == 365
    assert AuditEntry.objects.get(action="calendar.import").data["created"] == 365
    html = operator_client.get(response["Location"]).content.decode()
    assert "年尚未导入节假日安排" not in html and 'class="cal-day cal-unknown' not in html
    assert "已导入 2031.csv：新增 365 天，更新 0 天" in html
    assert "节假日（元旦）；来自导入文件 2031.csv" in _cell(html, "2031年1月1日")


def test_uploading_a_bad_csv_keeps_nothing_and_names_the_line(operator_client):
    response = _upload(operator_client, b"date,is_workday,name\n2031-01-01,0,\xe5\x85\x83\xe6\x97\xa6\n2031-02-30,1,\n")
    assert response.status_code == 422
    html = response.content.decode()
    assert "请修改以下问题" in html
    assert "第 3 行：日期无效" in html and "line 3: invalid date" not in html  # the page's language only
    assert 'href="#id_import-file">CSV 文件：第 3 行' in html  # the summary leads to the file field
    assert not CalendarDay.objects.exists()
    assert "2031 年尚未导入节假日安排" in html  # the page keeps working
    assert not AuditEntry.objects.filter(action="calendar.import").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "只能导入 .csv 文件"),
        ("disguised.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "含有二进制内容"),
        ("gbk.csv", "date,is_workday,name\n2031-01-01,0,元旦\n".encode("gbk"), "不是 UTF-8 编码"),
        ("big.csv", b"date,is_workday\n" + b"2031-01-01,0\n" * 90_000, "文件超过 1 MB"),
    ],
)
def test_binary_oversize_and_non_csv_uploads_are_refused_clearly(operator_client, name, content, message):
    response = _upload(operator_client, content, name=name)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and "请修改以下问题" in html
    assert not CalendarDay.objects.exists()


def test_an_upload_without_a_file_is_a_form_error(operator_client):
    response = operator_client.post("/backoffice/calendar/import/", {"year": "2031"})
    assert response.status_code == 422
    assert "此项必填" in response.content.decode()


def test_a_large_upload_never_reaches_the_disk_and_is_refused_by_size(operator_client, monkeypatch):
    from django.core.files import uploadhandler

    def no_disk(*args, **kwargs):
        raise AssertionError("the upload was written to a temporary file")

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", no_disk)
    response = _upload(operator_client, b"date,is_workday\n" + b"2031-01-01,0\n" * 300_000, name="huge.csv")
    assert response.status_code == 422
    assert "文件超过 1 MB" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_the_upload_still_needs_the_csrf_token(client):
    from django.test import Client

    staff = staff_with_roles(["operator"], username="op_csrf")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff.user)
    response = strict.post(
        "/backoffice/calendar/import/",
        {"year": "2031", "import-file": SimpleUploadedFile("a.csv", b"date,is_workday\n2031-01-01,0\n")},
    )
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()
