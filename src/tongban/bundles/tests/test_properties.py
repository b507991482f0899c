"""Property tests over random bundle graphs: merging never asks a field twice, every field of every chosen item
is covered, cycles are always found and named as real cycles, the order and the critical path respect the DAG."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.bundles import graph
from tongban.bundles.checks import definition_problems
from tongban.bundles.definition import Definition, Flow, ItemField, Node, Option, Question
from tongban.bundles.merge import answers_kept, compose
from tongban.bundles.reduction import reduction_of

ELEMENT_TYPES = ("text", "date", "integer", "choice", "boolean")
ROLES = ("subject", "agent")
FREE_KEYS = ("phone", "note", "address", "reason")
FREE_LABELS = ("联系电话", "备注", "说明")


@st.composite
def definitions(draw: Any, *, acyclic: bool = True) -> Definition:
    n = draw(st.integers(min_value=1, max_value=8))
    keys = [f"n{i}" for i in range(n)]
    # One type per element across the bundle (as publishing guarantees), so the bound fields can always merge.
    element_types = {f"E{i}": draw(st.sampled_from(ELEMENT_TYPES)) for i in range(6)}
    nodes = []
    for position, key in enumerate(keys):
        bindings = draw(st.sets(st.tuples(st.sampled_from(ROLES), st.sampled_from(sorted(element_types))), max_size=6))
        fields = [
            ItemField(
                key=f"{role}_{element.lower()}",
                type=element_types[element],
                label=element,
                required=draw(st.booleans()),
                element=element,
                role=role,
                choices={"1": "甲", "2": "乙"} if element_types[element] == "choice" else {},
            )
            for role, element in sorted(bindings)
        ]
        for free_key in draw(st.sets(st.sampled_from(FREE_KEYS), max_size=3)):
            fields.append(
                ItemField(
                    key=free_key, type="text", label=draw(st.sampled_from(FREE_LABELS)), required=draw(st.booleans())
                )
            )
        nodes.append(
            Node(
                key=key,
                name=f"事项{key}",
                position=position,
                core=draw(st.booleans()),
                fields=tuple(fields),
                promised_days=draw(st.integers(min_value=0, max_value=30)),
                steps=draw(st.integers(min_value=1, max_value=6)),
                visits=draw(st.integers(min_value=0, max_value=2)),
            )
        )
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = draw(st.sets(pairs.filter(lambda p: p[0] < p[1]) if acyclic else pairs, max_size=2 * n))
    flows = tuple(
        Flow(
            upstream=keys[u],
            downstream=keys[d],
            elements=tuple(draw(st.sets(st.sampled_from(sorted(element_types)), max_size=2))),
        )
        for u, d in sorted(edges)
    )
    questions: list[Question] = []
    for i in range(draw(st.integers(0, 4))):
        options = tuple(
            Option(key=f"o{j}", label=f"选项{j}", nodes=tuple(draw(st.sets(st.sampled_from(keys), max_size=3))))
            for j in range(draw(st.integers(1, 3)))
        )
        # A follow-up question asked only after some earlier answer, as the spec allows.
        earlier = [(q.key, o.key) for q in questions for o in q.options]
        requires = draw(st.none() | st.sampled_from(earlier)) if earlier else None
        questions.append(
            Question(key=f"q{i}", text=f"问题{i}", options=options, requires=requires, multiple=draw(st.booleans()))
        )
    return Definition(code="random", name="随机一件事", nodes=tuple(nodes), flows=flows, questions=tuple(questions))


@st.composite
def bundles_with_answers(draw: Any) -> tuple[Definition, dict[str, Any]]:
    definition = draw(definitions())
    answers: dict[str, Any] = {}
    for q in definition.questions:
        keys = [o.key for o in q.options] + ["", "unknown"]
        answers[q.key] = (
            draw(st.lists(st.sampled_from(keys), max_size=3)) if q.multiple else draw(st.sampled_from(keys))
        )
    return definition, answers


@settings(max_examples=150, deadline=None)
@given(bundles_with_answers())
def test_merging_never_asks_a_field_twice(case: tuple[Definition, dict[str, Any]]) -> None:
    definition, answers = case
    fields = compose(definition, answers).fields
    keys = [f.key for f in fields]
    assert len(keys) == len(set(keys))
    bindings = [(f.role, f.element) for f in fields if f.element]
    assert len(bindings) == len(set(bindings))
    assert not any(f.conflict for f in fields)


@settings(max_examples=150, deadline=None)
@given(bundles_with_answers())
def test_every_field_of_every_chosen_item_is_covered_once_and_required_when_the_item_requires_it(
    case: tuple[Definition, dict[str, Any]],
) -> None:
    definition, answers = case
    composition = compose(definition, answers)
    covering: dict[tuple[str, str], list[Any]] = {}
    for merged in composition.fields:
        for source in merged.sources:
            covering.setdefault(source, []).append(merged)
    chosen = set(composition.node_keys)
    for item in composition.items:
        for spec in item.node.fields:
            (merged,) = covering[(item.node.key, spec.key)]
            assert merged.required or not spec.required
            # Filled, not asked, only from items chosen and upstream of every item asking it.
            assert set(merged.filled_by) <= chosen
    assert {n for n, _ in covering} <= chosen


@settings(max_examples=150, deadline=None)
@given(bundles_with_answers())
def test_the_chosen_items_are_the_core_and_the_answered_ones_each_after_what_it_needs(
    case: tuple[Definition, dict[str, Any]],
) -> None:
    definition, answers = case
    composition = compose(definition, answers)
    # Re-derived plainly: a question is asked when it follows nothing or its answer was chosen; unknown options
    # and answers to questions not asked count for nothing; a single-choice question takes the first known answer.
    chosen: dict[str, list[str]] = {}
    for q in definition.questions:
        if q.requires is not None and q.requires[1] not in chosen.get(q.requires[0], []):
            continue
        raw = answers.get(q.key)
        given = [v for v in (raw if isinstance(raw, list) else [raw]) if q.option(str(v)) is not None]
        chosen[q.key] = list(dict.fromkeys(given)) if q.multiple else given[:1]
    expected = {n.key for n in definition.nodes if n.core} | {
        k for q in definition.questions for o in q.options if o.key in chosen.get(q.key, []) for k in o.nodes
    }
    assert set(composition.node_keys) == expected
    assert {k: list(v) for k, v in composition.situation.answers.items()} == {k: v for k, v in chosen.items() if v}
    assert [q.key for q in composition.situation.asked] == list(chosen)
    place = {k: i for i, k in enumerate(composition.node_keys)}
    for flow in definition.flows:
        if flow.upstream in place and flow.downstream in place:
            assert place[flow.upstream] < place[flow.downstream]


@settings(max_examples=120, deadline=None)
@given(bundles_with_answers())
def test_the_critical_path_is_a_chain_of_the_dag_between_the_longest_item_and_all_of_them(
    case: tuple[Definition, dict[str, Any]],
) -> None:
    definition, answers = case
    composition = compose(definition, answers)
    r = reduction_of(composition)
    days = {i.node.key: i.node.promised_days for i in composition.items}
    assert max(days.values(), default=0) <= r.promised_days.bundled <= r.promised_days.separately
    assert sum(days[k] for k in r.critical_path) == r.promised_days.bundled
    upstream = {i.node.key: set(i.upstream) for i in composition.items}
    for before, after in itertools.pairwise(r.critical_path):
        assert before in upstream[after]
    assert r.form_fields.bundled <= r.form_fields.separately


@settings(max_examples=120, deadline=None)
@given(
    bundles_with_answers(),
    st.dictionaries(st.sampled_from(["subject.E1", "free.phone", "n0.note", "x"]), st.text(max_size=3)),
)
def test_keeping_answers_keeps_only_what_was_typed_and_keeping_twice_changes_nothing(
    case: tuple[Definition, dict[str, Any]], typed: dict[str, str]
) -> None:
    definition, answers = case
    composition = compose(definition, answers)
    kept = answers_kept(previous=typed, composition=composition)
    assert kept.items() <= typed.items()
    assert answers_kept(previous=kept, composition=composition) == kept
    asked = {f.key for f in composition.asked_fields}
    assert all(k in asked for k in kept)


def _has_cycle(upstreams: dict[str, list[str]]) -> bool:
    """Plain depth-first search, to check graphlib's answer against."""
    state: dict[str, int] = {}

    def visit(key: str) -> bool:
        state[key] = 1
        for nxt in upstreams.get(key, []):
            if state.get(nxt) == 1 or (state.get(nxt) is None and visit(nxt)):
                return True
        state[key] = 2
        return False

    return any(state.get(k) is None and visit(k) for k in upstreams)


