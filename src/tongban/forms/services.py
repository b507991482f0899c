"""Writes of forms: publishing a form version, starting and saving drafts, disputing a shared value, and
submitting (issue 4 part 4). Drafts hold only what the applicant typed; shared values are read from the
hub when the application starts and again when it is submitted, and snapshotted into the submission.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from tongban.catalog import selectors as catalog
from tongban.catalog.models import GuideVersion, Implementation, Item
from tongban.core.audit import audit_record
from tongban.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from tongban.exchange import services as exchange
from tongban.forms import selectors, signals
from tongban.forms.fieldvalues import field_clean, missing_error
from tongban.forms.materials import (
    attachments_attach,
    draft_ensure_open,
    drafts_files_purge,
    licences_used,
    material_errors,
)
from tongban.forms.models import Channel, Draft, FormDefinition, FormVersion, Submission
from tongban.forms.prefill import prefill_pull
from tongban.forms.schema import FieldSpec, schema_compile
from tongban.forms.state import COLLECTED, DECLARED, SHARED, STOPPED, binding
from tongban.identity import selectors as identity
from tongban.identity.models import Enterprise, Person, User
from tongban.registry.models import DataElement, TrustLevel
from tongban.registry.selectors import ValueWithProvenance
from tongban.registry.services import value_record

Subject = Person | Enterprise


class FormIncomplete(InvalidInput):
    """Submission refused: `errors` maps field keys to what is wrong, all at once (一次告知)."""

    code = "form_incomplete"
    default_zh = "申请表还有未完成的内容"
    default_en = "The application form is not complete yet"

    def __init__(self, errors: dict[str, DomainError]) -> None:
        super().__init__()
        self.errors = errors


def _identifier(subject: Subject) -> str:
    return subject.id_number if isinstance(subject, Person) else subject.credit_code


# --- Publishing --------------------------------------------------------------------------------------


@transaction.atomic
def form_publish(*, item: Item, schema: Mapping[str, Any], actor: str = "system", name: str = "") -> FormVersion:
    """Check a form's JSON and publish it as the item's next immutable version (the same JSON again: no-op)."""
    raw = json.loads(json.dumps(schema))  # a plain, JSON-safe copy
    schema_compile(
        raw,
        elements=selectors.element_infos(selectors.referenced_codes(raw)),
        subject_kind=selectors.subject_kind_of(raw),
    )
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    definition, _ = FormDefinition.objects.select_for_update().get_or_create(
        item=item, defaults={"name": name or f"{item.name}申请表"}
    )
    current = definition.versions.filter(current=True).first()
    if current and current.content_hash == digest:
        return current
    number = (definition.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    definition.versions.filter(current=True).update(current=False)
    version = FormVersion.objects.create(
        definition=definition, number=number, schema=raw, content_hash=digest, published_by=actor
    )
    audit_record(
        action="form.published",
        actor=actor,
        object_type="form_version",
        object_id=str(version.pk),
        data={"item": item.basic_code, "number": number},
    )
    return version


# --- Drafts ------------------------------------------------------------------------------------------


def not_represented(kind: str) -> NotFound:
    """One answer for a subject the applicant may not act for and for one that does not exist: an ID in a
    request never reveals anyone."""
    if kind == "enterprise":
        return NotFound("未找到该企业", "Enterprise not found", field="subject")
    return NotFound("未找到有效的代办授权", "No valid delegation found", field="subject")


def _resolve_subject(
    *, agent: Person, user: User, implementation: Implementation, kind: str, subject: Subject | None
) -> Subject:
    item_code = implementation.item.basic_code
    if kind == "enterprise":
        if not isinstance(subject, Enterprise):
            raise InvalidInput("请选择办理业务的企业", "Choose the enterprise you apply for", field="subject")
        represents = identity.enterprise_list_for_representative(person=agent).filter(pk=subject.pk).exists()
        if not represents and identity.delegation_active(principal=subject, agent=agent, item_code=item_code) is None:
            raise not_represented(kind)
        return subject
    if subject is None or (isinstance(subject, Person) and subject.pk == agent.pk):
        return agent
    if not isinstance(subject, Person):
        raise InvalidInput("本事项由个人申请", "This item is applied for by a person", field="subject")
    if identity.delegation_active(principal=subject, agent=agent, item_code=item_code) is None:
        raise not_represented(kind)
    return subject


def draft_start(
    *,
    user: User,
    implementation: Implementation,
    subject: Subject | None = None,
    channel: str = Channel.WEB,
) -> Draft:
    """Start (or resume) an application: pin the current form version and prefill it from the hub."""
    agent = identity.person_for_user(user=user)
    if agent is None:
        raise PermissionDenied("请使用个人实名账号申请", "Apply with a personal real-name account")
    version = selectors.form_current(implementation=implementation)
    if version is None:
        raise NotFound("该事项暂未开通网上申请，请到窗口办理", "This item cannot be applied for online yet")
    guide = catalog.guide_published(implementation)
    if agent.realname_level < guide.realname_level:
        raise PermissionDenied(
            f"办理本事项需要实名等级 L{guide.realname_level}，请先完成实名认证",
            f"This item needs real-name level L{guide.realname_level}; verify your identity first",
        )
    kind = selectors.subject_kind_of(version.schema)
    subject = _resolve_subject(agent=agent, user=user, implementation=implementation, kind=kind, subject=subject)
    return _draft_open(
        user=user, agent=agent, subject=subject, implementation=implementation, version=version, guide=guide,
        channel=channel,
    )  # fmt: skip


def _draft_open(
    *, user: User, agent: Person, subject: Subject, implementation: Implementation, version: FormVersion,
    guide: GuideVersion, channel: str, operator: str = "",
) -> Draft:  # fmt: skip
    with transaction.atomic():
        # Lock the user's row so a double click starts one draft, not two.
        User.objects.select_for_update().filter(pk=user.pk).first()
        existing = selectors.draft_open_for(user=user, implementation=implementation, subject=subject)
        if existing is not None and existing.pulled_at is not None:
            return existing
        # Resumed before the twin request that started it asked the hub: asked now, never an unfilled form.
        draft = existing or Draft.objects.create(
            user=user,
            agent=agent,
            subject_person=subject if isinstance(subject, Person) else None,
            subject_enterprise=subject if isinstance(subject, Enterprise) else None,
            implementation=implementation,
            version=version,
            guide=guide,
            expires_at=timezone.now() + timedelta(days=settings.FORMS_DRAFT_DAYS),
            channel=channel,
            operator=operator,
        )
    return draft_refresh(draft=draft)


def draft_start_at_window(
    *, clerk_user: User, operator: str, person: Person, implementation: Implementation, channel: str = Channel.WINDOW
) -> Draft:
    """A window clerk (or 12345 agent) starts or resumes an application for a person who is present: the clerk
    fills it in under their own login, the person is the applicant, and every hub read names the clerk. The
    caller has checked that the clerk may serve this item; the person's identity was checked in person."""
    version = selectors.form_current(implementation=implementation)
    if version is None:
        raise NotFound("该事项没有电子申请表，请使用纸质申请表", "This item has no electronic form; use the paper form")
    if selectors.subject_kind_of(version.schema) != "person":
        raise InvalidInput(
            "该事项由企业申请，请由企业经办人办理", "This item is applied for by an enterprise, through its agent"
        )
    guide = catalog.guide_published(implementation)
    return _draft_open(
        user=clerk_user, agent=person, subject=person, implementation=implementation, version=version, guide=guide,
        channel=channel, operator=operator,
    )  # fmt: skip


