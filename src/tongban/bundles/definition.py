"""A bundle version as plain data: its items (with what the catalogue and forms say about them), the edges
"needs the result of", and the situational questions (情形). Built from the database by
`selectors.bundle_definition`; everything that checks, composes or measures a bundle reads only this, so it is
pure Python and the property tests can generate it at random.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ROLE_SEPARATOR = "."
RESERVED_NODE_KEYS = frozenset({"free", "subject", "agent"})  # prefixes of merged field keys


@dataclass(frozen=True)
class ItemField:
    """One field of an item's published form, as the merge needs it (from forms' FieldSpec)."""

    key: str
    type: str
    label: str
    label_en: str = ""
    required: bool = True
    element: str = ""  # bound to a data element: the same (role, element) is one field across items
    role: str = "subject"
    choices: Mapping[str, str] = field(default_factory=dict)
    pattern: str = ""
    min_length: int | None = None
    max_length: int | None = None
    visible_if: Any = None  # JSON-Logic in the item's own namespace

    @property
    def bound(self) -> bool:
        return bool(self.element)

    @property
    def binding(self) -> tuple[str, str]:
        return (self.role, self.element)

    @property
    def base_type(self) -> str:
        """A textarea is a long text: the same data element may be asked as either."""
        return "text" if self.type == "textarea" else self.type


@dataclass(frozen=True)
class ItemMaterial:
    """One material of an item's published guide (catalog's Material)."""

    id: str
    name: str
    necessity: str = "required"  # catalog.codes.Necessity
    source: str = "applicant"  # catalog.codes.MaterialSource
    form: str = "both"
    originals: int = 1
    copies: int = 0
    issuer: str = ""
    notes: str = ""
    online_form: bool = False  # the item's own application form: the merged form stands for it


@dataclass(frozen=True)
class Node:
    """One item of the bundle with its guide's figures and its form's fields."""

    key: str
    name: str
    name_en: str = ""
    code: str = ""  # implementation code
    department: str = ""
    department_en: str = ""
    position: int = 0
    core: bool = False  # in every composition, whatever the answers
    has_form: bool = True
    fields: tuple[ItemField, ...] = ()
    materials: tuple[ItemMaterial, ...] = ()
    promised_days: int = 0
    promised_unit: str = "G"
    visits: int = 0
    steps: int = 0  # 办理流程 steps in the guide
    result: str = ""


@dataclass(frozen=True)
class Flow:
    """Edge: `downstream` needs the result of `upstream`; what the result carries into the downstream case."""

    upstream: str
    downstream: str
    elements: tuple[str, ...] = ()  # data elements the upstream result fills in the downstream form
    licence: str = ""  # licence type code the upstream issues (a string until licences lands)
    materials: tuple[str, ...] = ()  # downstream materials the upstream result replaces (by name)


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    label_en: str = ""
    nodes: tuple[str, ...] = ()  # items this answer selects
    materials: tuple[tuple[str, str], ...] = ()  # (node key, material name) this answer makes apply


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    text_en: str = ""
    multiple: bool = False
    options: tuple[Option, ...] = ()
    requires: tuple[str, str] | None = None  # (question key, option key): asked only after that answer

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Definition:
    code: str
    name: str
    name_en: str = ""
    nodes: tuple[Node, ...] = ()
    flows: tuple[Flow, ...] = ()
    questions: tuple[Question, ...] = ()

    def node(self, key: str) -> Node:
        for node in self.nodes:
            if node.key == key:
                return node
        raise KeyError(key)

    @property
    def upstreams(self) -> dict[str, list[str]]:
        """node key → the keys of the items whose result it needs (graphlib's predecessor mapping)."""
        graph: dict[str, list[str]] = {n.key: [] for n in self.nodes}
        for flow in self.flows:
            graph.setdefault(flow.downstream, []).append(flow.upstream)
        return graph

    def name_of(self, key: str) -> str:
        try:
            return self.node(key).name
        except KeyError:
            return key
