"""Cases for tests: a published item (so the case takes its limit from a real guide) and a submission."""

from __future__ import annotations

from typing import Any

from tongban.cases.models import Case
from tongban.cases.services import case_open
from tongban.catalog.codes import CaseType, LimitUnit
from tongban.catalog.models import Implementation
from tongban.catalog.schema import LimitSpec
from tongban.catalog.services import catalog_import_items
from tongban.catalog.tests.factories import DepartmentFactory, item_spec
from tongban.forms.models import FormVersion
from tongban.forms.tests.factories import FormVersionFactory, SubmissionFactory
from tongban.identity.models import Department, Person
from tongban.identity.tests.factories import person_with_account


def published_implementation(
    *, department: Department | None = None, days: int = 5, unit: str = LimitUnit.WORKING_DAYS,
    case_type: str = CaseType.COMMITTED, **overrides: Any,
) -> Implementation:  # fmt: skip
    department = department or DepartmentFactory()
    spec = item_spec(
        department=department, promised_limit=LimitSpec(days=days, unit=unit),
        legal_limit=LimitSpec(days=max(days, 20), unit=unit), case_type=case_type, **overrides,
    )  # fmt: skip
    report = catalog_import_items(specs=[spec], publish=True)
    code = (report.published or report.unchanged)[0]
    return Implementation.objects.select_related("item", "department").get(code=code)


def case_for(
    *, implementation: Implementation | None = None, applicant: Person | None = None, **submission: Any
) -> Case:
    implementation = implementation or published_implementation()
    applicant = applicant or person_with_account()
    version = FormVersion.objects.filter(definition__item=implementation.item).first() or FormVersionFactory(
        definition__item=implementation.item
    )  # one form per item, however many cases
    sub = SubmissionFactory(
        implementation=implementation, version=version, user=applicant.user, agent=applicant, **submission
    )
    return case_open(submission=sub)


def calendar_beyond_the_package(*, days: int = 120) -> None:
    """The first `days` days after chinese-calendar's last year as overrides, weekdays worked, as if an operator
    had imported that year's schedule: for tests whose working days run past the package late in a year."""
    import datetime as dt

    import chinese_calendar

    from tongban.core.models import CalendarDay

    first = dt.date(max(chinese_calendar.holidays).year + 1, 1, 1)
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=first + dt.timedelta(days=n), is_workday=(first + dt.timedelta(days=n)).weekday() < 5,
                     name="测试：假定的工作日") for n in range(days)],
        ignore_conflicts=True,
    )  # fmt: skip