def draft_refresh(*, draft: Draft) -> Draft:
    """Ask the hub again (e.g. after a source was down): fields it now answers move to the sharing list.
    Not atomic on purpose: the pull is metered and audited even if saving fails, and holds no transaction
    open while a source system is slow."""
    schema = selectors.schema_for(draft.version)
    item = draft.implementation.item
    outcome = prefill_pull(
        schema=schema,
        subjects=selectors.draft_subjects(draft),
        consumer=draft.implementation.department,
        purpose=f"预填申请表：{item.name}",
        actor=draft.operator or f"person:{draft.agent_id}",
        case=f"草稿 {str(draft.pk)[:8]}",
    )
    Draft.objects.filter(pk=draft.pk).update(
        shared=outcome.seen, unavailable=outcome.unavailable, pulled_at=timezone.now(), updated_at=timezone.now()
    )
    draft.shared, draft.unavailable, draft.pulled_at = outcome.seen, outcome.unavailable, timezone.now()
    return draft


@transaction.atomic
def draft_reserve(
    *, user: User, draft_id: Any, until: Any, carried: Mapping[str, Any] | None = None,
    provided: Mapping[str, Any] | None = None,
) -> Draft:  # fmt: skip
    """Keep a draft that waits for an earlier item's result (一件事) until `until`, and lay that result over
    it: `carried` ("role:element" → value with the upstream case as provenance) shows as shared, `provided`
    (material id → the upstream case) stands for those materials. Only bundles call this."""
    draft = selectors.draft_get_for_user(user=user, draft_id=draft_id, for_update=True)
    draft_ensure_open(draft)
    draft.expires_at = max(draft.expires_at, until)
    draft.carried = {**draft.carried, **(carried or {})}
    draft.provided = {**draft.provided, **(provided or {})}
    draft.save(update_fields=["expires_at", "carried", "provided", "updated_at"])
    return draft


