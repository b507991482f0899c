import pytest

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["code"] == "not_found"
    assert body["title_zh"] and body["title_en"]


def test_unknown_page_is_a_bilingual_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and "Page not found" in text


def test_an_error_field_named_like_a_problem_member_does_not_overwrite_it():
    from tongban.core.errors import NotFound
    from tongban.core.problems import problem_from_error

    body = __import__("json").loads(problem_from_error(None, NotFound(code="ABC", status=7)).content)
    assert body["code"] == "not_found" and body["status"] == 404
    assert body["extra_code"] == "ABC" and body["extra_status"] == 7


def test_every_schema_of_the_api_has_its_own_name_in_the_openapi_document(client):
    """django-ninja names a schema's component by its class name and keeps one per name: two apps' `VerifyOut`
    had made the document describe POST /api/v1/verify's answer as the licence verifier's."""
    import collections

    from ninja import Schema

    client.get("/api/v1/openapi.json")  # every router imported, every schema defined

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = collections.Counter(s.__name__ for s in set(subclasses(Schema)) if s.__module__.startswith("tongban."))
    assert [name for name, n in names.items() if n > 1] == []
