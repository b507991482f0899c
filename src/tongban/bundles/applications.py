"""一件事一次办, part 3: one application, one case per item (ADR 0013).

A `BundleApplication` holds the situational answers and the one form's values; each composed item is a
`BundleChild` with its own forms `Draft` (the item's published form, prefilled for its own department), so
validation, prefill, materials, licences-as-materials, write-back and case opening are forms' and cases' own.
The one form's values reach each draft keyed as that item's form keys them (`Composition.answers_for`).

Submitting is a saga of idempotent steps: one transaction marks the application submitted and every child
`queued` (nothing it needs is pending) or `waiting` (an upstream item's result is); then each queued child is
submitted on its own — its submission opens its case with its own department, on its own clock. A child that
fails (a department's system down, a source that does not answer) stays queued with the reason and is retried
(`tongban bundles advance`); the others are not touched. Submitting again, or a retry, completes what is left:
forms submits a draft once, so nothing is opened twice. When an upstream case is approved (cases.signals.moved),
its downstream children receive the result — the data elements the edge carries as shared values whose source
is that case, the materials it stands for as 免提交 — and are submitted; when one is not approved they are
cancelled, with the reason.
"""

from __future__ import annotations

import io
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.bundles import selectors
from tongban.bundles.definition import Definition
from tongban.bundles.merge import Composition, answers_kept, compose, material_key
from tongban.bundles.models import (
    ApplicationState,
    BundleApplication,
    BundleChild,
    BundleVersion,
    ChildState,
)
from tongban.bundles.situation import Answers
from tongban.cases import selectors as cases
from tongban.cases.codes import ActedThrough, State
from tongban.cases.services import Actor, case_accept
from tongban.cases.window_queries import window_clerk
from tongban.catalog import selectors as catalog
from tongban.core.audit import audit_record
from tongban.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from tongban.forms import selectors as forms
from tongban.forms import services as forms_services
from tongban.forms.materials import attachment_add
from tongban.identity import selectors as identity
from tongban.identity.models import Enterprise, Staff, User
from tongban.licenses import selectors as licences
from tongban.licenses import services as licensing

log = logging.getLogger(__name__)

HOLD_DAYS = 365  # a waiting item's draft is kept this long for its upstream results
RETRY_MINUTES = (1, 5, 30, 120, 720)  # after the 1st, 2nd, … failure; then every 12 hours
APPROVED = frozenset({State.APPROVED, State.RESULT_DELIVERED, State.ARCHIVED})
NOT_APPROVED = frozenset({State.DENIED, State.REJECTED_AT_INTAKE, State.WITHDRAWN, State.REVOKED})


class BundleIncomplete(InvalidInput):
    """Submission refused: `errors` maps the one form's field keys (and `material-<n>`) to what is wrong."""

    code = "bundle_incomplete"
    default_zh = "一件事申请表还有未完成的内容"
    default_en = "The bundle application is not complete yet"

    def __init__(self, errors: dict[str, DomainError]) -> None:
        super().__init__()
        self.errors = errors


def _number() -> str:
    return f"YJ{timezone.localdate():%Y%m%d}{secrets.randbelow(10**6):06d}"


def material_field_key(index: int) -> str:
    """How the one form names its n-th merged material (errors, upload fields)."""
    return f"material-{index}"


# --- reading an application ------------------------------------------------------------------------------------


def application_get_for_user(*, user: User, application_id: Any, for_update: bool = False) -> BundleApplication:
    """The user's own bundle application; anyone else's id answers as if it did not exist."""
    qs = BundleApplication.objects.select_related("version__bundle", "agent", "subject_enterprise")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        found = qs.filter(user=user, pk=application_id).first()
    except (ValueError, TypeError, ValidationError):  # a malformed id from a URL
        found = None
    if found is None:
        raise NotFound("未找到该一件事申请", "No such bundle application")
    return found


