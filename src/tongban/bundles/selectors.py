"""Reads of bundles: the published bundles, a version as a `Definition` (what the catalogue and the forms say
about its items, read once), its problems, the guide composed for an applicant's answers and the measured
reduction. What other apps need — the bundle case of part 3, the timeline of part 4 — reads through here.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models import Prefetch, QuerySet

from tongban.bundles.checks import Problem, definition_problems
from tongban.bundles.definition import Definition, Flow, ItemField, ItemMaterial, Node, Option, Question
from tongban.bundles.merge import Composition, compose
from tongban.bundles.models import Bundle, BundleEdge, BundleKind, BundleNode, BundleVersion, VersionStatus
from tongban.bundles.models import Option as OptionRow
from tongban.bundles.models import Question as QuestionRow
from tongban.bundles.reduction import Reduction, reduction_of
from tongban.bundles.schema import BundleSpec, EdgeSpec, MaterialRef, NodeSpec, OptionSpec, QuestionSpec
from tongban.bundles.situation import Answers
from tongban.catalog import selectors as catalog
from tongban.core.errors import Conflict, NotFound
from tongban.forms import selectors as forms
from tongban.licenses import selectors as licences


class BundleItemUnavailable(Conflict):
    """An item of the bundle has no published guide now (withdrawn after the bundle was published)."""

    code = "bundle_item_unavailable"
    default_zh = "该一件事中有事项暂停办理"
    default_en = "An item of this bundle is not available at the moment"


def bundle_list() -> QuerySet[Bundle]:
    """Bundles with a published version, for the portal."""
    return Bundle.objects.filter(versions__status=VersionStatus.PUBLISHED).order_by("code").distinct()


def bundle_list_all() -> QuerySet[Bundle]:
    """Every bundle, drafts only too: for the operator's designer."""
    return Bundle.objects.order_by("code")


def bundle_exists(*, code: str) -> bool:
    return Bundle.objects.filter(code=code).exists()


def bundle_get(*, code: str) -> Bundle:
    bundle = Bundle.objects.filter(code=(code or "")[:40]).first()
    if bundle is None:
        raise NotFound("未找到该一件事", "No such bundle", bundle=code)
    return bundle


def bundle_version_published(*, bundle: Bundle) -> BundleVersion:
    version = bundle.versions.filter(status=VersionStatus.PUBLISHED).first()
    if version is None:
        raise NotFound("该一件事尚未发布", "This bundle has not been published")
    version.bundle = bundle
    return version


def bundle_version_draft(*, bundle: Bundle) -> BundleVersion | None:
    return bundle.versions.filter(status=VersionStatus.DRAFT).first()


def bundle_versions(*, bundle: Bundle) -> list[BundleVersion]:
    return list(bundle.versions.order_by("-number"))


# --- a version as data ------------------------------------------------------------------------------------


def _rows(version: BundleVersion) -> tuple[list[BundleNode], list[BundleEdge], list[QuestionRow]]:
    nodes = list(
        version.nodes.select_related("implementation__item", "implementation__department", "item").order_by("position")
    )
    edges = list(version.edges.select_related("upstream", "downstream"))
    questions = list(
        version.questions.select_related("requires__question").prefetch_related(
            Prefetch("options", queryset=OptionRow.objects.order_by("position").prefetch_related("nodes"))
        )
    )
    return nodes, edges, questions


def _item_fields(implementation: Any) -> tuple[bool, tuple[ItemField, ...]]:
    version = forms.form_current(implementation=implementation)
    if version is None:
        return False, ()
    schema = forms.schema_for(version)
    return True, tuple(
        ItemField(
            key=f.key,
            type=f.type,
            label=f.label,
            label_en=f.label_en,
            required=f.required,
            element=f.element,
            role=f.role,
            choices=dict(f.choices),
            pattern=f.pattern,
            min_length=f.min_length,
            max_length=f.max_length,
            visible_if=f.visible_if,
        )
        for f in schema.fields
    )


def _node(row: BundleNode) -> Node:
    """The node with its published guide's figures and its form; NotFound when the catalogue has no
    published guide for it (or, for a basic code, not exactly one implementing body)."""
    implementation = row.implementation or catalog.implementation_get_by_code(row.item.basic_code)  # type: ignore[union-attr]
    guide = catalog.guide_published(implementation)
    has_form, fields = _item_fields(implementation)
    return Node(
        key=row.key,
        name=implementation.item.name,
        name_en=implementation.item.name_en,
        code=implementation.code,
        department=implementation.department.name,
        department_en=implementation.department.name_en,
        position=row.position,
        core=row.core,
        has_form=has_form,
        fields=fields,
        materials=tuple(
            ItemMaterial(
                id=str(m.pk),
                name=m.name,
                necessity=m.necessity,
                source=m.source,
                form=m.form,
                originals=m.originals,
                copies=m.copies,
                issuer=m.issuer,
                notes=m.notes,
                online_form=m.online_form,
            )
            for m in guide.materials.all()
        ),
        promised_days=guide.promised_limit_days,
        promised_unit=guide.promised_limit_unit,
        visits=guide.visits,
        steps=len(guide.process),
        result=guide.result,
    )


