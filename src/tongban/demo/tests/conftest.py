"""One demo city per test module: built once inside a transaction that is rolled back when the module ends;
each test runs in a savepoint inside it, so what one test writes is gone before the next. Building the city
is most of these tests' time (about 8 s each on 2 cores), and most of them only read it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from tongban.demo.builder import BuildResult, demo_build

FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # argon2 is slow on purpose; tests need not be


def city_per_module(**build: Any) -> Any:
    """A module-scoped fixture building the demo city with these arguments, and rolling it back after."""

    @pytest.fixture(scope="module")
    def city_once(django_db_setup: Any, django_db_blocker: Any) -> Iterator[BuildResult]:
        with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHING), transaction.atomic():
            yield demo_build(**build)
            transaction.set_rollback(True)

    return city_once


@pytest.fixture
def fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHING
