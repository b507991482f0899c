"""The `seal` registry: who signs for an issuer (DESIGN §4). Callers see `sign(kid, data)` and `public_jwk(kid)`
only, so an SM2/SM3 or PKCS#11 HSM backend can be added (GB/T 39786) without touching them.

The default backend "ed25519" (pyca/cryptography) keeps each private key in its SealKey row, sealed with
AES-256-GCM under a key-encryption key (KEK) that never enters the database: LICENCE_SEAL_KEK from the
environment (base64url of 32 bytes), else the file LICENCE_SEAL_KEK_FILE, else — in demo mode only — a file
created on first use, as conf.keys does for the OIDC key. The kid is the AES-GCM associated data, so a
sealed key copied onto another row does not open.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from tongban.core.errors import ConfigError, NotFound
from tongban.core.plugins import Plugin, Registry
from tongban.licenses.models import SealKey


@dataclass(frozen=True)
class GeneratedKey:
    public_jwk: dict[str, Any]
    private_sealed: bytes  # what the SealKey row keeps; empty when the backend holds the key itself


class Seal(Plugin):
    """A signing backend. `algorithm` is the JOSE name its signatures verify under (RFC 9864)."""

    algorithm: ClassVar[str] = ""

    def generate(self, *, kid: str) -> GeneratedKey:
        raise NotImplementedError

    def sign(self, *, kid: str, data: bytes) -> bytes:
        raise NotImplementedError

    def public_jwk(self, *, kid: str) -> dict[str, Any]:
        raise NotImplementedError

    def retire(self, *, kid: str) -> None:
        """The key signs nothing more: an HSM destroys or disables it. Verifying needs only its public half,
        which stays published in its SealKey row."""


seals = Registry[Seal]("seal")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _kek() -> bytes:
    raw = settings.LICENCE_SEAL_KEK
    path = Path(settings.LICENCE_SEAL_KEK_FILE)
    if not raw and path.exists():
        raw = path.read_text().strip()
    if not raw:
        if not settings.DEMO_MODE:
            raise ConfigError(
                f"未配置电子证照签章密钥加密密钥：请设置 LICENCE_SEAL_KEK 或创建 {path}",
                f"No seal key-encryption key: set LICENCE_SEAL_KEK or create {path}",
            )
        raw = _b64(secrets.token_bytes(32))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(raw)
        tmp.chmod(0o600)
        os.replace(tmp, path)
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except ValueError:
        key = b""
    if len(key) != 32:
        raise ConfigError(
            "签章密钥加密密钥应为32字节（base64url）", "The seal key-encryption key must be 32 bytes, base64url"
        )
    return key


def ed25519_public_jwk(private: Ed25519PrivateKey, *, kid: str) -> dict[str, Any]:
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw), "kid": kid, "alg": "Ed25519", "use": "sig"}


@seals.register("ed25519")
class Ed25519Seal(Seal):
    """Ed25519 keys in the database, sealed under the KEK."""

    label = "Ed25519（密钥加密存储于数据库）"
    algorithm: ClassVar[str] = "Ed25519"

    def generate(self, *, kid: str) -> GeneratedKey:
        private = Ed25519PrivateKey.generate()
        raw = private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        nonce = secrets.token_bytes(12)
        sealed = nonce + AESGCM(_kek()).encrypt(nonce, raw, kid.encode())
        return GeneratedKey(public_jwk=ed25519_public_jwk(private, kid=kid), private_sealed=sealed)

    def _private(self, kid: str) -> Ed25519PrivateKey:
        sealed = SealKey.objects.filter(kid=kid, backend=self.plugin_id).values_list("private_sealed", flat=True)
        blob = bytes(sealed.first() or b"")
        if not blob:
            raise NotFound(f"签章密钥 {kid} 不存在", f"No seal key {kid}")
        try:
            raw = AESGCM(_kek()).decrypt(blob[:12], blob[12:], kid.encode())
        except InvalidTag:
            raise ConfigError(
                f"签章密钥 {kid} 无法解密：密钥加密密钥不符", f"Seal key {kid} does not open: wrong key-encryption key"
            ) from None
        return Ed25519PrivateKey.from_private_bytes(raw)

    def sign(self, *, kid: str, data: bytes) -> bytes:
        return self._private(kid).sign(data)

    def public_jwk(self, *, kid: str) -> dict[str, Any]:
        jwk = SealKey.objects.filter(kid=kid, backend=self.plugin_id).values_list("public_jwk", flat=True).first()
        if jwk is None:
            raise NotFound(f"签章密钥 {kid} 不存在", f"No seal key {kid}")
        return dict(jwk)

    def check_config(self) -> None:
        _kek()


def seal_for(key: SealKey) -> Seal:
    """The backend that holds this key (a key keeps the backend it was made with, across reconfiguration)."""
    return seals.load(key.backend)


def kek_seal(data: bytes, *, aad: bytes) -> bytes:
    """`data` sealed under the KEK with AES-256-GCM (nonce first), bound to `aad`: other key stores' secrets
    (the licence PDFs' document keys) are kept as the seal keys are."""
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(_kek()).encrypt(nonce, data, aad)


def kek_open(blob: bytes, *, aad: bytes) -> bytes:
    try:
        return AESGCM(_kek()).decrypt(blob[:12], blob[12:], aad)
    except InvalidTag:
        raise ConfigError("密钥无法解密：密钥加密密钥不符", "A key does not open: wrong key-encryption key") from None
