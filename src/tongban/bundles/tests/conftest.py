from collections.abc import Iterator

import pytest

from tongban.bundles.selectors import definitions_forget
from tongban.bundles.tests.factories import NewbornCity, newborn_city


@pytest.fixture(autouse=True)
def _fresh_definitions() -> Iterator[None]:
    definitions_forget()  # kept per process for a minute: no test sees another's
    yield


@pytest.fixture(autouse=True)
def _seal_kek(seal_kek):  # type: ignore[no-untyped-def]
    return seal_kek  # approving the test city's birth certificate issues its licence


@pytest.fixture
def city(db) -> NewbornCity:  # type: ignore[no-untyped-def]
    return newborn_city()
