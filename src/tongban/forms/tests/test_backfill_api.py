"""GET /api/v1/metrics/backfill (and /summary): who may read it, what it answers, and the OpenAPI contract."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tongban.forms.tests.factories import FormVersionFactory, ImplementationFactory, SubmissionFactory
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/metrics/backfill"


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def police():
    return DepartmentFactory(name="示范市公安局", name_en="Demo City Public Security Bureau")


@pytest.fixture
def submissions(police):
    civil = DepartmentFactory(name="示范市民政局", name_en="Demo City Civil Affairs Bureau")
    made = []
    for department, name, code, figures in (
        (police, "出生户口登记", "HK001", [(at(2, 28), 10, 5), (at(3, 1, 0, 10), 10, 8), (at(3, 2), 20, 20)]),
        (civil, "最低生活保障", "DB001", [(at(3, 3), 20, 4)]),
    ):
        implementation = ImplementationFactory(department=department, item__name=name, item__basic_code=code)
        version = FormVersionFactory(definition__item=implementation.item)
        for when, shown, prefilled in figures:
            made.append(
                SubmissionFactory(implementation=implementation, version=version, submitted_at=when,
                                  fields_shown=shown, fields_prefilled=prefilled)
            )  # fmt: skip
    return made


@pytest.fixture
def operator():
    return staff_with_roles([Role.OPERATOR], username="operator-backfill", mobile="13700000011")


def _get(client, **params):
    return client.get(URL, params)


def test_operator_reads_a_daily_series_with_empty_days_and_local_midnight(client, operator, submissions):
    client.force_login(operator.user)
    response = _get(client, period="day", start="2026-02-27", end="2026-03-01")
    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["by"], body["start"], body["end"]) == ("day", "all", "2026-02-27", "2026-03-01")
    assert body["time_zone"] == "Asia/Shanghai" and body["department"] is None
    assert body["rate"] == pytest.approx(13 / 20)
    assert [(r["bucket"], r["submissions"], r["rate"]) for r in body["rows"]] == [
        ("2026-02-27", 0, None),
        ("2026-02-28", 1, 0.5),
        ("2026-03-01", 1, 0.8),  # 00:10 in Shanghai is still 28 February in UTC
    ]


def test_weekly_by_item_widens_to_mondays_and_filters_by_department(client, operator, submissions, police):
    client.force_login(operator.user)
    body = _get(client, period="week", by="item", start="2026-02-28", end="2026-03-03").json()
    assert (body["start"], body["end"]) == ("2026-02-23", "2026-03-08")
    rows = {(r["bucket"], r["group"]): r for r in body["rows"]}
    assert set(rows) == {(w, g) for w in ("2026-02-23", "2026-03-02") for g in ("HK001", "DB001")}
    assert rows[("2026-02-23", "HK001")]["rate"] == pytest.approx(0.65)
    assert rows[("2026-02-23", "DB001")]["submissions"] == 0 and rows[("2026-02-23", "DB001")]["rate"] is None
    assert rows[("2026-03-02", "DB001")]["label"] == "最低生活保障"
    body = _get(client, period="month", by="department", start="2026-03-01", end="2026-03-31",
                department=police.credit_code).json()  # fmt: skip
    assert body["department"] == police.credit_code
    assert [(r["label"], r["submissions"], r["fields_prefilled"]) for r in body["rows"]] == [("示范市公安局", 2, 28)]


def test_summary_lists_best_and_worst_items(client, operator, submissions):
    client.force_login(operator.user)
    body = client.get(f"{URL}/summary", {"start": "2026-02-01", "end": "2026-03-31", "top": 1}).json()
    assert (body["submissions"], body["fields_shown"], body["fields_prefilled"]) == (4, 60, 37)
    assert [i["item_code"] for i in body["best_items"]] == ["HK001"]
    assert [i["item_code"] for i in body["worst_items"]] == ["DB001"]


def test_without_dates_the_last_30_days_up_to_today(client, operator, submissions):
    client.force_login(operator.user)
    body = _get(client).json()
    assert len(body["rows"]) == 30 and body["period"] == "day"


@pytest.mark.parametrize(
    ("params", "field", "zh"),
    [
        ({"start": "2026-03-02", "end": "2026-03-01"}, "end", "结束日期不能早于开始日期"),
        ({"start": "2025-01-01", "end": "2026-03-01"}, "start", "最多 400 天"),
    ],
)
def test_bad_ranges_and_unknown_departments_are_422_problems_in_chinese_and_english(
    client, operator, params, field, zh
):
    client.force_login(operator.user)
    response = _get(client, **params)
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid_input" and body["field"] == field
    assert zh in body["title_zh"] and body["title_en"]


def test_an_unknown_department_is_a_404_problem(client, operator):
    client.force_login(operator.user)
    response = _get(client, department="919900000000000000")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert response.json()["title_zh"] == "未找到该部门" and response.json()["field"] == "department"


def test_an_unknown_period_is_a_422_problem(client, operator):
    client.force_login(operator.user)
    response = _get(client, period="year")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"


def test_anonymous_callers_get_401_problem(client):
    response = _get(client)
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.STEWARD, Role.SUPERVISOR, Role.AUDITOR])
def test_the_four_watching_roles_may_read(client, police, role):
    staff = staff_with_roles([role], department=police if role == Role.STEWARD else None, mobile="13700000012")
    client.force_login(staff.user)
    assert _get(client).status_code == 200


@pytest.mark.parametrize("role", [Role.CLERK, Role.REVIEWER, Role.AGENT_12345])
def test_other_staff_get_403_problem(client, police, role):
    staff = staff_with_roles([role], department=police, mobile="13700000013")
    client.force_login(staff.user)
    for url in (URL, f"{URL}/summary"):
        response = client.get(url)
        assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "permission_denied" and "回填率" in response.json()["title_zh"]


def test_citizens_get_403_problem(client):
    client.force_login(person_with_account().user)
    assert _get(client).status_code == 403


# The contract: every answer of the two operations, for generated parameters, matches /api/v1/openapi.json.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(
    path_regex="^/api/v1/metrics/backfill"
)


_SESSION: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class OperatorSession:
    """The operator's session cookie, set by schemathesis except where a case leaves the login out on purpose."""

    def get(self, case, ctx):
        return _SESSION.get("id")  # None while pytest collects the cases

    def set(self, case, data, ctx):
        case.cookies = {**(case.cookies or {}), "sessionid": data}


