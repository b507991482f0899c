"""Writes of the catalogue: import, draft guides, publishing, the search index, synonyms (DESIGN §2)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from tongban.catalog import search
from tongban.catalog.models import (
    GuideStatus,
    GuideVersion,
    Implementation,
    Item,
    LifeEvent,
    Material,
    SearchEntry,
    SearchLifeEvent,
    SearchQueryStat,
    Synonym,
)
from tongban.catalog.schema import ItemSpec, MaterialSpec
from tongban.core.audit import audit_record
from tongban.core.errors import Conflict, InvalidInput, NotFound
from tongban.identity.models import Department, Staff

# Guide fields taken one-to-one from an ItemSpec (the rest are limits, fees, places and materials).
_PLAIN_FIELDS = (
    "case_type",
    "conditions",
    "legal_basis",
    "process",
    "visits",
    "online_depth",
    "realname_level",
    "life_events",
    "keywords",
    "summary",
    "consult_phone",
    "complaint_phone",
    "result",
    "delivery",
)


@dataclass
class ImportReport:
    """What catalog_import_items did, per implementation code."""

    created: list[str] = field(default_factory=list)  # new implementations
    new_versions: list[str] = field(default_factory=list)  # a new guide version was written
    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # identical content: nothing written

    @property
    def total(self) -> int:
        return len(self.new_versions) + len(self.unchanged)


def _actor_label(actor: Staff | str | None) -> str:
    if actor is None:
        return "system:catalog-import"
    if isinstance(actor, str):
        return actor
    return f"staff:{actor.user.username}"


# --- spec <-> guide ---------------------------------------------------------------------------


def _guide_payload(spec: ItemSpec) -> dict[str, Any]:
    """The guide part of a spec in a canonical JSON-able form (for storage and the content hash)."""
    data = spec.model_dump(mode="json")
    payload: dict[str, Any] = {k: data[k] for k in _PLAIN_FIELDS}
    payload["targets"] = sorted(data["targets"])
    payload["handling_forms"] = sorted(data["handling_forms"])
    for which in ("legal", "promised"):
        limit = data[f"{which}_limit"]
        payload[f"{which}_limit_days"] = limit["days"]
        payload[f"{which}_limit_unit"] = limit["unit"]
        payload[f"{which}_limit_note"] = limit["note"]
    payload["fees"] = [
        {"name": f["name"], "amount": str(Decimal(str(f["amount"])).quantize(Decimal("0.01"))), "basis": f["basis"]}
        for f in data["fees"]
    ]
    payload["places"] = data["places"]
    payload["materials"] = data["materials"]
    return payload


def _hash_payload(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _write_guide(guide: GuideVersion, payload: dict[str, Any]) -> None:
    materials = payload["materials"]
    for key, value in payload.items():
        if key != "materials":
            setattr(guide, key, value)
    guide.content_hash = _hash_payload(payload)
    guide.save()
    guide.materials.all().delete()
    Material.objects.bulk_create(
        [
            Material(
                guide=guide,
                position=i,
                name=m["name"],
                originals=m["originals"],
                copies=m["copies"],
                form=m["form"],
                necessity=m["necessity"],
                issuer=m["issuer"],
                source=m["source"],
                notes=m["notes"],
                sample=m["sample"],
                blank_form=m["blank_form"],
                online_form=m["online_form"],
            )
            for i, m in enumerate(materials)
        ]
    )


def guide_to_spec(guide: GuideVersion) -> ItemSpec:
    """The exchange shape of one guide version (export, the edit form, the API)."""
    impl = guide.implementation
    data: dict[str, Any] = {
        "basic_code": impl.item.basic_code,
        "name": impl.item.name,
        "name_en": impl.item.name_en,
        "item_type": impl.item.item_type,
        "department": impl.department.credit_code,
        "level": impl.level,
        "targets": guide.targets,
        "handling_forms": guide.handling_forms,
        "legal_limit": {"days": guide.legal_limit_days, "unit": guide.legal_limit_unit, "note": guide.legal_limit_note},
        "promised_limit": {
            "days": guide.promised_limit_days,
            "unit": guide.promised_limit_unit,
            "note": guide.promised_limit_note,
        },
        "fees": guide.fees,
        "places": guide.places,
        "materials": [{f: getattr(m, f) for f in MaterialSpec.model_fields} for m in guide.materials.all()],
    }
    data.update({f: getattr(guide, f) for f in _PLAIN_FIELDS})
    return ItemSpec.model_validate(data)


# --- drafts and publishing ------------------------------------------------------------------


def _ensure_life_events(names: list[str]) -> None:
    known = set(LifeEvent.objects.filter(name__in=names).values_list("name", flat=True))
    for name in names:
        if name not in known:
            LifeEvent.objects.create(name=name, position=200)


@transaction.atomic
def guide_draft_create(*, implementation: Implementation, actor: Staff | str | None = None) -> GuideVersion:
    """Open a draft for editing: the existing draft, or a copy of the latest version numbered +1."""
    implementation = Implementation.objects.select_for_update().get(pk=implementation.pk)
    draft = implementation.guides.filter(status=GuideStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest = implementation.guides.order_by("-number").first()
    number = (latest.number + 1) if latest else 1
    draft = GuideVersion(implementation=implementation, number=number, edited_by=_actor_label(actor))
    if latest is not None:
        payload = _guide_payload(guide_to_spec(latest))
        _write_guide(draft, payload)
    else:
        draft.save()
    return draft


@transaction.atomic
def guide_draft_update(
    *, guide: GuideVersion, spec: ItemSpec, actor: Staff | str | None = None, change_note: str = ""
) -> GuideVersion:
    """Replace a draft's content. A published or superseded version refuses (edit a new draft instead)."""
    guide = GuideVersion.objects.select_for_update().select_related("implementation__item").get(pk=guide.pk)
    if not guide.is_draft:
        raise Conflict(
            "已发布的办事指南不可修改，请先创建新版本草稿",
            "A published guide cannot change; open a new draft version instead",
        )
    impl = guide.implementation
    if spec.basic_code != impl.item.basic_code:
        raise InvalidInput("基本编码与事项不一致", "The basic code does not match the item", field="basic_code")
    _ensure_life_events(spec.life_events)
    guide.edited_by = _actor_label(actor)
    guide.change_note = change_note[:300]
    _write_guide(guide, _guide_payload(spec))
    return guide


