"""How a bundle application reads to its applicant: the one form as it stands for them (each merged field
shared — prefilled with its source — when every item asking it has it from the hub, else asked), the one set of
materials (what is handed in, what a licence or an upstream result stands for), and once submitted, one
timeline across every department's case with every result in one place (issue 7 part 4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from tongban.bundles.applications import application_composition, combined_source, material_field_key
from tongban.bundles.merge import APPLICANT, EXEMPT, Composition, MergedField, MergedMaterial
from tongban.bundles.models import BundleApplication, BundleChild, ChildState
from tongban.cases import selectors as cases
from tongban.cases.codes import State
from tongban.cases.results import case_licences
from tongban.forms import selectors as forms
from tongban.forms.materials import EXEMPT as MATERIAL_EXEMPT
from tongban.forms.materials import UPLOAD, MaterialState, material_states
from tongban.forms.state import SHARED, FieldState
from tongban.licenses.selectors import licences_from
from tongban.registry.selectors import ValueWithProvenance


@dataclass(frozen=True)
class FieldRow:
    field: MergedField
    shared: ValueWithProvenance | None  # prefilled for every item asking it: shown read-only with its source
    text: str  # what the applicant typed (or the shared value's text)
    display: str
    visible: bool
    items: tuple[str, ...]
    refreshes: bool = False  # another field's condition reads it: changing it re-renders what is asked

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def dom_id(self) -> str:
        """The key as an HTML id without the dot of namespaced keys (`item.key`): htmx 2.0.10 looks preserved
        elements up again with `querySelector('#' + id)`, where a dot reads as a class, so a swap threw half-way
        and the fields typed so far were left out of the form (htmx PR #3982)."""
        return self.field.key.replace(".", "--")


@dataclass(frozen=True)
class MaterialRow:
    index: int
    material: MergedMaterial
    way: str  # EXEMPT, FORM, PLEDGE, APPLICANT (as merged) — EXEMPT also when a licence the applicant holds stands
    states: tuple[MaterialState, ...]  # per item that needs it from the applicant
    items: tuple[str, ...]
    because: str = ""  # why it is not handed in, in words

    @property
    def key(self) -> str:
        return material_field_key(self.index)

    @property
    def files(self) -> list[Any]:
        return next((s.files for s in self.states if s.files), [])

    @property
    def upload(self) -> bool:
        return self.way == APPLICANT and any(s.way == UPLOAD for s in self.states)


@dataclass
class FormView:
    application: BundleApplication
    composition: Composition
    fields: list[FieldRow] = field(default_factory=list)
    materials: list[MaterialRow] = field(default_factory=list)

    @property
    def shared(self) -> list[FieldRow]:
        return [r for r in self.fields if r.shared is not None and r.visible]

    @property
    def asked(self) -> list[FieldRow]:
        return [r for r in self.fields if r.shared is None and r.visible]

    @property
    def counts(self) -> tuple[int, int]:
        """(fields shown, fields prefilled) of the one form: its backfill as the applicant sees it."""
        shown = [r for r in self.fields if r.visible]
        return len(shown), sum(1 for r in shown if r.shared is not None)


def _names(composition: Composition, nodes: Any) -> tuple[str, ...]:
    return tuple(composition.definition.name_of(n) for n in dict.fromkeys(nodes))


def application_form(*, application: BundleApplication) -> FormView:
    composition = application_composition(application)
    children = {c.node: c for c in application.children.select_related("draft__version", "draft__guide")}
    states: dict[str, dict[str, FieldState]] = {}
    held: dict[str, dict[str, MaterialState]] = {}
    read_by_conditions: set[tuple[str, str]] = set()
    for node, child in children.items():
        if child.draft is None:
            continue
        draft_view = forms.draft_view(draft=child.draft)
        states[node] = draft_view.states
        read_by_conditions |= {(node, key) for key in draft_view.dependencies}
        held[node] = {str(s.material.pk): s for s in material_states(draft=child.draft)}
    view = FormView(application=application, composition=composition)
    for spec in composition.asked_fields:
        own = [(n, states.get(n, {}).get(k)) for n, k in spec.sources]
        present = [s for _, s in own if s is not None]
        shared = present[0].shared if present and all(s.mode == SHARED for s in present) else None
        text = shared.text if shared else str(application.values.get(spec.key, ""))
        view.fields.append(FieldRow(
            field=spec, shared=shared, text=text, display=shared.display if shared else text,
            visible=any(s.visible for s in present) if present else True, items=_names(composition, spec.nodes),
            refreshes=any(source in read_by_conditions for source in spec.sources),
        ))  # fmt: skip
    for index, merged in enumerate(composition.materials):
        needing = [
            held.get(n, {}).get(mid)
            for (n, mid), because in zip(merged.sources, merged.exempt_because, strict=True)
            if not because
        ]
        present_states = tuple(s for s in needing if s is not None)
        way, because = merged.way, ""
        if merged.way != EXEMPT and present_states and all(s.way == MATERIAL_EXEMPT for s in present_states):
            way = EXEMPT  # a licence the applicant holds stands for it in every item (证照代替)
            licence = next((s.licence for s in present_states if s.licence), None)
            because = (
                _("电子证照：%(name)s（%(number)s）") % {"name": licence.licence_type.name, "number": licence.number}
                if licence
                else ""
            )
        elif merged.way == EXEMPT:
            ups = [b.removeprefix("upstream:") for b in merged.exempt_because if b.startswith("upstream:")]
            because = (
                _("由“%(item)s”的办理结果提供") % {"item": composition.definition.name_of(ups[0])}
                if ups
                else _("共享数据或电子证照获取")
            )
        view.materials.append(MaterialRow(
            index=index, material=merged, way=way, states=present_states,
            items=_names(composition, (n for n, _ in merged.sources)), because=because,
        ))  # fmt: skip
    return view


# --- after submission: one timeline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    child: BundleChild
    name: str
    department: str
    case: Any  # cases.Case | None
    licences: list[Any]
    upstream: tuple[str, ...]

    @property
    def done(self) -> bool:
        return self.case is not None and self.case.state in (State.APPROVED, State.RESULT_DELIVERED, State.ARCHIVED)

    @property
    def rateable(self) -> bool:
        return self.case is not None and self.case.state in (State.RESULT_DELIVERED, State.ARCHIVED)


@dataclass(frozen=True)
class Event:
    at: Any
    item: str
    department: str
    case_number: str
    label: str
    reason: str
    actor: str


@dataclass(frozen=True)
class Timeline:
    application: BundleApplication
    children: list[ChildRow]
    events: list[Event]
    combined: list[Any] = field(default_factory=list)  # 一业一证: the one licence naming every permit

    @property
    def licences(self) -> list[Any]:
        return self.combined + [lic for row in self.children for lic in row.licences]

    @property
    def finished(self) -> bool:
        return all(r.done or r.child.state == ChildState.CANCELLED for r in self.children)


def application_timeline(*, application: BundleApplication) -> Timeline:
    composition = application_composition(application)
    children = list(application.children.select_related("implementation__item", "implementation__department"))
    by_submission = cases.cases_for_submissions(submission_ids=[c.submission_id for c in children if c.submission_id])
    rows = []
    for child in children:
        case = by_submission.get(child.submission_id)
        rows.append(ChildRow(
            child=child, name=child.implementation.item.name, department=child.implementation.department.name,
            case=case, licences=case_licences(case=case) if case is not None else [],
            upstream=_names(composition, child.upstream),
        ))  # fmt: skip
    opened = [r.case for r in rows if r.case is not None]
    events = [
        Event(at=t.at, item=t.case.implementation.item.name, department=t.case.department.name,
              case_number=t.case.number, label=str(State(t.to_state).label), reason=t.reason, actor=t.actor_name)
        for t in cases.transitions_of(cases=opened)
    ]  # fmt: skip
    if application.submitted_at:
        events.insert(0, Event(at=application.submitted_at, item=application.version.bundle.name, department="",
                               case_number=application.number, label="一件事申请已提交", reason="",
                               actor=application.agent.name))  # fmt: skip
    events.sort(key=lambda e: e.at)
    combined = list(licences_from(source=combined_source(application)))
    return Timeline(application=application, children=rows, events=events, combined=combined)
