"""Sharing governance: requests decided within 10 working days, grants, open/conditional/closed rules."""

import datetime as dt
from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tongban.exchange import selectors, services
from tongban.exchange.models import Grant, SharingRequest
from tongban.exchange.tests.factories import GrantFactory
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, staff_with_roles

pytestmark = pytest.mark.django_db


def _check(consumer, *elements):
    selectors.grant_check(consumer=consumer, elements=list(elements))


def test_open_elements_need_no_grant_and_closed_ones_are_never_shared(civil, elements):
    _check(civil, elements["name"])
    with pytest.raises(PermissionDenied) as exc:
        _check(civil, elements["religion"])
    assert "不予共享" in exc.value.message_zh and "never shared" in exc.value.message_en
    GrantFactory(consumer=civil, owner=elements["religion"].owner, element_codes=["P.RELIGION"])
    with pytest.raises(PermissionDenied):
        _check(civil, elements["religion"])  # not even a grant opens a closed element


def test_conditional_element_needs_an_active_grant_with_the_reason(civil, elements):
    address = elements["address"]
    with pytest.raises(PermissionDenied) as exc:
        _check(civil, address)
    assert exc.value.extra["reason"] == "no_grant" and "共享申请" in exc.value.message_zh
    assert "no grant" in exc.value.message_en
    grant = GrantFactory(consumer=civil, owner=address.owner, element_codes=["P.HUKOU_ADDRESS"])
    _check(civil, address)
    with pytest.raises(PermissionDenied) as exc:
        _check(civil, elements["household"])  # the grant names one element only
    assert exc.value.extra["reason"] == "no_grant"
    grant.expires_at = timezone.now() - timedelta(minutes=1)
    grant.save()
    with pytest.raises(PermissionDenied) as exc:
        _check(civil, address)
    assert (
        exc.value.extra["reason"] == "expired" and "到期" in exc.value.message_zh and "expired" in exc.value.message_en
    )


def test_revoked_grant_is_refused_with_the_reason(civil, elements, police_steward):
    grant = GrantFactory(consumer=civil, owner=elements["address"].owner, element_codes=["P.HUKOU_ADDRESS"])
    services.grant_revoke(staff=police_steward, grant_id=grant.pk, reason="用途已结束")
    with pytest.raises(PermissionDenied) as exc:
        _check(civil, elements["address"])
    assert (
        exc.value.extra["reason"] == "revoked" and "撤销" in exc.value.message_zh and "revoked" in exc.value.message_en
    )
    with pytest.raises(Conflict):
        services.grant_revoke(staff=police_steward, grant_id=grant.pk, reason="again")


def test_a_department_reads_its_own_conditional_elements(police, elements):
    _check(police, elements["address"], elements["household"])


def test_request_is_due_in_ten_working_days_and_approval_creates_a_grant(civil_clerk, police_steward, elements):
    request = services.sharing_request_submit(
        staff=civil_clerk, element_codes=["P.HUKOU_ADDRESS", "P.HOUSEHOLD_NUMBER"], purpose="低保审核", period_days=90
    )
    assert request.due_on == add_working_days(timezone.localdate(), 10)
    assert request.owner == elements["address"].owner
    assert [i.request for i in selectors.request_worklist(staff=police_steward)] == [request]
    services.sharing_request_decide(staff=police_steward, request_id=request.pk, approve=True)
    grant = Grant.objects.get(request=request)
    assert grant.consumer == civil_clerk.department and grant.element_codes == request.element_codes
    assert timedelta(days=89) < grant.expires_at - timezone.now() <= timedelta(days=90)
    _check(civil_clerk.department, elements["address"], elements["household"])
    with pytest.raises(Conflict):
        services.sharing_request_decide(staff=police_steward, request_id=request.pk, approve=False, reason="x")