@transaction.atomic
def guide_publish(*, guide: GuideVersion, actor: Staff | str | None = None) -> GuideVersion:
    """Publish a draft: it becomes the public guide, the previous published version is superseded."""
    guide = GuideVersion.objects.select_for_update().get(pk=guide.pk)
    impl = (
        Implementation.objects.select_for_update().select_related("item", "department").get(pk=guide.implementation_id)
    )
    if not guide.is_draft:
        raise Conflict("该版本已发布，不能重复发布", "This version has already been published")
    if not guide.materials.exists():
        raise InvalidInput("办事指南至少需要一项申请材料", "A guide needs at least one material", field="materials")
    now = timezone.now()
    previous = impl.guides.filter(status=GuideStatus.PUBLISHED).first()
    if previous is not None:
        previous.status = GuideStatus.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at", "updated_at"])
    guide.status = GuideStatus.PUBLISHED
    guide.published_at = now
    guide.published_by = _actor_label(actor)
    guide.save()
    guide.implementation = impl
    _index_guide(guide)
    audit_record(
        action="catalog.guide_published",
        actor=_actor_label(actor),
        object_type="catalog.GuideVersion",
        object_id=str(guide.pk),
        data={
            "implementation_code": impl.code,
            "version": guide.number,
            "superseded_version": previous.number if previous else None,
        },
    )
    return guide


# --- the search index -----------------------------------------------------------------------


