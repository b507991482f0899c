"""Issuing a licence and every later change: one row per change, the status list in step, tokens that verify."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tongban.core.errors import Conflict, InvalidInput, PermissionDenied
from tongban.core.models import AuditEntry
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, PersonFactory, staff_with_roles
from tongban.licenses import selectors, services
from tongban.licenses.codes import LicenceState, SealKeyState, ValidityKind
from tongban.licenses.identifier import identifier_parse
from tongban.licenses.jose import b64d
from tongban.licenses.models import LicenceEvent, SealKey, StatusList
from tongban.licenses.sdjwt import Outcome, VerifyPolicy, sd_jwt_present
from tongban.licenses.services import LicenceFieldsInvalid, LicenceTransitionRefused
from tongban.licenses.statuslist import status_get, status_list_token_verify
from tongban.licenses.tests.factories import MARRIAGE_CERTIFICATE, LicenceTypeFactory, business_fields

AUD, NONCE = "verifier:window-1", "nonce-1"
POLICY = VerifyPolicy(audience=AUD, nonce=NONCE)
NO_KB = VerifyPolicy(require_key_binding=False)


def show(licence, wallet, *names, **kw):
    return sd_jwt_present(
        licence.token, disclose=names or ["holder_name", "licence_id"], holder_key=wallet.private, audience=AUD,
        nonce=NONCE, **kw,
    )  # fmt: skip


def bit(licence):
    lst = StatusList.objects.get(pk=licence.status_list_id)
    return status_get(bytes(lst.data), licence.status_idx, bits=lst.bits)


def test_an_issued_licence_has_a_checked_identifier_a_token_and_its_first_row(issue, firm, amr, wallet):
    licence = issue()
    parsed = identifier_parse(licence.identifier)
    assert (parsed.type_code, parsed.issuer_code, parsed.version) == ("11100000000013338W011", amr.credit_code, 1)
    assert (licence.holder_name, licence.holder_code, licence.holder_code_type) == (firm.name, firm.credit_code, "001")
    assert licence.valid_until is None  # the business licence is 长期有效
    [event] = selectors.licence_history(licence=licence)
    assert (event.from_state, event.to_state, event.data["kid"]) == ("", LicenceState.ISSUED, licence.kid)
    assert bit(licence) == 0
    assert AuditEntry.objects.filter(action="licenses.issued", object_id=licence.identifier).exists()
    result = selectors.licence_verify(presentation=show(licence, wallet), policy=POLICY)
    assert result.outcome == Outcome.VALID, result.detail
    assert result.claims["licence_id"] == licence.identifier and result.claims["holder_name"] == firm.name
    assert result.iss == f"https://tongban.example/issuers/{amr.region.code}"


def test_the_token_carries_the_licence_and_the_type_fields_as_disclosures(issue, wallet):
    licence = issue()
    result = selectors.licence_verify(presentation=licence.token, policy=NO_KB)
    assert result.valid
    for name in ("licence_number", "issuer_code", "region_code", "issued_on", "valid_from", "trust_level",
                 "enterprise_name", "business_scope", "registered_capital", "established_on"):  # fmt: skip
        assert name in result.disclosed
    assert result.claims["registered_capital"] == 500 and result.claims["valid_until"] is None
    payload = json.loads(b64d(licence.token.split("~")[0].split(".")[1]))
    assert payload["cnf"] == {"jwk": wallet.jwk} and "exp" not in payload
    assert payload["status"]["status_list"] == {
        "idx": licence.status_idx,
        "uri": f"https://tongban.example/status/{licence.department.region.code}/1",
    }


def test_the_first_licence_of_a_department_makes_its_key_and_the_next_reuse_it(issue, amr):
    first, second = issue(), issue(number="91990101MA7654321X")
    assert first.kid == second.kid == SealKey.objects.get(department=amr, state=SealKeyState.ACTIVE).kid


def test_status_indices_are_random_and_distinct(issue):
    licences = [issue(number=f"N{i}") for i in range(20)]
    indices = [lic.status_idx for lic in licences]
    assert len(set(indices)) == 20 and indices != sorted(indices)
    assert StatusList.objects.get().allocated == 20


def test_suspend_and_resume_move_the_status_and_keep_every_row(issue, reviewer, wallet):
    licence = issue()
    services.licence_suspend(licence=licence, actor=reviewer, reason="涉嫌违法经营，暂扣营业执照")
    assert bit(licence) == 2
    assert selectors.licence_verify(presentation=show(licence, wallet), policy=POLICY).outcome == Outcome.SUSPENDED
    services.licence_resume(licence=licence, actor=reviewer, reason="整改完毕")
    assert bit(licence) == 0
    assert selectors.licence_verify(presentation=show(licence, wallet), policy=POLICY).valid
    rows = [(e.from_state, e.to_state, e.reason) for e in selectors.licence_history(licence=licence)]
    assert rows == [
        ("", "issued", ""),
        ("issued", "suspended", "涉嫌违法经营，暂扣营业执照"),
        ("suspended", "issued", "整改完毕"),
    ]


def test_a_revoked_licence_verifies_as_revoked_and_cannot_come_back(issue, reviewer, wallet):
    licence = issue()
    services.licence_revoke(licence=licence, actor=reviewer, reason="依法吊销")
    assert bit(licence) == 1
    assert selectors.licence_verify(presentation=show(licence, wallet), policy=POLICY).outcome == Outcome.REVOKED
    with pytest.raises(LicenceTransitionRefused) as refused:
        services.licence_resume(licence=licence, actor=reviewer)
    assert refused.value.extra["current_state"] == "revoked"
    with pytest.raises(LicenceTransitionRefused):
        services.licence_suspend(licence=licence, actor=reviewer, reason="x")


def test_history_rows_are_append_only(issue):
    event = selectors.licence_history(licence=issue())[0]
    event.reason = "edited"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_suspending_or_revoking_needs_a_reason(issue, reviewer):
    with pytest.raises(InvalidInput):
        services.licence_revoke(licence=issue(), actor=reviewer, reason=" ")


def test_replacement_is_the_next_version_and_the_old_one_stops(issue, reviewer, wallet):
    old = issue()
    new = services.licence_replace(
        licence=old, actor=reviewer, reason="变更住所", fields={"address": "示范市明德区港湾路1号"}
    )
    old.refresh_from_db()
    assert old.state == LicenceState.REPLACED and bit(old) == 1
    assert (new.serial, new.version, new.replaces_id) == (old.serial, 2, old.pk)
    assert identifier_parse(new.identifier).version == 2 and new.identifier != old.identifier
    assert (
        new.fields["address"] == "示范市明德区港湾路1号"
        and new.fields["business_scope"] == old.fields["business_scope"]
    )
    assert new.status_idx != old.status_idx
    assert selectors.licence_verify(presentation=show(old, wallet), policy=POLICY).outcome == Outcome.REVOKED
    shown = show(new, wallet, "address", "replaces")
    result = selectors.licence_verify(presentation=shown, policy=POLICY)
    assert result.valid and result.claims["replaces"] == old.identifier
    assert [e.to_state for e in selectors.licence_history(licence=old)] == ["issued", "replaced"]


def test_licences_sealed_with_a_retired_key_still_verify(issue, operator, amr, wallet):
    old = issue()
    services.seal_key_rotate(actor=operator, department=amr, reason="年度轮换")
    new = issue(number="N2")
    assert new.kid != old.kid
    assert SealKey.objects.get(kid=old.kid).state == SealKeyState.RETIRED
    assert selectors.licence_verify(presentation=show(old, wallet), policy=POLICY).valid
    assert selectors.licence_verify(presentation=show(new, wallet), policy=POLICY).valid


def test_a_key_of_another_department_in_the_region_is_the_wrong_issuer(issue, operator, amr, wallet):
    licence = issue()
    other = DepartmentFactory(name="示范市民政局", region=amr.region)
    other_key = services.seal_key_rotate(actor=operator, department=other)
    from tongban.licenses.sdjwt import sd_jwt_vc_build
    from tongban.licenses.seal import seal_for

    payload = json.loads(b64d(licence.token.split("~")[0].split(".")[1]))
    forged = sd_jwt_vc_build(
        iss=payload["iss"], vct=payload["vct"], kid=other_key.kid, claims={"holder_name": "张三"},
        sign=lambda data: seal_for(other_key).sign(kid=other_key.kid, data=data), iat=int(time.time()), exp=None,
        status=payload["status"], holder_jwk=None,
    )  # fmt: skip
    assert selectors.licence_verify(presentation=forged, policy=NO_KB).outcome == Outcome.WRONG_ISSUER


def test_validity_in_years_ends_the_day_before_the_anniversary(operator, amr, wallet):
    marriage = LicenceTypeFactory(
        code=MARRIAGE_CERTIFICATE, department=amr, holder_kind="person", validity_kind=ValidityKind.YEARS,
        validity_years=5, fields=[{"name": "spouse_name", "label": "配偶姓名", "type": "text", "required": True,
                                   "disclosable": True}],
    )  # fmt: skip
    clerk = staff_with_roles([Role.REVIEWER], department=amr, username="rev2", mobile="13700000012")
    licence = services.licence_issue(
        licence_type=marriage, holder=PersonFactory(), number="J990101-2026-000123", fields={"spouse_name": "李四"},
        actor=clerk, valid_from=date(2026, 5, 22), issued_on=date(2026, 5, 22), holder_jwk=wallet.jwk,
    )  # fmt: skip
    assert licence.valid_until == date(2031, 5, 21) and licence.holder_code_type == "111"
    payload = json.loads(b64d(licence.token.split("~")[0].split(".")[1]))
    assert payload["exp"] == int(timezone.datetime(2031, 5, 22, tzinfo=services.TZ).timestamp())


def test_expiry_run_marks_licences_past_their_date(amr, reviewer, firm, wallet):
    fixed = LicenceTypeFactory(code="11100000000013338W100", department=amr, validity_kind=ValidityKind.PER_LICENCE)
    today = timezone.localdate()
    licence = services.licence_issue(
        licence_type=fixed, holder=firm, number="F1", fields=business_fields(), actor=reviewer,
        valid_from=today - timedelta(days=30), valid_until=today - timedelta(days=1), holder_jwk=wallet.jwk,
    )  # fmt: skip
    assert selectors.licence_verify(presentation=show(licence, wallet), policy=POLICY).outcome == Outcome.EXPIRED
    assert services.licences_expire(today=today) == 1
    licence.refresh_from_db()
    assert licence.state == LicenceState.EXPIRED and bit(licence) == 1
    assert LicenceEvent.objects.filter(licence=licence, to_state="expired", actor="system:expiry").exists()
    assert services.licences_expire(today=today) == 0


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        (business_fields(address=""), "住所"),
        (business_fields(colour="red"), "colour"),
        (business_fields(established_on="2024-13-01"), "日期"),
        (business_fields(registered_capital="五百"), "数字"),
    ],
)
def test_fields_that_do_not_fit_the_type_are_refused(issue, fields, why):
    with pytest.raises(LicenceFieldsInvalid, match=why):
        issue(fields=fields)


def test_a_licence_for_enterprises_is_not_issued_to_a_person(issue):
    with pytest.raises(LicenceFieldsInvalid, match="持证主体"):
        issue(holder=PersonFactory())


def test_a_private_or_non_ed25519_wallet_key_is_refused(issue, wallet):
    with pytest.raises(LicenceFieldsInvalid):
        issue(holder_jwk={**wallet.jwk, "d": "secret"})
    with pytest.raises(LicenceFieldsInvalid):
        issue(holder_jwk={"kty": "EC", "crv": "P-256", "x": "a", "y": "b"})


def test_only_the_issuing_departments_reviewers_or_a_system_task_issue(issue, operator):
    other = staff_with_roles(
        [Role.REVIEWER], department=DepartmentFactory(), username="rev-other", mobile="13700000013"
    )
    with pytest.raises(PermissionDenied):
        issue(actor=other)
    with pytest.raises(PermissionDenied):
        issue(actor=operator)
    assert issue(actor="system:case-result").state == LicenceState.ISSUED


def test_a_serial_is_not_issued_twice(issue):
    issue(serial="2026000123")
    with pytest.raises(Conflict):
        issue(serial="2026000123")


def test_the_published_status_list_says_what_the_licences_say(issue, reviewer, amr):
    revoked, suspended, fine = issue(number="A"), issue(number="B"), issue(number="C")
    services.licence_revoke(licence=revoked, actor=reviewer, reason="注销")
    services.licence_suspend(licence=suspended, actor=reviewer, reason="暂扣")
    lst = StatusList.objects.get()
    token = services.status_list_sign(status_list=lst)
    verified = status_list_token_verify(
        token, uri=selectors.status_uri(lst), issuer=selectors.issuer_url(amr.region), trust=selectors.LocalTrust()
    )
    assert (verified.bits, len(verified.data)) == (2, 131072 * 2 // 8)
    assert [verified.get(x.status_idx) for x in (revoked, suspended, fine)] == [1, 2, 0]
    assert json.loads(b64d(token.split(".")[0])) == {
        "alg": "Ed25519",
        "typ": "statuslist+jwt",
        "kid": verified_kid(lst),
    }


def verified_kid(lst):
    return SealKey.objects.get(region=lst.region, department=None, state=SealKeyState.ACTIVE).kid


def test_a_department_key_cannot_sign_the_regions_status_list(issue, amr):
    licence = issue()
    lst = StatusList.objects.get()
    key = SealKey.objects.get(department=amr)
    from tongban.licenses.seal import seal_for
    from tongban.licenses.statuslist import StatusListInvalid, status_list_token_build

    now = int(time.time())
    token = status_list_token_build(
        iss=selectors.issuer_url(amr.region), uri=selectors.status_uri(lst), kid=key.kid, bits=2,
        data=bytes(lst.data), iat=now, exp=now + 600, ttl=60,
        sign=lambda data: seal_for(key).sign(kid=key.kid, data=data),
    )  # fmt: skip
    with pytest.raises(StatusListInvalid, match="wrong_issuer"):
        status_list_token_verify(
            token, uri=selectors.status_uri(lst), issuer=selectors.issuer_url(amr.region), trust=selectors.LocalTrust()
        )
    assert licence.status_list_id == lst.pk


def test_the_wallet_lists_the_holders_current_licences(issue, firm, reviewer):
    kept, gone = issue(number="K"), issue(number="G")
    services.licence_revoke(licence=gone, actor=reviewer, reason="注销")
    assert list(selectors.licence_list_for_holder(holder=firm)) == [kept]
    assert set(selectors.licence_list_for_holder(holder=firm, include_ended=True)) == {kept, gone}
    assert selectors.licence_get(identifier=kept.identifier.lower()) == kept


def test_a_holder_reaches_only_their_own_licences(issue, firm):
    from tongban.core.errors import NotFound
    from tongban.identity.tests.factories import EnterpriseFactory

    licence = issue()
    assert selectors.licence_get_for_holder(holder=firm, identifier=licence.identifier) == licence
    with pytest.raises(NotFound):
        selectors.licence_get_for_holder(holder=EnterpriseFactory(), identifier=licence.identifier)


def test_the_licence_that_replaces_a_material_is_a_current_one(issue, firm, reviewer):
    assert selectors.licence_for_material(holder=firm, material_name="营业执照") is None
    first = issue(number="A", issued_on=timezone.localdate() - timedelta(days=3))
    newer = issue(number="B")
    assert selectors.licence_for_material(holder=firm, material_name="营业执照") == newer
    services.licence_suspend(licence=newer, actor=reviewer, reason="暂扣")
    assert selectors.licence_for_material(holder=firm, material_name="营业执照") == first
    assert selectors.licence_for_material(holder=firm, material_name="食品经营许可证") is None