def application_list_for_user(*, user: User, limit: int = 100) -> list[BundleApplication]:
    return list(BundleApplication.objects.filter(user=user).select_related("version__bundle")[:limit])


def application_composition(application: BundleApplication) -> Composition:
    return compose(selectors.bundle_definition(version=application.version), application.answers)


# --- starting and changing -------------------------------------------------------------------------------------


def _subject_for(*, node_name: str, kind: str, enterprise: Enterprise | None) -> Enterprise | None:
    if kind != "enterprise":
        return None
    if enterprise is None:
        raise InvalidInput(
            f"本一件事中的“{node_name}”须以企业名义申请，请选择您代表的企业",
            f"“{node_name}” in this bundle is applied for by an enterprise: choose the one you act for",
            field="enterprise",
        )
    return enterprise


def _children_sync(*, application: BundleApplication, composition: Composition) -> None:
    """One child (with its own draft) per composed item, in the composed order; children of items no longer
    chosen are dropped (their drafts expire on their own)."""
    existing = {c.node: c for c in application.children.all()}
    wanted = [i.node.key for i in composition.items]
    for item in composition.items:
        node = item.node
        if not node.has_form:
            raise InvalidInput(
                f"“{node.name}”暂未开通网上申请，请到综合窗口办理本一件事",
                f"“{node.name_en or node.name}” cannot be applied for online yet: apply for this bundle at a window",
            )  # fmt: skip
    for position, item in enumerate(composition.items):
        node, child = item.node, existing.get(item.node.key)
        if child is None or child.draft_id is None:
            implementation = catalog.implementation_get_by_code(node.code)
            version = forms.form_current(implementation=implementation)
            kind = forms.subject_kind_of(version.schema) if version is not None else "person"
            subject = _subject_for(node_name=node.name, kind=kind, enterprise=application.subject_enterprise)
            draft = forms_services.draft_start(user=application.user, implementation=implementation, subject=subject,
                                               channel=application.channel)  # fmt: skip
            BundleChild.objects.update_or_create(
                application=application, node=node.key,
                defaults={"implementation": implementation, "draft": draft, "position": position,
                          "upstream": list(item.upstream)},
            )  # fmt: skip
        else:
            BundleChild.objects.filter(pk=child.pk).update(position=position, upstream=list(item.upstream))
    BundleChild.objects.filter(application=application).exclude(node__in=wanted).delete()


def bundle_application_start(
    *, user: User, version: BundleVersion, answers: Answers, enterprise: Enterprise | None = None,
    channel: str = "web",
) -> BundleApplication:  # fmt: skip
    """Start (or resume) the user's application of this bundle for these situational answers."""
    agent = identity.person_for_user(user=user)
    if agent is None:
        raise PermissionDenied("请使用个人实名账号申请", "Apply with a personal real-name account")
    if (
        enterprise is not None
        and not identity.enterprise_list_for_representative(person=agent).filter(pk=enterprise.pk).exists()
    ):
        raise NotFound("未找到该企业", "Enterprise not found", field="enterprise")
    composition = compose(selectors.bundle_definition(version=version), answers)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # a double click starts one application
        application = BundleApplication.objects.filter(
            user=user, version__bundle_id=version.bundle_id, subject_enterprise=enterprise,
            state=ApplicationState.DRAFT,
        ).first()  # fmt: skip
        if application is None:
            application = BundleApplication.objects.create(
                number=_number(), version=version, user=user, agent=agent, subject_enterprise=enterprise,
                answers=_stored(composition), channel=channel,
            )  # fmt: skip
        elif application.version_id != version.pk:
            raise Conflict(
                "本一件事已更新，请重新开始申请", "This bundle has been updated: start the application again"
            )
    return bundle_application_answer(user=user, application_id=application.pk, answers=answers)


