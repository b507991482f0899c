"""SD-JWT VC: every bad input is a distinct verifier outcome, never an exception (issue 6, notes §5)."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongban.licenses.jose import b64d, b64e, json_bytes, sha256_b64
from tongban.licenses.sdjwt import (
    OUTCOME_MESSAGES,
    Outcome,
    VerifyPolicy,
    disclosure_make,
    sd_jwt_present,
    sd_jwt_vc_verify,
)
from tongban.licenses.tests.factories import WalletKey
from tongban.licenses.tests.tokens import CLAIMS, ISS, KID, URI, VCT, FixedStatus, Issuer, StubTrust

AUD, NONCE = "verifier:window-1", "n-0S6_WzA2Mj"
NO_KB = VerifyPolicy(require_key_binding=False)
KB = VerifyPolicy(audience=AUD, nonce=NONCE)


@pytest.fixture(scope="module")
def issuer():
    return Issuer()


@pytest.fixture(scope="module")
def trust(issuer):
    return StubTrust(issuer)


def verify(token, trust, policy=NO_KB, status=None, **kw):
    return sd_jwt_vc_verify(token, trust=trust, status=status or FixedStatus(0), policy=policy, **kw)


def parts(token):
    jwt, *ds, last = token.split("~")
    return jwt, ds, last


def test_rfc_9901_disclosure_vector():
    disclosure = disclosure_make("family_name", "Möbius", salt="_26bc4LT-ac6q2KI6cBW5es")
    # RFC 9901 prints it with a space after each comma; the digest is over the characters as sent.
    spaced = b64e(b'["_26bc4LT-ac6q2KI6cBW5es", "family_name", "M\xc3\xb6bius"]')
    assert spaced == "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
    assert sha256_b64(spaced) == "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
    assert json.loads(b64d(disclosure)) == json.loads(b64d(spaced))  # same claim, other spelling, other digest


def test_a_licence_verifies_with_every_field_disclosed(issuer, trust):
    result = verify(issuer.token(), trust)
    assert result.outcome == Outcome.VALID, result.detail
    assert {k: result.claims[k] for k in CLAIMS} == CLAIMS
    assert set(result.disclosed) == set(CLAIMS)
    assert (result.iss, result.kid, result.vct) == (ISS, KID, VCT)


def test_the_token_layout_keeps_only_the_envelope_in_plain(issuer):
    jwt, ds, last = parts(issuer.token())
    header = json.loads(b64d(jwt.split(".")[0]))
    payload = json.loads(b64d(jwt.split(".")[1]))
    assert header == {"alg": "Ed25519", "typ": "dc+sd-jwt", "kid": KID}
    assert set(payload) == {"iss", "vct", "iat", "exp", "status", "_sd_alg", "_sd"}
    assert payload["_sd_alg"] == "sha-256" and payload["_sd"] == sorted(payload["_sd"])
    assert len(payload["_sd"]) == len(CLAIMS) + 3  # three decoys
    assert last == "" and len(ds) == len(CLAIMS)
    assert all(len(json.loads(b64d(d))[0]) >= 22 for d in ds)  # ≥ 128-bit salts
    assert "张三" not in b64d(jwt.split(".")[1]).decode()


def test_the_holder_discloses_only_what_it_ticks(issuer, trust):
    shown = sd_jwt_present(issuer.token(), disclose=["holder_name", "licence_id"])
    result = verify(shown, trust)
    assert result.valid and result.disclosed == ("holder_name", "licence_id")
    assert "address" not in result.claims


def test_status_is_asked_with_the_credentials_own_reference(issuer, trust):
    status = FixedStatus(0)
    verify(issuer.token(), trust, status=status)
    assert status.asked == [(ISS, URI, 7)]


@pytest.mark.parametrize(
    ("value", "outcome"),
    [(1, Outcome.REVOKED), (2, Outcome.SUSPENDED), (3, Outcome.STATUS_UNKNOWN), (None, Outcome.STATUS_UNKNOWN)],
)
def test_status_values_are_outcomes(issuer, trust, value, outcome):
    assert verify(issuer.token(), trust, status=FixedStatus(value)).outcome == outcome


# --- Headers and keys ------------------------------------------------------------------------------------


def _with_header(issuer, header, payload_over=None, sign=None):
    jwt, ds, _ = parts(issuer.token())
    payload = json.loads(b64d(jwt.split(".")[1]))
    payload.update(payload_over or {})
    h = b64e(json_bytes(header))
    p = b64e(json_bytes(payload))
    signature = (sign or issuer.sign)(f"{h}.{p}".encode())
    return "~".join([f"{h}.{p}.{b64e(signature)}", *ds]) + "~"


def test_alg_none_is_refused(issuer, trust):
    jwt, ds, _ = parts(issuer.token())
    h = b64e(json_bytes({"alg": "none", "typ": "dc+sd-jwt", "kid": KID}))
    unsigned = f"{h}.{jwt.split('.')[1]}."
    assert verify("~".join([unsigned, *ds]) + "~", trust).outcome == Outcome.ALG_NOT_ALLOWED


def test_hmac_with_the_public_key_as_secret_is_refused(issuer, trust):
    import hashlib
    import hmac

    secret = json.dumps(issuer.jwk).encode()
    token = _with_header(
        issuer, {"alg": "HS256", "typ": "dc+sd-jwt", "kid": KID},
        sign=lambda data: hmac.new(secret, data, hashlib.sha256).digest(),
    )  # fmt: skip
    assert verify(token, trust).outcome == Outcome.ALG_NOT_ALLOWED


@pytest.mark.parametrize("alg", ["EdDSA", "ES256", "RS256", "ed25519", None])
def test_only_the_fully_specified_ed25519_is_accepted(issuer, trust, alg):
    token = _with_header(issuer, {"alg": alg, "typ": "dc+sd-jwt", "kid": KID})
    assert verify(token, trust).outcome == Outcome.ALG_NOT_ALLOWED


@pytest.mark.parametrize("member", ["jwk", "jku", "x5u", "x5c", "crit"])
def test_a_header_that_brings_its_own_key_is_refused(issuer, trust, member):
    attacker = Issuer()
    token = _with_header(
        issuer, {"alg": "Ed25519", "typ": "dc+sd-jwt", "kid": KID, member: attacker.jwk}, sign=attacker.sign
    )
    assert verify(token, trust).outcome == Outcome.HEADER_KEY_REFUSED


@pytest.mark.parametrize("typ", ["vc+sd-jwt", "JWT", "kb+jwt", "statuslist+jwt", None])
def test_wrong_typ_is_refused(issuer, trust, typ):
    token = _with_header(issuer, {"alg": "Ed25519", "typ": typ, "kid": KID})
    assert verify(token, trust).outcome == Outcome.WRONG_TYP


def test_unknown_kid_untrusted_issuer_and_a_key_of_another_issuer_are_told_apart(issuer, trust):
    stranger = Issuer(kid="990101-2026-9")
    assert verify(stranger.token(), trust).outcome == Outcome.UNKNOWN_KEY
    assert verify(issuer.token(iss="https://evil.example/issuers/1"), trust).outcome == Outcome.UNTRUSTED_ISSUER
    other = StubTrust(issuer)
    other.other[stranger.kid] = stranger.jwk
    assert verify(stranger.token(), other).outcome == Outcome.WRONG_ISSUER


def test_a_key_of_the_right_kid_but_another_holder_does_not_verify(issuer, trust):
    impostor = Issuer(kid=KID)  # same kid, different key: the trust's key decides
    assert verify(impostor.token(), trust).outcome == Outcome.INVALID_SIGNATURE


def test_a_changed_payload_breaks_the_signature(issuer, trust):
    jwt, ds, _ = parts(issuer.token())
    h, p, s = jwt.split(".")
    payload = json.loads(b64d(p))
    payload["exp"] += 10 * 365 * 86400
    forged = f"{h}.{b64e(json_bytes(payload))}.{s}"
    assert verify("~".join([forged, *ds]) + "~", trust).outcome == Outcome.INVALID_SIGNATURE


# --- Disclosures -----------------------------------------------------------------------------------------


def test_a_tampered_disclosure_matches_no_digest(issuer, trust):
    jwt, ds, _ = parts(issuer.token())
    salt, name, _ = json.loads(b64d(ds[1]))
    ds[1] = b64e(json_bytes([salt, name, "李四"]))
    assert verify("~".join([jwt, *ds]) + "~", trust).outcome == Outcome.TAMPERED_DISCLOSURE


def test_a_disclosure_from_another_licence_is_unreferenced(issuer, trust):
    jwt, ds, _ = parts(issuer.token())
    _, other, _ = parts(issuer.token())
    assert verify("~".join([jwt, ds[0], other[1]]) + "~", trust).outcome == Outcome.TAMPERED_DISCLOSURE


def test_a_repeated_disclosure_is_refused(issuer, trust):
    jwt, ds, _ = parts(issuer.token())
    assert verify("~".join([jwt, ds[0], ds[0]]) + "~", trust).outcome == Outcome.DUPLICATE_DISCLOSURE


def _signed_with(issuer, payload, disclosures):
    jwt = issuer.jwt({"alg": "Ed25519", "typ": "dc+sd-jwt", "kid": KID}, payload)
    return "~".join([jwt, *disclosures]) + "~"


def _payload(**over):
    now = int(time.time())
    return {"iss": ISS, "vct": VCT, "iat": now, "exp": now + 600, "status": {"status_list": {"idx": 1, "uri": URI}},
            "_sd_alg": "sha-256", **over}  # fmt: skip


def test_a_digest_twice_in_the_payload_is_refused(issuer, trust):
    d = disclosure_make("holder_name", "张三")
    token = _signed_with(issuer, _payload(_sd=[sha256_b64(d), sha256_b64(d)]), [d])
    assert verify(token, trust).outcome == Outcome.INVALID_CLAIMS
    array = _payload(_sd=[], nationalities=[{"...": sha256_b64(d)}, {"...": sha256_b64(d)}])
    assert verify(_signed_with(issuer, array, []), trust).outcome == Outcome.INVALID_CLAIMS


@pytest.mark.parametrize("name", ["_sd", "...", "_sd_alg"])
def test_disclosures_named_as_sd_jwt_machinery_are_refused(issuer, trust, name):
    d = disclosure_make(name, "x")
    token = _signed_with(issuer, _payload(_sd=[sha256_b64(d)]), [d])
    assert verify(token, trust).outcome == Outcome.INVALID_DISCLOSURE


def test_a_disclosure_may_not_override_a_plain_claim(issuer, trust):
    d = disclosure_make("holder_name", "李四")
    token = _signed_with(issuer, _payload(holder_name="张三", _sd=[sha256_b64(d)]), [d])
    assert verify(token, trust).outcome == Outcome.INVALID_DISCLOSURE


@pytest.mark.parametrize("name", ["exp", "cnf", "status", "nbf", "iat"])
def test_claims_that_must_be_plain_may_not_be_disclosed(issuer, trust, name):
    d = disclosure_make(name, 1)
    payload = {k: v for k, v in _payload(_sd=[sha256_b64(d)]).items() if k != name}
    if name == "status":  # a credential without a plain status is refused before its disclosures
        assert verify(_signed_with(issuer, payload, [d]), trust).outcome == Outcome.INVALID_CLAIMS
        return
    if name == "iat":
        payload["iat"] = int(time.time())
    outcome = verify(_signed_with(issuer, payload, [d]), trust).outcome
    assert outcome == Outcome.INVALID_DISCLOSURE


def test_nested_disclosures_resolve_and_an_orphan_is_refused(issuer, trust):
    street = disclosure_make("street", "新港路8号")
    address = disclosure_make("address", {"_sd": [sha256_b64(street)], "city": "示范市"})
    token = _signed_with(issuer, _payload(_sd=[sha256_b64(address)]), [address, street])
    result = verify(token, trust)
    assert result.valid and result.claims["address"] == {"city": "示范市", "street": "新港路8号"}
    orphan = _signed_with(issuer, _payload(_sd=[sha256_b64(address)]), [street])  # parent withheld
    assert verify(orphan, trust).outcome == Outcome.TAMPERED_DISCLOSURE


def test_array_elements_disclose_one_by_one(issuer, trust):
    a, b = (
        b64e(json_bytes(["salt-aaaaaaaaaaaaaaaaaaa", "食品销售"])),
        b64e(json_bytes(["salt-bbbbbbbbbbbbbbbbbbb", "餐饮服务"])),
    )
    token = _signed_with(
        issuer, _payload(_sd=[], items=[{"...": sha256_b64(a)}, {"...": sha256_b64(b)}, "预包装"]), [b]
    )
    result = verify(token, trust)
    assert result.valid and result.claims["items"] == ["餐饮服务", "预包装"]
    wrong = _signed_with(issuer, _payload(_sd=[sha256_b64(a)]), [a])  # an array disclosure for an object digest
    assert verify(wrong, trust).outcome == Outcome.INVALID_DISCLOSURE


# --- Shape and time --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t.split("~")[0],  # a plain JWT taken for an SD-JWT
        lambda t: t[:-1],  # no final ~
        lambda t: "~" + t,
        lambda t: t.replace("~", "~~", 1),  # an empty disclosure
        lambda t: "a.b.c~",
        lambda t: "%%%." + t,
        lambda t: t.replace(".", "=.", 1),  # padded base64
        lambda t: "",
        lambda t: None,
        lambda t: 42,
        lambda t: "x" * 70_000 + "~",
    ],
)
def test_malformed_input_is_an_outcome_not_an_exception(issuer, trust, mangle):
    assert verify(mangle(issuer.token()), trust).outcome == Outcome.MALFORMED


def test_an_expired_credential_is_expired_whatever_the_status_says(issuer, trust):
    now = int(time.time())
    old = issuer.token(iat=now - 7200, exp=now - 3600)
    assert verify(old, trust, status=FixedStatus(0)).outcome == Outcome.EXPIRED


def test_open_ended_licences_have_no_exp(issuer, trust):
    assert verify(issuer.token(exp=None), trust).valid


def test_an_iat_in_the_future_is_refused(issuer, trust):
    assert verify(issuer.token(iat=int(time.time()) + 3600), trust).outcome == Outcome.INVALID_CLAIMS


def test_a_token_without_status_or_with_a_bad_reference_is_refused(issuer, trust):
    assert verify(issuer.token(status={}), trust).outcome == Outcome.INVALID_CLAIMS
    assert (
        verify(issuer.token(status={"status_list": {"idx": -1, "uri": URI}}), trust).outcome == Outcome.INVALID_CLAIMS
    )


# --- Holder binding (KB-JWT) -----------------------------------------------------------------------------


@pytest.fixture
def bound(issuer):
    wallet = WalletKey()
    return wallet, issuer.token(holder_jwk=wallet.jwk)


def test_a_bound_presentation_verifies_for_its_audience_and_nonce(trust, bound):
    wallet, token = bound
    shown = sd_jwt_present(token, disclose=["holder_name"], holder_key=wallet.private, audience=AUD, nonce=NONCE)
    result = verify(shown, trust, policy=KB)
    assert result.valid and result.key_bound and result.disclosed == ("holder_name",)


def test_key_binding_required_and_stripped_is_refused(trust, bound):
    wallet, token = bound
    shown = sd_jwt_present(token, disclose=["holder_name"], holder_key=wallet.private, audience=AUD, nonce=NONCE)
    stripped = shown[: shown.rindex("~") + 1]
    assert verify(stripped, trust, policy=KB).outcome == Outcome.KEY_BINDING_REQUIRED


@pytest.mark.parametrize(
    ("kw", "policy"),
    [
        ({"audience": "verifier:other"}, KB),
        ({"nonce": "used-before"}, KB),
        ({"iat": -600}, KB),  # older than 5 minutes (seconds from now: the suite may run long after collection)
        ({"iat": +600}, KB),
    ],
)
def test_a_key_binding_for_another_verifier_moment_or_nonce_is_refused(trust, bound, kw, policy):
    wallet, token = bound
    args = {"audience": AUD, "nonce": NONCE, **kw}
    if "iat" in kw:
        args["iat"] = int(time.time()) + kw["iat"]
    shown = sd_jwt_present(token, disclose=["holder_name"], holder_key=wallet.private, **args)
    assert verify(shown, trust, policy=policy).outcome == Outcome.INVALID_KEY_BINDING


def test_key_binding_by_someone_else_or_over_other_disclosures_is_refused(trust, bound):
    wallet, token = bound
    thief = WalletKey()
    stolen = sd_jwt_present(token, disclose=["holder_name"], holder_key=thief.private, audience=AUD, nonce=NONCE)
    assert verify(stolen, trust, policy=KB).outcome == Outcome.INVALID_KEY_BINDING
    shown = sd_jwt_present(token, disclose=["holder_name"], holder_key=wallet.private, audience=AUD, nonce=NONCE)
    jwt, _, kb = parts(shown)
    _, all_ds, _ = parts(token)
    extra = "~".join([jwt, *all_ds]) + "~" + kb  # the KB signed over one disclosure, sent with all
    assert verify(extra, trust, policy=KB).outcome == Outcome.INVALID_KEY_BINDING


def test_sd_hash_without_the_final_tilde_is_refused(trust, bound):
    wallet, token = bound
    shown = sd_jwt_present(token, disclose=["holder_name"])
    kb_payload = {"iat": int(time.time()), "aud": AUD, "nonce": NONCE, "sd_hash": sha256_b64(shown[:-1])}
    from tongban.licenses.jose import compact_sign

    kb = compact_sign(header={"alg": "Ed25519", "typ": "kb+jwt"}, payload=kb_payload, sign=wallet.private.sign)
    assert verify(shown + kb, trust, policy=KB).outcome == Outcome.INVALID_KEY_BINDING


def test_binding_required_of_a_credential_without_cnf_is_refused(issuer, trust):
    wallet = WalletKey()
    shown = sd_jwt_present(issuer.token(), disclose=[], holder_key=wallet.private, audience=AUD, nonce=NONCE)
    assert verify(shown, trust, policy=KB).outcome == Outcome.KEY_BINDING_REQUIRED


def test_every_outcome_has_a_chinese_and_an_english_message():
    assert set(OUTCOME_MESSAGES) == set(Outcome)
    assert all(zh and en for zh, en in OUTCOME_MESSAGES.values())


# --- Properties ------------------------------------------------------------------------------------------

NAMES = sorted(CLAIMS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subset=st.sets(st.sampled_from(NAMES)))
def test_any_subset_of_disclosures_verifies_and_shows_exactly_it(issuer, trust, subset):
    result = verify(sd_jwt_present(issuer.token(), disclose=subset), trust)
    assert result.valid and set(result.disclosed) == subset
    assert all(result.claims[name] == CLAIMS[name] for name in subset)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_changing_any_one_character_never_verifies(issuer, trust, data):
    token = issuer.token()
    i = data.draw(st.integers(0, len(token) - 1))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
    c = data.draw(st.sampled_from([ch for ch in alphabet if ch != token[i]]))
    changed = token[:i] + c + token[i + 1 :]
    # Signature, digests, strict base64url (no unused trailing bits) and the ~ framing leave no one-character
    # change that still verifies.
    assert not verify(changed, trust).valid


def test_a_wallet_receiving_its_licence_refuses_one_with_a_key_binding(trust, bound):
    wallet, token = bound
    issuance = VerifyPolicy(issuance=True)
    assert verify(token, trust, policy=issuance).valid
    shown = sd_jwt_present(token, disclose=["holder_name"], holder_key=wallet.private, audience=AUD, nonce=NONCE)
    assert verify(shown, trust, policy=issuance).outcome == Outcome.MALFORMED


segment = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=40)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    junk=st.one_of(
        st.text(max_size=200),
        st.lists(segment, min_size=1, max_size=6).map("~".join),
        st.lists(segment, min_size=3, max_size=3).map(".".join).map(lambda j: j + "~"),
        st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                     lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
                     max_leaves=8).map(lambda v: b64e(json_bytes(v))).map(lambda p: f"{p}.{p}.{p}~{p}~"),
    )
)  # fmt: skip
def test_arbitrary_input_never_verifies_and_never_reaches_the_catch_all(trust, junk):
    result = verify(junk, trust)
    assert not result.valid and not result.detail.startswith("unexpected"), result.detail


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.dictionaries(
        st.sampled_from(["iss", "vct", "iat", "exp", "nbf", "status", "_sd", "_sd_alg", "cnf", "x"]),
        st.one_of(st.none(), st.booleans(), st.integers(-5, 2**40), st.floats(), st.text(max_size=5),
                  st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.integers())),
    )
)  # fmt: skip
def test_signed_payloads_of_any_shape_are_judged_without_the_catch_all(issuer, trust, payload):
    # Signed by the trusted key: only the claim checks stand between this and a wrong answer.
    result = verify(_signed_with(issuer, {"iss": ISS, "vct": VCT, **payload}, []), trust)
    assert not result.detail.startswith("unexpected"), result.detail


def test_a_status_check_with_nothing_to_answer_it_is_not_valid(issuer, trust):
    token = issuer.token()
    assert sd_jwt_vc_verify(token, trust=trust, status=None, policy=NO_KB).outcome == Outcome.STATUS_UNKNOWN
    unchecked = VerifyPolicy(require_key_binding=False, check_status=False)
    assert sd_jwt_vc_verify(token, trust=trust, status=None, policy=unchecked).valid


@given(
    data=st.binary(max_size=40),
    last=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
)
def test_base64url_is_read_only_in_its_one_canonical_spelling(data, last):
    import base64

    from tongban.licenses.jose import Malformed

    text = b64e(data)
    assert b64d(text) == data
    if not text:
        return
    respelled = text[:-1] + last
    canonical = b64e(base64.urlsafe_b64decode(respelled + "=" * (-len(respelled) % 4))) == respelled
    try:
        b64d(respelled)
    except Malformed:
        assert not canonical
    else:
        assert canonical


def test_a_key_binding_over_the_disclosures_in_another_order_is_refused(trust, bound):
    wallet, token = bound
    shown = sd_jwt_present(
        token, disclose=["holder_name", "address"], holder_key=wallet.private, audience=AUD, nonce=NONCE
    )
    jwt, ds, kb = parts(shown)
    assert verify(shown, trust, policy=KB).valid
    reordered = "~".join([jwt, *reversed(ds)]) + "~" + kb
    assert verify(reordered, trust, policy=KB).outcome == Outcome.INVALID_KEY_BINDING


@pytest.mark.parametrize("header", [{"alg": "Ed25519", "typ": "JWT"}, {"alg": "EdDSA", "typ": "kb+jwt"},
                                    {"alg": "Ed25519", "typ": "kb+jwt", "jwk": {"kty": "OKP"}}])  # fmt: skip
def test_a_key_binding_jwt_with_the_wrong_typ_alg_or_its_own_key_is_refused(trust, bound, header):
    from tongban.licenses.jose import compact_sign

    wallet, token = bound
    shown = sd_jwt_present(token, disclose=["holder_name"])
    kb_payload = {"iat": int(time.time()), "aud": AUD, "nonce": NONCE, "sd_hash": sha256_b64(shown)}
    kb = compact_sign(header=header, payload=kb_payload, sign=wallet.private.sign)
    assert verify(shown + kb, trust, policy=KB).outcome == Outcome.INVALID_KEY_BINDING


# --- What the verifier keeps between tokens (issue 6's offline verification rate) --------------------------


def test_a_cached_issuer_key_never_stands_in_for_the_trust_lists_answer(issuer, trust):
    token = issuer.token()
    assert verify(token, trust).valid  # the issuer's public key is now imported and cached by its bytes
    impostor = Issuer(kid=KID)  # the same kid, another key: the key the trust list gives decides
    rotated = StubTrust(impostor)
    assert verify(token, rotated).outcome == Outcome.INVALID_SIGNATURE
    assert verify(impostor.token(), rotated).valid and verify(impostor.token(), trust).outcome == (
        Outcome.INVALID_SIGNATURE
    )
    assert verify(token, StubTrust()).outcome == Outcome.UNKNOWN_KEY  # dropped from the list: cached or not
    assert verify(token, trust).valid


def test_a_cached_header_is_each_callers_own_and_only_ever_its_own_spelling(issuer, trust):
    from tongban.licenses.jose import compact_split

    token = issuer.token()
    jwt = token.split("~")[0]
    header, _ = compact_split(jwt)
    header["alg"], header["jwk"] = "none", issuer.jwk  # a caller changing its copy changes no one else's
    assert compact_split(jwt)[0] == {"alg": "Ed25519", "typ": "dc+sd-jwt", "kid": KID}
    assert verify(token, trust).valid
    for bad, outcome in (({"alg": "none", "typ": "dc+sd-jwt", "kid": KID}, Outcome.ALG_NOT_ALLOWED),
                         ({"alg": "Ed25519", "typ": "JWT", "kid": KID}, Outcome.WRONG_TYP),
                         ({"alg": "Ed25519", "typ": "dc+sd-jwt", "kid": KID, "jwk": issuer.jwk},
                          Outcome.HEADER_KEY_REFUSED)):  # fmt: skip
        for _ in range(2):  # refused the first time and again once the verifier has seen the header
            assert verify(_with_header(issuer, bad), trust).outcome == outcome
    assert verify(token, trust).valid


def test_the_result_of_a_status_check_is_the_one_the_dataclass_builds():
    import dataclasses
    from datetime import UTC, datetime

    from tongban.licenses.sdjwt import StatusAnswer, VerifyResult, _result

    state = StatusAnswer(1, as_of=datetime.now(UTC), source="cache", stale=True, detail="refresh failed")
    fast = _result(Outcome.REVOKED, state.detail, ISS, KID, VCT, {"holder_name": "张三"}, ("holder_name",), True, state)
    built = VerifyResult(
        Outcome.REVOKED, state.detail, ISS, KID, VCT, claims={"holder_name": "张三"}, disclosed=("holder_name",),
        key_bound=True, status_as_of=state.as_of, status_source="cache", status_stale=True,
    )  # fmt: skip
    assert fast == built and vars(fast) == vars(built)
    assert set(vars(fast)) == {f.name for f in dataclasses.fields(VerifyResult)}  # a new field must be set too
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.outcome = Outcome.VALID  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "value"),
    [(b'{"a":[1,"x"]}', {"a": [1, "x"]}), (b' {"a":1}\n', {"a": 1}), (b'["s","n",2]', ["s", "n", 2]),
     (b'{"a":1,"a":2}', None), (b'{"a":{"b":1,"b":1}}', None), (b"NaN", None), (b'{"a":-Infinity}', None),
     (b'{"a":1}x', None), (b'{"a":1} {}', None), ("\ufeff{}".encode(), None), (b"", None), (b"\xff", None)],
)  # fmt: skip
def test_json_is_read_strictly_with_or_without_whitespace_around_it(raw, value):
    from tongban.licenses.jose import Malformed, json_value

    if value is None:
        with pytest.raises(Malformed):
            json_value(raw, what="test")
    else:
        assert json_value(raw, what="test") == value
