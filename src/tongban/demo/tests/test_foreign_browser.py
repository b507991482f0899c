"""The 跨区域互认 demo page in a real browser: a visitor checks the neighbour's licence (valid), its revoked one
and the far city's (untrusted) on the verifier page. axe on each page; screenshots."""

from __future__ import annotations

import pytest

from tongban.conftest import axe_violations, screenshot
from tongban.demo.federation_data import federation_load, foreign_samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_checks_the_neighbours_licences(page, settings):
    settings.DEMO_MODE = True
    federation_load(tick=lambda done, total: None)
    for n, sample in enumerate(foreign_samples()):
        page.goto("/demo/foreign-licences/")
        if n == 0:
            assert axe_violations(page) == []
            screenshot(page, "demo-foreign-licences")
        page.locator("form", has_text=sample.label).get_by_role("button").click()
        page.get_by_role("heading", name="核验结果").wait_for()
        assert page.get_by_text(sample.expected).is_visible(), sample.label
        assert axe_violations(page) == []
        screenshot(page, f"demo-foreign-result-{n}")