def bundle_application_answer(*, user: User, application_id: Any, answers: Answers) -> BundleApplication:
    """Change the situational answers: items come and go; every value typed that is still asked stays."""
    application = application_get_for_user(user=user, application_id=application_id)
    _ensure_draft(application)
    composition = compose(selectors.bundle_definition(version=application.version), answers)
    _children_sync(application=application, composition=composition)
    kept = answers_kept(previous=application.values, composition=composition)
    BundleApplication.objects.filter(pk=application.pk).update(
        answers=_stored(composition), values=kept, updated_at=timezone.now()
    )
    application.refresh_from_db()
    _distribute(application=application, composition=composition)
    return application


def _stored(composition: Composition) -> dict[str, list[str]]:
    return {key: list(chosen) for key, chosen in composition.situation.answers.items()}


def _ensure_draft(application: BundleApplication) -> None:
    if application.state != ApplicationState.DRAFT:
        raise Conflict("该一件事申请已提交", "This bundle application has already been submitted")


# --- the one form ----------------------------------------------------------------------------------------------


def _upstream_given(composition: Composition, node: str) -> tuple[set[str], set[str]]:
    """What the node's upstream results will bring: its own field keys filled, its own material ids replaced."""
    filled = {own for own, merged in composition.fields_for(node).items() if composition.field(merged).filled_by}
    replaced = {
        f"material-{mid}"
        for m in composition.materials
        for (n, mid), because in zip(m.sources, m.exempt_because, strict=True)
        if n == node and because.startswith("upstream:")
    }
    return filled, replaced


def _merged_errors(
    composition: Composition, child: BundleChild, errors: Mapping[str, DomainError]
) -> dict[str, DomainError]:
    """A child draft's problems under the one form's keys, without what its upstream results will bring."""
    merged_of = composition.fields_for(child.node)
    material_of = {
        f"material-{mid}": material_field_key(i)
        for i, m in enumerate(composition.materials)
        for n, mid in m.sources
        if n == child.node
    }
    filled, replaced = _upstream_given(composition, child.node) if child.upstream else (set(), set())
    out: dict[str, DomainError] = {}
    for key, error in errors.items():
        if key in filled or key in replaced:
            continue
        target = merged_of.get(key) or material_of.get(key) or f"{child.node}.{key}"
        out.setdefault(target, error)
    return out


def _distribute(*, application: BundleApplication, composition: Composition) -> dict[str, DomainError]:
    """Write the one form's values into every child's draft; the problems of all of them, under merged keys."""
    errors: dict[str, DomainError] = {}
    for child in application.children.all():
        own = composition.answers_for(child.node, application.values)
        problems = forms_services.draft_save(user=application.user, draft_id=child.draft_id, answers=own, page=None)
        errors.update(_merged_errors(composition, child, problems))
    return errors


def bundle_application_save(
    *, user: User, application_id: Any, values: Mapping[str, Any], consent: Iterable[str] | None = None
) -> dict[str, DomainError]:
    """Save what was typed in the one form — always, even when invalid — and return every problem at once.
    Only the fields given change; `consent` (the write-back ticks) replaces the ticks kept, None keeps them."""
    with transaction.atomic():
        application = application_get_for_user(user=user, application_id=application_id, for_update=True)
        _ensure_draft(application)
        composition = application_composition(application)
        asked = {f.key for f in composition.asked_fields}
        application.values = {
            **application.values,
            **{k: forms_services.answer_kept(v) for k, v in values.items() if k in asked},
        }
        if consent is not None:
            application.consent = [k for k in consent if k in asked]
        application.save(update_fields=["values", "consent", "updated_at"])
    return _distribute(application=application, composition=composition)


def _errors(*, application: BundleApplication, composition: Composition) -> dict[str, DomainError]:
    """Every child draft's problems as they stand, under the one form's keys."""
    errors: dict[str, DomainError] = {}
    for child in application.children.select_related("draft__version", "draft__guide"):
        if child.draft is None:
            raise Conflict("申请草稿已失效，请重新开始申请", "A draft of this application is gone: start again")
        errors.update(_merged_errors(composition, child, forms_services.page_errors(draft=child.draft)))
    return errors


