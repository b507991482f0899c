"""Screenshots of the demo city's pages, normal and elder mode, for the README and reviews.

Usage: `make screenshots` (builds the demo city on a temporary SQLite file, serves it on a free port,
drives Debian chromium, writes docs/screenshots/*.png). Nothing here is part of the test suite.
`python tools/screenshots.py apply` takes only the online application pages (the demo is still built).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
BIN = Path(sys.executable).parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]  # fmt: skip


def _demo_password() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.conf.settings")
    import django

    django.setup()
    from tongban.demo.builder import DEMO_PASSWORD

    return DEMO_PASSWORD


PASSWORD = _demo_password()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _log_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("身份证号、手机号或用户名").fill(username)
    page.get_by_role("textbox", name="密码").fill(PASSWORD)
    page.get_by_role("button", name="下一步：获取验证码").click()
    outbox = page.context.new_page()
    outbox.goto("/demo/outbox/")
    code = re.search(r"验证码为 (\d{6})", outbox.locator("td.outbox-body").first.inner_text())
    outbox.close()
    assert code, "no code in the demo outbox"
    page.get_by_role("textbox", name="短信验证码").fill(code.group(1))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()


def _shoot(page: Page, path: str, name: str) -> None:
    for elder in (False, True):
        page.context.add_cookies([{"name": "tongban_elder", "value": "1" if elder else "0", "url": BASE}])
        page.goto(path)
        page.screenshot(path=str(OUT / f"{name}{'-elder' if elder else ''}.png"), full_page=True)
        print(f"  {name}{'-elder' if elder else ''}.png  {path}")


BASE = ""


def _elder(page: Page, on: bool) -> None:
    page.context.add_cookies([{"name": "tongban_elder", "value": "1" if on else "0", "url": BASE}])


def _apply(page: Page) -> None:
    """The citizen applies for 异地就医备案 online: guide, shared data, a page with an error, check, receipt."""
    _elder(page, False)
    page.goto("/search?q=异地就医备案")
    guide = page.get_by_role("link", name="异地就医备案").first.get_attribute("href")
    _shoot(page, guide, "apply-guide")
    _elder(page, False)
    page.goto(guide)
    page.get_by_role("link", name="在线办理").click()
    page.get_by_role("button", name="开始申请").click()
    page.get_by_role("heading", name="我们已从以下部门获取您的信息").wait_for()
    overview = page.url.removeprefix(BASE)
    _shoot(page, overview, "apply-overview")
    filing = f"{overview}pages/filing/"
    for elder in (False, True):  # the place of treatment forgotten: the error summary and the message inline
        _elder(page, elder)
        if elder:  # one question per screen: the forgotten one
            page.goto(f"{filing}?q=destination")
        else:
            page.goto(filing)
            page.get_by_label("异地长期居住").check()
            page.get_by_label("异地居住（工作）地址").fill("广东省深圳市南山区科技园科苑路15号")
            page.get_by_label("备案开始日期").fill("2027-01-15")
        page.get_by_role("button", name="保存并继续").click()
        page.get_by_role("alert").wait_for()
        name = f"apply-filing-error{'-elder' if elder else ''}"
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
        print(f"  {name}.png  {filing} (POST)")
    _elder(page, False)
    page.get_by_label("就医地（省、市）").fill("广东省深圳市")
    page.get_by_role("button", name="保存并继续").click()
    page.get_by_role("heading", name="联系方式", level=1).wait_for()
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_role("button", name="保存并继续").click()
    page.get_by_role("heading", name="核对申请内容").wait_for()
    check = page.url.removeprefix(BASE)
    _shoot(page, check, "apply-check")
    _elder(page, False)
    page.goto(check)
    page.get_by_label("本人承诺所填信息真实").check()
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("heading", name="申请已提交").wait_for()
    _shoot(page, page.url.removeprefix(BASE), "apply-receipt")
    _shoot(page, "/account/applications/", "account-applications")


def _staff_pages(browser) -> None:  # type: ignore[no-untyped-def]
    for username, pages in (
        ("operator", [("/backoffice/", "backoffice-operator"), ("/manage/catalog/", "catalog-manage"),
                      ("/backoffice/calendar/", "backoffice-calendar"),
                      ("/backoffice/backfill/", "backoffice-backfill"),
                      ("/backoffice/backfill/?period=week&by=item", "backoffice-backfill-items")]),
        ("steward", [("/backoffice/exchange/", "exchange-worklist")]),
    ):  # fmt: skip
        context = browser.new_context(base_url=BASE, locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        _log_in(page, username)
        for path, name in pages:
            _shoot(page, path, name)
        context.close()


def main() -> int:
    global BASE
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="tongban-shots-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}", "TONGBAN_VAR_DIR": str(tmp)}
    subprocess.run([BIN / "tongban", "migrate", "-v0"], env=env, check=True)
    subprocess.run([BIN / "tongban", "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    BASE = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([BIN / "tongban", "runserver", f"127.0.0.1:{port}", "--noreload"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/readyz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            public = browser.new_context(base_url=BASE, locale="zh-CN", viewport={"width": 1280, "height": 900})
            page = public.new_page()
            if sys.argv[1:] == ["apply"]:
                _log_in(page, "citizen")
                _apply(page)
                browser.close()
                return 0
            if sys.argv[1:] == ["backoffice"]:
                _staff_pages(browser)
                browser.close()
                return 0
            page.goto("/")
            page.screenshot(path=str(OUT / "home.png"))  # the README's first-screen picture
            _shoot(page, "/", "portal-home")
            _shoot(page, "/search?q=出生", "portal-search")
            page.goto("/search?q=出生")
            guide = page.get_by_role("link", name="出生医学证明签发").first.get_attribute("href")
            _shoot(page, guide, "portal-guide")
            _shoot(page, "/login/", "login")
            _log_in(page, "citizen")
            _shoot(page, "/account/", "account")
            _shoot(page, "/account/delegations/", "account-delegations")
            _shoot(page, "/account/profile/", "account-profile")
            _shoot(page, "/account/data-uses/", "account-data-uses")
            _apply(page)
            _staff_pages(browser)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
