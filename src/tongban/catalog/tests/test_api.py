import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.django_db


def test_search_api_returns_a_page_with_total(client, city_items):
    response = client.get("/api/v1/items", {"q": "出生", "limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 4 and body["limit"] == 2 and body["offset"] == 0 and len(body["items"]) == 2
    assert {i["name"] for i in body["items"]} == {"出生医学证明签发", "出生户口登记"}
    first = body["items"][0]
    assert first["url"] == f"/items/{first['code']}/" and first["department"]


def test_search_api_filters(client, city_items):
    body = client.get("/api/v1/items", {"target": "legal"}).json()
    assert {i["name"] for i in body["items"]} == {"企业设立登记", "个体工商户设立登记"}
    body = client.get("/api/v1/items", {"life_event": "结婚"}).json()
    assert [i["name"] for i in body["items"]] == ["内地居民结婚登记"]


def test_full_guide_by_code(client, city_items):
    code = city_items["BIRTH01"]
    body = client.get(f"/api/v1/items/{code}").json()
    assert body["code"] == code and body["version"] == 1
    assert body["legal_limit"] == {"days": 20, "unit": "G", "note": ""}
    assert body["promised_limit"]["days"] == 5
    names = {m["name"]: m for m in body["materials"]}
    assert names["住院分娩记录"]["exempt"] is True and names["结婚证"]["necessity"] == "deferrable"
    assert body["fees"] == [] and body["places"][0]["hours"]


def test_unknown_item_code_is_404_problem_json(client, city_items):
    response = client.get("/api/v1/items/NO-SUCH-CODE")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "not_found" and body["title_zh"] == "未找到该事项" and body["title_en"]


def test_bad_parameters_are_422_problem_json(client, city_items):
    response = client.get("/api/v1/items", {"limit": "-1", "target": "aliens"})
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("q", ["' OR 1=1 --", "<img src=x onerror=alert(1)>", "😀", "x" * 10_000, "戶口"])
def test_hostile_queries_through_the_api(client, city_items, q):
    response = client.get("/api/v1/items", {"q": q})
    assert response.status_code == 200
    assert response.json()["total"] >= 0


def test_search_api_is_rate_limited(client, city_items, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": (1, 60)}
    assert client.get("/api/v1/items").status_code == 200
    response = client.get("/api/v1/items")
    assert response.status_code == 429 and response["Retry-After"]


def test_life_events_api(client, city_items):
    events = {e["name"]: e for e in client.get("/api/v1/life-events").json()}
    assert events["出生"]["count"] == 3 and events["出生"]["name_en"] == "Birth"
    assert events["开办企业"]["for_legal"] is True


# Loaded at collection: building the OpenAPI document needs Django but not the database. (The lazy
# `schemathesis.pytest.from_fixture` loader does not work with pytest 9: it touches `node._nodeid`.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())  # the whole /api/v1


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_api_operation_conforms_to_the_openapi_schema(case, city_items, settings, keep_test_connection):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": (100_000, 60)}
    case.call_and_validate()
