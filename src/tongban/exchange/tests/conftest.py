from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, PersonFactory, staff_with_roles
from tongban.registry.services import value_record
from tongban.registry.tests.factories import DataElementFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, 12, tzinfo=TZ)


@pytest.fixture
def police(db):
    return DepartmentFactory(name="示范市公安局", name_en="Demo City Public Security Bureau")


@pytest.fixture
def civil(db):
    return DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")


@pytest.fixture
def elements(police):
    return {
        "name": DataElementFactory(code="P.NAME", name="姓名", owner=police, sharing_class="open"),
        "address": DataElementFactory(
            code="P.HUKOU_ADDRESS", name="户籍地址", name_en="Registered address", owner=police,
            sharing_class="conditional",
        ),
        "household": DataElementFactory(
            code="P.HOUSEHOLD_NUMBER", name="户号", owner=police, sharing_class="conditional"
        ),
        "religion": DataElementFactory(code="P.RELIGION", name="宗教信仰", owner=police, sharing_class="closed"),
    }  # fmt: skip


@pytest.fixture
def citizen(police, elements):
    person = PersonFactory(name="林晓峰")
    for key, value in (("name", "林晓峰"), ("address", "明德区新港路8号"), ("household", "H0001")):
        value_record(
            subject=person, element=elements[key], value=value, source_department=police,
            source_record_id="GA-1", as_of=at(2025),
        )  # fmt: skip
    return person


@pytest.fixture
def police_steward(police):
    return staff_with_roles([Role.STEWARD], department=police, username="steward-gaj", mobile="13700000001")


@pytest.fixture
def civil_clerk(civil):
    return staff_with_roles([Role.REVIEWER], department=civil, username="reviewer-mzj", mobile="13700000002")