def search_entry_values(*, guide: GuideVersion, material_names: list[str] | None = None) -> dict[str, Any]:
    """The search-index row of a published guide (tokens computed here); used by the index and the bench."""
    impl = guide.implementation
    item = impl.item
    materials = material_names if material_names is not None else list(guide.materials.values_list("name", flat=True))
    body = [
        guide.summary,
        *guide.conditions,
        *materials,
        guide.result,
        *guide.life_events,
        impl.department.name,
        *guide.legal_basis,
    ]
    values = {
        "guide": guide,
        "department": impl.department,
        "code": impl.code,
        "basic_code": item.basic_code,
        "name": item.name,
        "name_en": item.name_en,
        "summary": guide.summary,
        "item_type": item.item_type,
        "for_person": guide.is_for_person,
        "for_legal": guide.is_for_legal,
        "visits": guide.visits,
        "online_depth": guide.online_depth,
        "promised_limit_days": guide.promised_limit_days,
        "promised_limit_unit": guide.promised_limit_unit,
        "case_type": guide.case_type,
        "name_tokens": search.index_text([item.name, item.name_en]),
        "keyword_tokens": search.index_text(guide.keywords),
        "body_tokens": search.index_text(body),
    }
    return values


def _index_guide(guide: GuideVersion) -> SearchEntry:
    impl = guide.implementation
    values = search_entry_values(guide=guide)
    entry, _ = SearchEntry.objects.update_or_create(implementation=impl, defaults=values)
    entry.life_events.all().delete()
    SearchLifeEvent.objects.bulk_create(
        [SearchLifeEvent(entry=entry, name=n) for n in dict.fromkeys(guide.life_events)]
    )
    _ensure_life_events(guide.life_events)
    return entry


@transaction.atomic
def search_index_rebuild() -> int:
    """Re-index every published guide (after a tokenizer or dictionary change)."""
    count = 0
    guides = GuideVersion.objects.filter(status=GuideStatus.PUBLISHED).select_related(
        "implementation__item", "implementation__department"
    )
    for guide in guides:
        _index_guide(guide)
        count += 1
    SearchEntry.objects.exclude(guide__status=GuideStatus.PUBLISHED).delete()
    return count


def search_query_record(*, query: str) -> None:
    """Count a portal query that found something (hot searches). Short, normalised queries only."""
    text = search.normalise(query)
    if not text or len(text) > 20:
        return
    updated = SearchQueryStat.objects.filter(query=text).update(count=F("count") + 1, last_at=timezone.now())
    if not updated:
        SearchQueryStat.objects.get_or_create(query=text, defaults={"count": 1})


def implementation_record_view(*, implementation: Implementation) -> None:
    """Count a public view of a guide (popular items)."""
    Implementation.objects.filter(pk=implementation.pk).update(view_count=F("view_count") + 1)


SYNONYM_CACHE_KEY = "catalog:synonyms"  # read by selectors.synonym_map


# --- synonyms -------------------------------------------------------------------------------


def _clean_phrase(text: str) -> str:
    return search.normalise(text, limit=50)


@transaction.atomic
def synonym_save(*, term: str, expansions: list[str], actor: Staff | str | None = None) -> Synonym:
    """Create or replace the expansions of an everyday phrase."""
    term = _clean_phrase(term)
    cleaned = [e for e in dict.fromkeys(_clean_phrase(x) for x in expansions) if e and e != term]
    if not term:
        raise InvalidInput("请填写群众说法", "Enter the everyday phrase", field="term")
    if not cleaned:
        raise InvalidInput("请至少填写一个规范用语", "Enter at least one catalogue term", field="expansions")
    synonym, _ = Synonym.objects.update_or_create(term=term, defaults={"expansions": cleaned})
    cache.delete(SYNONYM_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(SYNONYM_CACHE_KEY))
    audit_record(
        action="catalog.synonym_saved",
        actor=_actor_label(actor),
        object_type="catalog.Synonym",
        object_id=str(synonym.pk),
        data={"term": term, "expansions": cleaned},
    )
    return synonym


