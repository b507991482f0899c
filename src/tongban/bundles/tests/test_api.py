"""The bundles API: published bundles with their reduction, and the composed guide for answers."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from tongban.bundles.services import bundle_import


@pytest.fixture
def published(city):  # type: ignore[no-untyped-def]
    return bundle_import(spec=city.spec())


def _guide(client, body):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/bundles/newborn/guide", data=json.dumps(body), content_type="application/json")


def test_the_list_gives_each_published_bundle_with_its_measured_reduction(client, published):
    (bundle,) = client.get("/api/v1/bundles").json()
    assert (bundle["code"], bundle["version"]) == ("newborn", 1)
    assert bundle["reduction"]["materials"] == {"separately": 7, "bundled": 3, "saved": 4}
    assert bundle["reduction"]["critical_path"] == ["birth", "hukou", "insurance", "card"]


def test_one_bundle_lists_its_items_and_questions(client, published):
    body = client.get("/api/v1/bundles/newborn").json()
    assert [i["key"] for i in body["items"]] == ["birth", "hukou", "vaccine", "insurance", "card"]
    assert body["questions"][2]["requires"] == "card.yes"


def test_the_guide_for_answers_keeps_the_values_still_asked(client, published):
    body = {"answers": {"hukou_here": "yes", "card": "no"}, "values": {"card.bank": "icbc", "hukou.side": "mother"}}
    response = _guide(client, body)
    assert response.status_code == 200
    guide = response.json()
    assert [i["key"] for i in guide["items"]] == ["birth", "hukou", "vaccine", "insurance"]
    assert guide["asked"] == ["hukou_here", "card"] and guide["unanswered"] == []
    assert guide["kept"] == {"hukou.side": "mother"}
    name = next(f for f in guide["fields"] if f["key"] == "subject.P.NAME")
    assert name["items"] == ["birth", "hukou", "insurance"] and name["listed"] == "sharing"
    birth_cert = next(m for m in guide["materials"] if m["name"] == "《出生医学证明》")
    assert birth_cert["way"] == "exempt"


def test_an_unknown_bundle_is_a_problem_404(client, db):
    response = _guide(client, {"answers": {}})
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_too_many_answers_are_refused_as_invalid(client, published):
    response = _guide(client, {"answers": {f"q{i}": "x" for i in range(51)}})
    assert response.status_code == 422


# The bundles operations fuzzed against their OpenAPI description with a bundle published, so answers reach
# the composition (the catalogue's schemathesis test covers every operation, but with no bundle to find).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(path_regex="bundles")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_bundles_api_conforms_to_its_openapi_description(case, published, keep_test_connection):  # type: ignore[no-untyped-def]
    if "code" in (case.path_parameters or {}):
        case.path_parameters["code"] = "newborn"
    case.call_and_validate()


def _put_draft(client, spec, code="newborn"):  # type: ignore[no-untyped-def]
    body = json.dumps(spec.model_dump(mode="json"), ensure_ascii=False)
    return client.put(f"/api/v1/manage/bundles/{code}/draft", data=body, content_type="application/json")


def test_an_operator_saves_a_draft_sees_its_problems_and_publishes_through_the_api(client, city):
    from tongban.catalog.tests.factories import StaffFactory

    client.force_login(StaffFactory(roles=["operator"]).user)
    spec = city.spec()
    spec.edges.append(spec.edges[0].model_copy(update={"upstream": "insurance", "downstream": "hukou"}))
    saved = _put_draft(client, spec).json()
    assert (saved["version"], saved["status"]) == (1, "draft")
    assert [p["code"] for p in saved["problems"]] == ["cycle"]
    refused = client.post("/api/v1/manage/bundles/newborn/publish")
    assert refused.status_code == 422 and refused.json()["problems"][0]["code"] == "cycle"
    assert _put_draft(client, city.spec()).json()["problems"] == []
    published = client.post("/api/v1/manage/bundles/newborn/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"


def test_only_operators_may_design_through_the_api(client, city):
    from tongban.catalog.tests.factories import StaffFactory

    assert _put_draft(client, city.spec()).status_code == 401
    client.force_login(StaffFactory(roles=["reviewer"]).user)
    assert _put_draft(client, city.spec()).status_code == 403
    client.force_login(StaffFactory(roles=["operator"]).user)
    assert _put_draft(client, city.spec(), code="other").status_code == 422
