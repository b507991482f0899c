"""Any sequence of changes keeps a licence's row, its history and its status bit in agreement."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongban.licenses import selectors, services
from tongban.licenses.codes import STATE_STATUS, TRANSITIONS, LicenceState
from tongban.licenses.models import Licence, StatusList
from tongban.licenses.services import LicenceTransitionRefused
from tongban.licenses.statuslist import status_get

MOVES = {
    "suspend": (services.licence_suspend, LicenceState.SUSPENDED),
    "resume": (services.licence_resume, LicenceState.ISSUED),
    "revoke": (services.licence_revoke, LicenceState.REVOKED),
    "replace": (services.licence_replace, LicenceState.REPLACED),
}


def bit(licence):
    lst = StatusList.objects.get(pk=licence.status_list_id)
    return status_get(bytes(lst.data), licence.status_idx, bits=lst.bits)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.sampled_from(sorted(MOVES)), max_size=6))
def test_random_sequences_keep_row_history_and_status_in_agreement(issue, reviewer, moves):
    licence = issue()
    expected_rows = 1
    for move in moves:
        service, to = MOVES[move]
        allowed = (licence.state, to) in TRANSITIONS
        try:
            result = service(licence=licence, actor=reviewer, reason=f"测试{move}")
        except LicenceTransitionRefused:
            assert not allowed
            continue
        assert allowed
        expected_rows += 1
        if move == "replace":
            old = Licence.objects.get(pk=licence.pk)
            assert old.state == LicenceState.REPLACED and bit(old) == STATE_STATUS[LicenceState.REPLACED]
            licence = result  # the new version carries on
            expected_rows = 1
        else:
            licence = Licence.objects.get(pk=licence.pk)
    history = selectors.licence_history(licence=licence)
    assert len(history) == expected_rows
    assert [e.seq for e in history] == list(range(1, expected_rows + 1))
    assert history[-1].to_state == licence.state
    assert all(a.to_state == b.from_state for a, b in itertools.pairwise(history))
    assert bit(licence) == STATE_STATUS[licence.state]


def test_a_full_list_gets_a_successor_and_no_index_is_used_twice(issue, monkeypatch):
    monkeypatch.setattr(services, "STATUS_LIST_SIZE", 8)  # successor after 6 (three quarters)
    licences = [issue(number=f"N{i}") for i in range(14)]
    lists = {lst.number: lst for lst in StatusList.objects.all()}
    assert sorted(lists) == [1, 2, 3] and [lists[n].allocated for n in (1, 2, 3)] == [6, 6, 2]
    slots = [(x.status_list_id, x.status_idx) for x in licences]
    assert len(set(slots)) == 14
    assert all(0 <= x.status_idx < 8 for x in licences)
    for x in licences:
        assert selectors.licence_verify(
            presentation=x.token, policy=selectors.VerifyPolicy(require_key_binding=False)
        ).valid


@pytest.mark.parametrize("final", ["revoke", "replace"])
def test_final_states_accept_no_move(issue, reviewer, final):
    licence = issue()
    MOVES[final][0](licence=licence, actor=reviewer, reason="终止")
    licence.refresh_from_db()
    for move in ("suspend", "resume", "revoke", "replace"):
        with pytest.raises(LicenceTransitionRefused):
            MOVES[move][0](licence=licence, actor=reviewer, reason="再次")
