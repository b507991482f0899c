"""亮证 and 扫码核验 (issue 6 parts 4–5): the holder shows a licence as a QR code that discloses only the fields
they tick and lives SHOW_SECONDS; whoever scans it sees the licence verified — signature, disclosures, status
— once. A QR code scanned again, or after it expired, is told apart from a forged or revoked licence.

The web wallet holds no device key, so its presentations carry no KB-JWT: what binds one to this showing
is the single-use, short-lived reference only the holder's logged-in session could make (ADR 0012). A
presentation pasted on the verifier page is checked the same way, minus the reference.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongban.core.audit import audit_record
from tongban.core.errors import InvalidInput
from tongban.licenses.models import Licence, ShowToken
from tongban.licenses.sdjwt import VerifyPolicy, VerifyResult, sd_jwt_present
from tongban.licenses.trust import licence_verify_anywhere

SHOW_SECONDS = 60
# Shown with every licence: what it is and who issued it; the holder ticks the rest.
ALWAYS_SHOWN = ("licence_name", "issuer_name", "valid_until")


class ShowOutcome(StrEnum):
    SHOWN = "shown"  # the reference was good: see the licence's own verification
    EXPIRED_QR = "expired_qr"
    REPLAYED_QR = "replayed_qr"
    UNKNOWN_QR = "unknown_qr"


SHOW_MESSAGES = {
    ShowOutcome.EXPIRED_QR: ("二维码已过期，请持证人重新亮证", "The QR code has expired; ask for a new one"),
    ShowOutcome.REPLAYED_QR: ("二维码已被扫描使用过，不能重复使用", "This QR code was already scanned; it works once"),
    ShowOutcome.UNKNOWN_QR: ("不是本平台的亮证二维码", "This is not a licence QR code of this platform"),
}  # fmt: skip


@dataclass(frozen=True)
class Scan:
    """What a verifier learns from one scan: the showing's outcome and, when shown, the licence verified."""

    outcome: ShowOutcome
    result: VerifyResult | None = None
    licence: Licence | None = None

    @property
    def valid(self) -> bool:
        return self.outcome == ShowOutcome.SHOWN and self.result is not None and self.result.valid

    @property
    def message_zh(self) -> str:
        if self.outcome == ShowOutcome.SHOWN and self.result is not None:
            return self.result.message_zh
        return SHOW_MESSAGES[self.outcome][0]

    @property
    def message_en(self) -> str:
        if self.outcome == ShowOutcome.SHOWN and self.result is not None:
            return self.result.message_en
        return SHOW_MESSAGES[self.outcome][1]


# The claims every licence carries besides its type's own fields, with their labels: marked for translation
# (pages translate them), kept in Chinese where they are recorded (the audit log).
STANDARD_CLAIMS: dict[str, str] = {
    "licence_name": gettext_noop("证照名称"), "issuer_name": gettext_noop("发证机关"),
    "valid_until": gettext_noop("有效期至"), "holder_name": gettext_noop("持证主体"),
    "licence_number": gettext_noop("证照编号"), "licence_id": gettext_noop("证照标识"),
}  # fmt: skip


def claim_labels(type_fields: list[dict[str, Any]]) -> dict[str, str]:
    """Every claim's label by name: the standard claims first, then the licence type's fields in its order."""
    return {**STANDARD_CLAIMS, **{str(f["name"]): str(f["label"]) for f in type_fields}}


def choosable_fields(licence: Licence) -> list[dict[str, object]]:
    """What the holder may tick, each with whether it must be shown (the type's `disclosable: false`)."""
    standard = [{"name": name, "label": STANDARD_CLAIMS[name], "required": False}
                for name in ("holder_name", "licence_number", "licence_id")]  # fmt: skip
    own = [{"name": f["name"], "label": f["label"], "required": not f.get("disclosable", True)}
           for f in licence.licence_type.fields]  # fmt: skip
    return standard + own


def disclosures_chosen(*, licence: Licence, fields: list[str]) -> list[str]:
    """The claims a showing or an authorisation discloses: name, issuer and validity, the ticked `fields` and
    those the type says must be shown; an unknown field is InvalidInput."""
    allowed = {str(f["name"]): bool(f["required"]) for f in choosable_fields(licence)}
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise InvalidInput(f"该证照没有这些信息项：{'、'.join(unknown)}", f"No such fields: {', '.join(unknown)}")
    return [*ALWAYS_SHOWN, *(name for name, required in allowed.items() if required or name in fields)]


def licence_show(*, licence: Licence, fields: list[str], seconds: int = SHOW_SECONDS) -> ShowToken:
    """A QR reference for `licence` disclosing `fields` (and those that must be shown) for `seconds`. The caller
    has found the licence through its holder (selectors.licence_get_for_holder)."""
    disclosed = disclosures_chosen(licence=licence, fields=fields)
    return ShowToken.objects.create(
        licence=licence, ref=secrets.token_hex(16), disclosed=disclosed,
        presentation=sd_jwt_present(licence.token, disclose=disclosed),
        expires_at=timezone.now() + timedelta(seconds=seconds),
    )  # fmt: skip


def presentation_check(*, presentation: str) -> VerifyResult:
    """A pasted presentation, of this platform's issuers or any the trust list trusts (跨区域互认)."""
    return licence_verify_anywhere(presentation=presentation, policy=VerifyPolicy(require_key_binding=False))


@transaction.atomic
def show_redeem(*, ref: str, verifier: str) -> Scan:
    """Scan a QR reference: once, before it expires. `verifier` is who scanned ("staff:<id>", "public")."""
    token = ShowToken.objects.select_for_update().select_related("licence").filter(ref=ref.strip().lower()).first()
    if token is None:
        return Scan(ShowOutcome.UNKNOWN_QR)
    if token.redeemed_at is not None:
        return Scan(ShowOutcome.REPLAYED_QR, licence=token.licence)
    if token.expires_at <= timezone.now():
        return Scan(ShowOutcome.EXPIRED_QR, licence=token.licence)
    token.redeemed_at, token.redeemed_by = timezone.now(), verifier[:80]
    token.save(update_fields=["redeemed_at", "redeemed_by", "updated_at"])
    licence = token.licence
    labels = claim_labels(licence.licence_type.fields)
    audit_record(
        action="licence.shown", actor=verifier, object_type="licence", object_id=licence.identifier,
        subject=licence.holder_code,
        data={"elements": [labels.get(n, n) for n in token.disclosed], "purpose": "亮证核验（扫码）",
              "actor_name": "扫码核验方" if verifier == "public" else ""},
    )  # fmt: skip
    return Scan(ShowOutcome.SHOWN, result=presentation_check(presentation=token.presentation), licence=licence)
