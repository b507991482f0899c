"""What must hold before a bundle version is published, each problem named in Chinese and English:
no cycle of "needs the result of" (the path named), no item that no answer can ever select (and why), no
data element that the items' forms ask in ways that cannot be one field, and references that resolve
(flows, situational materials). Pure Python over a `Definition`; every problem at once (一次告知).
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.bundles import graph
from tongban.bundles.definition import Definition, ItemField
from tongban.bundles.merge import bound_conflict, material_key

CONFLICT_WORDS = {
    "type": ("类型不同", "types differ"),
    "choices": ("选项没有交集", "the choices have nothing in common"),
    "pattern": ("格式规则不同", "the formats differ"),
    "length": ("长度要求互相矛盾", "the length limits contradict each other"),
}


@dataclass(frozen=True)
class Problem:
    code: str  # cycle | unreachable | field_conflict | unknown_material | item_unavailable | no_items
    zh: str
    en: str
    where: tuple[str, ...] = ()  # node or question keys concerned


def _path(definition: Definition, keys: list[str], *, english: bool = False) -> str:
    nodes = [definition.node(k) for k in keys]
    return " → ".join((n.name_en or n.name) if english else n.name for n in nodes)


def cycle_problem(definition: Definition) -> Problem | None:
    cycle = graph.find_cycle(definition.upstreams)
    if cycle is None:
        return None
    return Problem(
        "cycle",
        f"事项之间的前后关系形成循环：{_path(definition, cycle)}",
        f"The items' dependencies form a cycle: {_path(definition, cycle, english=True)}",
        tuple(dict.fromkeys(cycle)),
    )


def unreachable_problems(definition: Definition) -> list[Problem]:
    """Items neither core nor selected by an option of a question that can be asked."""
    asked: set[str] = set()
    reachable_options: set[tuple[str, str]] = set()
    for question in definition.questions:  # `requires` names an earlier question (bundle_draft_save checks)
        if question.requires is None or question.requires in reachable_options:
            asked.add(question.key)
            reachable_options.update((question.key, o.key) for o in question.options)
    problems: list[Problem] = []
    for node in definition.nodes:
        if node.core:
            continue
        selecting = [(q, o) for q in definition.questions for o in q.options if node.key in o.nodes]
        if any((q.key, o.key) in reachable_options for q, o in selecting):
            continue
        if not selecting:
            zh = f"事项“{node.name}”不是必办事项，也没有任何情形选项选中它，申请人永远不会办到"
            en = f"“{node.name_en or node.name}” is not core and no situational answer selects it: no one can reach it"
        else:
            q, o = selecting[0]
            assert q.requires is not None  # a question without `requires` is always asked
            zh = (
                f"事项“{node.name}”只由问题“{q.text}”的选项“{o.label}”选中，"
                f"而该问题须先选 {'.'.join(q.requires)}，这一选项不会出现：{node.name}不可达"
            )
            en = (
                f"“{node.name_en or node.name}” is selected only by “{o.label_en or o.label}” of "
                f"“{q.text_en or q.text}”, a question asked after {'.'.join(q.requires)}, which can never be "
                "answered: it is unreachable"
            )
        problems.append(Problem("unreachable", zh, en, (node.key,)))
    return problems


def field_conflict_problems(definition: Definition) -> list[Problem]:
    by_binding: dict[tuple[str, str], list[tuple[str, ItemField]]] = {}
    for node in definition.nodes:
        for spec in node.fields:
            if spec.bound:
                by_binding.setdefault(spec.binding, []).append((node.key, spec))
    problems: list[Problem] = []
    for (role, element), entries in by_binding.items():
        why = bound_conflict([f for _, f in entries])
        if not why:
            continue
        zh_why, en_why = CONFLICT_WORDS[why]
        detail = "，".join(f"{definition.node(n).name}为 {_describe(f, why)}" for n, f in entries)
        detail_en = "; ".join(
            f"{definition.node(n).name_en or definition.node(n).name}: {_describe(f, why)}" for n, f in entries
        )
        problems.append(
            Problem(
                "field_conflict",
                f"数据项 {element}（{role}）在各事项表单中{zh_why}，无法合并为一个字段：{detail}",
                f"Data element {element} ({role}) cannot be one field, {en_why}: {detail_en}",
                tuple(dict.fromkeys(n for n, _ in entries)),
            )
        )
    return problems


def _describe(spec: ItemField, why: str) -> str:
    if why == "type":
        return spec.type
    if why == "choices":
        return "/".join(sorted(spec.choices)) or "-"
    if why == "pattern":
        return spec.pattern or "-"
    return f"{spec.min_length or 0}..{spec.max_length if spec.max_length is not None else '∞'}"


def reference_problems(definition: Definition) -> list[Problem]:
    """Flows and situational materials name materials the items' guides list."""
    problems: list[Problem] = []
    materials = {n.key: {material_key(m.name) for m in n.materials} for n in definition.nodes}
    named = [(f.downstream, name, "flow") for f in definition.flows for name in f.materials]
    named += [(n, name, "option") for q in definition.questions for o in q.options for n, name in o.materials]
    for node, name, _ in named:
        if material_key(name) not in materials.get(node, set()):
            item = definition.name_of(node)
            problems.append(
                Problem(
                    "unknown_material",
                    f"事项“{item}”的办事指南中没有材料“{name}”",
                    f"The guide of “{item}” lists no material “{name}”",
                    (node,),
                )
            )
    return problems


def definition_problems(definition: Definition) -> list[Problem]:
    """Everything that stops this version from being published; empty when it may be."""
    if not definition.nodes:
        return [Problem("no_items", "一件事至少需要一个事项", "A bundle needs at least one item")]
    problems: list[Problem] = []
    cycle = cycle_problem(definition)
    if cycle is not None:
        problems.append(cycle)
    problems += unreachable_problems(definition)
    problems += field_conflict_problems(definition)
    problems += reference_problems(definition)
    return problems