def test_denial_needs_a_reason_and_creates_no_grant(civil_clerk, police_steward, elements):
    request = services.sharing_request_submit(
        staff=civil_clerk, element_codes=["P.HUKOU_ADDRESS"], purpose="低保审核", period_days=30
    )
    with pytest.raises(InvalidInput) as exc:
        services.sharing_request_decide(staff=police_steward, request_id=request.pk, approve=False, reason=" ")
    assert exc.value.field == "reason"
    services.sharing_request_decide(staff=police_steward, request_id=request.pk, approve=False, reason="用途不明确")
    request.refresh_from_db()
    assert request.status == SharingRequest.Status.DENIED and not Grant.objects.exists()


def test_only_the_owner_steward_or_the_hub_operator_decides(civil_clerk, elements):
    request = services.sharing_request_submit(
        staff=civil_clerk, element_codes=["P.HUKOU_ADDRESS"], purpose="低保审核", period_days=30
    )
    other = staff_with_roles([Role.STEWARD], department=DepartmentFactory(), username="other", mobile="13700000009")
    assert selectors.request_worklist(staff=other) == []
    with pytest.raises(NotFound):
        services.sharing_request_decide(staff=other, request_id=request.pk, approve=True)
    services.hub_operator_add(department=other.department)
    services.sharing_request_decide(staff=other, request_id=request.pk, approve=True)


@pytest.mark.parametrize(
    ("codes", "field_text"),
    [
        (["P.NAME"], "无需申请"),
        (["P.RELIGION"], "不予共享"),
        (["P.NOPE"], "未知的数据项"),
        ([], "至少选择"),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message(civil_clerk, elements, codes, field_text):
    with pytest.raises(InvalidInput) as exc:
        services.sharing_request_submit(staff=civil_clerk, element_codes=codes, purpose="审核", period_days=30)
    assert field_text in exc.value.message_zh and exc.value.message_en


def test_request_to_two_owners_is_refused(civil_clerk, elements, civil):
    from tongban.registry.tests.factories import DataElementFactory

    DataElementFactory(code="P.MARITAL_STATUS", owner=civil, sharing_class="conditional")
    other_owner = DataElementFactory(code="P.FUND_STATUS", sharing_class="conditional")
    with pytest.raises(InvalidInput) as exc:
        services.sharing_request_submit(
            staff=civil_clerk, element_codes=["P.HUKOU_ADDRESS", other_owner.code], purpose="审核", period_days=30
        )
    assert "一个部门" in exc.value.message_zh


def test_yellow_card_at_eighty_percent_and_red_when_overdue(civil_clerk, police_steward, elements):
    request = services.sharing_request_submit(
        staff=civil_clerk, element_codes=["P.HUKOU_ADDRESS"], purpose="低保审核", period_days=30
    )
    submitted = timezone.localdate(request.submitted_at)
    assert selectors.card_for(request, submitted) == (0, "")
    eighth = add_working_days(submitted, 8)
    assert selectors.card_for(request, eighth) == (8, "yellow")
    assert selectors.card_for(request, add_working_days(submitted, 7))[1] == ""
    assert selectors.card_for(request, request.due_on)[1] == "yellow"  # the due day itself is not late
    assert selectors.card_for(request, request.due_on + dt.timedelta(days=1))[1] == "red"


def test_department_performance_counts_reads_and_cards(civil_clerk, police_steward, elements, police):
    from tongban.exchange.models import UsageCounter

    UsageCounter.objects.create(
        consumer=civil_clerk.department, element_code="P.NAME", calls=10, failures=1, denied=2, total_latency_ms=500
    )
    late = services.sharing_request_submit(
        staff=civil_clerk, element_codes=["P.HUKOU_ADDRESS"], purpose="低保审核", period_days=30
    )
    SharingRequest.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    [perf] = selectors.department_performance(staff=police_steward)
    assert perf.department == police and (perf.calls, perf.failures, perf.denied) == (10, 1, 2)
    assert perf.failure_rate == 0.1 and perf.mean_latency_ms == 50 and (perf.pending, perf.red) == (1, 1)
    outsider = staff_with_roles([Role.STEWARD], department=DepartmentFactory(), username="o2", mobile="13700000008")
    assert [p.calls for p in selectors.department_performance(staff=outsider)] == []
