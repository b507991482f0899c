"""The refresh job for other regions' mirrored status lists (issue 6 part 7): a newer list that verifies replaces
the one held; an older or forged one does not; an unreachable region keeps its old list with its date; each
attempt is recorded on the issuer's row; `tongban licenses refresh-status` runs it."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from tongban.licenses import showing, trust
from tongban.licenses.management.commands import licenses as command
from tongban.licenses.models import TrustedIssuer
from tongban.licenses.offline import FetchFailed
from tongban.licenses.sdjwt import Outcome
from tongban.licenses.tests.neighbour import NEIGHBOUR, neighbour_licence, neighbour_listed, neighbour_status_list
from tongban.licenses.tests.neighbour import NEIGHBOUR_URI as URI
from tongban.licenses.tests.tokens import Issuer

pytestmark = pytest.mark.django_db

HOUR_AGO = int(time.time()) - 3600


@pytest.fixture
def neighbour():  # type: ignore[no-untyped-def]
    issuer = Issuer(kid="980101-2026-1")
    neighbour_listed(issuer)
    return issuer


def _check(issuer: Issuer, idx: int = 5):  # type: ignore[no-untyped-def]
    return showing.presentation_check(presentation=neighbour_licence(issuer, idx=idx))


def _serving(token: str | Exception):  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        if isinstance(token, Exception):
            raise token
        return token.encode()

    fetch.asked = asked  # type: ignore[attr-defined]
    return fetch


def _checks() -> dict:  # type: ignore[type-arg]
    return TrustedIssuer.objects.get(iss=NEIGHBOUR).status_checks[URI]


def test_a_newer_list_replaces_the_one_held(neighbour):  # type: ignore[no-untyped-def]
    trust.trusted_status_mirror(iss=NEIGHBOUR, uri=URI, token=neighbour_status_list(neighbour, iat=HOUR_AGO))
    assert _check(neighbour).valid
    fetch = _serving(neighbour_status_list(neighbour, revoked=[5]))
    report = trust.trusted_status_refresh(fetch=fetch)
    assert report.refreshed == [URI] and fetch.asked == [URI]  # type: ignore[attr-defined]
    result = _check(neighbour)
    assert result.outcome == Outcome.REVOKED and result.status_as_of.timestamp() > HOUR_AGO
    assert _checks()["outcome"] == "refreshed"
    assert trust.trusted_status_refresh(fetch=fetch).unchanged == [URI]  # the same list again: nothing to do


def test_after_a_long_outage_a_fresh_list_replaces_the_expired_one(neighbour):  # type: ignore[no-untyped-def]
    two_days_ago = int(time.time()) - 2 * 86400
    expired = neighbour_status_list(neighbour, iat=two_days_ago, revoked=[5])  # mirrored then, expired since
    TrustedIssuer.objects.filter(iss=NEIGHBOUR).update(status_lists={URI: expired})
    assert _check(neighbour).outcome == Outcome.STATUS_UNKNOWN  # past its exp: unknown, never valid
    assert trust.trusted_status_refresh(fetch=_serving(neighbour_status_list(neighbour))).refreshed == [URI]
    assert _check(neighbour).valid


def test_an_older_or_forged_list_does_not_replace_it(neighbour):  # type: ignore[no-untyped-def]
    trust.trusted_status_mirror(iss=NEIGHBOUR, uri=URI, token=neighbour_status_list(neighbour, revoked=[5]))
    report = trust.trusted_status_refresh(fetch=_serving(neighbour_status_list(neighbour, iat=HOUR_AGO)))
    assert report.refused and "older" in report.refused[0][1] and not report.refreshed
    assert _check(neighbour).outcome == Outcome.REVOKED
    assert _checks()["outcome"] == "refused" and "older" in _checks()["detail"]

    stranger = Issuer(kid=neighbour.kid)
    report = trust.trusted_status_refresh(fetch=_serving(neighbour_status_list(stranger)))
    assert report.refused and "signature" in report.refused[0][1]
    assert _check(neighbour).outcome == Outcome.REVOKED


def test_an_unreachable_region_keeps_its_old_list_with_its_date(neighbour):  # type: ignore[no-untyped-def]
    trust.trusted_status_mirror(
        iss=NEIGHBOUR, uri=URI, token=neighbour_status_list(neighbour, revoked=[5], iat=HOUR_AGO)
    )
    report = trust.trusted_status_refresh(fetch=_serving(FetchFailed(f"{URI}: connection refused")))
    assert report.unreachable == [(URI, f"{URI}: connection refused")] and not report.refreshed
    result = _check(neighbour)
    assert result.outcome == Outcome.REVOKED and result.status_as_of == datetime.fromtimestamp(HOUR_AGO, tz=UTC)
    assert _checks()["outcome"] == "unreachable" and "connection refused" in _checks()["detail"]
    assert trust.trusted_status_refresh(fetch=_serving(TimeoutError("slow"))).unreachable  # any error of the fetch


def test_an_issuer_no_longer_trusted_is_not_refreshed(neighbour):  # type: ignore[no-untyped-def]
    trust.trusted_status_mirror(iss=NEIGHBOUR, uri=URI, token=neighbour_status_list(neighbour, iat=HOUR_AGO))
    trust.trusted_issuer_save(actor="system:test", iss=NEIGHBOUR, name="邻省示范市", region_code="980101",
                              jwks={"keys": [{k: v for k, v in neighbour.jwk.items() if k != "d"}]},
                              state="suspended")  # fmt: skip
    fetch = _serving(neighbour_status_list(neighbour))
    assert trust.trusted_status_refresh(fetch=fetch).refreshed == [] and fetch.asked == []  # type: ignore[attr-defined]


def test_the_command_refreshes_and_exits_1_when_a_list_was_refused(neighbour, monkeypatch):  # type: ignore[no-untyped-def]
    trust.trusted_status_mirror(iss=NEIGHBOUR, uri=URI, token=neighbour_status_list(neighbour, iat=HOUR_AGO))
    monkeypatch.setattr(command, "http_fetch", _serving(neighbour_status_list(neighbour, revoked=[5])))
    out = StringIO()
    call_command("licenses", "refresh-status", stdout=out)
    assert "refreshed 1" in out.getvalue() and _check(neighbour).outcome == Outcome.REVOKED
    monkeypatch.setattr(command, "http_fetch", _serving(neighbour_status_list(Issuer(kid=neighbour.kid))))
    out = StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("licenses", "refresh-status", stdout=out)
    assert stopped.value.code == 1 and "refused 1" in out.getvalue() and URI in out.getvalue()