def answer_kept(value: Any) -> str:
    """An answer as a draft keeps it: text, at most 4,000 characters."""
    return (value if isinstance(value, str) else "")[:4000]


@transaction.atomic
def draft_save(*, user: User, draft_id: Any, answers: Mapping[str, Any], page: str | None) -> dict[str, DomainError]:
    """Save what was typed on one page (None: on every page, as the API sends it) — always, even when
    invalid — and return that page's problems (None: all of them, as at submission). Values posted for
    shared or other pages' fields are ignored: shared values are never taken from a form."""
    draft = selectors.draft_get_for_user(user=user, draft_id=draft_id, for_update=True)
    draft_ensure_open(draft)
    view = selectors.draft_view(draft=draft)
    states = view.page_states(page) if page is not None else view.states.values()
    keys = {s.key for s in states if s.mode == COLLECTED}
    kept = dict(draft.answers)
    for key in keys:
        if key in answers:
            kept[key] = answer_kept(answers[key])
    draft.answers = kept
    draft.lock_version += 1
    draft.expires_at = max(draft.expires_at, timezone.now() + timedelta(days=settings.FORMS_DRAFT_DAYS))
    draft.save(update_fields=["answers", "lock_version", "expires_at", "updated_at"])
    return page_errors(draft=draft, page=page, view=selectors.draft_view(draft=draft, reuse=view))


def page_errors(
    *, draft: Draft, page: str | None = None, view: selectors.DraftView | None = None
) -> dict[str, DomainError]:
    """Problems of the visible fields (of one page, or all): missing required answers, invalid ones,
    fields only a window can handle."""
    view = view or selectors.draft_view(draft=draft)
    errors: dict[str, DomainError] = {}
    for state in view.states.values():
        if not state.visible or (page is not None and state.spec.page != page):
            continue
        spec = state.spec
        if state.mode == STOPPED:
            errors[spec.key] = InvalidInput(
                f"{spec.label}：需要到窗口核实，暂不能网上提交",
                f"{spec.label_en}: must be checked at a service window",
                field=spec.key,
            )
        elif state.mode == COLLECTED:
            if not state.text.strip():
                if state.required:
                    errors[spec.key] = missing_error(spec)
                continue
            try:
                field_clean(spec, state.text)
            except InvalidInput as exc:
                errors[spec.key] = exc
    if page is None:
        errors.update(material_errors(draft=draft))
    return errors


def _licences_use_record(submission: Submission) -> None:
    """Each licence that stood for a material is a use of the holder's data (谁用了我的数据)."""
    holder = submission.subject_enterprise or submission.subject_person or submission.agent
    code = holder.credit_code if isinstance(holder, Enterprise) else holder.id_number
    for material_id, identifier in submission.licences.items():
        audit_record(
            action="licence.used_as_material", actor=f"department:{submission.department_id}",
            object_type="licence", object_id=identifier, subject=code,
            data={"case": submission.number, "material": material_id, "department": submission.department.name,
                  "actor_name": submission.department.name, "purpose": "申请材料（电子证照代替，免提交）"},
        )  # fmt: skip


