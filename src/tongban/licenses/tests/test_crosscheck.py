"""Cross-check with an independent implementation (openvc-core, test-only): it verifies what we issue, we verify
what it issues, and both read our status lists the same way. The same bytes judged by two codebases."""

from __future__ import annotations

import json

import pytest
from openvc import Ed25519SigningKey
from openvc.proof.sd_jwt import SdJwtVcProofSuite
from openvc.status.token_status_list import decode_status_list, get_status

from tongban.licenses import selectors, services
from tongban.licenses.jose import b64d
from tongban.licenses.models import SealKey, StatusList
from tongban.licenses.sdjwt import Outcome, VerifyPolicy, sd_jwt_present, sd_jwt_vc_verify
from tongban.licenses.tests.factories import WalletKey
from tongban.licenses.tests.tokens import CLAIMS, ISS, KID, URI, VCT, FixedStatus, Issuer, StubTrust

AUD, NONCE = "verifier:openvc", "n-cross-1"
suite = SdJwtVcProofSuite()


def _issuer_jwk(licence):
    return SealKey.objects.get(kid=licence.kid).public_jwk


def test_openvc_verifies_our_licence_with_every_field(issue):
    licence = issue()
    verified = suite.verify(licence.token, public_key_jwk=_issuer_jwk(licence), expected_vct=None)
    assert verified.typ == "dc+sd-jwt" and verified.vct == selectors.vct_url(licence.licence_type)
    assert verified.claims["licence_id"] == licence.identifier
    assert verified.claims["enterprise_name"] == licence.fields["enterprise_name"]
    assert verified.claims["status"]["status_list"]["idx"] == licence.status_idx


def test_openvc_verifies_our_selective_presentation_with_key_binding(issue, wallet):
    licence = issue()
    shown = sd_jwt_present(
        licence.token, disclose=["holder_name"], holder_key=wallet.private, audience=AUD, nonce=NONCE
    )
    verified = suite.verify(
        shown, public_key_jwk=_issuer_jwk(licence), audience=AUD, nonce=NONCE, require_key_binding=True
    )
    assert verified.key_bound and verified.claims["holder_name"] == licence.holder_name
    assert "address" not in verified.claims and "licence_id" not in verified.claims


def test_openvc_refuses_what_we_refuse_a_tampered_disclosure(issue):
    from openvc.errors import OpenvcError

    licence = issue()
    jwt, first, *rest = licence.token.split("~")
    other = issue(number="91990101MA0000000X").token.split("~")[1]
    with pytest.raises(OpenvcError):
        suite.verify("~".join([jwt, other, *rest]), public_key_jwk=_issuer_jwk(licence))
    result = selectors.licence_verify(presentation="~".join([jwt, other, *rest]),
                                      policy=VerifyPolicy(require_key_binding=False))  # fmt: skip
    assert result.outcome == Outcome.TAMPERED_DISCLOSURE and first


def test_we_verify_an_sd_jwt_vc_that_openvc_issued():
    issuer = Issuer()
    key = Ed25519SigningKey(issuer.private, kid=KID, alg="Ed25519")
    wallet = WalletKey()
    token = suite.issue(
        {"iss": ISS, "status": {"status_list": {"idx": 3, "uri": URI}}, **CLAIMS},
        signing_key=key, disclosable=list(CLAIMS), holder_jwk=wallet.jwk, vct=VCT, expires_in_s=600, decoys=2,
    )  # fmt: skip
    holder = Ed25519SigningKey(wallet.private, kid="wallet", alg="Ed25519")
    presented = suite.create_presentation(token, holder_key=holder, audience=AUD, nonce=NONCE)
    result = sd_jwt_vc_verify(
        presented, trust=StubTrust(issuer), status=FixedStatus(0), policy=VerifyPolicy(audience=AUD, nonce=NONCE)
    )
    assert result.outcome == Outcome.VALID, result.detail
    assert result.key_bound and {k: result.claims[k] for k in CLAIMS} == CLAIMS


def test_we_refuse_openvcs_deprecated_eddsa_name():
    issuer = Issuer()
    token = suite.issue(
        {"iss": ISS, "status": {"status_list": {"idx": 3, "uri": URI}}, **CLAIMS},
        signing_key=Ed25519SigningKey(issuer.private, kid=KID), disclosable=list(CLAIMS), vct=VCT,
    )  # fmt: skip
    result = sd_jwt_vc_verify(
        token, trust=StubTrust(issuer), status=None, policy=VerifyPolicy(require_key_binding=False)
    )
    assert result.outcome == Outcome.ALG_NOT_ALLOWED  # RFC 9864: EdDSA is deprecated, we accept Ed25519 only


def test_openvc_reads_our_status_list_as_we_do(issue, reviewer):
    revoked, suspended, fine = issue(number="A"), issue(number="B"), issue(number="C")
    services.licence_revoke(licence=revoked, actor=reviewer, reason="注销")
    services.licence_suspend(licence=suspended, actor=reviewer, reason="暂扣")
    token = services.status_list_sign(status_list=StatusList.objects.get())
    payload = json.loads(b64d(token.split(".")[1]))
    data = decode_status_list(payload["status_list"]["lst"])
    bits = payload["status_list"]["bits"]
    assert [get_status(data, x.status_idx, bits=bits) for x in (revoked, suspended, fine)] == [1, 2, 0]
