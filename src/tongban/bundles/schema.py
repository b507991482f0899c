"""The exchange shape of a bundle definition (the demo city, imports, the designer and the API): items by
catalogue code, edges by item key, questions with options. Structural checks (keys unique, references known)
happen here; what needs the catalogue (cycles, reachability, field conflicts) in `checks`.
"""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, Field, model_validator

from tongban.bundles.definition import RESERVED_NODE_KEYS
from tongban.bundles.models import BundleKind

KEY = r"^[a-z][a-z0-9_]{0,39}$"


class NodeSpec(BaseModel):
    key: str = Field(pattern=KEY)
    item: str = Field(min_length=1, max_length=29)  # implementation code, or basic code of a one-body item
    core: bool = False


class EdgeSpec(BaseModel):
    upstream: str
    downstream: str
    elements: list[str] = Field(default_factory=list)
    licence: str = Field(default="", max_length=40)
    materials: list[str] = Field(default_factory=list)


class MaterialRef(BaseModel):
    item: str  # node key
    material: str  # material name in that item's guide


class OptionSpec(BaseModel):
    key: str = Field(pattern=KEY)
    label: str = Field(min_length=1, max_length=200)
    label_en: str = ""
    items: list[str] = Field(default_factory=list)  # node keys selected
    materials: list[MaterialRef] = Field(default_factory=list)


class QuestionSpec(BaseModel):
    key: str = Field(pattern=KEY)
    text: str = Field(min_length=1, max_length=300)
    text_en: str = ""
    multiple: bool = False
    requires: str = ""  # "question.option" of an earlier question, or ""
    options: list[OptionSpec] = Field(min_length=1)


class BundleSpec(BaseModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = ""
    description: str = ""
    description_en: str = ""
    kind: BundleKind = BundleKind.LIFE_EVENT
    life_event: str = ""
    items: list[NodeSpec] = Field(min_length=1)
    edges: list[EdgeSpec] = Field(default_factory=list)
    questions: list[QuestionSpec] = Field(default_factory=list)
    # 一业一证: a licence type issued once every item of an application is decided, naming each permit.
    combined_licence: str = Field(default="", max_length=40)

    @model_validator(mode="after")
    def _references(self) -> BundleSpec:
        """Keys unique and every reference to a known key; a message in Chinese and English (pydantic joins them)."""
        if self.code == "new":
            raise ValueError("编码 new 为保留字 / the code new is reserved")
        keys = [n.key for n in self.items]
        _unique(keys, "事项标识", "item key")
        reserved = sorted(set(keys) & RESERVED_NODE_KEYS)
        if reserved:
            raise ValueError(f"事项标识 {'、'.join(reserved)} 为保留字 / reserved item keys: {', '.join(reserved)}")
        known = set(keys)
        for edge in self.edges:
            for key in (edge.upstream, edge.downstream):
                _known(key, known, "前后关系", "an edge")
        _unique([f"{e.upstream}>{e.downstream}" for e in self.edges], "前后关系", "edge")
        _unique([q.key for q in self.questions], "问题标识", "question key")
        seen_options: set[str] = set()
        for question in self.questions:
            _unique(
                [o.key for o in question.options], f"问题 {question.key} 的选项标识", f"option key of {question.key}"
            )
            if question.requires and question.requires not in seen_options:
                raise ValueError(
                    f"问题 {question.key} 须在前面问题的选项 {question.requires} 之后提出，该选项不存在或不在它之前 / "
                    f"question {question.key} requires {question.requires}, not an option of an earlier question"
                )
            for option in question.options:
                where = (f"选项 {question.key}.{option.key}", f"option {question.key}.{option.key}")
                for key in [*option.items, *(ref.item for ref in option.materials)]:
                    _known(key, known, *where)
            seen_options.update(f"{question.key}.{o.key}" for o in question.options)
        return self

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def _unique(keys: list[str], zh: str, en: str) -> None:
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"{zh}重复：{'、'.join(repeated)} / repeated {en}: {', '.join(repeated)}")


def _known(key: str, known: set[str], zh: str, en: str) -> None:
    if key not in known:
        raise ValueError(f"{zh}引用了不存在的事项 {key} / {en} names an unknown item {key}")
