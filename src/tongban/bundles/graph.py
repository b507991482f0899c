"""The bundle as a directed acyclic graph of "needs the result of": cycles, order and the critical path.

graphlib (stdlib) finds cycles and the order; ties are broken by the operator's position so that a guide
lists its items the same way every time.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from graphlib import CycleError, TopologicalSorter


def find_cycle(upstreams: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A cycle as a path upstream → downstream whose first and last keys are the same; None when acyclic."""
    try:
        TopologicalSorter(upstreams).prepare()
    except CycleError as error:
        return list(error.args[1])
    return None


def induced(upstreams: Mapping[str, Sequence[str]], keys: Collection[str]) -> dict[str, list[str]]:
    """The graph among `keys` only: an edge to an item not selected is no wait (its result comes from the
    applicant instead)."""
    return {k: [u for u in upstreams.get(k, ()) if u in keys] for k in upstreams if k in keys}


def topological(upstreams: Mapping[str, Sequence[str]], *, position: Callable[[str], int]) -> list[str]:
    """Every key after the keys it needs, ready ones in `position` order. CycleError when there is a cycle."""
    sorter = TopologicalSorter(upstreams)
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=lambda k: (position(k), k))
        order.extend(ready)
        sorter.done(*ready)
    return order


def longest_path(
    upstreams: Mapping[str, Sequence[str]], *, weight: Callable[[str], int], position: Callable[[str], int]
) -> tuple[int, list[str]]:
    """The heaviest chain through the DAG (sum of its keys' weights) and the chain itself, upstream first:
    what an applicant waits through when independent items run side by side."""
    best: dict[str, tuple[int, list[str]]] = {}
    for key in topological(upstreams, position=position):
        before = max((best[u] for u in upstreams.get(key, ())), key=lambda b: b[0], default=(0, []))
        best[key] = (before[0] + weight(key), [*before[1], key])
    return max(best.values(), key=lambda b: b[0], default=(0, []))
