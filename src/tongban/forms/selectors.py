"""Reads of forms: compiled schemas (cached per version), an applicant's drafts and submissions, the
state of a draft's fields for a page. Every draft and submission read is scoped by the user who owns it:
an id in a URL never grants access (DESIGN §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from tongban.catalog.models import Implementation
from tongban.core.errors import NotFound
from tongban.forms import expr
from tongban.forms.fieldvalues import field_display
from tongban.forms.models import Draft, FormVersion, Submission
from tongban.forms.prefill import prefill_values
from tongban.forms.schema import ElementInfo, FormSchema, schema_compile
from tongban.forms.state import SHARED, FieldState, binding, form_state
from tongban.identity.models import Enterprise, Person, User
from tongban.registry.models import DataElement
from tongban.registry.selectors import ValueWithProvenance

Subject = Person | Enterprise


def element_infos(codes: list[str]) -> dict[str, ElementInfo]:
    return {
        e.code: ElementInfo(
            code=e.code,
            name=e.name,
            name_en=e.name_en,
            value_type=e.value_type,
            subject_kind=e.subject_kind,
            owner=e.owner.name,
            owner_en=e.owner.name_en,
            choices=dict(e.choices or {}),
            pattern=e.pattern,
        )
        for e in DataElement.objects.filter(code__in=codes).select_related("owner")
    }


def referenced_codes(raw: dict[str, Any]) -> list[str]:
    return [str(f["element"]) for f in raw.get("fields") or [] if isinstance(f, dict) and f.get("element")]


# Published versions never change, so (id, content hash) names one compiled schema for the life of the process.
_compiled: dict[tuple[UUID, str], FormSchema] = {}


def subject_kind_of(raw: dict[str, Any]) -> str:
    return "enterprise" if raw.get("subject") == "enterprise" else "person"


def schema_for(version: FormVersion) -> FormSchema:
    """The compiled schema of a published version, compiled once per process (by id and hash)."""
    key = (version.pk, version.content_hash)
    schema = _compiled.get(key)
    if schema is None:
        raw = version.schema
        schema = schema_compile(raw, elements=element_infos(referenced_codes(raw)), subject_kind=subject_kind_of(raw))
        _compiled[key] = schema
    return schema


def submission_rows(submission: Submission) -> list[dict[str, Any]]:
    """What a submission said, in form order: shared values (with provenance), values the applicant
    declared against a shared one, and collected answers (as displayed)."""
    rows: list[dict[str, Any]] = []
    for spec in schema_for(submission.version).fields:
        if spec.key in submission.shared:
            rows.append({"spec": spec, "mode": SHARED, "value": submission.shared[spec.key]})
        elif spec.key in submission.declared:
            rows.append({"spec": spec, "mode": "declared", "value": submission.declared[spec.key]})
        elif spec.key in submission.answers:
            rows.append({"spec": spec, "mode": "collected", "value": field_display(spec, submission.answers[spec.key])})
    return rows


def form_current(*, implementation: Implementation) -> FormVersion | None:
    """The published form of the implementation's item, if the item can be applied for online."""
    return (
        FormVersion.objects.filter(definition__item_id=implementation.item_id, current=True)
        .select_related("definition")
        .first()
    )


def draft_get_for_user(*, user: User, draft_id: Any, for_update: bool = False) -> Draft:
    queryset = Draft.objects.filter(user=user).select_related(
        "version",
        "implementation__item",
        "implementation__department",
        "agent",
        "subject_person",
        "subject_enterprise",
    )
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=draft_id)
    except (Draft.DoesNotExist, ValueError, TypeError):
        raise NotFound("未找到该申请草稿", "Application draft not found") from None


def draft_open_for(*, user: User, implementation: Implementation, subject: Subject) -> Draft | None:
    """An unsubmitted, unexpired draft of the same item for the same subject (resume instead of a second one)."""
    field = "subject_person" if isinstance(subject, Person) else "subject_enterprise"
    return (
        Draft.objects.filter(
            user=user,
            implementation=implementation,
            submission__isnull=True,
            expires_at__gt=timezone.now(),
            **{field: subject},
        )
        .order_by("-updated_at")
        .first()
    )


def draft_list_for_user(*, user: User) -> QuerySet[Draft]:
    return (
        Draft.objects.filter(user=user, submission__isnull=True, expires_at__gt=timezone.now())
        .select_related("implementation__item", "implementation__department", "subject_person", "subject_enterprise")
        .order_by("-updated_at")
    )


def submission_list_for_user(*, user: User) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(user=user)
        .select_related("implementation__item", "department", "subject_person", "subject_enterprise")
        .order_by("-submitted_at")
    )


def submission_get_for_user(*, user: User, number: str) -> Submission:
    try:
        return Submission.objects.select_related(
            "implementation__item", "department", "version", "subject_person", "subject_enterprise", "agent"
        ).get(user=user, number=number)
    except Submission.DoesNotExist:
        raise NotFound("未找到该申请", "Application not found") from None


