import pytest

from tongban.bundles.tests.factories import NewbornCity, newborn_city


@pytest.fixture
def city(db) -> NewbornCity:  # type: ignore[no-untyped-def]
    return newborn_city()
