"""Verify-not-reveal (可用不可见): POST /api/v1/verify answers true / false / undetermined, never the value."""

import json
import secrets
from datetime import date, timedelta

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import ignored_auth

from tongban.exchange.models import Predicate, UsageCounter, VerifyQuotaUse
from tongban.exchange.tests.conftest import at
from tongban.exchange.tests.factories import GrantFactory
from tongban.exchange.verify import OPERATORS, predicate_declare, predicate_evaluate
from tongban.identity.tests.factories import EnterpriseFactory, PersonFactory, make_id_number
from tongban.registry.selectors import data_use_entries, data_uses_describe
from tongban.registry.services import value_record
from tongban.registry.tests.factories import DataElementFactory

URL = "/api/v1/verify"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def verify_elements(police, civil, elements):
    return {
        "birth": DataElementFactory(code="P.BIRTH_DATE", name="出生日期", value_type="date", owner=police),
        "region": DataElementFactory(code="P.HUKOU_REGION", name="户籍所在区", value_type="code", owner=police,
                                     choices={"990102": "明德区", "990103": "清源区"}),
        "marital": DataElementFactory(code="P.MARITAL_STATUS", name="婚姻状况", value_type="code", owner=civil,
                                      sharing_class="conditional", choices={"10": "未婚", "20": "已婚"}),
        "status": DataElementFactory(code="E.STATUS", name="登记状态", value_type="code", owner=police,
                                     subject_kind="enterprise", choices={"1": "存续", "2": "吊销"}),
    }  # fmt: skip


@pytest.fixture
def predicates(verify_elements):
    predicate_declare(
        code="age_at_least",
        name="年满N周岁",
        name_en="Aged at least N",
        element_code="P.BIRTH_DATE",
        operator="age_at_least",
        param_schema={"n": {"type": "integer", "min": 0, "max": 150}},
    )
    predicate_declare(
        code="hukou_in_region",
        name="户籍在区划内",
        name_en="Hukou in region",
        element_code="P.HUKOU_REGION",
        operator="in_region",
        param_schema={"region": {"type": "text", "pattern": r"\d{2,6}"}},
    )
    predicate_declare(
        code="married",
        name="已婚",
        name_en="Married",
        element_code="P.MARITAL_STATUS",
        operator="equals",
        fixed_params={"value": "20"},
    )
    predicate_declare(
        code="enterprise_in_good_standing",
        name="存续",
        name_en="In good standing",
        element_code="E.STATUS",
        operator="equals",
        fixed_params={"value": "1"},
    )
    return {p.code: p for p in Predicate.objects.all()}  # fmt: skip


@pytest.fixture
def resident(police, civil, verify_elements):
    person = PersonFactory(name="王秀英", id_number=make_id_number(born=date(1961, 3, 14)))
    for key, value, source in (("birth", "1961-03-14", police), ("region", "990102", police), ("marital", "20", civil)):
        value_record(subject=person, element=verify_elements[key], value=value, source_department=source,
                     source_record_id="R-1", as_of=at(2024))  # fmt: skip
    return person


@pytest.fixture
def clerk_client(client, civil_clerk):
    client.force_login(civil_clerk.user)
    return client


@pytest.fixture
def police_client(client, police_steward):
    client.force_login(police_steward.user)
    return client


def _verify(client, subject, predicate, params=None, purpose="养老待遇资格认证", case="MZ-2026-0042"):
    body = {"subject": subject, "predicate": predicate, "params": params or {}, "purpose": purpose, "case": case}
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_true_false_and_undetermined_without_the_value(clerk_client, resident, predicates):
    yes = _verify(clerk_client, resident.id_number, "age_at_least", {"n": 60})
    assert yes.status_code == 200, yes.content
    assert yes.json()["result"] == "true" and yes.json()["as_of"].startswith("2024-01-01")
    assert isinstance(yes.json()["evidence_id"], int)
    assert _verify(clerk_client, resident.id_number, "age_at_least", {"n": 70}).json()["result"] == "false"
    assert _verify(clerk_client, resident.id_number, "hukou_in_region", {"region": "9901"}).json()["result"] == "true"
    assert _verify(clerk_client, resident.id_number, "hukou_in_region", {"region": "990103"}).json()["result"] == (
        "false"
    )
    married = _verify(clerk_client, resident.id_number, "married")  # civil affairs reads its own element
    assert married.json()["result"] == "true"
    for response in (yes, married):
        body = response.content.decode()
        assert set(response.json()) == {"result", "evidence_id", "as_of"}
        assert "1961-03-14" not in body and "1961" not in body and "990102" not in body and "已婚" not in body


