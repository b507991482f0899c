"""E-licences (电子证照, issue 6): types, the issuers' seal keys, status lists, licences and their history.

LicenceType (证照目录) ─< Licence ─< LicenceEvent (append-only). A licence's tokens are signed with a
SealKey of its issuing department; each licence holds one never-reused index on its region's StatusList.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.models import BaseModel
from tongban.identity.models import Department, Enterprise, Person, Region
from tongban.licenses.codes import (
    HolderCodeType,
    HolderKind,
    LicenceState,
    SealKeyState,
    TrustLevel,
    ValidityKind,
)


class LicenceType(BaseModel):
    """证照目录: one kind of licence, its fields and who issues it.

    `fields` is a list of {"name", "label", "label_en", "type", "required", "disclosable"}; every field is a
    selectively disclosable claim in the token, and `disclosable: false` means a holder may not withhold
    it when showing the licence (亮证时必须出示). `satisfies` names the catalogue materials (材料名称 as
    the guides call them, e.g. "营业执照") the licence replaces: guide materials are rows of one guide
    version, recreated with each version, so the name is what stays the same across guides.
    """

    code = models.CharField(_("证照类型代码"), max_length=21, unique=True)
    name = models.CharField(_("证照名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="licence_types")
    holder_kind = models.CharField(_("持证主体类型"), max_length=12, choices=HolderKind.choices)
    fields = models.JSONField(_("照面信息项"), default=list)
    validity_kind = models.CharField(_("有效期规则"), max_length=12, choices=ValidityKind.choices)
    validity_years = models.PositiveSmallIntegerField(_("有效年限"), null=True, blank=True)
    trust_level = models.CharField(_("证照等级"), max_length=1, choices=TrustLevel.choices, default=TrustLevel.A)
    satisfies = models.JSONField(_("可替代的申请材料"), default=list, blank=True)
    # Basic codes of the items whose approval issues this licence into the applicant's wallet (办理结果).
    issued_by = models.JSONField(_("产生该证照的事项"), default=list, blank=True)
    # The `vct` names code and version: a breaking change to the fields is a new vct version (SD-JWT VC §3.2.2).
    vct_version = models.PositiveSmallIntegerField(default=1)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(validity_kind=ValidityKind.YEARS, validity_years__gte=1)
                | ~Q(validity_kind=ValidityKind.YEARS),
                name="licence_type_years_given",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]


class SealKey(BaseModel):
    """One signing key of an issuing department, or of the region's platform itself (no department: it signs
    the region's status lists). Rotation retires the active key; a retired key signs nothing more but stays
    published for verification, so what it sealed still verifies.

    `kid` is `<region code>-<year>-<n>`, unique in the region (the region is the token issuer `iss`).
    The private key is sealed with AES-256-GCM under the key-encryption key (licenses.seal) and never
    appears in repr, logs or the API; an HSM backend keeps `private_sealed` empty and the key by its kid.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="seal_keys"
    )
    kid = models.CharField(max_length=40, unique=True)
    backend = models.CharField(max_length=40)  # seal plugin id that holds the private half
    algorithm = models.CharField(max_length=20, default="Ed25519")
    public_jwk = models.JSONField()
    private_sealed = models.BinaryField(blank=True, default=b"", editable=False)
    state = models.CharField(max_length=10, choices=SealKeyState.choices, default=SealKeyState.ACTIVE)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["region", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(state=SealKeyState.ACTIVE, department__isnull=False),
                name="one_active_seal_key",
            ),
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(state=SealKeyState.ACTIVE, department__isnull=True),
                name="one_active_platform_seal_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({self.state})"

    def __repr__(self) -> str:
        return f"<SealKey {self.kid} {self.state}>"