def subject_by_identifier(*, identifier: str, kind: str) -> Subject | None:
    """The person (resident ID number) or enterprise (unified credit code) an application names, of the
    kind the form is for; None when there is none (callers answer as for one they may not act for)."""
    ident = (identifier or "").strip().upper()[:18]
    if kind == "enterprise":
        return Enterprise.objects.filter(credit_code=ident).first()
    return Person.objects.filter(id_number=ident).first()


def submissions_recent_for(
    *, user: User, implementation: Implementation, subject: Subject | None, since: datetime
) -> list[tuple[Any, Any]]:
    """(submission id, draft id) of this login's submissions of the implementation for the subject (None: the
    login's own person) since `since`, newest first, three at most: how a repeated request is recognised.
    One light query, asked twice by every application through the API."""
    if subject is None:
        about: dict[str, Any] = {"subject_person__user": user}
    else:
        about = {"subject_person" if isinstance(subject, Person) else "subject_enterprise": subject}
    rows = Submission.objects.filter(user=user, implementation=implementation, submitted_at__gte=since, **about)
    return list(rows.order_by("-submitted_at").values_list("pk", "draft_id")[:3])


def draft_for_view(*, user: User, draft_id: Any) -> Draft | None:
    """A draft of this login with what `draft_view` reads, whether submitted or not."""
    return (
        Draft.objects.filter(user=user, pk=draft_id)
        .select_related("version", "agent", "subject_person", "subject_enterprise")
        .first()
    )


def submission_get(*, user: User, submission_id: Any) -> Submission:
    """One of this login's submissions with what a receipt shows."""
    return Submission.objects.select_related("implementation__item", "department").get(user=user, pk=submission_id)


def draft_subject(draft: Draft) -> Subject:
    return draft.subject_enterprise or draft.subject_person  # type: ignore[return-value]


def draft_subjects(draft: Draft) -> dict[str, Subject]:
    return {"subject": draft_subject(draft), "agent": draft.agent}


def subject_age(subject: Subject, today: date | None = None) -> int | None:
    if not isinstance(subject, Person):
        return None
    today = today or timezone.localdate()
    born = subject.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class DraftView:
    draft: Draft
    schema: FormSchema
    states: dict[str, FieldState]

    def page_states(self, page: str) -> list[FieldState]:
        return [s for s in self.states.values() if s.spec.page == page]

    @property
    def shared(self) -> list[FieldState]:
        return [s for s in self.states.values() if s.mode == SHARED and s.visible]

    @property
    def asked_pages(self) -> list[Any]:
        """Pages with at least one visible field the applicant answers (pages of shared data only are skipped)."""
        return [p for p in self.schema.pages if any(s.visible and s.mode != SHARED for s in self.page_states(p.key))]

    @property
    def dependencies(self) -> set[str]:
        """Fields other fields' conditions read: changing one re-renders the page's fieldset."""
        return {v for f in self.schema.fields for v in expr.variables(f.visible_if) | expr.variables(f.required_if)}

    @property
    def counts(self) -> tuple[int, int]:
        """(fields shown, fields prefilled): the backfill figures of this application as it stands."""
        visible = [s for s in self.states.values() if s.visible]
        return len(visible), sum(1 for s in visible if s.mode == SHARED)


def carried_values(draft: Draft) -> dict[str, ValueWithProvenance]:
    """What an earlier item's result brought to this draft (一件事), as shared values with that case as source."""
    out = {}
    for key, v in (draft.carried or {}).items():
        out[key] = ValueWithProvenance(
            code=v["code"], name=v["name"], name_en=v.get("name_en", ""), value_type=v["value_type"],
            text=v["text"], display=v.get("display") or v["text"], owner_department=v.get("owner_department", ""),
            source_department=v["source_department"], source_department_en=v.get("source_department_en", ""),
            source_record_id=v["source_record_id"], as_of=datetime.fromisoformat(v["as_of"]),
            trust_level=v.get("trust_level", "A"), conflict=False,
        )  # fmt: skip
    return out


def draft_view(*, draft: Draft, answers: dict[str, Any] | None = None, reuse: DraftView | None = None) -> DraftView:
    """The draft's fields as they stand (optionally with unsaved answers laid over the stored ones).
    `reuse`: a view of the same draft whose shared values still hold — recompute states without reading again."""
    schema = schema_for(draft.version)
    if reuse is not None:
        values = {binding(s.spec): s.shared for s in reuse.states.values() if s.shared is not None}
    else:
        values = prefill_values(schema=schema, subjects=draft_subjects(draft), seen=draft.shared)
        values.update(carried_values(draft))  # an earlier item's result is newer than what the registry holds
    states = form_state(
        schema=schema,
        answers={**draft.answers, **(answers or {})},
        shared=values,
        unavailable=draft.unavailable,
        disputes=draft.disputes,
        age=subject_age(draft_subject(draft)),
    )
    return DraftView(draft=draft, schema=schema, states=states)


def implementations_with_form(*, department_ids: list[Any]) -> QuerySet[Implementation]:
    """The departments' items that can be applied for electronically (a current form), by name: what a window
    clerk may start for a person."""
    return (
        Implementation.objects.filter(department_id__in=department_ids, item__form_definition__versions__current=True)
        .select_related("item", "department")
        .order_by("item__name", "department__name")
        .distinct()
    )
