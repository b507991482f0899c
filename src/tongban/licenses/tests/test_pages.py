"""我的证照 (the wallet), the public check page behind a printed licence's QR code, and what the platform
publishes for verifiers that know only the standards: issuer metadata, type metadata and the status list —
read here by openvc-core, an independent implementation, from our URLs alone."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest
from django.core.cache import cache
from openvc.proof.sd_jwt import SdJwtVcProofSuite
from openvc.status.token_status_list import decode_status_list, get_status

from tongban.identity.tests.factories import person_with_account
from tongban.licenses import pdfsign, services
from tongban.licenses.jose import b64d

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return urlparse(url).path


def test_the_wallet_lists_the_firms_licences_for_its_representative_and_opens_one(client, owner, issue):
    licence = issue()
    client.force_login(owner.user)
    page = client.get("/account/licences/").content.decode()
    assert "我的证照" in page and licence.licence_type.name in page and licence.number in page
    detail = client.get(f"/account/licences/{licence.identifier}/").content.decode()
    assert licence.fields["enterprise_name"] in detail and "签发" in detail
    pdf = client.get(f"/account/licences/{licence.identifier}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf["Cache-Control"] == "private, no-store"
    assert pdfsign.pdf_signature_check(pdf=pdf.content).valid


def test_someone_elses_licence_is_not_found_by_url(client, issue):
    licence = issue()
    client.force_login(person_with_account(name="路人甲").user)
    assert client.get(f"/account/licences/{licence.identifier}/").status_code == 404
    assert client.get(f"/account/licences/{licence.identifier}/pdf").status_code == 404
    assert client.get("/account/licences/1.2.156.3005.2.X/").status_code == 404


def test_the_wallet_needs_a_login(client, issue):
    response = client.get("/account/licences/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_public_check_page_says_current_or_not_and_masks_the_holder(client, issue, reviewer):
    licence = issue()
    page = client.get(f"/v/licence/{licence.identifier}").content.decode()
    assert "该证照真实有效" in page and licence.holder_name not in page and licence.department.name in page
    assert licence.fields["address"] not in page  # nothing beyond what checking needs
    services.licence_revoke(licence=licence, actor=reviewer, reason="注销")
    assert "不能作为有效证照使用" in client.get(f"/v/licence/{licence.identifier}").content.decode()
    missing = client.get("/v/licence/1.2.156.3005.2.NOPE")
    assert missing.status_code == 404 and "未找到该证照" in missing.content.decode()


def test_a_standards_only_verifier_finds_the_key_and_the_status_at_the_urls_the_token_names(client, issue, reviewer):
    licence = issue()
    suite = SdJwtVcProofSuite()
    header, payload = (json.loads(b64d(part)) for part in licence.token.split("~")[0].split(".")[:2])
    metadata = client.get(f"/.well-known/jwt-vc-issuer{_path(payload['iss'])}").json()
    assert metadata["issuer"] == payload["iss"]
    [jwk] = [k for k in metadata["jwks"]["keys"] if k["kid"] == header["kid"]]
    verified = suite.verify(licence.token, public_key_jwk=jwk, expected_vct=payload["vct"])
    assert verified.claims["licence_id"] == licence.identifier
    type_metadata = client.get(_path(payload["vct"])).json()
    assert type_metadata["vct"] == payload["vct"] and type_metadata["name"] == licence.licence_type.name
    ref = payload["status"]["status_list"]
    listed = client.get(_path(ref["uri"]))
    assert listed["Content-Type"] == "application/statuslist+jwt"
    body = json.loads(b64d(listed.content.decode().split(".")[1]))
    assert body["sub"] == ref["uri"]
    assert get_status(decode_status_list(body["status_list"]["lst"]), ref["idx"], bits=2) == 0
    services.licence_revoke(licence=licence, actor=reviewer, reason="注销")
    cache.clear()  # the list is re-signed at most once a minute
    body = json.loads(b64d(client.get(_path(ref["uri"])).content.decode().split(".")[1]))
    assert get_status(decode_status_list(body["status_list"]["lst"]), ref["idx"], bits=2) == 1


def test_unknown_issuers_types_and_lists_are_404(client, issue):
    issue()
    assert client.get("/.well-known/jwt-vc-issuer/issuers/000000").status_code == 404
    assert client.get("/vct/11100000000013338W999/1").status_code == 404
    assert client.get("/status/000000/1").status_code == 404