def test_an_element_not_held_is_undetermined(clerk_client, police, verify_elements, predicates):
    person = PersonFactory(name="没有出生日期")
    answer = _verify(clerk_client, person.id_number, "age_at_least", {"n": 18})
    assert answer.status_code == 200 and answer.json()["result"] == "undetermined" and answer.json()["as_of"] is None


def test_an_unknown_subject_answers_exactly_like_an_undetermined_one(clerk_client, police, verify_elements, predicates):
    known = PersonFactory(name="无数据")
    a = _verify(clerk_client, known.id_number, "age_at_least", {"n": 18})
    b = _verify(clerk_client, make_id_number(), "age_at_least", {"n": 18})
    assert a.status_code == b.status_code == 200
    assert a["Content-Type"] == b["Content-Type"]
    ja, jb = a.json(), b.json()
    assert ja.keys() == jb.keys() and ja["result"] == jb["result"] == "undetermined"
    assert ja["as_of"] is jb["as_of"] is None and jb["evidence_id"] == ja["evidence_id"] + 1


def test_enterprise_in_good_standing(police_client, police, verify_elements, predicates):
    firm = EnterpriseFactory()
    value_record(subject=firm, element=verify_elements["status"], value="2", source_department=police,
                 source_record_id="SC-1", as_of=at(2025))  # fmt: skip
    answer = _verify(police_client, firm.credit_code, "enterprise_in_good_standing")
    assert answer.json()["result"] == "false" and "吊销" not in answer.content.decode()


