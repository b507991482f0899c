"""Situational questions (情形): which questions an applicant is asked, and what their answers select.

Answers are `question key → option key` (or a list of option keys for a multiple-choice question). A
question that `requires` an earlier answer is asked only once that answer is given; answers to questions
no longer asked, and unknown options, are dropped — so changing an answer never leaves a stale one behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tongban.bundles.definition import Definition, Question

Answers = Mapping[str, Any]


@dataclass(frozen=True)
class Situation:
    asked: tuple[Question, ...]  # in the definition's order
    answers: dict[str, tuple[str, ...]]  # question key → chosen option keys (only asked questions, known options)
    nodes: dict[str, tuple[str, ...]]  # selected node key → why: "core" or "question.option"
    materials: frozenset[tuple[str, str]]  # (node key, material name) made to apply by an answer

    @property
    def unanswered(self) -> tuple[str, ...]:
        return tuple(q.key for q in self.asked if not self.answers.get(q.key))


def _chosen(question: Question, raw: Any) -> tuple[str, ...]:
    values = raw if isinstance(raw, list | tuple) else [raw] if raw not in (None, "") else []
    known = [str(v) for v in values if question.option(str(v)) is not None]
    unique = tuple(dict.fromkeys(known))
    return unique if question.multiple else unique[:1]


def situation(definition: Definition, answers: Answers | None) -> Situation:
    """What the answers select. `answers=None` selects everything: every item and every situational material
    (the bundle's full extent, which its published reduction figures describe)."""
    if answers is None:
        return Situation(
            asked=definition.questions,
            answers={},
            nodes={n.key: ("core",) if n.core else tuple(_selectors(definition, n.key)) for n in definition.nodes},
            materials=frozenset(m for q in definition.questions for o in q.options for m in o.materials),
        )
    asked: list[Question] = []
    chosen: dict[str, tuple[str, ...]] = {}
    for question in definition.questions:
        if question.requires is not None:
            q_key, o_key = question.requires
            if o_key not in chosen.get(q_key, ()):
                continue
        asked.append(question)
        picked = _chosen(question, answers.get(question.key))
        if picked:
            chosen[question.key] = picked
    nodes: dict[str, list[str]] = {n.key: ["core"] for n in definition.nodes if n.core}
    materials: set[tuple[str, str]] = set()
    for question in asked:
        for o_key in chosen.get(question.key, ()):
            option = question.option(o_key)
            assert option is not None  # _chosen keeps known options only
            for node in option.nodes:
                nodes.setdefault(node, []).append(f"{question.key}.{o_key}")
            materials.update(option.materials)
    order = {n.key: i for i, n in enumerate(definition.nodes)}
    return Situation(
        asked=tuple(asked),
        answers=chosen,
        nodes={k: tuple(v) for k, v in sorted(nodes.items(), key=lambda kv: order.get(kv[0], 0))},
        materials=frozenset(materials),
    )


def _selectors(definition: Definition, node: str) -> list[str]:
    return [f"{q.key}.{o.key}" for q in definition.questions for o in q.options if node in o.nodes]


def conditional_materials(definition: Definition) -> frozenset[tuple[str, str]]:
    """(node, material name) pairs some answer names: they apply only when such an answer is chosen."""
    return frozenset(m for q in definition.questions for o in q.options for m in o.materials)
