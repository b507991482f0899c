"""Token Status List: the draft's vectors, the signed list, and a verifier cache that fails safe."""

from __future__ import annotations

import time
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.licenses.jose import b64e
from tongban.licenses.statuslist import (
    CachedStatusSource,
    StatusListInvalid,
    lst_decode,
    lst_encode,
    status_get,
    status_list_token_build,
    status_list_token_verify,
    status_set,
)
from tongban.licenses.tests.tokens import ISS, KID, URI, Issuer, StubTrust


def test_the_drafts_one_bit_vector():
    data = bytearray(2)
    for idx in (0, 3, 4, 5, 7, 8, 9, 13, 15):
        status_set(data, idx, 1, bits=1)
    assert bytes(data).hex().upper() == "B9A3"
    assert zlib.compress(bytes(data), 9).hex() == "78dadbb918000217015d"
    assert lst_decode(lst_encode(bytes(data))) == bytes(data)


def test_the_drafts_two_bit_vector():
    data = bytearray(3)
    for idx, value in {0: 1, 1: 2, 2: 0, 3: 3, 4: 0, 5: 1, 6: 0, 7: 1, 8: 1, 9: 2, 10: 3, 11: 3}.items():
        status_set(data, idx, value, bits=2)
    assert bytes(data).hex().upper() == "C944F9"
    assert zlib.compress(bytes(data), 9).hex() == "78da3be9f2130003df0207"
    assert [status_get(bytes(data), i, bits=2) for i in range(12)] == [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]


@given(st.sampled_from([1, 2, 4, 8]), st.data())
def test_setting_one_entry_changes_no_other(bits, data):
    size = 64
    values = data.draw(st.lists(st.integers(0, (1 << bits) - 1), min_size=size, max_size=size))
    lst = bytearray(size * bits // 8)
    for i, v in enumerate(values):
        status_set(lst, i, v, bits=bits)
    assert [status_get(bytes(lst), i, bits=bits) for i in range(size)] == values


def test_an_index_outside_the_list_is_an_error_not_a_value():
    with pytest.raises(IndexError):
        status_get(bytes(4), 16, bits=2)


def test_a_zlib_bomb_is_refused_without_inflating_it():
    bomb = b64e(zlib.compress(bytes(64 * 1024 * 1024), 9))  # 64 MiB of zeros in ~64 KiB
    with pytest.raises(StatusListInvalid, match="larger"):
        lst_decode(bomb)
    with pytest.raises(StatusListInvalid):
        lst_decode(b64e(zlib.compress(b"abc")[:-3]))  # truncated


@pytest.fixture(scope="module")
def platform():
    return Issuer(kid=KID)


def list_token(platform, *, data=b"\x00\x04", uri=URI, iat=None, exp=None, ttl=900, iss=ISS, bits=2):
    now = int(time.time())
    iat = now if iat is None else iat
    return status_list_token_build(
        iss=iss, uri=uri, kid=platform.kid, bits=bits, data=data, iat=iat, exp=exp or iat + 86400, ttl=ttl,
        sign=platform.sign,
    )  # fmt: skip


def test_a_signed_list_verifies_and_reads(platform):
    verified = status_list_token_verify(list_token(platform), uri=URI, issuer=ISS, trust=StubTrust(platform))
    assert (verified.bits, verified.get(0), verified.get(5), verified.ttl) == (2, 0, 1, 900)


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: list_token(p, uri="https://tongban.example/status/990101/2"), "sub"),
        (lambda p: list_token(p, iat=int(time.time()) - 90000, exp=int(time.time()) - 10), "expired"),
        (lambda p: list_token(Issuer(kid=KID)), "signature"),
        (lambda p: list_token(p, bits=3), "bits"),
        (lambda p: list_token(p, iss="https://evil.example/issuers/1"), "another issuer"),
        (lambda p: list_token(p)[:-2], "signature|base64"),
        (lambda p: "not a token", "compact"),
    ],
)
def test_a_list_that_must_not_be_used_says_why(platform, make, why):
    with pytest.raises(StatusListInvalid, match=why):
        status_list_token_verify(make(platform), uri=URI, issuer=ISS, trust=StubTrust(platform))


