"""Service items after GB/T 39046: the basic catalogue, implementations per department, versioned guides.

Item (基本目录) ─< Implementation (实施清单, one per implementing department) ─< GuideVersion (办事指南)
─< Material (申请材料). A published guide version is immutable: editing it means a new draft with the
next number, and publishing that draft supersedes the old one. History is never deleted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.catalog.codes import (
    CaseType,
    HandlingForm,
    ItemType,
    Level,
    LimitUnit,
    MaterialForm,
    MaterialSource,
    Necessity,
    OnlineDepth,
    Target,
)
from tongban.core.models import BaseModel
from tongban.identity.models import Department

# Targets that make an item "法人办事" (legal persons and organisations) rather than "个人办事".
LEGAL_TARGETS = frozenset(
    {
        Target.ENTERPRISE,
        Target.INSTITUTION,
        Target.SOCIAL_ORG,
        Target.NON_LEGAL_ENTERPRISE,
        Target.ADMINISTRATIVE,
        Target.OTHER_ORG,
    }
)


class ImmutableGuide(RuntimeError):
    """A published (or superseded) guide version was about to be changed in place."""


def implementation_code(*, credit_code: str, level: str, basic_code: str) -> str:
    """实施编码 = implementing body's 18-char unified credit code + level digit + basic code (GB/T 39046)."""
    return f"{credit_code}{level}{basic_code}"


