"""Every database test here runs as if next year's holidays were imported: limits counted from today run
into the year after chinese-calendar's last one from December on, and an operator imports that year then."""

from __future__ import annotations

import pytest

from tongban.cases.tests.factories import calendar_beyond_the_package


@pytest.fixture(autouse=True)
def _next_year_imported(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    request.getfixturevalue("_django_db_helper")
    calendar_beyond_the_package(days=400)
