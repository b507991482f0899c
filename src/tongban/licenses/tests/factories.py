"""Factories for e-licences: a licence type (the demo business licence's shape) and a wallet key."""

from __future__ import annotations

from typing import Any

import factory
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tongban.identity.tests.factories import DepartmentFactory
from tongban.licenses.codes import HolderKind, TrustLevel, ValidityKind
from tongban.licenses.models import LicenceType
from tongban.licenses.seal import ed25519_public_jwk

# 证照类型代码 = the defining ministry's credit code + 3 digits (inferred; notes/e-licences.md §3).
BUSINESS_LICENCE = "11100000000013338W011"
MARRIAGE_CERTIFICATE = "11100000000013610X001"

BUSINESS_FIELDS = [
    {"name": "enterprise_name", "label": "名称", "label_en": "Name", "type": "text", "disclosable": False},
    {"name": "legal_representative", "label": "法定代表人", "label_en": "Legal representative", "type": "text"},
    {"name": "address", "label": "住所", "label_en": "Address", "type": "text"},
    {"name": "business_scope", "label": "经营范围", "label_en": "Business scope", "type": "text"},
    {"name": "registered_capital", "label": "注册资本（万元）", "type": "number", "required": False},
    {"name": "established_on", "label": "成立日期", "label_en": "Established", "type": "date"},
]


class LicenceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenceType

    code = factory.Sequence(lambda n: f"11100000000013338W{n % 1000:03d}")
    name = "营业执照"
    name_en = "Business licence"
    department = factory.SubFactory(DepartmentFactory)
    holder_kind = HolderKind.ENTERPRISE
    fields = factory.LazyFunction(lambda: [dict(f, required=f.get("required", True)) for f in BUSINESS_FIELDS])
    validity_kind = ValidityKind.OPEN_ENDED
    trust_level = TrustLevel.A
    satisfies = factory.LazyFunction(lambda: ["营业执照"])


def business_fields(**overrides: Any) -> dict[str, Any]:
    return {
        "enterprise_name": "示范市明德科技有限公司",
        "legal_representative": "张三",
        "address": "示范市明德区新港路8号",
        "business_scope": "软件开发；信息技术咨询服务",
        "registered_capital": 500,
        "established_on": "2024-03-01",
        **overrides,
    }


class WalletKey:
    """A holder's Ed25519 key as a wallet would keep it."""

    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        self.jwk = {k: v for k, v in ed25519_public_jwk(self.private, kid="wallet").items() if k in ("kty", "crv", "x")}