def test_a_list_is_checked_with_the_credential_issuers_keys_not_its_own_iss(platform):
    # An attacker's list naming its own issuer and key would be "valid on its own iss" (pagopa/io-app#8484).
    attacker = Issuer(kid="666-2026-1")
    evil_iss = "https://evil.example/issuers/666"
    token = list_token(attacker, iss=evil_iss)
    with pytest.raises(StatusListInvalid):
        status_list_token_verify(token, uri=URI, issuer=ISS, trust=StubTrust(platform))


def test_wrong_typ_on_a_list_is_refused(platform):
    from tongban.licenses.jose import compact_sign

    token = compact_sign(
        header={"alg": "Ed25519", "typ": "JWT", "kid": KID},
        payload={"sub": URI, "iat": int(time.time()), "status_list": {"bits": 1, "lst": lst_encode(b"\0")}},
        sign=platform.sign,
    )
    with pytest.raises(StatusListInvalid, match="typ"):
        status_list_token_verify(token, uri=URI, issuer=ISS, trust=StubTrust(platform))


class Clock:
    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


def test_the_cache_refreshes_after_ttl_and_keeps_the_list_when_a_refresh_fails(platform):
    clock = Clock()
    served = {"token": list_token(platform, iat=int(clock.now))}
    fetched = []

    def fetch(uri):
        fetched.append(uri)
        if served["token"] is None:
            raise ConnectionError("offline")
        return served["token"]

    source = CachedStatusSource(fetch=fetch, trust=StubTrust(platform), clock=clock)
    first = source.status(iss=ISS, uri=URI, idx=5)
    assert (first.value, first.source, first.stale) == (1, "online", False)
    clock.now += 60
    assert source.status(iss=ISS, uri=URI, idx=5).source == "cache" and len(fetched) == 1
    clock.now += 900  # past ttl, and the verifier is offline
    served["token"] = None
    offline = source.status(iss=ISS, uri=URI, idx=5)
    assert (offline.value, offline.source, offline.stale) == (1, "cache", True)
    assert offline.as_of is not None and "offline" not in offline.detail and "failed" in offline.detail


def test_an_older_or_unverifiable_list_never_replaces_the_cached_one(platform):
    clock = Clock()
    newer = list_token(platform, data=b"\x00\x04", iat=int(clock.now))
    served = {"token": newer}
    source = CachedStatusSource(fetch=lambda uri: served["token"], trust=StubTrust(platform), clock=clock)
    assert source.status(iss=ISS, uri=URI, idx=5).value == 1  # revoked
    clock.now += 1000
    served["token"] = list_token(platform, data=b"\x00\x00", iat=int(clock.now) - 5000)  # replayed older list
    assert source.status(iss=ISS, uri=URI, idx=5).value == 1
    served["token"] = list_token(Issuer(kid=KID), data=b"\x00\x00", iat=int(clock.now))  # forged
    clock.now += 1000
    answer = source.status(iss=ISS, uri=URI, idx=5)
    assert answer.value == 1 and answer.stale and "refused" in answer.detail


def test_past_its_exp_a_cached_list_says_unknown_never_valid(platform):
    clock = Clock()
    iat = int(clock.now)
    served = {"token": list_token(platform, data=b"\x00\x00", iat=iat, exp=iat + 3600, ttl=600)}

    def fetch(uri):
        if served["token"] is None:
            raise ConnectionError("offline")
        return served["token"]

    source = CachedStatusSource(fetch=fetch, trust=StubTrust(platform), clock=clock)
    assert source.status(iss=ISS, uri=URI, idx=5).value == 0
    served["token"] = None
    clock.now += 3601
    answer = source.status(iss=ISS, uri=URI, idx=5)
    assert answer.value is None and answer.stale and answer.as_of is not None