@pytest.mark.parametrize(
    ("predicate", "params", "field"),
    [
        ("net_worth_at_least", {}, "predicate"),
        ("", {}, "predicate"),
        ("age_at_least", {}, "params"),
        ("age_at_least", {"n": "sixty"}, "params"),
        ("age_at_least", {"n": -1}, "params"),
        ("age_at_least", {"n": 1.5}, "params"),
        ("age_at_least", {"n": True}, "params"),
        ("age_at_least", {"n": 60, "m": 1}, "params"),
        ("hukou_in_region", {"region": "明德区"}, "params"),
        ("hukou_in_region", {"region": ["9901"]}, "params"),
    ],
)
def test_unregistered_or_malformed_predicate_is_400_problem_json(
    clerk_client, resident, predicates, predicate, params, field
):
    response = _verify(clerk_client, resident.id_number, predicate, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_predicate" and problem["field"] == field
    assert problem["title_zh"] and problem["title_en"]


def test_purpose_and_case_are_required(clerk_client, resident, predicates):
    assert _verify(clerk_client, resident.id_number, "married", purpose=" ").json()["field"] == "purpose"
    assert _verify(clerk_client, resident.id_number, "married", case="").json()["field"] == "case"
    missing = clerk_client.post(URL, json.dumps({"subject": resident.id_number, "predicate": "married"}),
                                content_type="application/json")  # fmt: skip
    assert missing.status_code == 422 and missing["Content-Type"] == "application/problem+json"


def test_a_conditional_element_needs_a_grant(police_client, police, civil, resident, predicates):
    refused = _verify(police_client, resident.id_number, "married")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert refused.json()["reason"] == "no_grant" and "婚姻状况" in refused.json()["title_zh"]
    assert not VerifyQuotaUse.objects.exists()  # a refusal uses no quota
    GrantFactory(consumer=police, owner=civil, element_codes=["P.MARITAL_STATUS"])
    assert _verify(police_client, resident.id_number, "married").json()["result"] == "true"


def test_anonymous_and_citizens_are_refused(client, resident, predicates):
    assert _verify(client, resident.id_number, "married").status_code == 401


def test_enumeration_is_rate_limited_long_before_a_thousand_and_reveals_nothing(
    clerk_client, police, verify_elements, predicates
):
    answers = []
    for _ in range(1000):
        response = _verify(clerk_client, make_id_number(), "age_at_least", {"n": 18})
        if response.status_code == 429:
            break
        answers.append(response)
    assert len(answers) < 200  # limited long before the end
    assert response.status_code == 429 and response["Content-Type"] == "application/problem+json"
    assert all(a.status_code == 200 and a.json()["result"] == "undetermined" and a.json()["as_of"] is None
               for a in answers)  # fmt: skip
    assert {tuple(sorted(a.json())) for a in answers} == {("as_of", "evidence_id", "result")}


def test_one_subject_is_rate_limited_per_consumer(clerk_client, resident, predicates, settings):
    settings.EXCHANGE_VERIFY_RATE = {"subject": (3, 60)}
    results = [_verify(clerk_client, resident.id_number, "age_at_least", {"n": n}).status_code for n in range(5)]
    assert results == [200, 200, 200, 429, 429]


def test_daily_quota_is_counted_and_answers_429_when_used_up(clerk_client, civil, resident, predicates, settings):
    settings.EXCHANGE_VERIFY_QUOTA = {"*": 2}
    assert _verify(clerk_client, resident.id_number, "married").status_code == 200
    assert _verify(clerk_client, resident.id_number, "age_at_least", {"n": 1}).status_code == 200
    over = _verify(clerk_client, resident.id_number, "age_at_least", {"n": 2})
    assert over.status_code == 429 and over.json()["reason"] == "quota" and over["Retry-After"]
    assert VerifyQuotaUse.objects.get(consumer=civil).count == 2
    # The refused answer is neither metered nor audited: one statement writes quota, meter and entry, or none.
    assert sum(UsageCounter.objects.filter(consumer=civil).values_list("calls", flat=True)) == 2
    assert len(list(data_use_entries(person=resident))) == 2


def test_every_answer_is_audited_for_the_subject(clerk_client, civil, resident, predicates):
    answer = _verify(clerk_client, resident.id_number, "age_at_least", {"n": 60}).json()
    [entry] = list(data_use_entries(person=resident))
    assert entry.action == "verify.answered" and entry.ref == answer["evidence_id"]  # chained, found by its reference
    assert entry.data["predicate"] == "age_at_least" and entry.data["result"] == "true"
    assert entry.data["purpose"] == "养老待遇资格认证" and entry.data["case"] == "MZ-2026-0042"
    assert resident.id_number not in json.dumps(entry.data, ensure_ascii=False)
    [use] = data_uses_describe(person=resident, entries=[entry])
    assert use.action_label == "核验（可用不可见）" and use.elements == ["出生日期"] and use.department == civil.name


def test_declaring_checks_the_operator_against_the_element(verify_elements):
    from tongban.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        predicate_declare(code="x", name="x", name_en="x", element_code="P.BIRTH_DATE", operator="is_true")
    with pytest.raises(InvalidInput):
        predicate_declare(code="x", name="x", name_en="x", element_code="P.NOPE", operator="is_true")
    with pytest.raises(InvalidInput):
        predicate_declare(code="x", name="x", name_en="x", element_code="P.BIRTH_DATE", operator="age_at_least")


def test_verify_reads_are_metered_and_a_revoked_grant_is_refused_with_the_reason(
    police_client, police, civil, resident, predicates
):
    grant = GrantFactory(consumer=police, owner=civil, element_codes=["P.MARITAL_STATUS"])
    assert _verify(police_client, resident.id_number, "married").status_code == 200
    grant.revoked_at = timezone.now()
    grant.save()
    refused = _verify(police_client, resident.id_number, "married")
    assert refused.status_code == 403 and refused.json()["reason"] == "revoked"
    counter = UsageCounter.objects.get(consumer=police, element_code="P.MARITAL_STATUS")
    assert (counter.calls, counter.denied) == (2, 1)


@given(
    operator=st.sampled_from(sorted(OPERATORS)),
    value_type=st.sampled_from(["text", "code", "date", "integer", "decimal", "boolean"]),
    text=st.text(max_size=30),
    param=st.one_of(st.integers(-5, 200), st.text(max_size=10)),
)
def test_evaluating_any_held_text_gives_yes_no_or_undetermined_never_a_crash(operator, value_type, text, param):
    params = {"n": param, "value": param, "region": param, "threshold": param}
    assert predicate_evaluate(operator=operator, value_type=value_type, text=text, params=params) in (True, False, None)


def test_the_quota_renews_at_local_midnight_not_utc(monkeypatch):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from tongban.exchange import verify

    shanghai = dt.datetime(2026, 11, 23, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # 15:30 UTC
    monkeypatch.setattr(verify.timezone, "localtime", lambda *a, **k: shanghai)
    assert verify._seconds_to_local_midnight() == 30 * 60


def test_a_grant_that_expired_is_refused_on_the_very_next_call(police_client, police, civil, resident, predicates):
    """The seat, the grants and the value are read in one statement per call: nothing about grants is kept
    between calls, so an expiry (or a grant that is not yet valid) takes effect at once."""
    grant = GrantFactory(consumer=police, owner=civil, element_codes=["P.MARITAL_STATUS"])
    assert _verify(police_client, resident.id_number, "married").json()["result"] == "true"
    grant.expires_at = timezone.now() - timedelta(seconds=1)
    grant.save()
    refused = _verify(police_client, resident.id_number, "married")
    assert refused.status_code == 403 and refused.json()["reason"] == "expired"
    assert "result" not in refused.json()
    grant.expires_at = timezone.now() + timedelta(days=30)
    grant.valid_from = timezone.now() + timedelta(days=1)
    grant.save()
    assert _verify(police_client, resident.id_number, "married").status_code == 403  # not valid yet
    grant.valid_from = timezone.now() - timedelta(days=1)
    grant.save()
    assert _verify(police_client, resident.id_number, "married").json()["result"] == "true"


def test_another_consumers_grant_does_not_cover(police_client, police, civil, resident, predicates):
    GrantFactory(consumer=civil, owner=civil, element_codes=["P.MARITAL_STATUS"])
    GrantFactory(consumer=police, owner=civil, element_codes=["P.OTHER"])
    refused = _verify(police_client, resident.id_number, "married")
    assert refused.status_code == 403 and refused.json()["reason"] == "no_grant"


def test_a_login_without_a_staff_seat_is_refused_before_its_input_is_judged(client, resident, predicates):
    from tongban.identity.models import User

    client.force_login(User.objects.create_user(username="not-staff", password="x-123456789"))
    for predicate in ("married", "no_such_predicate"):
        refused = _verify(client, resident.id_number, predicate)
        assert refused.status_code == 403 and "工作人员" in refused.json()["title_zh"]


def test_prepared_statements_answer_the_same_once_postgresql_keeps_one_plan_for_them(
    police_client, police, civil, resident, predicates, settings
):
    """Verify's two statements are prepared on the connection (core.rawsql.fetchone_prepared); after five runs
    PostgreSQL may keep a generic plan, made without knowing the parameters (among them whether the element is
    open or conditional): the answers and the grant checks must stay exactly those of the first runs."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    settings.EXCHANGE_VERIFY_RATE = {"subject": (100, 60)}
    grant = GrantFactory(consumer=police, owner=civil, element_codes=["P.MARITAL_STATUS"])
    stranger = make_id_number(born=date(1990, 1, 1))
    for _ in range(4):
        assert _verify(police_client, resident.id_number, "married").json()["result"] == "true"
        assert _verify(police_client, resident.id_number, "age_at_least", {"n": 70}).json()["result"] == "false"
        assert _verify(police_client, stranger, "married").json()["result"] == "undetermined"
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans FROM pg_prepared_statements")
        prepared = dict(cursor.fetchall())
    assert any(s.startswith("WITH seat") and n > 0 for s, n in prepared.items()), prepared
    assert any(s.startswith("WITH quota") for s in prepared), prepared
    grant.revoked_at = timezone.now()
    grant.save()
    refused = _verify(police_client, resident.id_number, "married")
    assert refused.status_code == 403 and refused.json()["reason"] == "revoked"
    assert _verify(police_client, resident.id_number, "age_at_least", {"n": 60}).json()["result"] == "true"


# --- the contract -----------------------------------------------------------------------------------

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application()).include(path_regex=f"^{URL}$")


@pytest.fixture
def staff_login(client, civil_clerk):
    """The consumer's session cookie with the CSRF cookie and header the session API wants (always sent, so
    schemathesis' check that a wrong login is refused does not apply: test_anonymous_and_citizens_are_refused)."""
    client.force_login(civil_clerk.user)
    csrf = secrets.token_hex(16)  # an unmasked CSRF secret is a valid cookie and header
    return {"cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
            "headers": {"X-CSRFToken": csrf}}  # fmt: skip


def test_every_kind_of_answer_matches_the_documented_schema(resident, predicates, staff_login, keep_test_connection):
    """The answer is written as plain JSON, not through ninja's schema: true (with as-of), undetermined (without)
    and a 400 problem, each checked against /api/v1/openapi.json."""
    operation = schema.find_operation_by_label(f"POST {URL}")
    bodies = {"true": ("age_at_least", {"n": 60}, resident.id_number),
              "undetermined": ("age_at_least", {"n": 60}, make_id_number())}  # fmt: skip
    for expected, (predicate, params, subject) in bodies.items():
        body = {"subject": subject, "predicate": predicate, "params": params, "purpose": "养老待遇资格认证",
                "case": "MZ-2026-0042"}  # fmt: skip
        response = operation.Case(body=body).call_and_validate(excluded_checks=[ignored_auth], **staff_login)
        assert response.status_code == 200 and response.json()["result"] == expected
    assert response.json()["as_of"] is None
    bad = {"subject": resident.id_number, "predicate": "no_such", "params": {}, "purpose": "x", "case": "y"}
    response = operation.Case(body=bad).call_and_validate(excluded_checks=[ignored_auth], **staff_login)
    assert response.status_code == 400