def bundle_material_upload(
    *, user: User, application_id: Any, index: int, stream: Any, filename: str, size: int
) -> int:
    """One file for one merged material: attached to the draft of every item that needs it from the applicant
    (the same bytes, checked once per draft). Returns how many items received it."""
    application = application_get_for_user(user=user, application_id=application_id)
    _ensure_draft(application)
    composition = application_composition(application)
    if not 0 <= index < len(composition.materials):
        raise NotFound("本一件事没有这项材料", "This bundle does not ask for that material", field="material")
    merged = composition.materials[index]
    drafts = {c.node: c.draft_id for c in application.children.all()}
    data = stream.read(size + 1)
    attached = 0
    with transaction.atomic():
        for (node, material_id), because in zip(merged.sources, merged.exempt_because, strict=True):
            if because or node not in drafts:
                continue
            attachment_add(user=user, draft_id=drafts[node], material_id=material_id, stream=io.BytesIO(data),
                           filename=filename, size=size)  # fmt: skip
            attached += 1
    if not attached:
        raise InvalidInput(f"“{merged.name}”无需上传", f"“{merged.name}” does not need to be uploaded",
                           field="material")  # fmt: skip
    return attached


# --- submitting ------------------------------------------------------------------------------------------------


def bundle_application_submit(
    *, user: User, application_id: Any, declaration: bool, consent: Iterable[str] | None = None
) -> BundleApplication:
    """Submit the whole bundle once: a double click, a retry or a second tab gets the same application back,
    and completes whatever a failure left undone."""
    application = application_get_for_user(user=user, application_id=application_id)
    if application.state == ApplicationState.SUBMITTED:
        bundle_children_advance(application_id=application.pk)
        return application
    if not declaration:
        raise forms_services.declaration_missing()
    composition = application_composition(application)
    if consent is not None:
        asked = {f.key for f in composition.asked_fields}
        BundleApplication.objects.filter(pk=application.pk).update(consent=[k for k in consent if k in asked])
    errors = _errors(application=application, composition=composition)  # the values are in the drafts already
    if errors:
        raise BundleIncomplete(errors)
    hold = timezone.now() + timedelta(days=HOLD_DAYS)
    with transaction.atomic():
        application = application_get_for_user(user=user, application_id=application_id, for_update=True)
        if application.state == ApplicationState.SUBMITTED:
            return application
        for child in application.children.select_for_update():
            child.state = ChildState.WAITING if child.upstream else ChildState.QUEUED
            child.save(update_fields=["state", "updated_at"])
            if child.upstream:
                forms_services.draft_reserve(user=application.user, draft_id=child.draft_id, until=hold)
        application.state, application.submitted_at = ApplicationState.SUBMITTED, timezone.now()
        application.save(update_fields=["state", "submitted_at", "updated_at"])
        audit_record(
            action="bundle.submitted", actor=f"person:{application.agent_id}", object_type="bundle_application",
            object_id=application.number,
            data={"bundle": application.version.bundle.code, "version": application.version.number,
                  "items": [c.node for c in application.children.all()]},
        )  # fmt: skip
    bundle_children_advance(application_id=application.pk)
    return application


def _consent_for(application: BundleApplication, composition: Composition, node: str) -> list[str]:
    chosen = set(application.consent)
    return [own for own, merged in composition.fields_for(node).items() if merged in chosen]


@dataclass(frozen=True)
class _Upstream:
    child: BundleChild
    case: Any  # cases.Case | None


def _upstreams(child: BundleChild, siblings: dict[str, BundleChild]) -> list[_Upstream]:
    ups = [siblings[k] for k in child.upstream if k in siblings]
    by_submission = cases.cases_for_submissions(submission_ids=[u.submission_id for u in ups if u.submission_id])
    return [_Upstream(child=u, case=by_submission.get(u.submission_id)) for u in ups]