@transaction.atomic
def draft_dispute(*, user: User, draft_id: Any, field_key: str, value: str, reason: str) -> Draft:
    """ "信息有误": open a correction request to the owner department; where the form allows it, the applicant's
    value is used for this application (flagged for the clerk with both values), else the window route."""
    draft = selectors.draft_get_for_user(user=user, draft_id=draft_id, for_update=True)
    draft_ensure_open(draft)
    view = selectors.draft_view(draft=draft)
    state = view.states.get(field_key)
    if state is None or state.mode not in (SHARED, DECLARED) or state.shared is None:
        raise NotFound("该字段不是共享数据", "This field is not filled from shared data", field="field_key")
    spec = state.spec
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请说明哪里有误", "Say what is wrong", field="reason")
    declare = spec.on_dispute == "declare"
    clean = ""
    if declare:
        if not value.strip():
            raise InvalidInput(f"请输入正确的{spec.label}", f"Enter the correct {spec.label_en.lower()}", field="value")
        clean = field_clean(spec, value)
    subject = selectors.draft_subjects(draft)[spec.role]
    correction = exchange.correction_open(
        subject=subject,
        element_code=spec.element,
        shown_value=state.shared.text,
        claimed_value=clean,
        reason=reason[:500],
        raised_by=user,
        reference=f"草稿 {str(draft.pk)[:8]}",
    )
    entry: dict[str, Any] = {"reason": reason[:500], "correction": str(correction.pk)}
    if declare:
        entry["value"] = clean
    else:
        entry["stop"] = True
    draft.disputes = {**draft.disputes, field_key: entry}
    draft.save(update_fields=["disputes", "updated_at"])
    return draft


def shared_snapshot(*, spec: FieldSpec, value: ValueWithProvenance) -> dict[str, Any]:
    """How a submission keeps a shared value it used: the value and its provenance, as of submission."""
    return {
        "element": spec.element,
        "role": spec.role,
        "text": value.text,
        "display": value.display,
        "source_department": value.source_department,
        "source_record_id": value.source_record_id,
        "as_of": value.as_of.isoformat(),
        "trust_level": value.trust_level,
    }


def _number() -> str:
    return f"SQ{timezone.localdate():%Y%m%d}{secrets.randbelow(10**6):06d}"


def declaration_missing() -> InvalidInput:
    return InvalidInput(
        "请确认申请内容真实有效", "Confirm that what you submit is true and complete", field="declaration"
    )


def application_submit(
    *, user: User, draft_id: Any, consent: list[str], declaration: bool, channel: str | None = None
) -> Submission:
    """Submit a draft once: a double click, a retry or a second tab gets the same submission back.

    The hub is read again first (outside the transaction: a slow source must not hold locks); a field
    whose source fails now keeps the value the registry already holds, so the form still submits."""
    draft = selectors.draft_get_for_user(user=user, draft_id=draft_id)
    already = Submission.objects.filter(draft=draft).first()
    if already is not None:
        return already
    if not declaration:
        raise declaration_missing()
    schema = selectors.schema_for(draft.version)
    subjects = selectors.draft_subjects(draft)
    number = _number()
    item = draft.implementation.item
    fresh = prefill_pull(
        schema=schema,
        subjects=subjects,
        consumer=draft.implementation.department,
        purpose=f"办理：{item.name}",
        actor=draft.operator or f"person:{draft.agent_id}",
        case=number,
    )
    for _attempt in range(3):
        try:
            return _submit(
                user=user, draft_id=draft.pk, fresh=fresh.values, consent=consent, number=number, channel=channel
            )
        except IntegrityError:
            # Either the number was taken (try another) or another tab submitted this draft (return theirs).
            already = Submission.objects.filter(draft_id=draft.pk).first()
            if already is not None:
                return already
            number = _number()
    raise Conflict("提交繁忙，请稍后重试", "Busy; please submit again")


