"""一件事一次办: bundle definitions and their published versions.

Bundle ─< BundleVersion ─< BundleNode (one catalogue item), BundleEdge ("needs the result of", with what the
result carries), Question ─< Option (情形: each answer selects items and materials). A published version
never changes: editing means a new draft with the next number, whose publishing supersedes the old one — so
what an applicant was composed under (and later, a bundle case) stays as it was.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import Implementation, Item
from tongban.core.models import BaseModel


class ImmutableBundle(RuntimeError):
    """A published (or superseded) bundle version, or one of its rows, was about to change in place."""


class BundleKind(models.TextChoices):
    LIFE_EVENT = "life_event", _("个人人生事件")
    BUSINESS = "business", _("企业全生命周期")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被替代")


class Bundle(BaseModel):
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)  # e.g. 新生儿出生一件事
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    description = models.TextField(_("简介"), blank=True)
    description_en = models.TextField(blank=True)
    kind = models.CharField(_("类别"), max_length=12, choices=BundleKind.choices, default=BundleKind.LIFE_EVENT)
    life_event = models.CharField(_("人生事件"), max_length=50, blank=True)  # catalog LifeEvent name, for browsing

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BundleVersion(BaseModel):
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.CharField(max_length=200, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.CharField(max_length=200, blank=True)
    # sha256 of the canonical spec: importing the same bundle again creates nothing.
    content_hash = models.CharField(max_length=64, blank=True)
    combined_licence = models.CharField(max_length=40, blank=True)  # 一业一证: licence type code, see BundleSpec
    _stored_status: str | None = None  # the status as read from the database: what may still change

    class Meta:
        ordering = ["bundle", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "number"], name="uniq_bundle_version_number"),
            models.UniqueConstraint(
                fields=["bundle"], condition=models.Q(status="published"), name="uniq_bundle_one_published"
            ),
            models.UniqueConstraint(
                fields=["bundle"], condition=models.Q(status="draft"), name="uniq_bundle_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bundle_id} v{self.number} ({self.status})"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> BundleVersion:
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = self._stored_status
        if stored == VersionStatus.SUPERSEDED:
            raise ImmutableBundle(f"bundle version {self.pk} is superseded and cannot change")
        if stored == VersionStatus.PUBLISHED:
            # Being superseded by a newer version is the one change a published version allows.
            allowed = {"status", "superseded_at", "updated_at"}
            update_fields = set(kwargs.get("update_fields") or ())
            if self.status != VersionStatus.SUPERSEDED or not update_fields or not update_fields <= allowed:
                raise ImmutableBundle(f"bundle version {self.pk} is published and cannot change")
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if not self.is_draft:
            raise ImmutableBundle("published bundle versions are kept as history")
        return super().delete(*args, **kwargs)


class _VersionPart(BaseModel):
    """A row of one version: changes only while that version is a draft."""

    class Meta:
        abstract = True

    def _version_id(self) -> Any:
        return self.version_id  # type: ignore[attr-defined]

    def _check_draft(self) -> None:
        status = BundleVersion.objects.filter(pk=self._version_id()).values_list("status", flat=True).first()
        if status not in (None, VersionStatus.DRAFT):
            raise ImmutableBundle("the rows of a published bundle version cannot change")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._check_draft()
        return super().delete(*args, **kwargs)


class BundleNode(_VersionPart):
    """One item of the bundle: an implementation, or a basic item whose one implementation is meant."""

    version = models.ForeignKey(BundleVersion, on_delete=models.CASCADE, related_name="nodes")
    key = models.SlugField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    implementation = models.ForeignKey(
        Implementation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    core = models.BooleanField(_("必办"), default=False)  # in every composition, whatever the answers

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="uniq_bundle_node_key"),
            models.CheckConstraint(
                condition=models.Q(implementation__isnull=False, item__isnull=True)
                | models.Q(implementation__isnull=True, item__isnull=False),
                name="bundle_node_implementation_xor_item",
            ),
        ]


class BundleEdge(_VersionPart):
    """`downstream` needs the result of `upstream`; the result carries data elements, a licence and
    replaces downstream materials."""

    version = models.ForeignKey(BundleVersion, on_delete=models.CASCADE, related_name="edges")
    upstream = models.ForeignKey(BundleNode, on_delete=models.CASCADE, related_name="downstream_edges")
    downstream = models.ForeignKey(BundleNode, on_delete=models.CASCADE, related_name="upstream_edges")
    position = models.PositiveSmallIntegerField(default=0)
    elements = models.JSONField(default=list)  # list[str] data element codes
    licence_type = models.CharField(max_length=40, blank=True)  # licence type code; a string until licences lands
    materials = models.JSONField(default=list)  # list[str] downstream material names the result replaces

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["upstream", "downstream"], name="uniq_bundle_edge")]


class Question(_VersionPart):
    """情形: a question the situational guide asks; asked only after `requires` was chosen, when set."""

    version = models.ForeignKey(BundleVersion, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("问题"), max_length=300)
    text_en = models.CharField(max_length=300, blank=True)
    multiple = models.BooleanField(default=False)
    requires = models.ForeignKey("Option", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="uniq_bundle_question_key")]


class Option(_VersionPart):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("选项"), max_length=200)
    label_en = models.CharField(max_length=200, blank=True)
    nodes = models.ManyToManyField(BundleNode, blank=True, related_name="selected_by")
    materials = models.JSONField(default=list)  # [{"node": key, "material": name}] made to apply by this answer

    class Meta:
        ordering = ["question", "position"]
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="uniq_bundle_option_key")]

    def _version_id(self) -> Any:
        return Question.objects.filter(pk=self.question_id).values_list("version_id", flat=True).first()


# --- applications (issue 7 part 3): one submission, a case per item -----------------------------------------


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("已提交")


class BundleApplication(BaseModel):
    """一件事 as one application: the situational answers and the one form's values; once submitted, a child per
    item opens that item's case with its department (now, or when the results it needs arrive)."""

    number = models.CharField(max_length=20, unique=True)  # YJ + date + 6 digits: what the applicant quotes
    version = models.ForeignKey(BundleVersion, on_delete=models.PROTECT, related_name="applications")
    user = models.ForeignKey("identity.User", on_delete=models.PROTECT, related_name="+")  # who fills it in
    agent = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="+")
    subject_enterprise = models.ForeignKey(
        "identity.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict)  # 情形: question key → option key(s)
    values = models.JSONField(default=dict)  # the one form: merged field key → text as typed
    consent = models.JSONField(default=list)  # merged field keys the applicant lets go to the profile
    state = models.CharField(max_length=12, choices=ApplicationState.choices, default=ApplicationState.DRAFT)
    channel = models.CharField(max_length=10, default="web")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="bundles_app_user_idx")]

    def __str__(self) -> str:
        return self.number


