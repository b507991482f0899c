"""How much a bundle saves, computed from the catalogue and the forms (never typed in): each item done on its
own versus the items done as the bundle, for the same answers.

- materials: what the applicant hands in — each item's materials not 免提交 by their source, summed, versus
  the merged set's materials still to hand in (asked once; those an upstream result replaces are 免提交),
  the items' application forms counting as the one merged form (一表申请).
- form fields: every item form's fields, summed, versus the merged form's fields still asked.
- visits: each guide's 到现场次数, summed, versus the most any one item needs (one window takes the bundle).
- steps: each guide's 办理流程 steps, summed, versus the steps along the bundle's longest chain of
  "needs the result of" (independent items run side by side).
- promised days: each promised limit, summed (done one after another), versus the critical path through the
  DAG. Limits are counted as the guides give them; a natural-day limit counts as that many days.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.bundles import graph
from tongban.bundles.merge import EXEMPT_SOURCES, Composition, applicable_materials


@dataclass(frozen=True)
class Measure:
    separately: int
    bundled: int

    @property
    def saved(self) -> int:
        return self.separately - self.bundled

    @property
    def rate(self) -> float:
        """Share saved (0.0 when nothing was needed separately)."""
        return self.saved / self.separately if self.separately else 0.0

    def __str__(self) -> str:
        return f"{self.separately}→{self.bundled}"


@dataclass(frozen=True)
class Reduction:
    items: int
    materials: Measure
    form_fields: Measure
    visits: Measure
    steps: Measure
    promised_days: Measure
    critical_path: tuple[str, ...]  # node keys, upstream first

    @property
    def measures(self) -> dict[str, Measure]:
        return {
            "materials": self.materials,
            "form_fields": self.form_fields,
            "visits": self.visits,
            "steps": self.steps,
            "promised_days": self.promised_days,
        }


def reduction_of(composition: Composition) -> Reduction:
    nodes = [i.node for i in composition.items]
    upstreams = {i.node.key: list(i.upstream) for i in composition.items}
    position = {n.key: n.position for n in nodes}
    by_key = {n.key: n for n in nodes}
    days, path = graph.longest_path(upstreams, weight=lambda k: by_key[k].promised_days, position=lambda k: position[k])
    steps, _ = graph.longest_path(upstreams, weight=lambda k: by_key[k].steps, position=lambda k: position[k])
    separately_materials = sum(
        1
        for n in nodes
        for m in applicable_materials(composition.definition, composition.situation, n)
        if m.source not in EXEMPT_SOURCES
    )
    return Reduction(
        items=len(nodes),
        materials=Measure(
            separately_materials, len(composition.to_submit) + (1 if composition.application_forms else 0)
        ),
        form_fields=Measure(sum(len(n.fields) for n in nodes), len(composition.asked_fields)),
        visits=Measure(sum(n.visits for n in nodes), max((n.visits for n in nodes), default=0)),
        steps=Measure(sum(n.steps for n in nodes), steps),
        promised_days=Measure(sum(n.promised_days for n in nodes), days),
        critical_path=tuple(path),
    )