@transaction.atomic
def _submit(
    *, user: User, draft_id: Any, fresh: Mapping[str, Any], consent: list[str], number: str, channel: str | None
) -> Submission:
    draft = selectors.draft_get_for_user(user=user, draft_id=draft_id, for_update=True)
    already = Submission.objects.filter(draft=draft).first()
    if already is not None:
        return already
    draft_ensure_open(draft)
    view = selectors.draft_view(draft=draft)
    errors = page_errors(draft=draft, view=view)
    if errors:
        raise FormIncomplete(errors)
    answers: dict[str, str] = {}
    shared: dict[str, Any] = {}
    declared: dict[str, Any] = {}
    self_declared: list[str] = []
    for state in view.states.values():
        if not state.visible:
            continue
        spec = state.spec
        if state.mode == SHARED:
            # An earlier item's result stands (一件事); else the hub's fresh value, or the registry's copy if down now.
            value = (None if binding(spec) in draft.carried else fresh.get(binding(spec))) or state.shared
            assert value is not None  # a shared state always carries its value
            shared[spec.key] = shared_snapshot(spec=spec, value=value)
        elif state.mode == DECLARED:
            dispute = draft.disputes[spec.key]
            declared[spec.key] = {
                "value": state.text,
                "shared": state.shared.text if state.shared else "",
                "reason": dispute.get("reason", ""),
                "correction": dispute.get("correction", ""),
            }
        elif state.text.strip():
            answers[spec.key] = field_clean(spec, state.text)
            if spec.bound:
                self_declared.append(spec.key)
    shown, prefilled = view.counts
    subject = selectors.draft_subject(draft)
    submission = Submission.objects.create(
        number=number,
        draft=draft,
        version=draft.version,
        guide_id=draft.guide_id,
        implementation=draft.implementation,
        item_code=draft.implementation.item.basic_code,
        department=draft.implementation.department,
        user=user,
        agent=draft.agent,
        subject_person=draft.subject_person,
        subject_enterprise=draft.subject_enterprise,
        answers=answers,
        shared=shared,
        declared=declared,
        self_declared=self_declared,
        fields_shown=shown,
        fields_prefilled=prefilled,
        channel=channel or draft.channel,
        operator=draft.operator,
        licences=licences_used(draft=draft),
        provided=draft.provided,
    )
    attachments_attach(draft=draft, submission=submission)
    _licences_use_record(submission)
    submission.written_back = _write_back(
        submission=submission, view=view, consent=consent, subjects=selectors.draft_subjects(draft)
    )
    if submission.written_back:
        submission.save(update_fields=["written_back", "updated_at"])
    audit_record(
        action="form.submitted",
        actor=draft.operator or f"person:{draft.agent_id}",
        object_type="submission",
        object_id=str(submission.pk),
        subject=_identifier(subject),
        data={
            "case": number,
            "item": submission.item_code,
            "department": submission.department.name,
            "elements": [v["element"] for v in shared.values()],
            "purpose": f"办理：{draft.implementation.item.name}",
            "shown": shown,
            "prefilled": prefilled,
        },
    )
    signals.submitted.send(sender=Submission, submission=submission)  # cases opens the case, in this transaction
    return submission


def _write_back(
    *, submission: Submission, view: selectors.DraftView, consent: list[str], subjects: Mapping[str, Subject]
) -> list[str]:
    """Record consented, newly collected bound answers in the profile as the applicant's own declaration
    (trust level D), so the next form is prefilled with them; the authoritative source still wins later."""
    written: list[str] = []
    wanted = [
        s
        for s in view.states.values()
        if s.key in set(consent)
        and s.visible
        and s.mode == COLLECTED
        and s.spec.bound
        and s.spec.writeback
        and s.key in submission.answers
    ]
    elements = {e.code: e for e in DataElement.objects.filter(code__in=[s.spec.element for s in wanted])}
    for state in wanted:
        subject = subjects[state.spec.role]
        value_record(
            subject=subject,
            element=elements[state.spec.element],
            value=submission.answers[state.key],
            source_department=submission.department,
            source_record_id=submission.number,
            as_of=submission.submitted_at,
            trust_level=TrustLevel.D,
        )
        written.append(state.key)
    if written:
        audit_record(
            action="profile.written_back",
            actor=submission.operator or f"person:{submission.agent_id}",
            object_type="submission",
            object_id=str(submission.pk),
            subject=_identifier(subjects["subject"]),
            data={
                "elements": [elements[view.states[k].spec.element].code for k in written],
                "case": submission.number,
                "purpose": "本人同意回写一人一档",
                "department": submission.department.name,
            },
        )
    return written


@transaction.atomic
def drafts_purge(*, now: Any = None) -> int:
    """Delete expired, unsubmitted drafts (what an applicant typed is not kept forever)."""
    now = now or timezone.now()
    stale = Draft.objects.filter(expires_at__lte=now, submission__isnull=True)
    count = stale.count()
    drafts_files_purge(drafts=stale)
    stale.delete()
    return count
