"""On-demand pulls through the hub: grants enforced, metered, audited, and a slow or down source degrades.

Connectors run in a worker thread with its own database connection, so these tests commit their data
(transaction=True) for that thread to see it.
"""

import json
import time

import pytest
from django.core.cache import cache

from tongban.core.errors import PermissionDenied
from tongban.exchange.models import UsageCounter
from tongban.exchange.services import exchange_pull
from tongban.exchange.tests.factories import GrantFactory
from tongban.registry import selectors as registry
from tongban.registry.selectors import data_use_entries

pytestmark = pytest.mark.django_db(transaction=True)


def _pull(citizen, consumer, *codes, **kwargs):
    return exchange_pull(
        subject=citizen, element_codes=list(codes), consumer=consumer, purpose="低保审核", case="MZ-2026-001",
        actor="staff:test", **kwargs,
    )  # fmt: skip


def test_granted_pull_returns_values_with_provenance_meters_and_audits(citizen, civil, elements):
    GrantFactory(consumer=civil, owner=elements["address"].owner, element_codes=["P.HUKOU_ADDRESS"])
    result = _pull(citizen, civil, "P.NAME", "P.HUKOU_ADDRESS")
    assert result.unavailable == []
    assert result.values["P.HUKOU_ADDRESS"].text == "明德区新港路8号"
    assert result.values["P.HUKOU_ADDRESS"].source_department == "示范市公安局"
    assert result.values["P.NAME"].source_record_id == "GA-1"
    _pull(citizen, civil, "P.NAME")
    counters = {c.element_code: c for c in UsageCounter.objects.filter(consumer=civil)}
    assert (counters["P.NAME"].calls, counters["P.HUKOU_ADDRESS"].calls) == (2, 1)
    assert counters["P.NAME"].failures == 0 and counters["P.NAME"].denied == 0
    entries = list(data_use_entries(person=citizen))
    assert len(entries) == 2 and entries[-1].action == "data.read"
    assert entries[-1].data["elements"] == ["P.NAME", "P.HUKOU_ADDRESS"]
    assert entries[-1].data["purpose"] == "低保审核" and entries[-1].data["case"] == "MZ-2026-001"
    uses = registry.data_uses_describe(person=citizen, entries=entries)
    assert uses[-1].elements == ["姓名", "户籍地址"] and uses[-1].department == civil.name
    assert uses[-1].action_label == "共享调用"


def test_pull_without_grant_is_refused_metered_as_denied_and_not_audited(citizen, civil, elements):
    with pytest.raises(PermissionDenied) as exc:
        _pull(citizen, civil, "P.NAME", "P.HOUSEHOLD_NUMBER")
    assert exc.value.status == 403 and exc.value.extra["reason"] == "no_grant"
    counter = UsageCounter.objects.get(consumer=civil, element_code="P.HOUSEHOLD_NUMBER")
    assert (counter.calls, counter.denied) == (1, 1)
    assert not list(data_use_entries(person=citizen))


def test_a_down_source_lists_its_elements_as_unavailable_without_raising(citizen, civil, elements, settings):
    settings.EXCHANGE_CONNECTORS = {"*": "demo-down"}
    cache.clear()
    result = _pull(citizen, civil, "P.NAME")
    assert result.values == {}
    [missing] = result.unavailable
    assert missing.code == "P.NAME" and "暂不可用" in missing.reason_zh and "unavailable" in missing.reason_en
    assert UsageCounter.objects.get(consumer=civil, element_code="P.NAME").failures == 1


def test_a_slow_source_times_out_and_the_caller_is_not_kept_waiting(citizen, civil, elements, settings):
    settings.EXCHANGE_CONNECTORS = {"*": "demo-slow"}
    settings.EXCHANGE_CONNECTOR_OPTIONS = {"demo-slow": {"seconds": 2}}
    settings.EXCHANGE_CONNECTOR_TIMEOUT = 0.3
    cache.clear()
    GrantFactory(consumer=civil, owner=elements["address"].owner, element_codes=["P.HUKOU_ADDRESS"])
    started = time.monotonic()
    result = _pull(citizen, civil, "P.NAME", "P.HUKOU_ADDRESS")
    assert time.monotonic() - started < 1.5
    assert result.values == {}
    assert {u.code for u in result.unavailable} == {"P.NAME", "P.HUKOU_ADDRESS"}
    assert all("超时" in u.reason_zh and "in time" in u.reason_en for u in result.unavailable)


def test_fresh_values_are_served_from_the_registry_within_the_ttl(citizen, civil, elements, settings):
    cache.clear()
    assert _pull(citizen, civil, "P.NAME").values["P.NAME"].text == "林晓峰"
    settings.EXCHANGE_CONNECTORS = {"*": "demo-down"}  # the source goes down after the first read
    assert _pull(citizen, civil, "P.NAME").values["P.NAME"].text == "林晓峰"
    settings.EXCHANGE_CACHE_TTL = {"*": 0}  # no cache: the source is asked and is down
    assert [u.code for u in _pull(citizen, civil, "P.NAME").unavailable] == ["P.NAME"]


def test_pull_api_returns_only_the_granted_elements_with_provenance(client, citizen, civil, elements):
    from tongban.identity.roles import Role
    from tongban.identity.tests.factories import staff_with_roles

    clerk = staff_with_roles([Role.REVIEWER], department=civil, username="api-clerk", mobile="13700000005")
    GrantFactory(consumer=civil, owner=elements["address"].owner, element_codes=["P.HUKOU_ADDRESS"])
    client.force_login(clerk.user)
    body = {
        "subject": citizen.id_number,
        "elements": ["P.NAME", "P.HUKOU_ADDRESS"],
        "purpose": "低保审核",
        "case": "C-1",
    }
    response = client.post("/api/v1/exchange/pull", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert {v["code"]: v["value"] for v in data["values"]} == {"P.NAME": "林晓峰", "P.HUKOU_ADDRESS": "明德区新港路8号"}
    assert data["values"][0]["source_department"] == "示范市公安局" and data["unavailable"] == []
    entry = data_use_entries(person=citizen).first()
    assert entry.actor == f"staff:{clerk.pk}" and entry.data["case"] == "C-1"
    body["elements"] = ["P.HUKOU_ADDRESS", "P.HOUSEHOLD_NUMBER"]  # one element not granted: nothing is returned
    response = client.post("/api/v1/exchange/pull", json.dumps(body), content_type="application/json")
    problem = response.json()
    assert response.status_code == 403 and "户号" in problem["title_zh"] and problem["reason"] == "no_grant"


def test_check_command_names_the_department_whose_connector_fails(civil, settings, capsys):
    from django.core.management import call_command

    call_command("exchange", "check")
    assert "OK" in capsys.readouterr().out
    settings.EXCHANGE_CONNECTORS = {"*": "demo-registry", civil.credit_code: "demo-down"}
    with pytest.raises(SystemExit):
        call_command("exchange", "check")
    out = capsys.readouterr().out
    assert "示范市民政局" in out and "always unavailable" in out