@pytest.fixture
def operator_session(client, operator):
    client.force_login(operator.user)
    _SESSION["id"] = client.cookies["sessionid"].value
    yield
    _SESSION.clear()


def test_the_contract_covers_both_operations():
    assert {result.ok().label for result in schema.get_all_operations()} == {f"GET {URL}", f"GET {URL}/summary"}


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_backfill_api_conforms_to_the_openapi_schema(case, submissions, operator_session, keep_test_connection):
    # OpenAPI cannot say "end on or after start" or "at most 400 daily buckets", so a schema-valid request may
    # get the documented 422; every other check (status documented, content type, body schema) still runs.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    if response.status_code == 422 and case.meta and case.meta.generation.mode.is_positive:
        assert response.json().get("field") in {"start", "end"}, response.text


def test_a_grouped_weekly_series_matches_the_documented_schema(submissions, operator_session, keep_test_connection):
    """Random parameters mostly meet empty ranges; this one has every field of every row filled."""
    operation = schema.find_operation_by_label(f"GET {URL}")
    query = {"period": "week", "by": "form", "start": "2026-02-23", "end": "2026-03-08"}
    response = operation.Case(query=query, cookies={"sessionid": _SESSION["id"]}).call_and_validate()
    rows = response.json()["rows"]
    assert len(rows) == 4 and all(date.fromisoformat(r["bucket"]).weekday() == 0 for r in rows)
    assert {r["mean_rate"] is None for r in rows} == {True, False}


def test_an_end_date_too_early_for_the_default_range_is_a_422_not_a_500(client, operator):
    client.force_login(operator.user)
    answer = client.get("/api/v1/metrics/backfill/summary", {"end": "0001-01-01", "period": "day"})
    assert answer.status_code == 422 and "结束日期过早" in answer.json()["title_zh"]