@pytest.mark.parametrize("ttl", [0, 10**9])
def test_a_zero_or_huge_ttl_is_clamped(platform, ttl):
    clock = Clock()
    calls = []
    token = list_token(platform, iat=int(clock.now), exp=int(clock.now) + 30 * 86400, ttl=ttl)
    source = CachedStatusSource(fetch=lambda uri: calls.append(uri) or token, trust=StubTrust(platform), clock=clock)
    source.status(iss=ISS, uri=URI, idx=0)
    clock.now += 30  # within the 60 s floor: a ttl of 0 does not mean a fetch per check
    source.status(iss=ISS, uri=URI, idx=0)
    clock.now += 8 * 86400  # past the week's ceiling: a huge ttl does not mean never again
    source.status(iss=ISS, uri=URI, idx=0)
    assert len(calls) == 2


def test_an_index_outside_the_cached_list_is_unknown(platform):
    source = CachedStatusSource(fetch=lambda uri: list_token(platform), trust=StubTrust(platform))
    assert source.status(iss=ISS, uri=URI, idx=10_000).value is None


def test_a_verifier_reads_a_newer_list_after_its_ttl_and_never_an_answer_kept_from_the_old_one(platform):
    """The offline verifier's cache (the list, its iat, the answers it gave) is per list version: a licence
    revoked, then suspended, is seen so once its list is refreshed; a licence beside it keeps its own bit."""
    from tongban.licenses.sdjwt import Outcome, VerifyPolicy, sd_jwt_vc_verify

    clock = Clock()
    served = {"token": list_token(platform, data=b"\x00\x04", iat=int(clock.now))}  # idx 5 revoked, idx 7 valid

    def fetch(uri):
        if served["token"] is None:
            raise ConnectionError("offline")
        return served["token"]

    trust = StubTrust(platform)
    source = CachedStatusSource(fetch=fetch, trust=trust, clock=clock)
    at_7, at_5 = (platform.token(status={"status_list": {"idx": i, "uri": URI}}, exp=int(clock.now) + 86400)
                  for i in (7, 5))  # fmt: skip

    def outcome(token):
        result = sd_jwt_vc_verify(token, trust=trust, status=source, policy=VerifyPolicy(require_key_binding=False),
                                  now=clock.now)  # fmt: skip
        return result.outcome, result.status_source, result.status_stale

    assert outcome(at_7) == (Outcome.VALID, "online", False)
    assert outcome(at_5) == (Outcome.REVOKED, "online", False)
    clock.now += 60
    valid, revoked = (Outcome.VALID, "cache", False), (Outcome.REVOKED, "cache", False)
    assert [outcome(at_7), outcome(at_5), outcome(at_7), outcome(at_5)] == [valid, revoked, valid, revoked]
    served["token"] = list_token(platform, data=b"\x00\x44", iat=int(clock.now))  # idx 7 revoked
    assert outcome(at_7)[0] == Outcome.VALID  # within the ttl the list held is the one that answers
    revoked_at = int(clock.now)
    clock.now += 900
    assert outcome(at_7)[0] == Outcome.REVOKED and outcome(at_5)[0] == Outcome.REVOKED
    clock.now += 60  # answered from the cache now, as of the newer list's iat, not the first one's
    answer = source.status(iss=ISS, uri=URI, idx=5)
    assert (answer.value, answer.source, answer.as_of.timestamp()) == (1, "cache", revoked_at)
    served["token"] = list_token(platform, data=b"\x00\x84", iat=int(clock.now))  # idx 7 suspended
    clock.now += 900
    assert outcome(at_7)[0] == Outcome.SUSPENDED
    served["token"] = None  # offline past the ttl: the newest list it verified, and it says it is stale
    clock.now += 900
    assert outcome(at_7) == (Outcome.SUSPENDED, "cache", True) and outcome(at_5) == (Outcome.REVOKED, "cache", True)