class Item(BaseModel):
    """基本目录: one procedure as listed in the basic catalogue, the same for every implementing body."""

    basic_code = models.CharField(_("基本编码"), max_length=10, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    item_type = models.CharField(_("事项类型"), max_length=2, choices=ItemType.choices)

    class Meta:
        ordering = ["basic_code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.basic_code}）"


class Implementation(BaseModel):
    """实施清单: the item as one department implements it; identified by the computed implementation code."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="implementations")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="catalog_implementations")
    level = models.CharField(_("行使层级"), max_length=1, choices=Level.choices, default=Level.MUNICIPAL)
    # Always recomputed in save() from department, level and basic code; stored only to be indexed.
    code = models.CharField(_("实施编码"), max_length=29, unique=True, editable=False)
    view_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["item", "department"], name="uniq_impl_item_department")]

    def __str__(self) -> str:
        return f"{self.item.name}（{self.code}）"

    def compute_code(self) -> str:
        return implementation_code(
            credit_code=self.department.credit_code, level=self.level, basic_code=self.item.basic_code
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.code = self.compute_code()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "code" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "code"]
        super().save(*args, **kwargs)


class GuideStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被替代")


class GuideVersion(BaseModel):
    """办事指南 one version. Drafts may change; a published or superseded version never does."""

    implementation = models.ForeignKey(Implementation, on_delete=models.PROTECT, related_name="guides")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=12, choices=GuideStatus.choices, default=GuideStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.CharField(max_length=200, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.CharField(max_length=200, blank=True)
    change_note = models.CharField(_("修订说明"), max_length=300, blank=True)
    # sha256 of the canonical guide content: a re-import of the same content creates nothing.
    content_hash = models.CharField(max_length=64, blank=True)

    targets = models.JSONField(_("服务对象"), default=list)  # list[Target]
    handling_forms = models.JSONField(_("办理形式"), default=list)  # list[HandlingForm]
    case_type = models.CharField(_("办件类型"), max_length=1, choices=CaseType.choices, default=CaseType.COMMITTED)
    legal_limit_days = models.PositiveIntegerField(_("法定办结时限"), default=0)
    legal_limit_unit = models.CharField(max_length=1, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS)
    legal_limit_note = models.CharField(max_length=200, blank=True)
    promised_limit_days = models.PositiveIntegerField(_("承诺办结时限"), default=0)
    promised_limit_unit = models.CharField(max_length=1, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS)
    promised_limit_note = models.CharField(max_length=200, blank=True)
    fees = models.JSONField(_("收费"), default=list)  # [{name, amount (str yuan), basis}]
    conditions = models.JSONField(_("受理条件"), default=list)  # list[str]
    legal_basis = models.JSONField(_("设定依据"), default=list)  # list[str]
    places = models.JSONField(_("办理地点"), default=list)  # [{name, address, hours, phone}]
    process = models.JSONField(_("办理流程"), default=list)  # list[str]
    visits = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    online_depth = models.CharField(
        _("网上办理深度"), max_length=1, choices=OnlineDepth.choices, default=OnlineDepth.FULLY_ONLINE
    )
    realname_level = models.PositiveSmallIntegerField(_("实名等级"), default=2)
    life_events = models.JSONField(_("人生事件"), default=list)  # list[str]
    keywords = models.JSONField(_("搜索关键词"), default=list)  # list[str]
    summary = models.TextField(_("事项简介"), blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=100, blank=True)
    complaint_phone = models.CharField(_("监督投诉电话"), max_length=100, blank=True)
    result = models.CharField(_("审批结果"), max_length=300, blank=True)
    delivery = models.CharField(_("送达方式"), max_length=300, blank=True)

    class Meta:
        ordering = ["implementation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["implementation", "number"], name="uniq_guide_impl_number"),
            models.UniqueConstraint(
                fields=["implementation"],
                condition=models.Q(status="published"),
                name="uniq_guide_one_published",
            ),
            models.UniqueConstraint(
                fields=["implementation"], condition=models.Q(status="draft"), name="uniq_guide_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.implementation.code} v{self.number} ({self.status})"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> GuideVersion:
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_draft(self) -> bool:
        return self.status == GuideStatus.DRAFT

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = getattr(self, "_stored_status", None)
        if not self._state.adding and stored is None:
            stored = GuideVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored == GuideStatus.SUPERSEDED:
            raise ImmutableGuide(f"guide {self.pk} is superseded and cannot change")
        if stored == GuideStatus.PUBLISHED:
            # The only change a published version allows is being superseded by a newer one.
            allowed = {"status", "superseded_at", "updated_at"}
            update_fields = set(kwargs.get("update_fields") or ())
            if self.status != GuideStatus.SUPERSEDED or not update_fields or not update_fields <= allowed:
                raise ImmutableGuide(f"guide {self.pk} is published and cannot change")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if not self.is_draft:
            raise ImmutableGuide("published guide versions are kept as history")
        return super().delete(*args, **kwargs)

    # Display helpers used by templates and the API.
    @property
    def targets_display(self) -> list[str]:
        return [str(Target(t).label) for t in self.targets if t in Target.values]

    @property
    def handling_forms_display(self) -> list[str]:
        return [str(HandlingForm(f).label) for f in self.handling_forms if f in HandlingForm.values]

    @property
    def fee_total(self) -> Decimal:
        return sum((Decimal(str(f.get("amount", "0"))) for f in self.fees), Decimal("0"))

    @property
    def is_for_person(self) -> bool:
        return Target.NATURAL_PERSON in self.targets

    @property
    def is_for_legal(self) -> bool:
        return any(t in LEGAL_TARGETS for t in self.targets)


class Material(BaseModel):
    """申请材料: one document a guide version asks for, or what replaces it (licence, shared data, pledge)."""

    guide = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("材料名称"), max_length=300)
    originals = models.PositiveSmallIntegerField(_("原件份数"), default=1)
    copies = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    form = models.CharField(_("材料形式"), max_length=12, choices=MaterialForm.choices, default=MaterialForm.BOTH)
    necessity = models.CharField(_("必要性"), max_length=12, choices=Necessity.choices, default=Necessity.REQUIRED)
    issuer = models.CharField(_("出具单位"), max_length=200, blank=True)
    source = models.CharField(
        _("材料来源"), max_length=12, choices=MaterialSource.choices, default=MaterialSource.APPLICANT
    )
    notes = models.TextField(_("填报要求"), blank=True)
    sample = models.CharField(_("示例样表"), max_length=300, blank=True)
    blank_form = models.CharField(_("空白表格"), max_length=300, blank=True)
    # The item's own application form (申请表, 登记表): online, the web form is it, so nothing is uploaded. A blank
    # form alone does not say so: a consent the building owner signs or a power of attorney has one too.
    online_form = models.BooleanField(_("在线填写（本材料即网上申请表）"), default=False)

    class Meta:
        ordering = ["guide", "position"]

    def __str__(self) -> str:
        return self.name

    @property
    def exempt(self) -> bool:
        """免提交: the applicant need not bring it (shared data, licence or internal issue)."""
        return self.source in {MaterialSource.SHARED, MaterialSource.LICENCE, MaterialSource.INTERNAL}

    def _guide_is_draft(self) -> bool:
        status = GuideVersion.objects.filter(pk=self.guide_id).values_list("status", flat=True).first()
        return status in (None, GuideStatus.DRAFT)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._guide_is_draft():
            raise ImmutableGuide("materials of a published guide cannot change")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if not self._guide_is_draft():
            raise ImmutableGuide("materials of a published guide cannot change")
        return super().delete(*args, **kwargs)


class LifeEvent(BaseModel):
    """人生事件 / 主题 used to browse the catalogue (出生、上学、就业…); ordered by the operator."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=100)
    # 个人 (person) or 法人 (legal) theme; decides where the home page lists it.
    for_legal = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Synonym(BaseModel):
    """An everyday phrase and what the catalogue calls it (营业执照 → 设立登记); operators edit these."""

    term = models.CharField(_("群众说法"), max_length=50, unique=True)
    expansions = models.JSONField(_("对应规范用语"), default=list)  # list[str]

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {'、'.join(self.expansions)}"


class SearchQueryStat(models.Model):
    """How often a (normalised) query that found something was asked on the portal: hot searches."""

    query = models.CharField(max_length=50, unique=True)
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-count"]


class SearchEntry(models.Model):
    """The search index row of one implementation's published guide (integer pk: FTS5 rowid on SQLite).

    On PostgreSQL a generated, GIN-indexed tsvector column `search_vector` is added by migration; on
    SQLite an FTS5 table `catalog_search_fts` mirrors the token columns through triggers (ADR 0003).
    """

    implementation = models.OneToOneField(Implementation, on_delete=models.CASCADE, related_name="search_entry")
    guide = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=29, unique=True)
    basic_code = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    item_type = models.CharField(max_length=2, choices=ItemType.choices)
    for_person = models.BooleanField(default=False)
    for_legal = models.BooleanField(default=False)
    visits = models.PositiveSmallIntegerField(default=0)
    online_depth = models.CharField(max_length=1, choices=OnlineDepth.choices)
    promised_limit_days = models.PositiveIntegerField(default=0)
    promised_limit_unit = models.CharField(max_length=1, choices=LimitUnit.choices)
    case_type = models.CharField(max_length=1, choices=CaseType.choices)
    name_tokens = models.TextField(blank=True)
    keyword_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["name"]), models.Index(fields=["department", "name"])]


class SearchLifeEvent(models.Model):
    """Life-event facet of a search entry (for filtering and counts)."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="life_events")
    name = models.CharField(max_length=50)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "name"], name="uniq_search_life_event")]
        indexes = [models.Index(fields=["name", "entry"])]
