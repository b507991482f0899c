"""One guide, one form, one set of materials for an applicant's answers (一次告知、一表申请、一套材料).

- Items: those the answers select, each after the items whose result it needs.
- Form: a field bound to a data element is one field per (role, element) however many items ask it;
  a free field is per item (`node.key`) unless other items ask the very same question under the same key
  (same type, label, choices and format), then those are one (`free.key`). Required if any item
  requires it; choices and lengths intersect. A field every asking item gets from an upstream item's
  result (the edge's elements) is filled by that result, not asked. Bound fields form the sharing list
  (prefilled per applicant by forms' prefill when the hub holds the value), free fields the collection list.
- Materials: one per normalised name across items; 免提交 when every item needing it has it from shared
  data, an e-licence or an internal document (catalog's material source), or from an upstream item's result.
  The items' own application forms (a required applicant material with a blank form, as forms treats it)
  are what the one merged form asks: together they count as one form (一表申请).

Pure Python over a `Definition`; the database is read once, by `selectors.bundle_definition`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tongban.bundles import graph
from tongban.bundles.definition import Definition, ItemField, ItemMaterial, Node
from tongban.bundles.situation import Answers, Situation, conditional_materials, situation

SHARING, COLLECTION = "sharing", "collection"
EXEMPT, FORM, PLEDGE, APPLICANT = "exempt", "form", "pledge", "applicant"
EXEMPT_SOURCES = frozenset({"shared", "licence", "internal"})
NECESSITY_RANK = {"required": 0, "deferrable": 1, "optional": 2}


@dataclass(frozen=True)
class ComposedItem:
    node: Node
    why: tuple[str, ...]  # "core" or "question.option" that selected it
    upstream: tuple[str, ...]  # selected items whose result it waits for


@dataclass(frozen=True)
class MergedField:
    key: str
    type: str
    label: str
    label_en: str
    required: bool
    sources: tuple[tuple[str, str], ...]  # (node key, the item form's field key)
    element: str = ""
    role: str = "subject"
    choices: Mapping[str, str] = field(default_factory=dict)
    pattern: str = ""
    min_length: int | None = None
    max_length: int | None = None
    visible_if: tuple[tuple[str, Any], ...] = ()  # (node, condition): shown if any holds, each in its item's namespace
    filled_by: tuple[str, ...] = ()  # upstream items whose results fill it: not asked
    conflict: bool = False  # items ask this element incompatibly (a form changed after publishing): asked per item

    @property
    def list(self) -> str:
        return SHARING if self.element else COLLECTION

    @property
    def asked(self) -> bool:
        return not self.filled_by

    @property
    def nodes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for n, _ in self.sources))


@dataclass(frozen=True)
class MergedMaterial:
    key: str
    name: str
    way: str  # EXEMPT (免提交), FORM (an application form: the one merged form), PLEDGE (告知承诺替代) or APPLICANT
    necessity: str
    sources: tuple[tuple[str, str], ...]  # (node key, catalog material id)
    exempt_because: tuple[str, ...] = ()  # per source: "shared" / "licence" / "internal" / "upstream:<node>"
    originals: int = 1
    copies: int = 0
    notes: tuple[str, ...] = ()

    @property
    def exempt(self) -> bool:
        return self.way == EXEMPT


@dataclass(frozen=True)
class Composition:
    definition: Definition
    situation: Situation
    items: tuple[ComposedItem, ...]
    fields: tuple[MergedField, ...]
    materials: tuple[MergedMaterial, ...]

    @property
    def node_keys(self) -> tuple[str, ...]:
        return tuple(i.node.key for i in self.items)

    @property
    def asked_fields(self) -> tuple[MergedField, ...]:
        return tuple(f for f in self.fields if f.asked)

    @property
    def to_submit(self) -> tuple[MergedMaterial, ...]:
        """What the applicant hands in besides the one form: not 免提交 and not an item's application form."""
        return tuple(m for m in self.materials if m.way not in (EXEMPT, FORM))

    @property
    def application_forms(self) -> tuple[MergedMaterial, ...]:
        """The items' application forms the one merged form replaces (一表申请)."""
        return tuple(m for m in self.materials if m.way == FORM)

    def field(self, key: str) -> MergedField:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def fields_for(self, node: str) -> dict[str, str]:
        """The item's own field keys → merged keys: how a child case gets only its item's fields (part 3)."""
        return {fk: f.key for f in self.fields for n, fk in f.sources if n == node}

    def answers_for(self, node: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """The merged form's values as the item's own form keys them, its fields only: what one child case
        receives of the one form (part 3). Values of fields an upstream result fills are not here: they come
        with that result."""
        asked = {f.key for f in self.asked_fields}
        return {
            own: values[merged] for own, merged in self.fields_for(node).items() if merged in asked and merged in values
        }


# --- items --------------------------------------------------------------------------------------------------


def _items(definition: Definition, chosen: Situation) -> tuple[ComposedItem, ...]:
    keys = [n.key for n in definition.nodes if n.key in chosen.nodes]
    sub = graph.induced(definition.upstreams, keys)
    position = {n.key: n.position for n in definition.nodes}
    order = graph.topological(sub, position=lambda k: position[k])
    return tuple(
        ComposedItem(node=definition.node(k), why=chosen.nodes[k], upstream=tuple(sub.get(k, ()))) for k in order
    )


# --- the form -----------------------------------------------------------------------------------------------


def _same_question(a: ItemField, b: ItemField) -> bool:
    return (a.base_type, a.label, dict(a.choices), a.pattern, a.min_length, a.max_length) == (
        b.base_type,
        b.label,
        dict(b.choices),
        b.pattern,
        b.min_length,
        b.max_length,
    )


def bound_conflict(fields: list[ItemField]) -> str:
    """Why fields bound to the same element cannot be one field ("" when they can): types, choices with
    nothing in common, two different patterns, or lengths that leave nothing."""
    if len({f.base_type for f in fields}) > 1:
        return "type"
    choice_sets = [set(f.choices) for f in fields if f.choices]
    if choice_sets and not set.intersection(*choice_sets):
        return "choices"
    if len({f.pattern for f in fields if f.pattern}) > 1:
        return "pattern"
    lows = [f.min_length for f in fields if f.min_length is not None]
    highs = [f.max_length for f in fields if f.max_length is not None]
    if lows and highs and max(lows) > min(highs):
        return "length"
    return ""


def _merged(key: str, entries: list[tuple[str, ItemField]], flowed: Mapping[str, set[str]]) -> MergedField:
    first = entries[0][1]
    choice_sets = [f.choices for _, f in entries if f.choices]
    choices = {k: v for k, v in choice_sets[0].items() if all(k in c for c in choice_sets)} if choice_sets else {}
    lows = [f.min_length for _, f in entries if f.min_length is not None]
    highs = [f.max_length for _, f in entries if f.max_length is not None]
    patterns = [f.pattern for _, f in entries if f.pattern]
    types = {f.type for _, f in entries}
    # Filled by an upstream result only when every item asking it gets it so.
    filled: list[str] = []
    for node, spec in entries:
        givers = flowed.get(node, set()) if spec.bound else set()
        if not givers:
            filled = []
            break
        filled.extend(sorted(givers))
    return MergedField(
        key=key,
        type="textarea" if types == {"text", "textarea"} else first.type,
        label=first.label,
        label_en=first.label_en,
        required=any(f.required for _, f in entries),
        sources=tuple((n, f.key) for n, f in entries),
        element=first.element,
        role=first.role,
        choices=choices,
        pattern=patterns[0] if patterns else "",
        min_length=max(lows) if lows else None,
        max_length=min(highs) if highs else None,
        visible_if=tuple((n, f.visible_if) for n, f in entries if f.visible_if is not None)
        if all(f.visible_if is not None for _, f in entries)
        else (),  # one item always asks it: always shown
        filled_by=tuple(dict.fromkeys(filled)),
    )


def bound_key(role: str, element: str) -> str:
    return f"{role}.{element}"


def field_keys(definition: Definition) -> dict[tuple[str, str], str]:
    """(node, item field key) → merged key, decided over the whole bundle rather than the items chosen, so a
    field keeps its key when a situational answer adds or drops another item (and its value with it)."""
    bound: dict[tuple[str, str], list[tuple[str, ItemField]]] = {}
    free: dict[str, list[tuple[str, ItemField]]] = {}
    for node in definition.nodes:
        for spec in node.fields:
            if spec.bound:
                bound.setdefault(spec.binding, []).append((node.key, spec))
            else:
                free.setdefault(spec.key, []).append((node.key, spec))
    keys: dict[tuple[str, str], str] = {}
    for ident, entries in bound.items():
        together = not bound_conflict([f for _, f in entries])
        keys.update({(n, f.key): bound_key(*ident) if together else f"{n}.{f.key}" for n, f in entries})
    for name, entries in free.items():
        # Items asking the very same question share one field; the first such group is `free.<key>`, a second
        # group (the same key asked differently by others) `free.<key>.<its first item>`, a lone one `<item>.<key>`.
        groups: list[list[tuple[str, ItemField]]] = []
        for entry in entries:
            group = next((g for g in groups if _same_question(g[0][1], entry[1])), None)
            if group is None:
                groups.append([entry])
            else:
                group.append(entry)
        shared = 0
        for group in groups:
            if len(group) == 1:
                n, f = group[0]
                keys[(n, f.key)] = f"{n}.{f.key}"
                continue
            key = f"free.{name}" if shared == 0 else f"free.{name}.{group[0][0]}"
            shared += 1
            keys.update({(n, f.key): key for n, f in group})
    return keys


def merge_fields(definition: Definition, items: tuple[ComposedItem, ...]) -> tuple[MergedField, ...]:
    selected = {i.node.key for i in items}
    # node → (element → upstream nodes whose result carries it), for selected upstreams only.
    carried: dict[str, dict[str, set[str]]] = {}
    for flow in definition.flows:
        if flow.upstream in selected and flow.downstream in selected:
            for element in flow.elements:
                carried.setdefault(flow.downstream, {}).setdefault(element, set()).add(flow.upstream)
    keys = field_keys(definition)
    groups: dict[str, list[tuple[str, ItemField]]] = {}  # merged key → entries, in first-appearance order
    for item in items:
        for spec in item.node.fields:
            groups.setdefault(keys[(item.node.key, spec.key)], []).append((item.node.key, spec))
    merged: list[MergedField] = []
    for key, entries in groups.items():
        first = entries[0][1]
        flowed = {n: carried.get(n, {}).get(f.element, set()) for n, f in entries if f.bound}
        one = _merged(key, entries, flowed)
        # A bound field kept per item: its element is asked incompatibly somewhere in the bundle.
        merged.append(_with_conflict(one) if first.bound and key != bound_key(*first.binding) else one)
    return tuple(merged)


def _with_conflict(spec: MergedField) -> MergedField:
    return dataclasses.replace(spec, conflict=True)


# --- materials ----------------------------------------------------------------------------------------------

_DECORATION = re.compile(r"[\s《》〈〉“”\"'「」]")


def material_key(name: str) -> str:
    """Materials are named, not coded, in the catalogue; the same document is the same name up to spacing and
    book-title marks (《出生医学证明》 = 出生医学证明)."""
    return _DECORATION.sub("", name)


def applicable_materials(definition: Definition, chosen: Situation, node: Node) -> list[ItemMaterial]:
    """The item's materials that apply: all but those some answer names and no chosen answer does."""
    named = {(n, material_key(name)) for n, name in conditional_materials(definition)}
    picked = {(n, material_key(name)) for n, name in chosen.materials}
    return [
        m
        for m in node.materials
        if (node.key, material_key(m.name)) not in named or (node.key, material_key(m.name)) in picked
    ]


def _application_form(m: ItemMaterial) -> bool:
    """An item's own application form (申请表, 登记表), required and filled in by the applicant: the one merged
    form is it."""
    return m.online_form and m.source == "applicant" and m.necessity == "required"


def merge_materials(
    definition: Definition, items: tuple[ComposedItem, ...], chosen: Situation
) -> tuple[MergedMaterial, ...]:
    selected = {i.node.key for i in items}
    replaced: dict[tuple[str, str], list[str]] = {}  # (downstream, material key) → upstreams replacing it
    for flow in definition.flows:
        if flow.upstream in selected and flow.downstream in selected:
            for name in flow.materials:
                replaced.setdefault((flow.downstream, material_key(name)), []).append(flow.upstream)
    groups: dict[str, list[tuple[str, ItemMaterial, str]]] = {}
    for item in items:
        for m in applicable_materials(definition, chosen, item.node):
            key = material_key(m.name)
            upstream = replaced.get((item.node.key, key))
            because = f"upstream:{upstream[0]}" if upstream else m.source if m.source in EXEMPT_SOURCES else ""
            groups.setdefault(key, []).append((item.node.key, m, because))
    merged: list[MergedMaterial] = []
    for key, entries in groups.items():
        # Exempt only if exempt for every item: one department holding it does not mean the others may read it.
        if all(because for _, _, because in entries):
            way = EXEMPT
        elif all(because or _application_form(m) for _, m, because in entries):
            way = FORM  # 一表申请: what each item's 申请表 asks is in the bundle's one form
        elif all(because or m.source == "pledge" for _, m, because in entries):
            way = PLEDGE
        else:
            way = APPLICANT
        needing = [m for _, m, because in entries if not because] or [m for _, m, _ in entries]
        merged.append(
            MergedMaterial(
                key=key,
                name=entries[0][1].name,
                way=way,
                necessity=min((m.necessity for m in needing), key=lambda n: NECESSITY_RANK.get(n, 0)),
                sources=tuple((n, m.id) for n, m, _ in entries),
                exempt_because=tuple(because for _, _, because in entries),
                originals=max(m.originals for _, m, _ in entries),
                copies=max(m.copies for _, m, _ in entries),
                notes=tuple(dict.fromkeys(m.notes for _, m, _ in entries if m.notes)),
            )
        )
    return tuple(merged)


# --- entry points -------------------------------------------------------------------------------------------


def compose(definition: Definition, answers: Answers | None) -> Composition:
    """The custom guide for these answers (None: every item and material of the bundle)."""
    chosen = situation(definition, answers)
    items = _items(definition, chosen)
    return Composition(
        definition=definition,
        situation=chosen,
        items=items,
        fields=merge_fields(definition, items),
        materials=merge_materials(definition, items, chosen),
    )


def answers_kept(*, previous: Mapping[str, Any], composition: Composition) -> dict[str, str]:
    """The form values typed earlier that still stand after a situational answer changed: those of fields
    still asked, and for a choice only a value still offered. Nothing valid is lost, nothing stale is kept."""
    kept: dict[str, str] = {}
    asked = {f.key: f for f in composition.asked_fields}
    for key, value in previous.items():
        spec = asked.get(key)
        if spec is None or not isinstance(value, str):
            continue
        if spec.choices and value not in spec.choices:
            continue
        kept[key] = value
    return kept