@settings(max_examples=250, deadline=None)
@given(definitions(acyclic=False))
def test_a_cycle_is_always_found_and_named_as_a_real_cycle(definition: Definition) -> None:
    upstreams = definition.upstreams
    cycle = graph.find_cycle(upstreams)
    assert (cycle is not None) == _has_cycle(upstreams)
    codes = [p.code for p in definition_problems(definition)]
    assert ("cycle" in codes) == (cycle is not None)
    if cycle is not None:
        assert cycle[0] == cycle[-1] and len(cycle) >= 2
        for before, after in itertools.pairwise(cycle):
            assert before in upstreams[after]  # each named step is a real "needs the result of"
        problem = next(p for p in definition_problems(definition) if p.code == "cycle")
        assert " → ".join(definition.node(k).name for k in cycle) in problem.zh


@settings(max_examples=120, deadline=None)
@given(definitions(), st.data())
def test_an_element_asked_as_two_types_is_always_refused_and_never_merged(definition: Definition, data: Any) -> None:
    asked = [(n, f) for n in definition.nodes for f in n.fields if f.bound]
    by_binding: dict[tuple[str, str], list[tuple[Node, ItemField]]] = {}
    for entry in asked:
        by_binding.setdefault(entry[1].binding, []).append(entry)
    shared = sorted(b for b, entries in by_binding.items() if len({n.key for n, _ in entries}) > 1)
    if not shared:
        return
    binding = data.draw(st.sampled_from(shared))
    victim, spec = by_binding[binding][-1]
    other = "date" if spec.type != "date" else "integer"
    changed = Node(
        **{
            **victim.__dict__,
            "fields": tuple(
                ItemField(**{**f.__dict__, "type": other, "choices": {}}) if f is spec else f for f in victim.fields
            ),
        }
    )
    broken = Definition(
        code=definition.code,
        name=definition.name,
        nodes=tuple(changed if n.key == victim.key else n for n in definition.nodes),
        flows=definition.flows,
        questions=definition.questions,
    )
    problems = [p for p in definition_problems(broken) if p.code == "field_conflict"]
    assert any(binding[1] in p.zh and victim.key in p.where for p in problems)
    fields = compose(broken, None).fields
    assert not any(f.key == f"{binding[0]}.{binding[1]}" for f in fields)  # asked per item, flagged
    assert all(f.conflict for f in fields if f.element == binding[1] and f.role == binding[0])


@settings(max_examples=120, deadline=None)
@given(bundles_with_answers())
def test_one_filled_form_gives_every_item_a_value_for_each_of_its_fields_not_filled_by_a_result(
    case: tuple[Definition, dict[str, Any]],
) -> None:
    definition, answers = case
    composition = compose(definition, answers)
    values = {f.key: f"v:{f.key}" for f in composition.asked_fields}
    for item in composition.items:
        given = composition.answers_for(item.node.key, values)
        mapping = composition.fields_for(item.node.key)
        for spec in item.node.fields:
            merged = composition.field(mapping[spec.key])
            assert (spec.key in given) == merged.asked
            if merged.asked:
                assert given[spec.key] == f"v:{merged.key}"
