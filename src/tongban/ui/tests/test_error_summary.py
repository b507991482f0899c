"""The error summary (ui/components/error_summary.html) speaks the page's language: a service's message
in Chinese on a Chinese page, in English on an English page, never both (the error pages alone add the
English beneath the Chinese). Identity's tests cover form field errors the same way."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

ZH = "未找到，请核对编号和查询码"
EN = "Not found; check the case number and the lookup code"


def _summary(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    start = html.index('class="error-summary"')
    return html[start : html.index("</div>", start)]


def test_a_chinese_page_gives_the_services_message_in_chinese_only(client):
    summary = _summary(client.post("/progress/", {"number": "SQ209901010000001", "code": "123456"}))
    assert ZH in summary and EN not in summary and 'lang="en"' not in summary


def test_an_english_page_gives_it_in_english_only(client):
    summary = _summary(client.post("/progress/?lang=en", {"number": "SQ209901010000001", "code": "123456"}))
    assert EN in summary
    assert not re.search(r"[\u4e00-\u9fff]", summary)


def test_the_error_pages_alone_give_the_english_beneath_the_chinese(client):
    chinese = client.get("/no-such-page").content.decode()
    english = client.get("/no-such-page?lang=en").content.decode()
    assert "页面不存在" in chinese and 'lang="en" class="en">Page not found' in chinese
    assert "Page not found" in english and "页面不存在" not in english
