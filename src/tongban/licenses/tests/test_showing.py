"""亮证 and 扫码核验: a QR code discloses only the ticked fields (and those that must be shown), works once and
for a minute; an expired, replayed or unknown one is told apart from a revoked licence; a pasted presentation
is verified; bad input on the verifier page is a page that says so, never a crash."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.audit import audit_list_for_subject
from tongban.core.errors import InvalidInput
from tongban.identity.tests.factories import person_with_account
from tongban.licenses import services, showing
from tongban.licenses.models import ShowToken

pytestmark = pytest.mark.django_db


def _ref(page: str) -> str:
    return re.search(r"/v/([0-9a-f]{32})", page).group(1)


def test_showing_two_ticked_fields_discloses_those_and_the_ones_that_must_be_shown(issue, business_type):
    licence = issue()
    token = showing.licence_show(licence=licence, fields=["address", "business_scope"])
    scan = showing.show_redeem(ref=token.ref, verifier="public")
    assert scan.valid
    must = {f["name"] for f in business_type.fields if not f.get("disclosable", True)}
    assert set(scan.result.disclosed) == {*showing.ALWAYS_SHOWN, "address", "business_scope", *must}
    assert "legal_representative" not in scan.result.claims or "legal_representative" in must


def test_a_qr_code_works_once_and_for_a_minute(issue):
    licence = issue()
    once = showing.licence_show(licence=licence, fields=[])
    assert showing.show_redeem(ref=once.ref, verifier="public").valid
    assert showing.show_redeem(ref=once.ref, verifier="public").outcome == showing.ShowOutcome.REPLAYED_QR
    late = showing.licence_show(licence=licence, fields=[])
    ShowToken.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert showing.show_redeem(ref=late.ref, verifier="public").outcome == showing.ShowOutcome.EXPIRED_QR
    assert showing.show_redeem(ref="0" * 32, verifier="public").outcome == showing.ShowOutcome.UNKNOWN_QR


def test_a_revoked_licence_shown_scans_as_revoked_and_the_holder_sees_the_scan(issue, reviewer):
    licence = issue()
    token = showing.licence_show(licence=licence, fields=["address"])
    services.licence_revoke(licence=licence, actor=reviewer, reason="吊销")
    scan = showing.show_redeem(ref=token.ref, verifier="public")
    assert not scan.valid and scan.result.outcome == "revoked" and "撤销" in scan.message_zh
    [use] = [e for e in audit_list_for_subject(subject=licence.holder_code) if e.action == "licence.shown"]
    assert "住所" in use.data["elements"] or "address" in use.data["elements"]


def test_an_unknown_field_is_refused(issue):
    with pytest.raises(InvalidInput) as refused:
        showing.licence_show(licence=issue(), fields=["password"])
    assert "password" in str(refused.value)


def test_the_pages_show_a_qr_and_the_verifier_sees_the_result_once(client, owner, issue):
    licence = issue()
    client.force_login(owner.user)
    page = client.post(f"/account/licences/{licence.identifier}/show", {"field": ["address"]}).content.decode()
    assert "<svg" in page and "60 秒内有效" in page
    ref = _ref(page)
    client.logout()
    result = client.get(f"/v/{ref}").content.decode()
    assert "证照有效" in result and licence.fields["address"] in result
    assert licence.fields["business_scope"] not in result  # not ticked
    again = client.get(f"/v/{ref}")
    assert again.status_code == 410 and "不能重复使用" in again.content.decode()


def test_the_verifier_page_takes_an_address_or_a_presentation_and_refuses_junk(client, issue):
    licence = issue()
    token = showing.licence_show(licence=licence, fields=[])
    by_address = client.post("/verify/", {"token": f"https://tongban.example/v/{token.ref}"}).content.decode()
    assert "证照有效" in by_address
    by_paste = client.post("/verify/", {"token": token.presentation}).content.decode()
    assert "证照有效" in by_paste
    tampered = token.presentation[:40] + ("A" if token.presentation[40] != "A" else "B") + token.presentation[41:]
    assert "证照有效" not in client.post("/verify/", {"token": tampered}).content.decode()
    for junk in ("", "not a token", "~~~", "x" * 30_000, "eyJhbGciOiJub25lIn0.e30.~"):
        response = client.post("/verify/", {"token": junk})
        assert response.status_code in (200, 400) and "证照有效" not in response.content.decode()


def test_someone_else_cannot_show_my_licence(client, issue):
    licence = issue()
    client.force_login(person_with_account(name="路人乙").user)
    assert client.post(f"/account/licences/{licence.identifier}/show", {"field": []}).status_code == 404
