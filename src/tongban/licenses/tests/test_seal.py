"""Seal keys: one active key per issuing department, rotatable; private halves sealed under the KEK."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tongban.core.errors import ConfigError
from tongban.core.plugins import all_registries
from tongban.licenses import selectors, services
from tongban.licenses.codes import SealKeyState
from tongban.licenses.models import SealKey
from tongban.licenses.seal import Seal, seal_for, seals


def _public(jwk):
    return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(jwk["x"] + "=="))


def test_seal_is_one_registry_with_the_ed25519_default():
    assert all_registries["seal"] is seals
    assert "ed25519" in seals.ids()
    assert seals.load().algorithm == "Ed25519"


def test_rotation_retires_the_old_key_which_stays_published(operator, amr):
    first = services.seal_key_rotate(actor=operator, department=amr)
    second = services.seal_key_rotate(actor=operator, department=amr, reason="年度轮换")
    first.refresh_from_db()
    assert first.kid == f"{amr.region.code}-{first.created_at.year}-1" and second.kid.endswith("-2")
    assert (first.state, second.state) == (SealKeyState.RETIRED, SealKeyState.ACTIVE)
    assert first.retired_at is not None
    assert [k["kid"] for k in selectors.issuer_jwks(region=amr.region)["keys"]] == [first.kid, second.kid]


def test_a_signature_verifies_with_the_published_public_key(operator, amr):
    key = services.seal_key_rotate(actor=operator, department=amr)
    signature = seal_for(key).sign(kid=key.kid, data=b"payload")
    _public(key.public_jwk).verify(signature, b"payload")
    assert seal_for(key).public_jwk(kid=key.kid) == key.public_jwk


def test_the_private_key_is_sealed_and_never_shown(operator, amr):
    key = services.seal_key_rotate(actor=operator, department=amr)
    sealed = bytes(SealKey.objects.get(pk=key.pk).private_sealed)
    assert len(sealed) == 12 + 32 + 16  # nonce, Ed25519 seed, GCM tag
    assert "private" not in repr(key) and "d" not in key.public_jwk
    assert key.kid in repr(key)


def test_a_sealed_key_does_not_open_under_another_kek_or_on_another_row(operator, amr, settings, tmp_path):
    key = services.seal_key_rotate(actor=operator, department=amr)
    other = tmp_path / "other.key"
    other.write_text(base64.urlsafe_b64encode(b"k" * 32).rstrip(b"=").decode())
    settings.LICENCE_SEAL_KEK_FILE = other
    with pytest.raises(ConfigError, match="key-encryption"):
        seal_for(key).sign(kid=key.kid, data=b"x")


def test_production_without_a_kek_is_a_config_error(operator, amr, settings):
    settings.DEMO_MODE = False
    with pytest.raises(ConfigError, match="LICENCE_SEAL_KEK"):
        seals.load("ed25519").check_config()


def test_a_kek_of_the_wrong_length_is_refused(settings):
    settings.LICENCE_SEAL_KEK = "c2hvcnQ"
    with pytest.raises(ConfigError, match="32"):
        seals.load("ed25519").check_config()


def test_the_interface_admits_another_backend_by_kid_alone():
    # What an SM2 or PKCS#11 backend implements: it holds its keys by kid, the rows keep no private half.
    assert {"generate", "sign", "public_jwk"} <= set(vars(Seal))


def test_only_operators_rotate_keys(reviewer, amr):
    from tongban.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.seal_key_rotate(actor=reviewer, department=amr)


def test_a_retired_key_loses_its_private_half_and_can_sign_no_more(operator, amr):
    from tongban.core.errors import NotFound

    first = services.seal_key_rotate(actor=operator, department=amr)
    services.seal_key_rotate(actor=operator, department=amr)
    first.refresh_from_db()
    assert bytes(first.private_sealed) == b""
    with pytest.raises(NotFound):
        seal_for(first).sign(kid=first.kid, data=b"backdated")
    assert seal_for(first).public_jwk(kid=first.kid) == first.public_jwk  # still published
