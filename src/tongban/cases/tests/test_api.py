"""The cases API: scoped reads, actions through the state machine, 409 problems naming the state,
public progress; every answer checked against /api/v1/openapi.json (schemathesis)."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings

from tongban.cases import services
from tongban.cases.codes import State
from tongban.cases.models import Case
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return DepartmentFactory(name="示范市人力资源和社会保障局")


@pytest.fixture
def reviewer(department):
    return staff_with_roles([Role.REVIEWER, Role.CLERK], department=department, mobile="13700000401")


@pytest.fixture
def submitted(department):
    return case_for(implementation=published_implementation(department=department, days=10))


def _post(client, case, action, **body):
    return client.post(f"/api/v1/cases/{case.number}/actions/{action}", json.dumps(body),
                       content_type="application/json")  # fmt: skip


def test_staff_accept_through_the_api_and_a_refused_move_is_a_409_problem_naming_the_state(client, reviewer, submitted):
    client.force_login(reviewer.user)
    accepted = _post(client, submitted, "accept", revision=submitted.revision)
    assert accepted.status_code == 200
    body = accepted.json()
    assert body["state"] == State.ACCEPTED and body["clock"]["colour"] == "green" and body["due_on"]
    assert [t["action"] for t in body["timeline"]] == ["submit", "accept"]
    assert body["timeline"][-1]["channel"] == "api"
    again = _post(client, submitted, "accept")
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    assert again.json()["current_state"] == State.ACCEPTED and "已受理" in again.json()["detail"]


def test_accept_with_a_deferred_material_through_the_api_and_a_required_one_is_a_422(client, reviewer, department):
    import datetime as dt

    from django.utils import timezone

    from tongban.catalog.codes import Necessity
    from tongban.catalog.schema import MaterialSpec
    from tongban.catalog.selectors import guide_published

    implementation = published_implementation(department=department, materials=[
        MaterialSpec(name="房屋租赁合同"), MaterialSpec(name="婚姻状况证明", necessity=Necessity.DEFERRABLE),
    ])  # fmt: skip
    case = case_for(implementation=implementation, guide=guide_published(implementation))
    ids = {m.name: str(m.pk) for m in case.submission.guide.materials.all()}
    promised = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    client.force_login(reviewer.user)
    required = _post(client, case, "accept", deferred=[{"material_id": ids["房屋租赁合同"], "promised_by": promised}])
    assert required.status_code == 422 and "不能容缺受理" in required.json()["detail"]
    done = _post(client, case, "accept", deferred=[{"material_id": ids["婚姻状况证明"], "promised_by": promised}])
    assert done.status_code == 200 and done.json()["state"] == State.ACCEPTED
    assert case.deferred_materials.get().material_name == "婚姻状况证明"


def test_a_stale_revision_is_a_conflict_and_changes_nothing(client, reviewer, submitted):
    client.force_login(reviewer.user)
    _post(client, submitted, "accept", revision=submitted.revision)
    stale = _post(client, submitted, "start_review", revision=submitted.revision)  # the revision before the acceptance
    assert stale.status_code == 409 and stale.json()["current_state"] == State.ACCEPTED
    assert Case.objects.get(pk=submitted.pk).state == State.ACCEPTED


def test_the_applicant_reads_and_withdraws_and_others_get_404(client, submitted):
    client.force_login(submitted.user)
    mine = client.get("/api/v1/cases/mine").json()
    assert [c["number"] for c in mine] == [submitted.number]
    assert client.get(f"/api/v1/cases/{submitted.number}").json()["allowed_actions"]
    assert _post(client, submitted, "approve").status_code == 403  # an applicant cannot decide
    assert _post(client, submitted, "withdraw", reason="不再需要").json()["state"] == State.WITHDRAWN
    outsider = staff_with_roles([Role.REVIEWER], department=DepartmentFactory(), mobile="13700000402")
    client.force_login(outsider.user)
    assert client.get(f"/api/v1/cases/{submitted.number}").status_code == 404
    assert _post(client, submitted, "accept").status_code == 404


def test_mine_holds_what_the_login_applied_for_and_what_a_relative_applied_for_its_person(client, submitted):
    """亲友代办: a case a delegate applied for this person is theirs to follow, one for someone else is not."""
    principal = person_with_account()
    delegate = submitted.agent
    for_principal = case_for(implementation=submitted.implementation, applicant=delegate, subject_person=principal)
    client.force_login(principal.user)
    assert [c["number"] for c in client.get("/api/v1/cases/mine").json()] == [for_principal.number]
    client.force_login(delegate.user)
    assert {c["number"] for c in client.get("/api/v1/cases/mine").json()} == {submitted.number, for_principal.number}


def test_the_worklist_is_for_department_staff(client, reviewer, submitted):
    client.force_login(reviewer.user)
    assert [c["number"] for c in client.get("/api/v1/cases/worklist").json()] == [submitted.number]
    client.force_login(submitted.user)
    assert client.get("/api/v1/cases/worklist").status_code == 403


def test_a_listed_case_reads_as_its_detail_does(client, reviewer, submitted):
    """Lists are built from plain rows, the detail from the model: the same case reads the same in both."""
    client.force_login(reviewer.user)
    _post(client, submitted, "accept")
    listed = client.get("/api/v1/cases/worklist").json()[0]
    detail = client.get(f"/api/v1/cases/{submitted.number}").json()
    assert listed["clock"]["limit"] > 0 and listed["due_on"]
    assert listed == {key: value for key, value in detail.items() if key != "timeline"}
    client.force_login(submitted.user)
    assert client.get("/api/v1/cases/mine").json() == [listed]


def test_progress_needs_the_number_and_the_code_and_says_nothing_about_people(client, submitted):
    found = client.get("/api/v1/cases/progress", {"number": submitted.number, "code": submitted.lookup_code})
    assert found.status_code == 200 and found.json()["steps"][0]["action"] == "submit"
    assert submitted.agent.name not in found.content.decode()
    wrong = client.get("/api/v1/cases/progress", {"number": submitted.number, "code": "000000"})
    unknown = client.get("/api/v1/cases/progress", {"number": "SQ00000000000000", "code": submitted.lookup_code})
    assert wrong.status_code == unknown.status_code == 404 and wrong.json()["detail"] == unknown.json()["detail"]


def test_an_unknown_action_is_404_and_bad_input_422(client, reviewer, submitted):
    client.force_login(reviewer.user)
    assert _post(client, submitted, "teleport").status_code == 404
    services.case_accept(case_id=submitted.pk, actor=Actor.of_staff(reviewer))
    services.case_start_review(case_id=submitted.pk, actor=Actor.of_staff(reviewer))
    denied = _post(client, submitted, "deny", reason="")
    assert denied.status_code == 422 and denied.json()["field"] == "reason"


# --- the contract -----------------------------------------------------------------------------------

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler()).include(path_regex="^/api/v1/cases")
_SESSION: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class StaffSession:
    def get(self, case, ctx):
        return _SESSION.get("id")

    def set(self, case, data, ctx):
        case.cookies = {**(case.cookies or {}), "sessionid": data}


@pytest.fixture
def staff_session(client, reviewer, submitted):
    client.force_login(reviewer.user)
    _SESSION["id"] = client.cookies["sessionid"].value
    yield
    _SESSION.clear()


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_cases_api_conforms_to_the_openapi_schema(case, staff_session, keep_test_connection):
    case.call_and_validate()


def test_guessing_one_cases_code_from_many_addresses_is_stopped(client, submitted):
    wrong = [f"{(int(submitted.lookup_code) + 1 + n) % 10**6:06d}" for n in range(40)]
    statuses = [
        client.get(
            "/api/v1/cases/progress", {"number": submitted.number, "code": code}, REMOTE_ADDR=f"10.0.0.{n}"
        ).status_code
        for n, code in enumerate(wrong)
    ]
    assert statuses[:30] == [404] * 30 and set(statuses[30:]) == {429}
