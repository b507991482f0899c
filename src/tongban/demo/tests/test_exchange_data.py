"""The demo city's hub: the steward account sees waiting requests (one on a yellow card) and a grant in force."""

import pytest

from tongban.demo.tests.conftest import city_per_module
from tongban.exchange import selectors
from tongban.identity.models import Staff

SMALL = {"persons": 60, "enterprises": 10}


city_once = city_per_module(seed=7, **SMALL)


@pytest.fixture
def built(city_once, db, fast_hashing):
    return city_once


def test_the_demo_steward_sees_requests_and_a_grant(built, client):
    assert built.counts["sharing_requests"] == 3
    steward = Staff.objects.get(user__username="steward")
    items = selectors.request_worklist(staff=steward)
    assert [i.request.consumer.name for i in items] == ["示范市民政局", "示范市医疗保障局"]
    assert items[0].card == "yellow" and items[1].card == ""
    grants = {tuple(g.grant.element_codes): g for g in selectors.grant_list(staff=steward)}
    # 人社局's grant for 婚姻状况, the grants behind the demo forms' prefill (demo.content.forms.FORM_GRANTS) and
    # 公安局's for its 秒批 check of 居住证申领 (demo.rules_data.GRANT).
    assert set(grants) == {("P.MARITAL_STATUS",), ("P.HUKOU_ADDRESS",), ("P.ETHNICITY", "P.HUKOU_ADDRESS"),
                           ("P.PROPERTY_COUNT",), ("P.PROPERTY_IN_CITY",)}  # fmt: skip
    assert all(g.status == "active" for g in grants.values())
    client.force_login(steward.user)
    html = client.get("/backoffice/exchange/").content.decode()
    assert "黄牌：临近期限" in html and "户籍地址、户号" in html
    assert "共享审核" in client.get("/backoffice/").content.decode()


def test_the_demo_city_answers_its_declared_predicates(built):
    from django.core.cache import cache

    from tongban.exchange.models import Predicate
    from tongban.exchange.verify import verify_answer
    from tongban.registry.models import ElementValue

    cache.clear()
    assert Predicate.objects.count() == 7
    rsj = Staff.objects.get(user__username="reviewer-rsj").department
    value = ElementValue.objects.filter(element__code="P.RECEIVES_PENSION", current=True).select_related("person")[0]
    answer = verify_answer(
        consumer=rsj, subject=value.person.id_number, predicate_code="receives_pension", params={},
        purpose="养老待遇资格认证", case="RS-2026-0001", actor="system:test",
    )  # fmt: skip
    assert answer.result == ("true" if value.value == "true" else "false")
    adult = verify_answer(
        consumer=rsj, subject=value.person.id_number, predicate_code="age_at_least", params={"n": 0},
        purpose="退休申请", case="RS-2026-0002", actor="system:test",
    )  # fmt: skip
    assert adult.result == "true"
