"""Cases (办件): one application of one item, its transitions, suspensions and correction notice."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tongban.cases.codes import OPEN_STATES, ActedThrough, Action, Delivery, State, SuspensionKind
from tongban.catalog.codes import CaseType, LimitUnit
from tongban.catalog.models import Implementation
from tongban.core.models import BaseModel
from tongban.forms.models import Channel, Submission
from tongban.identity.models import Department, Enterprise, Person, User


class Case(BaseModel):
    """State and clock of one case; how it got there is in its `Transition` rows, never overwritten."""

    number = models.CharField(max_length=20, unique=True)  # the submission's number: 申请编号 = 办件编号
    lookup_code = models.CharField(max_length=8)  # with the number: progress without logging in
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="+")
    implementation = models.ForeignKey(Implementation, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")  # the login that applied
    agent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")  # who acted
    subject_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = models.CharField(max_length=24, choices=State.choices, default=State.SUBMITTED)
    revision = models.PositiveIntegerField(default=0)  # +1 per transition: a stale form is a conflict
    # The limit as the published guide said when the case was opened.
    case_type = models.CharField(max_length=1, choices=CaseType.choices)
    limit_days = models.PositiveIntegerField(default=0)
    limit_unit = models.CharField(max_length=1, choices=LimitUnit.choices)
    submitted_at = models.DateTimeField(default=timezone.now)
    accepted_on = models.DateField(null=True, blank=True)  # the clock starts the day after
    due_on = models.DateField(null=True, blank=True)  # moved on by each suspension's length
    suspended_since = models.DateField(null=True, blank=True)
    suspended_days = models.PositiveIntegerField(default=0)  # in the limit's unit, all suspensions so far
    decided_at = models.DateTimeField(null=True, blank=True)
    correction_used = models.BooleanField(default=False)  # 一次性告知: at most one per case
    delivered_via = models.CharField(max_length=12, choices=Delivery.choices, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["department", "state", "due_on"], name="cases_worklist_idx"),
            # The worklist's order over a department's open cases: its first page is the index's first entries.
            models.Index(
                fields=["department", "due_on", "submitted_at"],
                condition=models.Q(state__in=list(OPEN_STATES)),
                name="cases_worklist_open_idx",
            ),
            models.Index(fields=["user", "submitted_at"], name="cases_user_idx"),
            models.Index(fields=["state", "due_on"], name="cases_due_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class Transition(models.Model):
    """One move of a case: who, when, why, through which channel. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=24, choices=Action.choices)
    from_state = models.CharField(max_length=24, choices=State.choices, blank=True)  # blank on the first row
    to_state = models.CharField(max_length=24, choices=State.choices)
    actor = models.CharField(max_length=80)  # "staff:<id>", "person:<id>", "system:<what>"
    actor_name = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=12, choices=ActedThrough.choices)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="uniq_case_transition_seq")]


class Suspension(BaseModel):
    """特别程序: from its first day to the day it ended, not counted against the limit."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField(max_length=16, choices=SuspensionKind.choices)
    reason = models.TextField()
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    counted_days = models.PositiveIntegerField(default=0)  # days added back to the due date at the end

    class Meta:
        ordering = ["case", "started_on"]


class CorrectionNotice(BaseModel):
    """一次性告知书: everything missing or wrong, told once; the case waits for the applicant."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="correction_notice")
    items = models.JSONField()  # [{"material": name, "problem": what is missing or wrong}]
    note = models.TextField(blank=True)
    issued_by = models.CharField(max_length=100)
    issued_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)


class SupervisionNote(BaseModel):
    """督办: a supervisor's instruction on a case, with the date by which the department must answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervision_notes")
    author = models.CharField(max_length=100)
    author_ref = models.CharField(max_length=80)
    note = models.TextField()
    answer_by = models.DateField()
    automatic = models.BooleanField(default=False)  # raised by the escalation job, not by a person
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]


class DecisionRule(BaseModel):
    """How an item may be decided without a person: 秒批 (all checks hold → approved in seconds) or
    告知承诺 (the applicant's signed pledge replaces proofs; decided at once, checked afterwards).

    `checks` is a list of {"label": ..., "predicate": code, "params": {...}} (verify-not-reveal about
    the applicant) or {"label": ..., "logic": JSON-Logic over the form's answers}."""

    class Kind(models.TextChoices):
        AUTO = "auto", "秒批 Auto-approval"
        PLEDGE = "pledge", "告知承诺 Pledge"

    implementation = models.ForeignKey(Implementation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    checks = models.JSONField(default=list)
    pledge_text = models.TextField(blank=True)
    check_within_days = models.PositiveSmallIntegerField(default=0)  # pledge: post-check within (working days)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["implementation", "kind"], name="uniq_decision_rule_kind")]


class AutoCheck(BaseModel):
    """The evaluation of an item's 秒批 checks for one case: kept as evidence either way."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="auto_check")
    passed = models.BooleanField()
    results = models.JSONField()  # [{"label", "passed", "evidence"}], in the rule's order
    evaluated_at = models.DateTimeField(default=timezone.now)


class Pledge(BaseModel):
    """告知承诺: the text the applicant signed, and the post-check that confirms or revokes the decision."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "待核查"
        KEPT = "kept", "核查属实"
        BREACHED = "breached", "承诺不实"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="pledge")
    text = models.TextField()
    signed_by = models.CharField(max_length=100)
    signed_at = models.DateTimeField(default=timezone.now)
    check_due_on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    checked_by = models.CharField(max_length=100, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    finding = models.TextField(blank=True)


class DeferredMaterial(BaseModel):
    """容缺受理: a non-essential material the case was accepted without, and the date it was promised for."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deferred_materials")
    material_id = models.UUIDField()  # of the submission's guide
    material_name = models.CharField(max_length=300)
    promised_by = models.DateField()
    accepted_by = models.CharField(max_length=100)
    supplied_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # told once that the promised date has passed

    class Meta:
        ordering = ["case", "promised_by"]
        constraints = [
            models.UniqueConstraint(fields=["case", "material_id"], name="uniq_case_deferred_material"),
        ]
