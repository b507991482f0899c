"""A due date in a year whose holidays are not imported yet (the State Council publishes them late in the
year before): every page that shows the clock still answers, with the case off the clock, and acting on
it says which year to import — never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tongban.cases.codes import ClockColour, State
from tongban.cases.models import Case
from tongban.cases.selectors import case_clock
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db

UNKNOWN_YEAR = dt.date(2099, 3, 2)  # far beyond any chinese-calendar release and any override


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def late_case(department):
    applicant = person_with_account()
    case = case_for(implementation=published_implementation(department=department), applicant=applicant)
    Case.objects.filter(pk=case.pk).update(
        state=State.IN_REVIEW, accepted_on=dt.date(2026, 11, 2), due_on=UNKNOWN_YEAR, limit_days=20
    )
    case.refresh_from_db()
    return case


def test_the_clock_reads_as_off_the_clock_rather_than_failing(late_case):
    assert case_clock(case=late_case).colour == ClockColour.NONE


def test_worklist_supervision_and_the_applicants_pages_answer(client, department, late_case):
    client.force_login(staff_with_roles([Role.REVIEWER], department=department).user)
    assert client.get(reverse("cases:worklist")).status_code == 200
    assert client.get(reverse("cases:review", args=[late_case.number])).status_code == 200
    client.force_login(staff_with_roles([Role.SUPERVISOR]).user)
    assert client.get(reverse("cases:supervision")).status_code == 200
    client.force_login(late_case.user)
    assert client.get(reverse("cases:applicant_cases")).status_code == 200
    assert client.get(reverse("cases:applicant_case", args=[late_case.number])).status_code == 200