@transaction.atomic
def synonym_delete(*, synonym_id: str, actor: Staff | str | None = None) -> None:
    synonym = Synonym.objects.filter(pk=synonym_id).first()
    if synonym is None:
        raise NotFound("同义词不存在", "No such synonym")
    audit_record(
        action="catalog.synonym_deleted",
        actor=_actor_label(actor),
        object_type="catalog.Synonym",
        object_id=str(synonym.pk),
        data={"term": synonym.term},
    )
    synonym.delete()
    cache.delete(SYNONYM_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(SYNONYM_CACHE_KEY))


# --- import ---------------------------------------------------------------------------------


@transaction.atomic
def catalog_import_items(
    *, specs: list[ItemSpec], publish: bool = True, actor: Staff | str | None = None
) -> ImportReport:
    """Load items and guides (the demo city, a provincial catalogue export). Idempotent per implementation.

    Unknown departments or the same implementation twice in one batch fail the whole import before any
    write. Identical content creates no new version; changed content writes a new version (or replaces
    the open draft) and publishes it when `publish` is true.
    """
    credit_codes = {s.department for s in specs}
    departments = {d.credit_code: d for d in Department.objects.filter(credit_code__in=credit_codes)}
    unknown = sorted(credit_codes - departments.keys())
    if unknown:
        raise InvalidInput(
            f"未找到实施部门（统一社会信用代码）：{'、'.join(unknown)}",
            f"Unknown implementing department (credit code): {', '.join(unknown)}",
            field="department",
        )
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        key = (spec.basic_code, spec.department)
        if key in seen:
            raise InvalidInput(
                f"同一批次中事项 {spec.basic_code} 在同一部门出现两次",
                f"Item {spec.basic_code} appears twice for the same department in one batch",
                field="basic_code",
            )
        seen.add(key)

    report = ImportReport()
    label = _actor_label(actor)
    for spec in specs:
        item, _ = Item.objects.get_or_create(
            basic_code=spec.basic_code,
            defaults={"name": spec.name, "name_en": spec.name_en, "item_type": spec.item_type},
        )
        renamed = (item.name, item.name_en, item.item_type) != (spec.name, spec.name_en, spec.item_type)
        if renamed:
            item.name, item.name_en, item.item_type = spec.name, spec.name_en, spec.item_type
            item.save(update_fields=["name", "name_en", "item_type", "updated_at"])
        department = departments[spec.department]
        impl = Implementation.objects.filter(item=item, department=department).first()
        if impl is None:
            impl = Implementation(item=item, department=department, level=spec.level)
            impl.save()
            report.created.append(impl.code)
        elif impl.level != spec.level:
            impl.level = spec.level
            impl.save(update_fields=["level", "updated_at"])
            SearchEntry.objects.filter(implementation=impl).update(code=impl.code)

        payload = _guide_payload(spec)
        digest = _hash_payload(payload)
        published = impl.guides.filter(status=GuideStatus.PUBLISHED).first()
        draft = impl.guides.filter(status=GuideStatus.DRAFT).first()
        if draft is None and published is not None and published.content_hash == digest:
            report.unchanged.append(impl.code)
            if renamed:  # the basic catalogue renamed the item: refresh the index only
                published.implementation = impl
                _index_guide(published)
            continue
        if draft is not None and draft.content_hash == digest and not publish:
            report.unchanged.append(impl.code)
            continue
        if draft is None:
            number = (impl.guides.aggregate(n=Max("number"))["n"] or 0) + 1
            draft = GuideVersion(implementation=impl, number=number)
        draft.edited_by = label
        draft.change_note = "导入"
        _ensure_life_events(spec.life_events)
        _write_guide(draft, payload)
        report.new_versions.append(impl.code)
        if publish:
            guide_publish(guide=draft, actor=actor)
            report.published.append(impl.code)
    return report
