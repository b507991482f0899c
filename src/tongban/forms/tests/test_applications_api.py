"""POST /api/v1/applications: one request applies (prefilled from the hub like the pages), every problem is
told at once, the same request twice is one application and one case — one after the other or at the same
moment, with or without an Idempotency-Key — and every answer matches /api/v1/openapi.json."""

from __future__ import annotations

import json
import secrets
import threading

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from tongban.cases.codes import State
from tongban.cases.models import Case, Transition
from tongban.forms.models import Draft, Submission
from tongban.identity.models import RealNameLevel
from tongban.identity.tests.factories import person_with_account

pytestmark = pytest.mark.django_db(transaction=True)  # connectors read on their own connection

URL = "/api/v1/applications"
GOOD = {"household_number": "H00012", "filing_type": "1", "residence_address": "深圳市南山区科技园1号",
        "start_date": "2026-12-05", "phone": "13812345678"}  # fmt: skip


def _body(city, **overrides):
    return {"item": city.implementation.code, "answers": dict(GOOD), "consent": [], "declaration": True, **overrides}


def _apply(client, body, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def citizen(client, city):
    client.force_login(city.user)
    return client


def test_one_request_applies_with_shared_values_prefilled_and_opens_the_case(citizen, city):
    response = _apply(citizen, _body(city))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == body["case_number"] and body["state"] == State.SUBMITTED
    assert (body["fields_shown"], body["fields_prefilled"], body["backfill_rate"]) == (8, 3, 0.375)
    assert body["item_code"] == "YB20003" and body["department"] == "示范市医疗保障局"
    submission = Submission.objects.get(number=body["number"])
    assert submission.channel == "api" and submission.answers["phone"] == "13812345678"
    assert submission.shared["hukou_address"]["text"] == "示范市明德区市民大道6号"  # from the hub, not the request
    case = Case.objects.get(number=body["number"])
    assert case.channel == "api" and case.state == State.SUBMITTED
    assert Transition.objects.get(case=case).channel == "api"


def test_a_shared_value_sent_in_the_request_is_not_taken(citizen, city):
    answers = {**GOOD, "hukou_address": "冒填的地址"}
    number = _apply(citizen, _body(city, answers=answers)).json()["number"]
    assert Submission.objects.get(number=number).shared["hukou_address"]["text"] == "示范市明德区市民大道6号"


def test_a_mobile_app_says_so_and_the_case_records_it(citizen, city):
    number = _apply(citizen, _body(city, channel="mobile")).json()["number"]
    assert Submission.objects.get(number=number).channel == Case.objects.get(number=number).channel == "mobile"


def test_every_problem_is_one_422_problem_and_what_was_typed_is_kept(citizen, city):
    answers = {"filing_type": "1", "start_date": "2026-13-01", "phone": "12345"}
    response = _apply(citizen, _body(city, answers=answers, declaration=False))
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "form_incomplete"
    by_field = {e["field"]: e for e in problem["errors"]}
    assert set(by_field) == {"household_number", "residence_address", "start_date", "phone", "declaration"}
    assert by_field["residence_address"]["title_zh"] == "请输入异地居住地址"
    assert by_field["declaration"]["title_en"] == "Confirm that what you submit is true and complete"
    assert Submission.objects.count() == Case.objects.count() == 0
    assert Draft.objects.get().answers["phone"] == "12345"  # the pages carry on where the request stopped


def test_the_same_request_twice_is_one_application_and_one_case(citizen, city):
    first = _apply(citizen, _body(city))
    again = _apply(citizen, _body(city))
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Submission.objects.count() == Case.objects.count() == Draft.objects.count() == 1


def test_a_request_with_other_answers_is_another_application(citizen, city):
    first = _apply(citizen, _body(city)).json()["number"]
    other = _apply(citizen, _body(city, answers={**GOOD, "phone": "13900000000"})).json()["number"]
    assert first != other and Case.objects.count() == 2


def test_two_identical_requests_at_the_same_moment_are_one_case(city):
    barrier = threading.Barrier(2)
    answers: list[dict] = []

    def twin() -> None:
        client = Client()
        client.force_login(city.user)
        barrier.wait()
        try:
            response = _apply(client, _body(city))
            answers.append({"status": response.status_code, **response.json()})
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=twin) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a["status"] for a in answers] == [201, 201]
    assert answers[0]["number"] == answers[1]["number"]
    assert Submission.objects.count() == Case.objects.count() == 1


