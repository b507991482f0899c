from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tongban.identity.tests.factories import DepartmentFactory, PersonFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, 12, tzinfo=TZ)


@pytest.fixture
def police(db):
    return DepartmentFactory(name="示范市公安局", name_en="Demo City Public Security Bureau")


@pytest.fixture
def fund(db):
    return DepartmentFactory(name="示范市住房公积金管理中心", name_en="Demo City Housing Fund Centre")


@pytest.fixture
def person(db):
    return PersonFactory(name="林晓峰")
