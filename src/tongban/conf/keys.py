"""The OIDC signing key: from the environment, from a file, or (demo only) created on first use."""

from __future__ import annotations

import os
from pathlib import Path


def oidc_private_key(*, key_file: Path, create: bool) -> str:
    pem = os.environ.get("OIDC_RSA_PRIVATE_KEY", "")
    if pem:
        return pem
    if key_file.exists():
        return key_file.read_text()
    if not create:
        raise RuntimeError(f"OIDC signing key missing: set OIDC_RSA_PRIVATE_KEY or create {key_file}")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = key_file.with_suffix(".tmp")
    tmp.write_text(pem)
    tmp.chmod(0o600)
    tmp.replace(key_file)
    return pem
