"""The path a newcomer takes (`make demo`): migrate and build on SQLite, serve, search, read a guide.

Runs the real commands in subprocesses against a fresh SQLite file in a temporary directory, so it
checks what PostgreSQL-backed tests cannot: the SQLite migrations and search, the build on SQLite,
and `runserver` with the demo settings.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tongban.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tongban(args: list[str], env: dict[str, str], timeout: int = 300) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tongban.manage", *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"tongban {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _wait_ready(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"runserver exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail(f"{url}/readyz not ready after {seconds} s:\n{log.read_text()}")


@pytest.fixture
def demo_server(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "TONGBAN_VAR_DIR": str(tmp_path),
        "TONGBAN_MODE": "demo",
        "COLUMNS": "160",
    }
    env.pop("TEST_DATABASE_NAME", None)
    _tongban(["migrate", "-v0"], env)
    built = _tongban(["demo"], env)
    assert "示范市已建成" in built and "打开 http://127.0.0.1:8000" in built
    again = _tongban(["demo"], env)
    assert "示范市已存在" in again and "citizen" in again

    port = _free_port()
    log = tmp_path / "runserver.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "tongban.manage", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(url, server, log)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


@pytest.mark.browser
def test_a_newcomer_builds_the_demo_city_on_sqlite_and_reads_the_birth_certificate_guide(browser, demo_server):
    context = browser.new_context(base_url=demo_server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/")
        banner = page.locator(".demo-banner")
        assert banner.is_visible()
        assert "示范市为虚构城市" in banner.inner_text()
        assert page.get_by_role("heading", level=1).inner_text() == "示范市一网通办"

        page.get_by_label("搜索办事事项").fill("出生")
        page.get_by_role("button", name="搜索", exact=True).click()
        page.wait_for_url(re.compile(r"/search\?q="))
        assert page.get_by_role("status").first.inner_text().startswith("“出生”共找到")
        hits = page.locator(".hits").inner_text()
        assert "出生医学证明签发" in hits and "出生户口登记" in hits

        page.get_by_role("link", name="出生医学证明签发").first.click()
        page.wait_for_url(re.compile(r"/items/[0-9A-Z]+/"))
        assert page.get_by_role("heading", level=1).inner_text() == "出生医学证明签发"
        body = page.locator("main").inner_text()
        assert "《中华人民共和国母婴保健法》第二十三条" in body
        assert "示范市妇幼保健院" in body
        assert "出生医学证明首次签发登记表" in page.get_by_role("table").first.inner_text()
        assert page.locator(".demo-banner").is_visible()
        assert axe_violations(page) == []
        screenshot(page, "demo-sqlite-guide")
    finally:
        context.close()


def test_rebuild_on_sqlite_gives_a_freshly_migrated_database_with_the_new_seed(tmp_path):
    database = tmp_path / "demo.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "TONGBAN_VAR_DIR": str(tmp_path)}
    env.pop("TEST_DATABASE_NAME", None)
    _tongban(["migrate", "-v0"], env)
    _tongban(["demo", "--persons", "40", "--enterprises", "8"], env)
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM catalog_synonym")  # what a flush would also lose: rows seeded by migrations

    rebuilt = _tongban(["demo", "--rebuild", "--seed", "3", "--persons", "50", "--enterprises", "9"], env)
    assert "示范市已建成（种子 3）" in rebuilt
    with sqlite3.connect(database) as db:
        people = db.execute("SELECT COUNT(*) FROM identity_person").fetchone()[0]
        businesses = db.execute("SELECT COUNT(*) FROM identity_enterprise").fetchone()[0]
        synonyms = db.execute("SELECT COUNT(*) FROM catalog_synonym").fetchone()[0]
    assert people >= 50 and businesses == 9
    assert synonyms > 0
