"""Shared test fixtures: the browser (Debian chromium through Playwright) and axe-core."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    from django.core.cache import cache

    from tongban.exchange.verify import predicates_forget

    cache.clear()
    predicates_forget()  # per-process copy of declared predicates: codes repeat from test to test
    yield


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def axe_violations(page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:  # type: ignore[no-untyped-def]
    """Run axe-core (from npm) on the current page; return violations of the given impacts."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def accessible(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """axe finds nothing serious or critical on the current page; its screenshot is saved as `name`."""
    assert axe_violations(page) == [], name
    return screenshot(page, name)


def log_in(page, client, live_server, user) -> None:  # type: ignore[no-untyped-def]
    """Log the browser in as `user` (a citizen or staff) without the SMS step: the test client's session cookie."""
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """For schema tests calling the WSGI app directly: like Django's test client, a request must not close the
    test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded materials of a test go to a temporary folder, never into the checkout's var/."""
    storages = dict(settings.STORAGES)
    storages["uploads"] = {**storages["uploads"], "OPTIONS": {"location": str(tmp_path_factory.mktemp("uploads"))}}
    settings.STORAGES = storages


@pytest.fixture
def seal_kek(tmp_path, settings):  # type: ignore[no-untyped-def]
    """Each test its own key-encryption key file for the departments' seal keys, created on first use as in demo
    mode (tests that issue licences ask for it; their modules use it autouse)."""
    settings.LICENCE_SEAL_KEK = ""
    settings.LICENCE_SEAL_KEK_FILE = tmp_path / "seal-kek.key"
    settings.LICENCE_BASE_URL = "https://tongban.example"
