"""Two sources writing the same new fact at the same moment: both rows kept, exactly one current, no error."""

import threading
import time

import pytest
from django.db import connection, transaction

from tongban.identity.tests.factories import DepartmentFactory, PersonFactory
from tongban.registry.models import ElementValue
from tongban.registry.services import value_record
from tongban.registry.tests.conftest import at
from tongban.registry.tests.factories import DataElementFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_writers_to_one_fact_take_turns():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    police, fund = DepartmentFactory(name="示范市公安局"), DepartmentFactory(name="示范市住房公积金管理中心")
    person = PersonFactory()
    element = DataElementFactory(owner=police)
    first_written = threading.Event()
    errors: list[BaseException] = []

    def first():
        try:
            with transaction.atomic():
                value_record(subject=person, element=element, value="甲", source_department=police, as_of=at(2024))
                first_written.set()
                time.sleep(0.5)  # still uncommitted while the second writer arrives
        except BaseException as exc:
            errors.append(exc)
        finally:
            first_written.set()
            connection.close()

    def second():
        try:
            first_written.wait(5)
            value_record(
                subject=person, element=element, value="乙", source_department=fund, as_of=at(2025), trust_level="C"
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    current = ElementValue.objects.get(person=person, current=True)
    assert (current.value, current.conflict) == ("甲", True)
    assert ElementValue.objects.filter(person=person).count() == 2