class ChildState(models.TextChoices):
    PENDING = "pending", _("待提交")  # the application is still a draft
    WAITING = "waiting", _("等待前置事项办结")  # its upstream results have not all arrived
    QUEUED = "queued", _("排队中，将自动重试")  # opening failed (a department slow or down): retried
    OPENED = "opened", _("已送达承办部门")  # its case exists
    CANCELLED = "cancelled", _("未办理")  # an upstream item was not approved


class BundleChild(BaseModel):
    """One item of a bundle application: its own draft (the one form's values for that item) and, once opened,
    its own submission and case with its own department and clock."""

    application = models.ForeignKey(BundleApplication, on_delete=models.CASCADE, related_name="children")
    node = models.SlugField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    implementation = models.ForeignKey(Implementation, on_delete=models.PROTECT, related_name="+")
    upstream = models.JSONField(default=list)  # node keys whose results it waits for
    draft = models.ForeignKey("forms.Draft", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submission = models.OneToOneField(
        "forms.Submission", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=12, choices=ChildState.choices, default=ChildState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)  # why it was cancelled, what the upstream brought

    class Meta:
        ordering = ["application", "position"]
        constraints = [models.UniqueConstraint(fields=["application", "node"], name="uniq_bundle_child_node")]
        indexes = [models.Index(fields=["state", "retry_at"], name="bundles_child_retry_idx")]
