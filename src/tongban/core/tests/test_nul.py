"""NUL characters never reach PostgreSQL: dropped from forms and query strings, refused in JSON."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_search_filter_is_dropped_not_a_500(client):
    # Found by schemathesis: life_event=|\x00… reached PostgreSQL and failed there.
    response = client.get("/api/v1/items", {"q": "出生\x00", "life_event": "|\x00出生", "target": "person"})
    assert response.status_code == 200


def test_a_nul_in_a_page_query_is_dropped(client):
    assert client.get("/search", {"q": "营业\x00执照"}).status_code == 200


def test_a_nul_in_a_form_post_is_dropped_and_the_rest_kept(client):
    from urllib.parse import urlencode

    body = urlencode({"identifier": "abc\x00def", "password": "x"})  # browsers send forms url-encoded
    response = client.post("/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "abcdef" in response.content.decode()


def test_nuls_are_dropped_from_json_strings_and_keys_at_any_depth():
    import json

    from tongban.core.nul import _json_without_nul

    body = json.dumps({"pur\x00pose": ["a\x00b", {"c": "d\x00"}], "n": 1, "s": "\ud800"}).encode()
    assert json.loads(_json_without_nul(body)) == {"purpose": ["ab", {"c": "d"}], "n": 1, "s": "\ud800"}
    assert _json_without_nul(b'{"a": "b"}') is None  # nothing to do
    assert _json_without_nul(b'{"a": "\\u0000') is None  # unparseable: the API answers that itself