class StatusList(BaseModel):
    """One Token Status List of an issuing region (draft-ietf-oauth-status-list): 2 bits per licence."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    bits = models.PositiveSmallIntegerField(default=2)
    size = models.PositiveIntegerField(default=131072)
    allocated = models.PositiveIntegerField(default=0)
    data = models.BinaryField()  # size * bits / 8 bytes, low bits first

    class Meta:
        ordering = ["region", "number"]
        constraints = [models.UniqueConstraint(fields=["region", "number"], name="uniq_status_list_number")]

    def __str__(self) -> str:
        return f"status/{self.region.code}/{self.number}"


class Licence(BaseModel):
    """One e-licence: what it says, whose it is, its current state and the token that carries it."""

    identifier = models.CharField(_("证照标识"), max_length=120, unique=True)
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="licences")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    number = models.CharField(_("证照编号"), max_length=100)  # the number printed on the licence
    holder_kind = models.CharField(max_length=12, choices=HolderKind.choices)
    holder_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    holder_enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(max_length=200)
    holder_code = models.CharField(max_length=18)
    holder_code_type = models.CharField(max_length=3, choices=HolderCodeType.choices)
    fields = models.JSONField(default=dict)
    issued_on = models.DateField()
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)  # None: 长期有效
    state = models.CharField(max_length=12, choices=LicenceState.choices, default=LicenceState.ISSUED)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_idx = models.PositiveIntegerField()
    kid = models.CharField(max_length=40)
    holder_jwk = models.JSONField(null=True, blank=True)  # cnf.jwk: the wallet key presentations are bound to
    token = models.TextField()  # the issued SD-JWT VC with every disclosure: the holder's copy
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    source = models.CharField(max_length=60, blank=True, db_index=True)  # "case:<number>" when a case issued it

    class Meta:
        ordering = ["-issued_on", "identifier"]
        constraints = [
            # Never reused: licences are never deleted (PROTECT), so a taken index stays taken.
            models.UniqueConstraint(fields=["status_list", "status_idx"], name="uniq_licence_status_idx"),
            models.UniqueConstraint(fields=["department", "serial", "version"], name="uniq_licence_version"),
            models.CheckConstraint(
                condition=Q(holder_person__isnull=False, holder_enterprise__isnull=True)
                | Q(holder_person__isnull=True, holder_enterprise__isnull=False),
                name="licence_one_holder",
            ),
        ]
        indexes = [models.Index(fields=["holder_person", "state"]), models.Index(fields=["holder_enterprise", "state"])]

    def __str__(self) -> str:
        return self.identifier


class LicenceEvent(models.Model):
    """One change of a licence — issue, suspend, resume, revoke, expire, replace: who, when, why. Append-only."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    from_state = models.CharField(max_length=12, choices=LicenceState.choices, blank=True)  # blank when issued
    to_state = models.CharField(max_length=12, choices=LicenceState.choices)
    actor = models.CharField(max_length=80)  # "staff:<id>", "system:<what>"
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["licence", "seq"]
        constraints = [models.UniqueConstraint(fields=["licence", "seq"], name="uniq_licence_event_seq")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("licence events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("licence events are append-only")


class DocumentKey(BaseModel):
    """An X.509 key of the licence PDFs' embedded signatures (licenses.pdfsign): a region's root (no
    department) or a department's signing certificate issued by it. ECDSA P-256, whatever the token keys
    are, because PDF readers verify it. Retired keys stay: their signatures still validate."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(max_length=40, unique=True)  # the certificate's serial number, hex
    certificate = models.BinaryField()  # DER
    private_sealed = models.BinaryField(editable=False)
    not_after = models.DateTimeField()
    state = models.CharField(max_length=10, choices=SealKeyState.choices, default=SealKeyState.ACTIVE)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["region", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["department"], condition=Q(state=SealKeyState.ACTIVE,
                                    department__isnull=False), name="one_active_document_key"),
            models.UniqueConstraint(fields=["region"], condition=Q(state=SealKeyState.ACTIVE,
                                    department__isnull=True), name="one_active_document_root"),
        ]  # fmt: skip

    def __repr__(self) -> str:
        return f"<DocumentKey {self.serial} {self.state}>"


class ShowToken(BaseModel):
    """One 亮证: a QR code's single-use reference to a presentation of the fields the holder ticked, valid for
    seconds. The QR holds only `<base>/v/<ref>` (a whole SD-JWT fits no QR code); scanning it redeems it."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=32, unique=True)  # 128 random bits, hex
    disclosed = models.JSONField(default=list)  # claim names shown
    presentation = models.TextField()  # the SD-JWT with only those disclosures
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at"]


class LicenceGrant(BaseModel):
    """用证授权: the holder lets a department or an enterprise (exactly one) fetch a licence, for a purpose, until
    a day, showing the fields named. Revoking ends it at once; every fetch and every refused fetch is in the
    audit log. An enterprise fetches through the people who act for it (its legal representative, its agents)."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="grants")
    grantee = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grantee_enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")  # fmt: skip
    purpose = models.CharField(max_length=200)
    disclosed = models.JSONField(default=list)  # claim names the grantee sees
    valid_until = models.DateTimeField()
    granted_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grantee__isnull=False, grantee_enterprise__isnull=True)
                | Q(grantee__isnull=True, grantee_enterprise__isnull=False),
                name="licence_grant_exactly_one_grantee",
            )
        ]

    @property
    def grantee_name(self) -> str:
        """Who was authorised: the department's or the enterprise's name."""
        body = self.grantee or self.grantee_enterprise
        return body.name if body is not None else ""


class TrustedIssuer(BaseModel):
    """An issuer of another region on the trust list (跨区域互认): its keys, the licence types it may issue, and
    the status lists this platform last fetched for it (so a verifier here still checks revocation when that
    region cannot be reached, saying how old its list is). This platform's own regions need no row."""

    class State(models.TextChoices):
        ACTIVE = "active", _("信任")
        SUSPENDED = "suspended", _("暂停信任")
        WITHDRAWN = "withdrawn", _("撤销信任")

    iss = models.URLField(max_length=300, unique=True)
    name = models.CharField(max_length=200)
    region_code = models.CharField(max_length=12)
    jwks = models.JSONField(default=dict)
    vct_allowed = models.JSONField(default=list, blank=True)  # vct prefixes it may issue; empty: any
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    valid_until = models.DateTimeField(null=True, blank=True)
    status_lists = models.JSONField(default=dict, blank=True)  # uri → the last statuslist+jwt that verified
    # uri → the last refresh attempt: {"checked_at", "outcome": refreshed|unchanged|refused|unreachable, "detail"}
    status_checks = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.iss})"