def _carried(
    *, definition: Definition, child: BundleChild, ups: list[_Upstream]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the upstream results bring this child: shared values ("role:element" → value with the upstream
    case as its source) for the edges' data elements, and the materials they stand for (免提交)."""
    draft = child.draft
    assert draft is not None
    schema = forms.schema_for(draft.version)
    guide_materials = list(draft.guide.materials.all()) if draft.guide is not None else []
    carried: dict[str, Any] = {}
    provided: dict[str, Any] = {}
    for up in ups:
        flow = next((f for f in definition.flows if f.upstream == up.child.node and f.downstream == child.node), None)
        if flow is None or up.case is None or up.child.submission is None:
            continue
        upstream_submission = up.child.submission
        up_schema = forms.schema_for(upstream_submission.version)
        infos = forms.element_infos(list(flow.elements))
        for element in flow.elements:
            source = next((f for f in up_schema.fields if f.element == element), None)
            if source is None or element not in infos:
                continue
            shared = (upstream_submission.shared or {}).get(source.key) or {}
            text = shared.get("text") or (upstream_submission.answers or {}).get(source.key, "")
            if not text:
                continue
            info = infos[element]
            for spec in (f for f in schema.fields if f.element == element):
                carried[f"{spec.role}:{element}"] = {
                    "code": element, "name": info.name, "name_en": info.name_en, "value_type": info.value_type,
                    "text": text, "display": shared.get("display") or text, "owner_department": info.owner,
                    "source_department": up.case.department.name, "source_department_en": up.case.department.name_en,
                    "source_record_id": up.case.number, "as_of": (up.case.decided_at or timezone.now()).isoformat(),
                    "trust_level": "A",
                }  # fmt: skip
        issued = [lic for lic in licences.licences_from(source=f"case:{up.case.number}")
                  if not flow.licence or lic.licence_type.code == flow.licence]  # fmt: skip
        names = {material_key(n) for n in flow.materials}
        for material in guide_materials:
            if material_key(material.name) in names:
                provided[str(material.pk)] = {
                    "case": up.case.number, "item": up.case.implementation.item.name,
                    "licence": issued[0].identifier if issued else "",
                }  # fmt: skip
    return carried, provided


def _fail(child: BundleChild, error: Exception) -> None:
    message = error.bilingual if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"[:500]
    wait = RETRY_MINUTES[min(child.attempts, len(RETRY_MINUTES) - 1)]
    BundleChild.objects.filter(pk=child.pk).update(
        state=ChildState.QUEUED, attempts=child.attempts + 1, last_error=message[:1000],
        retry_at=timezone.now() + timedelta(minutes=wait), updated_at=timezone.now(),
    )  # fmt: skip


def _open(*, application: BundleApplication, composition: Composition, child: BundleChild) -> None:
    """Submit the child's draft for the applicant: forms opens its case (once, however often this runs)."""
    submission = forms_services.application_submit(
        user=application.user, draft_id=child.draft_id, declaration=True,
        consent=_consent_for(application, composition, child.node), channel=application.channel,
    )  # fmt: skip
    BundleChild.objects.filter(pk=child.pk).update(
        state=ChildState.OPENED, submission=submission, last_error="", retry_at=None, updated_at=timezone.now()
    )


def _child_advance(*, application: BundleApplication, composition: Composition, child: BundleChild,
                   siblings: dict[str, BundleChild]) -> None:  # fmt: skip
    if child.state == ChildState.WAITING or (child.state == ChildState.QUEUED and child.upstream):
        ups = _upstreams(child, siblings)
        blocked = [u for u in ups if u.child.state == ChildState.CANCELLED or (u.case and u.case.state in NOT_APPROVED)]
        if blocked:
            name = blocked[0].child.implementation.item.name
            BundleChild.objects.filter(pk=child.pk).update(
                state=ChildState.CANCELLED, note=f"前置事项“{name}”未获准予，本事项未办理"[:300],
                updated_at=timezone.now(),
            )  # fmt: skip
            child.state = ChildState.CANCELLED
            return
        if not all(u.case is not None and u.case.state in APPROVED for u in ups):
            return  # still waiting for an upstream result
        carried, provided = _carried(definition=composition.definition, child=child, ups=ups)
        forms_services.draft_reserve(user=application.user, draft_id=child.draft_id, carried=carried,
                                     provided=provided, until=timezone.now() + timedelta(days=HOLD_DAYS))  # fmt: skip
    _open(application=application, composition=composition, child=child)
    child.state = ChildState.OPENED


def bundle_children_advance(*, application_id: Any, due_by: Any = None) -> dict[str, int]:
    """Open what can be opened now, in dependency order; each child on its own, so one failing leaves the
    others as they are; `due_by` (the retry job): queued ones only once their retry time has come. Returns the
    children per state afterwards."""
    application = BundleApplication.objects.select_related("version", "user").get(pk=application_id)
    if application.state != ApplicationState.SUBMITTED:
        return {}
    composition = application_composition(application)
    related = ("implementation__item", "draft__guide", "draft__version", "submission__version")
    children = list(application.children.select_related(*related))
    siblings = {c.node: c for c in children}
    for child in children:
        if child.state not in (ChildState.QUEUED, ChildState.WAITING):
            continue
        if due_by and child.state == ChildState.QUEUED and child.retry_at and child.retry_at > due_by:
            continue
        try:
            _child_advance(application=application, composition=composition, child=child, siblings=siblings)
        except Exception as error:  # any failure (a department's system down, a source silent) leaves it queued
            log.warning("bundle %s: item %s not opened: %s", application.number, child.node, error)
            _fail(child, error)
            child.state = ChildState.QUEUED
    if application.version.combined_licence:
        try:
            bundle_combined_licence_issue(application=application)
        except Exception as error:  # the permits stand; the combined licence is issued on the next run
            log.warning("bundle %s: combined licence not issued: %s", application.number, error)
    counts: dict[str, int] = {}
    for state in BundleChild.objects.filter(application=application).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def combined_source(application: BundleApplication) -> str:
    return f"bundle:{application.number}"


def bundle_combined_licence_issue(*, application: BundleApplication) -> Any:
    """一业一证: once every item of the application is decided (none still waiting, queued or in review) and at
    least one approved, the bundle's combined licence names each permit — its item, case number and the licence
    it issued — and goes to the enterprise (or the person) the application is for. Issued once; None until then."""
    code = application.version.combined_licence
    if not code or licences.licences_from(source=combined_source(application)).exists():
        return None
    children = list(application.children.select_related("implementation__item"))
    if any(c.state in (ChildState.PENDING, ChildState.WAITING, ChildState.QUEUED) for c in children):
        return None
    by_submission = cases.cases_for_submissions(submission_ids=[c.submission_id for c in children if c.submission_id])
    opened = [by_submission.get(c.submission_id) for c in children if c.state == ChildState.OPENED]
    if any(case is None or case.state not in APPROVED | NOT_APPROVED for case in opened):
        return None
    approved = [case for case in opened if case is not None and case.state in APPROVED]
    if not approved:
        return None
    licence_type = licences.licence_type_get(code=code)
    permits = []
    for case in approved:
        issued = [
            f"{lic.licence_type.name} {lic.number}" for lic in licences.licences_from(source=f"case:{case.number}")
        ]
        results = "；" + "，".join(issued) if issued else ""
        permits.append(f"{case.implementation.item.name}（办件 {case.number}{results}）")
    enterprise = licence_type.holder_kind == "enterprise"
    holder: Any = application.subject_enterprise if enterprise else application.agent
    if holder is None:
        raise InvalidInput("一业一证须发给企业，但本申请没有申请企业", "The combined licence goes to a firm; none here")
    values = {
        "enterprise_name": holder.name,
        "credit_code": getattr(holder, "credit_code", ""), "permits": "；".join(permits),
        "items": "、".join(case.implementation.item.name for case in approved),
        "bundle": application.version.bundle.name,
    }  # fmt: skip
    fields = {
        spec["name"]: values[spec.get("from") or spec["name"]]
        for spec in licence_type.fields
        if values.get(spec.get("from") or spec["name"])
    }
    return licensing.licence_issue(
        licence_type=licence_type, holder=holder, number=application.number, fields=fields,
        actor=f"system:bundle {application.number}", reason=f"一件事 {application.number} 各事项办结（一业一证）",
        source=combined_source(application),
    )  # fmt: skip


def bundle_children_retry(*, now: Any = None) -> int:
    """The retry job: every submitted application with a child due again, or waiting (a missed signal)."""
    now = now or timezone.now()
    ids = set(
        BundleChild.objects.filter(state=ChildState.QUEUED, retry_at__lte=now).values_list("application_id", flat=True)
    ) | set(BundleChild.objects.filter(state=ChildState.WAITING).values_list("application_id", flat=True))
    for application_id in ids:
        bundle_children_advance(application_id=application_id, due_by=now)
    return len(ids)


def bundle_case_moved(*, case_id: Any, to_state: str) -> None:
    """A case moved: if it is an item of a bundle application and now has its result (or will not), the items
    waiting for it go on."""
    if to_state not in APPROVED | NOT_APPROVED:
        return
    submission_id = cases.case_submission_id(case_id=case_id)
    child = BundleChild.objects.filter(submission_id=submission_id).only("application_id").first()
    if child is None:
        return
    bundle_children_advance(application_id=child.application_id)


# --- 综合窗口: the whole bundle at one window ----------------------------------------------------------------------


def application_get_for_clerk(*, staff: Staff, number: str) -> BundleApplication:
    """A submitted bundle application a window clerk receives: at least one of its items is for a department
    their window takes in (a service centre's: every department of its region). Anything else: not found."""
    receives = cases.intake_departments(staff=staff) if window_clerk(staff) else []
    wanted = (number or "").strip().upper()[:20]
    submitted = BundleApplication.objects.filter(number=wanted, state=ApplicationState.SUBMITTED)
    related = submitted.filter(children__implementation__department_id__in=receives)
    found = related.select_related("version__bundle", "agent", "subject_enterprise").first()
    if found is None:
        raise NotFound("未找到该一件事申请", "No such bundle application", field="number")
    return found


@dataclass(frozen=True)
class WindowAcceptance:
    accepted: list[str]  # case numbers
    refused: list[tuple[str, DomainError]]  # case number, why
    elsewhere: list[str]  # items this window does not take in: their departments accept them


def bundle_accept_at_window(*, staff: Staff, number: str) -> WindowAcceptance:
    """一窗受理 of a whole bundle: accept every item case waiting for intake that this window receives, each on its
    own (its own department's clock starts); one refused leaves the others accepted."""
    application = application_get_for_clerk(staff=staff, number=number)
    receives = set(cases.intake_departments(staff=staff))
    children = list(application.children.select_related("implementation__item", "implementation__department"))
    by_submission = cases.cases_for_submissions(submission_ids=[c.submission_id for c in children if c.submission_id])
    actor = Actor.of_staff(staff, channel=ActedThrough.WINDOW)
    result = WindowAcceptance(accepted=[], refused=[], elsewhere=[])
    for child in children:
        case = by_submission.get(child.submission_id)
        if child.implementation.department_id not in receives:
            result.elsewhere.append(child.implementation.item.name)
            continue
        if case is None or case.state != State.SUBMITTED:
            continue
        try:
            case_accept(case_id=case.pk, actor=actor, note=f"一件事 {application.number} 综合窗口整件受理")
        except DomainError as error:
            result.refused.append((case.number, error))
        else:
            result.accepted.append(case.number)
    return result
