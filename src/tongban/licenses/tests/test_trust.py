"""跨区域互认: a licence of another region verifies when its issuer is on the trust list, with the listed keys
and types only; an issuer not listed, suspended or withdrawn is untrusted; revocation is read from the mirror
of its last status list that verified, with its date, even with that region unreachable; an older or forged
list is refused; the platform publishes the list it trusts, signed."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.errors import InvalidInput, PermissionDenied
from tongban.licenses import showing, trust
from tongban.licenses.jose import b64d, signature_valid
from tongban.licenses.models import TrustedIssuer
from tongban.licenses.sdjwt import Outcome
from tongban.licenses.tests.neighbour import NEIGHBOUR, neighbour_licence, neighbour_listed, neighbour_status_list
from tongban.licenses.tests.neighbour import NEIGHBOUR_URI as URI
from tongban.licenses.tests.tokens import CLAIMS, Issuer

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour():
    return Issuer(kid="980101-2026-1")


def _licence(issuer, idx=5):
    return neighbour_licence(issuer, idx=idx, disclose=("holder_name", "address"))


def test_a_listed_regions_licence_verifies_with_its_mirrored_status_and_its_date(neighbour):
    neighbour_listed(neighbour)
    trust.trusted_status_mirror(iss=NEIGHBOUR, uri=URI, token=neighbour_status_list(neighbour))
    result = showing.presentation_check(presentation=_licence(neighbour))
    assert result.valid and result.claims["holder_name"] == CLAIMS["holder_name"]
    assert result.status_as_of is not None and result.status_source == "cache"


def test_a_region_not_listed_suspended_or_withdrawn_is_untrusted(neighbour):
    assert showing.presentation_check(presentation=_licence(neighbour)).outcome == Outcome.UNTRUSTED_ISSUER
    for state in ("suspended", "withdrawn"):
        neighbour_listed(neighbour, state=state)
        assert showing.presentation_check(presentation=_licence(neighbour)).outcome == Outcome.UNTRUSTED_ISSUER
    neighbour_listed(neighbour, valid_until=timezone.now() - timedelta(days=1))
    assert showing.presentation_check(presentation=_licence(neighbour)).outcome == Outcome.UNTRUSTED_ISSUER


def test_a_type_the_region_is_not_listed_for_and_a_key_it_does_not_list_are_refused(neighbour):
    neighbour_listed(neighbour, vct_allowed=["https://linsheng.example/vct/119800000000000MZ"])
    assert showing.presentation_check(presentation=_licence(neighbour)).outcome == Outcome.WRONG_ISSUER
    stranger = Issuer(kid="980101-2026-9")
    neighbour_listed(neighbour)
    assert showing.presentation_check(presentation=_licence(stranger)).outcome == Outcome.UNKNOWN_KEY


def test_revocation_comes_from_the_mirror_and_without_one_the_status_is_unknown(neighbour):
    neighbour_listed(neighbour)
    assert showing.presentation_check(presentation=_licence(neighbour)).outcome == Outcome.STATUS_UNKNOWN
    trust.trusted_status_mirror(iss=NEIGHBOUR, uri=URI, token=neighbour_status_list(neighbour, revoked=[5]))
    assert showing.presentation_check(presentation=_licence(neighbour, idx=5)).outcome == Outcome.REVOKED
    assert showing.presentation_check(presentation=_licence(neighbour, idx=6)).valid


def test_an_older_or_forged_list_does_not_replace_the_one_held(neighbour):
    neighbour_listed(neighbour)
    trust.trusted_status_mirror(iss=NEIGHBOUR, uri=URI, token=neighbour_status_list(neighbour, revoked=[5]))
    with pytest.raises(InvalidInput):  # replayed from before the revocation
        trust.trusted_status_mirror(iss=NEIGHBOUR, uri=URI,
                                    token=neighbour_status_list(neighbour, iat=int(time.time()) - 3600))  # fmt: skip
    with pytest.raises(InvalidInput):
        trust.trusted_status_mirror(iss=NEIGHBOUR, uri=URI, token=neighbour_status_list(Issuer(kid=neighbour.kid)))
    assert showing.presentation_check(presentation=_licence(neighbour, idx=5)).outcome == Outcome.REVOKED


def test_bad_trust_list_entries_are_refused(neighbour):
    private = dict(neighbour.jwk, d="secret")
    for kw in ({"iss": "http://linsheng.example/issuers/980101"}, {"jwks": {"keys": [private]}}, {"jwks": {}},
               {"iss": "https://tongban.example/issuers/990101"}):  # fmt: skip
        with pytest.raises(InvalidInput):
            neighbour_listed(neighbour, **kw)
    with pytest.raises(PermissionDenied):
        neighbour_listed(neighbour, actor="person:1")


def test_the_published_trust_list_names_our_regions_and_the_listed_one_signed(client, issue, neighbour, settings):
    issue()  # this platform's first licence makes its keys
    neighbour_listed(neighbour)
    response = client.get("/trust/list.jwt")
    token = response.content.decode()
    header, payload = (json.loads(b64d(p)) for p in token.split(".")[:2])
    assert header["typ"] == "tongban-trustlist+jwt" and response["Content-Type"] == "application/jwt"
    listed = {i["iss"]: i for i in payload["issuers"]}
    assert NEIGHBOUR in listed and any(i.startswith(settings.LICENCE_BASE_URL) for i in listed)
    ours = next(i for i in payload["issuers"] if i["iss"] == payload["iss"])
    [jwk] = [k for k in ours["jwks"]["keys"] if k["kid"] == header["kid"]]
    assert signature_valid(token, jwk)
    assert TrustedIssuer.objects.get().state == "active"
