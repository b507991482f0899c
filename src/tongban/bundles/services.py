"""Writes of bundles: save a draft from a spec, publish it (checked first), import (save and publish unless
unchanged). Entry points for what comes next — one submission, many cases (issue 7 part 3) — will sit
beside these and compose through `selectors.bundle_guide`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongban.bundles.checks import Problem
from tongban.bundles.models import Bundle, BundleEdge, BundleNode, BundleVersion, Option, Question, VersionStatus
from tongban.bundles.schema import BundleSpec
from tongban.bundles.selectors import bundle_check
from tongban.catalog import selectors as catalog
from tongban.core.audit import audit_record
from tongban.core.errors import Conflict, InvalidInput, NotFound


class BundleInvalid(InvalidInput):
    """Publishing refused: every problem of the version at once (一次告知), each in Chinese and English."""

    code = "bundle_invalid"
    default_zh = "该一件事的定义有误，不能发布"
    default_en = "The bundle definition has problems and cannot be published"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            "；".join(p.zh for p in problems),
            "; ".join(p.en for p in problems),
            field="definition",
            problems=[{"code": p.code, "zh": p.zh, "en": p.en, "where": list(p.where)} for p in problems],
        )
        self.problems = problems


class UnknownItem(InvalidInput):
    code = "bundle_unknown_item"
    default_zh = "一件事引用了目录中不存在的事项"
    default_en = "The bundle names an item the catalogue does not have"


def _resolve(code: str) -> dict[str, Any]:
    """An implementation code names that implementation; a basic code the item (its one implementation)."""
    try:
        if len(code) > 10:
            return {"implementation": catalog.implementation_get_for_operator(code), "item": None}
        return {"implementation": None, "item": catalog.item_get_by_basic_code(code)}
    except NotFound:
        raise UnknownItem(
            f"目录中没有编码为 {code} 的事项", f"The catalogue has no item with the code {code}", field="items"
        ) from None


def _write(version: BundleVersion, spec: BundleSpec) -> None:
    version.nodes.all().delete()  # a draft: its rows are replaced wholesale (edges, options' links cascade)
    version.questions.all().delete()
    nodes: dict[str, BundleNode] = {}
    for position, node in enumerate(spec.items):
        nodes[node.key] = BundleNode.objects.create(
            version=version, key=node.key, position=position, core=node.core, **_resolve(node.item)
        )
    for position, edge in enumerate(spec.edges):
        BundleEdge.objects.create(
            version=version,
            position=position,
            upstream=nodes[edge.upstream],
            downstream=nodes[edge.downstream],
            elements=list(edge.elements),
            licence_type=edge.licence,
            materials=list(edge.materials),
        )
    options: dict[str, Option] = {}
    for q_position, question in enumerate(spec.questions):
        row = Question.objects.create(
            version=version,
            key=question.key,
            position=q_position,
            text=question.text,
            text_en=question.text_en,
            multiple=question.multiple,
            requires=options.get(question.requires) if question.requires else None,
        )
        for o_position, option in enumerate(question.options):
            created = Option.objects.create(
                question=row,
                key=option.key,
                position=o_position,
                label=option.label,
                label_en=option.label_en,
                materials=[{"node": m.item, "material": m.material} for m in option.materials],
            )
            created.nodes.set([nodes[k] for k in option.items])
            options[f"{question.key}.{option.key}"] = created


@transaction.atomic
def bundle_draft_save(*, spec: BundleSpec, actor: str = "system") -> BundleVersion:
    """The bundle's draft version holds `spec` (created with the next number if there is none); the bundle's
    names follow the spec. A draft may have problems; publishing is where they stop it."""
    bundle, created = Bundle.objects.select_for_update().get_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "name_en": spec.name_en,
            "description": spec.description,
            "description_en": spec.description_en,
            "kind": spec.kind,
            "life_event": spec.life_event,
        },
    )
    if not created:
        for name in ("name", "name_en", "description", "description_en", "kind", "life_event"):
            setattr(bundle, name, getattr(spec, name))
        bundle.save()
    version = bundle.versions.filter(status=VersionStatus.DRAFT).first()
    if version is None:
        number = (bundle.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = BundleVersion(bundle=bundle, number=number)
    version.edited_by = actor
    version.content_hash = spec.content_hash
    version.combined_licence = spec.combined_licence.strip().upper()
    version.save()
    _write(version, spec)
    return version


@transaction.atomic
def bundle_publish(*, bundle: Bundle, actor: str = "system") -> BundleVersion:
    """Publish the draft after `checks.definition_problems` finds nothing (BundleInvalid lists all it finds);
    the version published before is superseded and kept."""
    bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
    draft = bundle.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        raise Conflict("没有待发布的草稿", "There is no draft to publish")
    problems = bundle_check(version=draft)
    if problems:
        raise BundleInvalid(problems)
    now = timezone.now()
    previous = bundle.versions.filter(status=VersionStatus.PUBLISHED).first()
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at", "updated_at"])
    draft.status = VersionStatus.PUBLISHED
    draft.published_at = now
    draft.published_by = actor
    draft.save()
    audit_record(
        action="bundles.version_published",
        actor=actor,
        object_type="bundles.BundleVersion",
        object_id=str(draft.pk),
        data={"bundle": bundle.code, "version": draft.number, "superseded_version": previous and previous.number},
    )
    return draft


@transaction.atomic
def bundle_import(*, spec: BundleSpec, actor: str = "system") -> BundleVersion:
    """Save and publish `spec`; the same spec as the published version (and no draft) creates nothing."""
    bundle = Bundle.objects.filter(code=spec.code).first()
    if bundle is not None and not bundle.versions.filter(status=VersionStatus.DRAFT).exists():
        published = bundle.versions.filter(status=VersionStatus.PUBLISHED).first()
        if published is not None and published.content_hash == spec.content_hash:
            return published
    version = bundle_draft_save(spec=spec, actor=actor)
    return bundle_publish(bundle=version.bundle, actor=actor)
