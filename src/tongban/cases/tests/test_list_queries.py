"""List pages read the working-day calendar's overrides once per list, not twice per case: a worklist of 30
cases on the clock costs the same few queries as one of 3."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongban.cases.codes import State
from tongban.cases.models import Case
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.core.calendar import WorkingCalendar, add_working_days, working_days_between
from tongban.core.models import CalendarDay
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15  # the page's own (session, staff, cases, messages…) and one read of the overrides


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市市场监督管理局")


@pytest.fixture
def reviewer(department):
    return staff_with_roles([Role.REVIEWER], department=department, mobile="13700000601")


@pytest.fixture
def applicant():
    return person_with_account()


@pytest.fixture
def on_the_clock(department, applicant):
    """Cases of one applicant in review, accepted on different days, with an operator override in their span."""
    implementation = published_implementation(department=department, days=10)
    today = timezone.localdate()
    CalendarDay.objects.create(date=today - dt.timedelta(days=2), is_workday=False, name="示范市调休")

    def make(n: int) -> None:
        for i in range(n):
            case = case_for(implementation=implementation, applicant=applicant)
            accepted = today - dt.timedelta(days=i % 9)
            Case.objects.filter(pk=case.pk).update(state=State.IN_REVIEW, accepted_on=accepted,
                                                   due_on=add_working_days(accepted, 10))  # fmt: skip

    return make


def _count(client, url):
    client.get(url)  # the session's first request of the minute writes its idle limit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_a_30_case_worklist_issues_a_bounded_number_of_queries(
    client, reviewer, on_the_clock, django_assert_max_num_queries
):
    on_the_clock(3)
    client.force_login(reviewer.user)
    few = _count(client, "/backoffice/cases/")
    on_the_clock(27)
    with django_assert_max_num_queries(MAX_QUERIES):
        page = client.get("/backoffice/cases/")
    assert page.content.decode().count("正常：剩") + page.content.decode().count("临近到期") == 30
    assert _count(client, "/backoffice/cases/") == few


def test_the_supervision_page_the_api_worklist_and_my_cases_do_not_grow_with_the_cases(
    client, reviewer, applicant, on_the_clock
):
    supervisor = staff_with_roles([Role.SUPERVISOR], mobile="13700000602")
    on_the_clock(3)
    counts = {}
    for who, url in ((supervisor, "/backoffice/supervision/"), (reviewer, "/api/v1/cases/worklist"),
                     (applicant, "/account/cases/"), (applicant, "/api/v1/cases/mine")):  # fmt: skip
        client.force_login(who.user)
        counts[url] = _count(client, url)
    on_the_clock(27)
    for who, url in ((supervisor, "/backoffice/supervision/"), (reviewer, "/api/v1/cases/worklist"),
                     (applicant, "/account/cases/"), (applicant, "/api/v1/cases/mine")):  # fmt: skip
        client.force_login(who.user)
        assert _count(client, url) == counts[url], url
        assert counts[url] <= MAX_QUERIES, url


def test_one_calendar_answers_like_the_functions_and_reads_the_overrides_once(django_assert_num_queries):
    start = dt.date(2026, 9, 20)
    CalendarDay.objects.create(date=dt.date(2026, 9, 25), is_workday=False, name="示范市调休")
    ahead = [(n, start + dt.timedelta(days=n)) for n in range(1, 30)]
    expected = [(add_working_days(start, n), working_days_between(start, end)) for n, end in ahead]
    calendar = WorkingCalendar().cover(start, dt.date(2026, 12, 31))
    with django_assert_num_queries(0):
        found = [(calendar.add_working_days(start, n), calendar.working_days_between(start, end)) for n, end in ahead]
    assert found == expected
    assert not calendar.is_workday(dt.date(2026, 9, 25))  # the override, not the package's Friday
    short, until = WorkingCalendar().cover(start, start + dt.timedelta(days=5)), dt.date(2026, 11, 30)
    expected_days = working_days_between(start, until)
    with django_assert_num_queries(1):  # a question past what was read reads on, once
        assert short.working_days_between(start, until) == expected_days
