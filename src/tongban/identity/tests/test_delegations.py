"""Delegations: who may grant, what they cover, when they end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tongban.core.models import AuditEntry
from tongban.identity import selectors, services
from tongban.identity.models import OutboxMessage
from tongban.identity.tests.factories import EnterpriseFactory, PersonFactory, person_with_account

pytestmark = pytest.mark.django_db


def _grant(principal, agent, *, by, days=30, codes=()):
    return services.delegation_grant(
        principal=principal,
        agent_id_number=agent.id_number,
        agent_name=agent.name,
        valid_until=timezone.now() + timedelta(days=days),
        granted_by=by,
        item_codes=codes,
    )


def test_grant_covers_named_items_only_and_tells_the_agent():
    mother, son = person_with_account(), person_with_account()
    delegation = _grant(mother, son, by=mother.user, codes=["A001"])
    assert selectors.delegation_active(principal=mother, agent=son, item_code="A001") == delegation
    assert selectors.delegation_active(principal=mother, agent=son, item_code="B002") is None
    assert OutboxMessage.objects.filter(user=son.user, channel="in_app", body__contains=mother.name).exists()
    entry = AuditEntry.objects.get(action="delegation.granted")
    assert mother.id_number not in str(entry.data) and entry.subject_hash


def test_empty_item_list_covers_every_item():
    a, b = person_with_account(), PersonFactory()
    _grant(a, b, by=a.user)
    assert selectors.delegation_active(principal=a, agent=b, item_code="ANY") is not None


def test_expired_delegation_is_not_active():
    a, b = person_with_account(), PersonFactory()
    delegation = _grant(a, b, by=a.user)
    delegation.valid_until = timezone.now() - timedelta(seconds=1)
    delegation.save()
    assert selectors.delegation_active(principal=a, agent=b, item_code="A001") is None
    _grant(a, b, by=a.user)  # an expired one does not block a new grant


def test_revoked_delegation_is_not_active_and_cannot_be_revoked_twice():
    a, b = person_with_account(), PersonFactory()
    delegation = _grant(a, b, by=a.user)
    services.delegation_revoke(delegation=delegation, by=a.user)
    assert selectors.delegation_active(principal=a, agent=b, item_code="A001") is None
    with pytest.raises(Conflict):
        services.delegation_revoke(delegation=delegation, by=a.user)


def test_only_the_principal_grants_and_revokes():
    a, b, c = person_with_account(), person_with_account(), person_with_account()
    with pytest.raises(PermissionDenied):
        _grant(a, b, by=c.user)
    delegation = _grant(a, b, by=a.user)
    with pytest.raises(NotFound):
        services.delegation_revoke(delegation=delegation, by=b.user)


def test_refusals_name_their_field():
    a, b = person_with_account(), PersonFactory()
    with pytest.raises(InvalidInput) as exc:
        _grant(a, a, by=a.user)
    assert exc.value.field == "agent_id_number"
    with pytest.raises(InvalidInput) as exc:
        _grant(a, b, by=a.user, days=-1)
    assert exc.value.field == "valid_until"
    with pytest.raises(InvalidInput) as exc:
        _grant(a, b, by=a.user, days=4 * 366)
    assert exc.value.field == "valid_until"
    with pytest.raises(InvalidInput) as exc:
        services.delegation_grant(
            principal=a,
            agent_id_number=b.id_number,
            agent_name=b.name + "某",
            valid_until=timezone.now() + timedelta(days=1),
            granted_by=a.user,
        )
    assert exc.value.field == "agent_id_number"
    _grant(a, b, by=a.user)
    with pytest.raises(Conflict):
        _grant(a, b, by=a.user)


def test_enterprise_delegation_by_the_legal_representative():
    rep, clerk = person_with_account(), PersonFactory()
    firm = EnterpriseFactory(legal_representative=rep)
    delegation = _grant(firm, clerk, by=rep.user, codes=["QY01"])
    assert selectors.delegation_active(principal=firm, agent=clerk, item_code="QY01") == delegation
    assert selectors.delegation_active(principal=rep, agent=clerk, item_code="QY01") is None
    stranger = person_with_account()
    with pytest.raises(PermissionDenied):
        _grant(firm, clerk, by=stranger.user)
