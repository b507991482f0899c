"""Code tables of the e-licences (电子证照): states, trust levels, validity rules, status-list values."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class LicenceState(models.TextChoices):
    """DESIGN §4. The licence row holds the current state; each change is a `LicenceEvent` row."""

    ISSUED = "issued", pgettext_lazy("licence state", "有效")
    SUSPENDED = "suspended", pgettext_lazy("licence state", "暂扣")
    REVOKED = "revoked", pgettext_lazy("licence state", "撤销")
    EXPIRED = "expired", pgettext_lazy("licence state", "失效")
    REPLACED = "replaced", pgettext_lazy("licence state", "已换发")


# (from, to) moves a licence may make; issued is the only way in. Replaced, revoked and expired are final:
# a licence that comes back is a new version (licence_replace), so its old tokens stay dead.
TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (LicenceState.ISSUED, LicenceState.SUSPENDED),
        (LicenceState.SUSPENDED, LicenceState.ISSUED),
        (LicenceState.ISSUED, LicenceState.REVOKED),
        (LicenceState.SUSPENDED, LicenceState.REVOKED),
        (LicenceState.ISSUED, LicenceState.EXPIRED),
        (LicenceState.SUSPENDED, LicenceState.EXPIRED),
        (LicenceState.ISSUED, LicenceState.REPLACED),
        (LicenceState.SUSPENDED, LicenceState.REPLACED),
    }
)


class StatusValue(models.IntegerChoices):
    """Token Status List values (draft-ietf-oauth-status-list §7.1); the list is 2 bits wide for SUSPENDED."""

    VALID = 0, "VALID"
    INVALID = 1, "INVALID"
    SUSPENDED = 2, "SUSPENDED"


# What a licence state says on the status list: 暂扣 → SUSPENDED; 撤销/注销/吊销/失效/换发 → INVALID.
STATE_STATUS: dict[str, int] = {
    LicenceState.ISSUED: StatusValue.VALID,
    LicenceState.SUSPENDED: StatusValue.SUSPENDED,
    LicenceState.REVOKED: StatusValue.INVALID,
    LicenceState.EXPIRED: StatusValue.INVALID,
    LicenceState.REPLACED: StatusValue.INVALID,
}


class TrustLevel(models.TextChoices):
    """证照等级 A–D. Only the bare field was seen in public specs; these meanings are ours (ADR 0010)."""

    A = "A", pgettext_lazy("licence trust level", "A 发证机关签发的电子原件")
    B = "B", pgettext_lazy("licence trust level", "B 由业务数据生成并签名")
    C = "C", pgettext_lazy("licence trust level", "C 存量证照转换、经核验")
    D = "D", pgettext_lazy("licence trust level", "D 纸质证照扫描件")


class ValidityKind(models.TextChoices):
    YEARS = "years", pgettext_lazy("licence validity", "自签发之日起若干年")
    OPEN_ENDED = "open_ended", pgettext_lazy("licence validity", "长期有效")
    PER_LICENCE = "per_licence", pgettext_lazy("licence validity", "由发证机关逐证确定")


class HolderKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("licence holder", "自然人")
    ENTERPRISE = "enterprise", pgettext_lazy("licence holder", "法人")


class HolderCodeType(models.TextChoices):
    """持证主体代码类型 as the national metadata names them (seen citing GB/T 36903)."""

    ID_NUMBER = "111", pgettext_lazy("holder code type", "公民身份号码")
    CREDIT_CODE = "001", pgettext_lazy("holder code type", "统一社会信用代码")


class FieldType(models.TextChoices):
    TEXT = "text", pgettext_lazy("licence field type", "文本")
    DATE = "date", pgettext_lazy("licence field type", "日期")
    NUMBER = "number", pgettext_lazy("licence field type", "数字")


class SealKeyState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("seal key state", "使用中")
    RETIRED = "retired", pgettext_lazy("seal key state", "已停用（仅用于验证）")