def test_with_an_idempotency_key_the_retry_is_the_first_answer_replayed(citizen, city):
    first = _apply(citizen, _body(city), HTTP_IDEMPOTENCY_KEY="app-7f3a")
    again = _apply(citizen, _body(city), HTTP_IDEMPOTENCY_KEY="app-7f3a")
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert Case.objects.count() == 1


def test_an_unknown_item_is_a_404_problem(citizen, city):
    response = _apply(citizen, _body(city, item="000000000000000000X"))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_applicant_below_the_items_real_name_level_gets_403(client, city):
    client.force_login(person_with_account(name="王芳", realname_level=RealNameLevel.L1).user)
    response = _apply(client, _body(city))
    assert response.status_code == 403 and "实名等级 L2" in response.json()["title_zh"]
    assert Draft.objects.count() == 0


def test_applying_for_someone_without_a_delegation_looks_like_no_such_person(citizen, city):
    stranger = person_with_account(name="王芳", realname_level=RealNameLevel.L2)
    undelegated = _apply(citizen, _body(city, subject=stranger.id_number))
    unknown = _apply(citizen, _body(city, subject="110101190001010000"))
    assert undelegated.status_code == unknown.status_code == 404
    assert undelegated.json()["detail"] == unknown.json()["detail"]
    assert Submission.objects.count() == 0


def test_naming_oneself_as_the_subject_is_applying_for_oneself(citizen, city):
    number = _apply(citizen, _body(city, subject=city.citizen.id_number)).json()["number"]
    assert Submission.objects.get(number=number).subject_person == city.citizen


def test_without_a_login_401(client, city):
    response = _apply(client, _body(city))
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"


# --- the contract -----------------------------------------------------------------------------------

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex="^/api/v1/applications"
)


@pytest.fixture
def login(client, city):
    """The citizen's session cookie with the CSRF cookie and header the session API wants (passed with each
    call: schemathesis puts its own cookie where the schema declares the session one)."""
    client.force_login(city.user)
    csrf = secrets.token_hex(16)  # an unmasked CSRF secret is a valid cookie and header
    return {"cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
            "headers": {"X-CSRFToken": csrf}}  # fmt: skip


def test_the_contract_covers_the_operation():
    assert {result.ok().label for result in schema.get_all_operations()} == {f"POST {URL}"}


# Random items are unknown (404) and random answers incomplete (422): documented, not accepted. The login is
# always sent, so schemathesis' own check that a wrong one is refused does not apply (401 is tested above).
EXCLUDED = [positive_data_acceptance, ignored_auth]


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_applications_api_conforms_to_the_openapi_schema(case, login, keep_test_connection):
    case.call_and_validate(excluded_checks=EXCLUDED, **login)


def test_a_complete_application_matches_the_documented_schema(city, login, keep_test_connection):
    case = schema.find_operation_by_label(f"POST {URL}").Case(body=_body(city))
    assert case.call_and_validate(excluded_checks=EXCLUDED, **login).status_code == 201


def test_an_incomplete_one_matches_the_documented_problem(city, login, keep_test_connection):
    case = schema.find_operation_by_label(f"POST {URL}").Case(body=_body(city, answers={}))
    response = case.call_and_validate(excluded_checks=EXCLUDED, **login)
    assert response.status_code == 422 and len(response.json()["errors"]) == 4
