"""Forms per service item, their immutable published versions, applicants' drafts and submissions.

FormDefinition (one per catalogue Item) ─< FormVersion (published JSON, immutable, hashed). A Draft pins
the version it started on, so publishing a new version never breaks an application in progress. A
Submission is the finished application with a snapshot of the shared values it used (with provenance)
and its backfill counts (fields prefilled ÷ fields shown, issue 4 part 5). Cases (issue 5) start from it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from tongban.catalog.models import GuideVersion, Implementation, Item, Material
from tongban.core.models import BaseModel
from tongban.identity.models import Department, Enterprise, Person, User


class FormDefinition(BaseModel):
    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="form_definition")
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class FormVersion(BaseModel):
    definition = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    schema = models.JSONField()
    content_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.CharField(max_length=200, blank=True)
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["definition", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="uniq_form_version_number"),
            models.UniqueConstraint(
                fields=["definition"], condition=models.Q(current=True), name="uniq_form_version_current"
            ),
        ]


class Channel(models.TextChoices):
    WEB = "web", pgettext_lazy("channel", "网上办理")
    MOBILE = "mobile", pgettext_lazy("channel", "移动端")
    WINDOW = "window", pgettext_lazy("channel", "窗口")
    HOTLINE = "hotline", pgettext_lazy("channel", "12345热线")
    API = "api", pgettext_lazy("channel", "接口")


class Draft(BaseModel):
    """An application being filled in: collected answers only; shared values stay in the registry."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")  # who fills it in
    agent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    subject_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    implementation = models.ForeignKey(Implementation, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="drafts")
    # The guide in force when the application started: its materials are what this application needs.
    guide = models.ForeignKey(GuideVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)  # field key → typed text (kept even while invalid or hidden)
    shared = models.JSONField(default=dict)  # "role:element" → as_of seen at the last pull (no values)
    unavailable = models.JSONField(default=dict)  # "role:element" → [reason zh, reason en]
    disputes = models.JSONField(default=dict)  # field key → {"value", "reason", "correction"}
    consent = models.JSONField(default=list)  # field keys whose collected value may go to the profile
    pulled_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    lock_version = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    # "staff:<id>" when a window clerk or hotline agent fills it in for the person present (user is theirs).
    operator = models.CharField(max_length=80, blank=True)
    # 一件事: what an earlier item's result brought (bundles fill these before submitting the draft for the
    # applicant). "role:element" → the value with its provenance (the upstream case), shown as shared; and
    # material id → {"case", "item", "licence"}: a material that result stands for (免提交).
    carried = models.JSONField(default=dict, blank=True)
    provided = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["user", "updated_at"], name="forms_draft_user_idx")]


class Submission(BaseModel):
    number = models.CharField(max_length=20, unique=True)
    draft = models.OneToOneField(Draft, null=True, on_delete=models.SET_NULL, related_name="submission")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    guide = models.ForeignKey(GuideVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    implementation = models.ForeignKey(Implementation, on_delete=models.PROTECT, related_name="+")
    item_code = models.CharField(max_length=10)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    subject_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict)  # visible collected answers
    shared = models.JSONField(default=dict)  # field key → value and provenance as used
    declared = models.JSONField(default=dict)  # field key → {"value", "shared", "reason"}: disputed shared values
    self_declared = models.JSONField(default=list)  # bound fields asked because the hub could not answer
    written_back = models.JSONField(default=list)  # field keys written to the profile with consent
    licences = models.JSONField(default=dict, blank=True)  # material id → e-licence identifier (免提交, 证照代替)
    provided = models.JSONField(default=dict, blank=True)  # material id → the upstream result standing for it (一件事)
    fields_shown = models.PositiveSmallIntegerField()
    fields_prefilled = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    operator = models.CharField(max_length=80, blank=True)  # as on the draft: who filled it in for the applicant
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["submitted_at"], name="forms_submission_at_idx"),
            models.Index(fields=["department", "submitted_at"], name="forms_submission_dept_idx"),
            models.Index(fields=["item_code", "submitted_at"], name="forms_submission_item_idx"),
            models.Index(fields=["user", "submitted_at"], name="forms_submission_user_idx"),
        ]

    @property
    def backfill_rate(self) -> float:
        return self.fields_prefilled / self.fields_shown if self.fields_shown else 0.0


class Attachment(BaseModel):
    """One uploaded file for one material of an application. The bytes live in the `uploads` storage under
    `storage_key` (never the uploader's file name) and are served only through permission-checked views."""

    draft = models.ForeignKey(Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    material_name = models.CharField(max_length=300)  # as the guide named it when uploaded
    filename = models.CharField(max_length=200)  # the uploader's name, for display only
    kind = models.CharField(max_length=8)  # pdf / jpeg / png / ofd, sniffed from the content
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(null=True, blank=True)
    storage_key = models.CharField(max_length=100, unique=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["draft", "material"], name="forms_attachment_draft_idx"),
            models.Index(fields=["submission"], name="forms_attachment_sub_idx"),
        ]

    def __str__(self) -> str:
        return self.filename