def _definition(version: BundleVersion) -> tuple[Definition, list[Problem]]:
    rows, edges, questions = _rows(version)
    nodes: list[Node] = []
    problems: list[Problem] = []
    for row in rows:
        try:
            nodes.append(_node(row))
        except NotFound:
            label = row.implementation.item.name if row.implementation else row.item.name  # type: ignore[union-attr]
            problems.append(
                Problem(
                    "item_unavailable",
                    f"事项“{label}”没有已发布的办事指南（按基本编码引用的，须恰有一个实施部门）",
                    f"“{label}” has no published guide (an item named by its basic code needs exactly one body)",
                    (row.key,),
                )
            )
    present = {n.key for n in nodes}
    definition = Definition(
        code=version.bundle.code,
        name=version.bundle.name,
        name_en=version.bundle.name_en,
        nodes=tuple(nodes),
        flows=tuple(
            Flow(
                upstream=e.upstream.key,
                downstream=e.downstream.key,
                elements=tuple(e.elements),
                licence=e.licence_type,
                materials=tuple(e.materials),
            )
            for e in edges
            if e.upstream.key in present and e.downstream.key in present
        ),
        questions=tuple(
            Question(
                key=q.key,
                text=q.text,
                text_en=q.text_en,
                multiple=q.multiple,
                requires=(q.requires.question.key, q.requires.key) if q.requires else None,
                options=tuple(
                    Option(
                        key=o.key,
                        label=o.label,
                        label_en=o.label_en,
                        nodes=tuple(n.key for n in o.nodes.all() if n.key in present),
                        materials=tuple((m["node"], m["material"]) for m in o.materials if m["node"] in present),
                    )
                    for o in q.options.all()
                ),
            )
            for q in questions
        ),
    )
    return definition, problems


# A published version never changes, but the guides and forms of its items may: a read definition is kept in the
# process for a minute (about four queries per item otherwise, ~50 ms for five items against the 20 ms target), so a
# guide or form published since shows in compositions within that minute. Drafts are always read fresh.
DEFINITION_TTL = 60.0
_definitions: dict[Any, tuple[float, Definition]] = {}


def bundle_definition(*, version: BundleVersion, fresh: bool = False) -> Definition:
    """The version with its items as the catalogue and forms have them (for a published version, as of at most
    DEFINITION_TTL seconds ago unless `fresh`: what a submission should ask for)."""
    now = time.monotonic()
    cacheable = version.status == VersionStatus.PUBLISHED
    if cacheable and not fresh:
        hit = _definitions.get(version.pk)
        if hit is not None and now - hit[0] < DEFINITION_TTL:
            return hit[1]
    definition, problems = _definition(version)
    if problems:
        raise BundleItemUnavailable(problems[0].zh, problems[0].en, bundle=definition.code)
    if cacheable:
        _definitions[version.pk] = (now, definition)
    return definition


def definitions_forget() -> None:
    """Drop every kept definition (tests; an operator who must see a change at once)."""
    _definitions.clear()


def bundle_outline(*, version: BundleVersion) -> Definition:
    """The version as far as the catalogue resolves it (items it cannot resolve left out): what a designer
    shows of a draft, problems or not."""
    return _definition(version)[0]


def bundle_check(*, version: BundleVersion) -> list[Problem]:
    """Everything that stops the version from being published (empty: it may be)."""
    definition, problems = _definition(version)
    return problems + definition_problems(definition) + _licence_problems(version, definition)


def _licence_problems(version: BundleVersion, definition: Definition) -> list[Problem]:
    """Licence types named by the edges and by 一业一证 must exist in the licence catalogue."""
    named: list[tuple[str, tuple[str, ...]]] = [(f.licence, (f.downstream,)) for f in definition.flows if f.licence]
    if version.combined_licence:
        named.append((version.combined_licence, ()))
    problems = []
    for code, where in named:
        try:
            licences.licence_type_get(code=code)
        except NotFound:
            problems.append(Problem(code="unknown_licence", zh=f"证照目录中没有类型编码为 {code} 的电子证照",
                                    en=f"The licence catalogue has no licence type {code}", where=where))  # fmt: skip
    return problems


def bundle_guide(*, version: BundleVersion, answers: Answers | None) -> Composition:
    """The applicant's custom guide: items in order, one merged form, one set of materials."""
    return compose(bundle_definition(version=version), answers)


def bundle_reduction(*, version: BundleVersion, answers: Answers | None = None) -> Reduction:
    """Materials, form fields, visits, steps and promised days one by one versus as the bundle, for the answers
    (None: the whole bundle, every item and situational material — the figures its page shows)."""
    return reduction_of(bundle_guide(version=version, answers=answers))


def bundle_spec(*, version: BundleVersion) -> BundleSpec:
    """The version as the spec it was saved from (the designer's starting point for the next draft)."""
    rows, edges, questions = _rows(version)
    bundle = version.bundle
    return BundleSpec(
        code=bundle.code,
        name=bundle.name,
        name_en=bundle.name_en,
        description=bundle.description,
        description_en=bundle.description_en,
        kind=BundleKind(bundle.kind),
        life_event=bundle.life_event,
        items=[
            NodeSpec(
                key=r.key,
                item=r.implementation.code if r.implementation else r.item.basic_code,  # type: ignore[union-attr]
                core=r.core,
            )
            for r in rows
        ],
        edges=[
            EdgeSpec(
                upstream=e.upstream.key,
                downstream=e.downstream.key,
                elements=list(e.elements),
                licence=e.licence_type,
                materials=list(e.materials),
            )
            for e in edges
        ],
        questions=[
            QuestionSpec(
                key=q.key,
                text=q.text,
                text_en=q.text_en,
                multiple=q.multiple,
                requires=f"{q.requires.question.key}.{q.requires.key}" if q.requires else "",
                options=[
                    OptionSpec(
                        key=o.key,
                        label=o.label,
                        label_en=o.label_en,
                        items=[n.key for n in sorted(o.nodes.all(), key=lambda n: n.position)],
                        materials=[MaterialRef(item=m["node"], material=m["material"]) for m in o.materials],
                    )
                    for o in q.options.all()
                ],
            )
            for q in questions
        ],
        combined_licence=version.combined_licence,
    )
