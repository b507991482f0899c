"""Backfill-rate selectors (回填率): local-time buckets, weighted rates, groupings, empty buckets, bad ranges.

2026-03-01 is a Sunday: the day ends a week (Monday 23 February – Sunday 1 March) and starts a month, so one
set of submissions tests the day, week and month boundaries, and 00:10 in Shanghai on 1 March is still
28 February in UTC.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tongban.core.errors import InvalidInput
from tongban.forms import backfill
from tongban.forms.tests.factories import FormVersionFactory, ImplementationFactory, SubmissionFactory
from tongban.identity.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def police():
    return DepartmentFactory(name="示范市公安局", name_en="Demo City Public Security Bureau")


@pytest.fixture
def civil():
    return DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")


class Form:
    """One item implemented by one department, with a published form version to submit on."""

    def __init__(self, department, item_name: str, item_name_en: str, code: str) -> None:
        self.implementation = ImplementationFactory(
            department=department, item__name=item_name, item__name_en=item_name_en, item__basic_code=code
        )
        self.version = FormVersionFactory(
            definition__item=self.implementation.item, definition__name=f"{item_name}申请表"
        )

    def submit(self, when: datetime, shown: int, prefilled: int, **kwargs):
        return SubmissionFactory(
            implementation=self.implementation, version=self.version, submitted_at=when,
            fields_shown=shown, fields_prefilled=prefilled, **kwargs,
        )  # fmt: skip


@pytest.fixture
def hukou(police):
    return Form(police, "出生户口登记", "Birth household registration", "HK001")


@pytest.fixture
def allowance(civil):
    return Form(civil, "最低生活保障", "Minimum living allowance", "DB001")


@pytest.fixture
def around_march(hukou):
    hukou.submit(at(2, 28, 10), 10, 5)  # Saturday
    hukou.submit(at(3, 1, 0, 10), 10, 8)  # Sunday, ten past midnight in Shanghai (16:10 on the 28th in UTC)
    hukou.submit(at(3, 2, 9), 20, 20)  # Monday: a new week


def _series(**kwargs):
    return [
        (r.bucket, r.submissions, r.fields_shown, r.fields_prefilled, r.rate)
        for r in backfill.backfill_series(**kwargs)
    ]


def test_daily_buckets_follow_shanghai_midnight_and_keep_empty_days(around_march):
    assert _series(period="day", start=date(2026, 2, 27), end=date(2026, 3, 3)) == [
        (date(2026, 2, 27), 0, 0, 0, None),
        (date(2026, 2, 28), 1, 10, 5, 0.5),
        (date(2026, 3, 1), 1, 10, 8, 0.8),  # 00:10 local counts on 1 March, not on 28 February (UTC)
        (date(2026, 3, 2), 1, 20, 20, 1.0),
        (date(2026, 3, 3), 0, 0, 0, None),
    ]


def test_weeks_start_on_monday_and_a_range_widens_to_whole_weeks(around_march):
    rows = backfill.backfill_series(period="week", start=date(2026, 2, 26), end=date(2026, 3, 4))
    assert [(r.bucket, r.bucket_end, r.submissions) for r in rows] == [
        (date(2026, 2, 23), date(2026, 3, 1), 2),  # Saturday and Sunday (just after midnight) together
        (date(2026, 3, 2), date(2026, 3, 8), 1),
    ]
    assert rows[0].rate == pytest.approx(13 / 20) and rows[1].rate == 1.0


def test_months_split_at_local_midnight_and_the_rate_is_weighted_by_fields(around_march):
    rows = backfill.backfill_series(period="month", start=date(2026, 2, 10), end=date(2026, 3, 10))
    assert [(r.bucket, r.bucket_end, r.submissions) for r in rows] == [
        (date(2026, 2, 1), date(2026, 2, 28), 1),
        (date(2026, 3, 1), date(2026, 3, 31), 2),
    ]
    march = rows[1]
    assert march.rate == pytest.approx(28 / 30)  # Σ prefilled ÷ Σ shown: 93.3 %
    assert march.mean_rate == pytest.approx((0.8 + 1.0) / 2)  # the mean of 80 % and 100 % is 90 %
    assert backfill.format_percent(march.rate) == "93.3%" and backfill.format_percent(march.mean_rate) == "90.0%"


def test_just_before_midnight_in_shanghai_stays_on_the_earlier_day(hukou):
    hukou.submit(at(3, 31, 23, 59), 4, 3)  # 15:59 UTC on the 31st
    hukou.submit(at(4, 1, 0, 0), 4, 1)  # midnight exactly belongs to the new day and month
    rows = backfill.backfill_series(period="month", start=date(2026, 3, 1), end=date(2026, 4, 30))
    assert [(r.bucket, r.fields_prefilled) for r in rows] == [(date(2026, 3, 1), 3), (date(2026, 4, 1), 1)]


def test_grouping_by_department_item_and_form(hukou, allowance, police):
    hukou.submit(at(3, 2), 10, 9)
    hukou.submit(at(3, 2), 10, 7)
    allowance.submit(at(3, 2), 20, 5)
    newer = FormVersionFactory(definition=hukou.version.definition, number=99, current=False)
    SubmissionFactory(implementation=hukou.implementation, version=newer, submitted_at=at(3, 2),
                      fields_shown=10, fields_prefilled=10)  # fmt: skip
    day = {"period": "day", "start": date(2026, 3, 2), "end": date(2026, 3, 2)}

    by_dept = {r.label_zh: (r.submissions, r.rate) for r in backfill.backfill_series(by="department", **day)}
    assert by_dept == {"示范市公安局": (3, pytest.approx(26 / 30)), "示范市民政局": (1, 0.25)}

    by_item = backfill.backfill_series(by="item", **day)
    assert [(r.group, r.label_zh, r.label_en) for r in by_item] == [
        ("HK001", "出生户口登记", "Birth household registration"),  # most submissions first
        ("DB001", "最低生活保障", "Minimum living allowance"),
    ]

    by_form = backfill.backfill_series(by="form", **day)
    assert len(by_form) == 2  # two versions of one form are one form
    assert by_form[0].label_zh == "出生户口登记申请表" and by_form[0].submissions == 3
    assert by_form[0].group == str(hukou.version.definition_id)

    only_police = backfill.backfill_series(by="all", department=police, **day)
    assert [(r.label_zh, r.submissions, r.fields_shown) for r in only_police] == [("全部", 3, 30)]


def test_every_group_gets_every_bucket_so_lines_are_continuous(hukou, allowance):
    hukou.submit(at(3, 2), 10, 5)
    allowance.submit(at(3, 4), 10, 10)
    rows = backfill.backfill_series(period="day", by="item", start=date(2026, 3, 2), end=date(2026, 3, 4))
    assert len(rows) == 6
    assert [(r.bucket.day, r.group, r.submissions) for r in rows if r.group == "DB001"] == [
        (2, "DB001", 0), (3, "DB001", 0), (4, "DB001", 1),
    ]  # fmt: skip
    assert all(r.rate is None and r.mean_rate is None for r in rows if r.submissions == 0)


def test_a_range_without_submissions_has_one_empty_row_per_bucket():
    rows = backfill.backfill_series(period="week", start=date(2026, 3, 2), end=date(2026, 3, 15))
    assert [(r.bucket, r.group, r.label_zh, r.submissions, r.rate) for r in rows] == [
        (date(2026, 3, 2), "all", "全部", 0, None),
        (date(2026, 3, 9), "all", "全部", 0, None),
    ]
    assert backfill.backfill_series(period="day", by="item", start=date(2026, 3, 2), end=date(2026, 3, 3)) == []


def test_a_form_that_showed_no_fields_counts_but_has_no_rate_of_its_own(hukou):
    hukou.submit(at(3, 2), 0, 0)
    hukou.submit(at(3, 2), 10, 4)
    [row] = backfill.backfill_series(period="day", start=date(2026, 3, 2), end=date(2026, 3, 2))
    assert (row.submissions, row.rate, row.mean_rate) == (2, 0.4, 0.4)


def test_summary_gives_the_overall_rate_and_the_best_and_worst_items(hukou, allowance, police):
    other = Form(police, "居住证签发", "Residence permit", "JZ001")
    hukou.submit(at(3, 2), 10, 9)
    allowance.submit(at(3, 3), 10, 2)
    other.submit(at(3, 4), 10, 6)
    summary = backfill.backfill_summary(start=date(2026, 3, 1), end=date(2026, 3, 31), top=1)
    assert (summary.submissions, summary.fields_shown, summary.fields_prefilled) == (3, 30, 17)
    assert backfill.format_percent(summary.rate) == "56.7%"
    assert [f.label_zh for f in summary.best_items] == ["出生户口登记"]
    assert [f.label_zh for f in summary.worst_items] == ["最低生活保障"]
    only_police = backfill.backfill_summary(start=date(2026, 3, 1), end=date(2026, 3, 31), department=police)
    assert only_police.submissions == 2 and [f.group for f in only_police.best_items] == ["HK001", "JZ001"]
    assert only_police.worst_items == []  # both are already listed as best


def test_summary_of_a_weekly_range_covers_the_same_whole_weeks_as_the_series(around_march):
    summary = backfill.backfill_summary(period="week", start=date(2026, 2, 28), end=date(2026, 3, 2))
    assert (summary.start, summary.end, summary.submissions) == (date(2026, 2, 23), date(2026, 3, 8), 3)
    series = backfill.backfill_series(period="week", start=date(2026, 2, 28), end=date(2026, 3, 2))
    assert sum(r.submissions for r in series) == summary.submissions


def test_an_end_before_the_start_is_refused_in_chinese_and_english():
    with pytest.raises(InvalidInput) as exc:
        backfill.backfill_series(period="day", start=date(2026, 3, 2), end=date(2026, 3, 1))
    assert exc.value.field == "end" and "早于" in exc.value.message_zh and "before" in exc.value.message_en


@pytest.mark.parametrize(
    ("period", "days", "ok"),
    [("day", 400, True), ("day", 401, False), ("week", 3 * 366, True), ("week", 3 * 366 + 1, False),
     ("month", 10 * 366 + 1, False)],
)  # fmt: skip
def test_ranges_longer_than_the_period_allows_are_refused(period, days, ok):
    start = date(2025, 1, 1)
    end = start + timedelta(days=days - 1)
    if ok:
        backfill.backfill_series(period=period, start=start, end=end)
        return
    with pytest.raises(InvalidInput) as exc:
        backfill.backfill_series(period=period, start=start, end=end)
    assert f"最多 {backfill.MAX_DAYS[period]} 天" in exc.value.message_zh
    assert f"at most {backfill.MAX_DAYS[period]} days" in exc.value.message_en


def test_unknown_periods_groupings_and_far_dates_are_invalid_input():
    with pytest.raises(InvalidInput):
        backfill.backfill_series(period="year", start=date(2026, 1, 1), end=date(2026, 1, 2))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        backfill.backfill_series(period="day", by="person", start=date(2026, 1, 1), end=date(2026, 1, 2))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as exc:
        backfill.backfill_series(period="month", start=date(9999, 12, 1), end=date(9999, 12, 31))
    assert exc.value.field == "start"


def test_default_ranges_end_today_and_cover_30_days_12_weeks_or_12_months():
    today = date(2026, 3, 4)  # a Wednesday
    assert backfill.backfill_default_range(period="day", today=today) == (date(2026, 2, 3), today)
    assert backfill.backfill_default_range(period="week", today=today) == (date(2025, 12, 15), today)
    assert backfill.backfill_default_range(period="month", today=today) == (date(2025, 4, 1), today)
    assert len(backfill.bucket_list(period="week", start=date(2025, 12, 15), end=today)) == 12


# --- the back-office page ------------------------------------------------------------------------

PAGE = "/backoffice/backfill/"


@pytest.fixture
def staff_factory(police):
    from tongban.identity.tests.factories import staff_with_roles

    def make(role):
        return staff_with_roles([role], department=police, mobile="13700000021")

    return make


@pytest.mark.parametrize("role", ["operator", "steward", "supervisor", "auditor"])
def test_the_page_is_for_operators_stewards_supervisors_and_auditors(client, staff_factory, around_march, role):
    client.force_login(staff_factory(role).user)
    response = client.get(PAGE, {"period": "day", "start": "2026-02-28", "end": "2026-03-02"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>回填率</h1>" in html and 'id="backfill-data"' in html and "vendor/echarts/echarts.min.js" in html
    assert "2026-03-01" in html and "80.0%" in html and "100.0%" in html


@pytest.mark.parametrize("role", ["clerk", "reviewer", "agent_12345"])
def test_other_staff_and_citizens_get_404_and_visitors_the_login(client, staff_factory, role):
    from tongban.identity.tests.factories import person_with_account

    client.force_login(staff_factory(role).user)
    assert client.get(PAGE).status_code == 404
    client.force_login(person_with_account().user)
    assert client.get(PAGE).status_code == 404
    client.logout()
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_weekly_by_item_table_has_every_week_and_the_chart_data_matches(client, staff_factory, hukou, allowance):
    import json
    import re

    hukou.submit(at(2, 28), 10, 5)
    hukou.submit(at(3, 1, 0, 10), 10, 8)
    allowance.submit(at(3, 10), 20, 4)
    client.force_login(staff_factory("operator").user)
    html = client.get(
        PAGE, {"period": "week", "by": "item", "start": "2026-02-23", "end": "2026-03-15"}
    ).content.decode()
    assert "2026-02-23 至 2026-03-01" in html and "2026-03-09 至 2026-03-15" in html
    assert "65.0%" in html and "20.0%" in html  # the weighted rates, formatted to one decimal
    assert "回填率最高的事项" in html and "最低生活保障" in html
    data = json.loads(re.search(r'<script id="backfill-data" type="application/json">(.*?)</script>', html).group(1))
    assert data["categories"] == ["02-23 起", "03-02 起", "03-09 起"] and data["gaps"] is True
    assert data["series"] == [
        {"name": "出生户口登记", "data": [65.0, None, None]},
        {"name": "最低生活保障", "data": [None, None, 20.0]},
    ]


def test_a_bad_range_is_shown_in_the_error_summary_with_the_dates_kept(client, staff_factory):
    client.force_login(staff_factory("operator").user)
    response = client.get(PAGE, {"period": "day", "start": "2026-03-10", "end": "2026-03-01"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "请修改以下问题" in html and "结束日期不能早于开始日期" in html and 'href="#id_end"' in html
    assert 'value="2026-03-10"' in html and 'aria-invalid="true"' in html
    response = client.get(PAGE, {"period": "day", "start": "2025-01-01", "end": "2026-03-01"})
    assert response.status_code == 422 and "最多 400 天" in response.content.decode()
    response = client.get(PAGE, {"period": "fortnight", "start": "tomorrow"})
    assert response.status_code == 422 and "Choose one of the options" in response.content.decode()


def test_without_submissions_the_page_says_so_instead_of_an_empty_chart(client, staff_factory):
    client.force_login(staff_factory("auditor").user)
    html = client.get(PAGE).content.decode()
    assert "所选范围内没有已提交的申请" in html and "backfill-chart" not in html


def test_the_page_reads_in_english(client, staff_factory, around_march):
    client.force_login(staff_factory("supervisor").user)
    html = client.get(
        PAGE, {"period": "week", "start": "2026-02-23", "end": "2026-03-08", "lang": "en"}
    ).content.decode()
    assert "Backfill rate" in html and "Fields prefilled" in html and "2026-02-23 to 2026-03-01" in html
    assert ">Week<" in html and "Group by" in html and "Mean per application" in html


def test_the_workbench_links_to_the_page_for_the_four_roles_only(client, staff_factory):
    client.force_login(staff_factory("supervisor").user)
    assert PAGE in client.get("/backoffice/").content.decode()
    client.force_login(staff_factory("reviewer").user)
    assert PAGE not in client.get("/backoffice/").content.decode()
