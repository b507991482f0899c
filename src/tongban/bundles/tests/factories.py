"""A small newborn bundle over a real (test) catalogue: five items of four departments, their forms bound to
shared data elements, and a spec with edges and situational questions. `definition` builds pure definitions
for tests that need no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tongban.bundles.definition import Definition, Flow, ItemField, ItemMaterial, Node, Option, Question
from tongban.bundles.schema import BundleSpec
from tongban.catalog.codes import MaterialSource, Necessity
from tongban.catalog.schema import LimitSpec, MaterialSpec
from tongban.catalog.services import catalog_import_items
from tongban.catalog.tests.factories import item_spec
from tongban.forms.services import form_publish
from tongban.identity.tests.factories import DepartmentFactory
from tongban.licenses.codes import HolderKind, ValidityKind
from tongban.licenses.services import licence_type_create
from tongban.registry.tests.factories import DataElementFactory

ID_CARDS = MaterialSpec(name="新生儿父母双方居民身份证", source=MaterialSource.LICENCE)
BIRTH_CERT = MaterialSpec(name="《出生医学证明》", source=MaterialSource.APPLICANT)
HOUSEHOLD = MaterialSpec(name="居民户口簿", source=MaterialSource.APPLICANT)
PHOTO = MaterialSpec(name="近期正面免冠彩色证件照")
BIRTH_CERT_TYPE = "119900000000000WJ0001"  # the test city's 出生医学证明 licence type, issued by approving WJ20001
PHONE = {"key": "phone", "type": "phone", "label": "联系电话", "label_en": "Contact phone", "page": "main"}
PAGE = [{"key": "main", "title": "申请信息", "title_en": "Application"}]


def _form(*fields: dict[str, Any]) -> dict[str, Any]:
    return {"subject": "person", "pages": PAGE, "fields": [{"page": "main", **f} for f in fields]}


FORMS: dict[str, dict[str, Any]] = {
    "birth": _form(
        {"key": "name", "element": "P.NAME"},
        {"key": "birth_date", "element": "P.BIRTH_DATE"},
        {"key": "hospital", "type": "text", "label": "出生医院", "label_en": "Hospital"},
        PHONE,
    ),
    "hukou": _form(
        {"key": "child_name", "element": "P.NAME"},
        {"key": "born_on", "element": "P.BIRTH_DATE"},
        {
            "key": "side",
            "type": "choice",
            "label": "随父或随母落户",
            "label_en": "With whom",
            "choices": {"father": "随父", "mother": "随母"},
        },
        PHONE,
    ),
    "insurance": _form(
        {"key": "name", "element": "P.NAME"},
        {"key": "hukou_address", "element": "P.HUKOU_ADDRESS"},
        {
            "key": "pay",
            "type": "choice",
            "label": "缴费方式",
            "label_en": "How to pay",
            "choices": {"bank": "银行代扣", "online": "网上缴费"},
        },
        PHONE,
    ),
    "card": _form(
        {"key": "name", "element": "P.NAME"},
        {"key": "phone", "type": "phone", "label": "手机号码", "label_en": "Mobile"},
        {
            "key": "bank",
            "type": "choice",
            "label": "合作银行",
            "label_en": "Bank",
            "required": False,
            "choices": {"icbc": "工商银行", "ccb": "建设银行"},
        },
    ),
}

ITEMS = {  # key → (basic code, name, promised days, visits, process steps, materials)
    "birth": ("WJ20001", "出生医学证明签发", 1, 1, 4, [ID_CARDS, MaterialSpec(name="出生医学证明首次签发登记表")]),
    "hukou": ("GA07001", "出生户口登记", 5, 0, 5, [ID_CARDS, BIRTH_CERT, HOUSEHOLD]),
    "insurance": ("YB20001", "城乡居民医保参保登记", 3, 0, 3, [ID_CARDS, BIRTH_CERT, HOUSEHOLD]),
    "card": ("RS20001", "社会保障卡申领", 10, 1, 4, [ID_CARDS, PHOTO]),
    "vaccine": ("WJ20002", "预防接种证办理", 1, 1, 3, [BIRTH_CERT]),
}


@dataclass
class NewbornCity:
    codes: dict[str, str] = field(default_factory=dict)  # node key → implementation code

    def spec(self, **changes: Any) -> BundleSpec:
        data: dict[str, Any] = {
            "code": "newborn",
            "name": "新生儿出生一件事",
            "name_en": "A baby is born",
            "items": [
                {"key": "birth", "item": self.codes["birth"], "core": True},
                {"key": "hukou", "item": "GA07001"},
                {"key": "insurance", "item": self.codes["insurance"], "core": True},
                {"key": "card", "item": self.codes["card"]},
                {"key": "vaccine", "item": self.codes["vaccine"], "core": True},
            ],
            "edges": [
                {"upstream": "birth", "downstream": "hukou", "elements": ["P.BIRTH_DATE"], "licence": BIRTH_CERT_TYPE,
                 "materials": ["《出生医学证明》"]},
                {"upstream": "hukou", "downstream": "insurance", "elements": ["P.HUKOU_ADDRESS"],
                 "materials": ["居民户口簿"]},
                {"upstream": "birth", "downstream": "insurance", "materials": ["出生医学证明"]},
                {"upstream": "insurance", "downstream": "card"},
                {"upstream": "birth", "downstream": "vaccine", "materials": ["出生医学证明"]},
            ],
            "questions": [
                {"key": "hukou_here", "text": "父母一方是否为本市户籍？", "text_en": "Is a parent registered here?",
                 "options": [{"key": "yes", "label": "是", "items": ["hukou"]}, {"key": "no", "label": "否"}]},
                {"key": "card", "text": "是否同时申领社会保障卡？", "text_en": "Apply for the card too?",
                 "options": [{"key": "yes", "label": "是", "items": ["card"]}, {"key": "no", "label": "否"}]},
                {"key": "photo", "text": "证件照如何提供？", "requires": "card.yes",
                 "options": [{"key": "no", "label": "现在上传",
                              "materials": [{"item": "card", "material": "近期正面免冠彩色证件照"}]},
                             {"key": "yes", "label": "到窗口现场拍摄"}]},
            ],
        }  # fmt: skip
        data.update(changes)
        return BundleSpec.model_validate(data)


def newborn_city() -> NewbornCity:
    """Four departments, their five items published with guides and (four of them) forms."""
    health, police, medical, social = (
        DepartmentFactory(name=n) for n in ("示范市卫健委", "示范市公安局", "示范市医保局", "示范市人社局")
    )
    DataElementFactory(code="P.NAME", name="姓名", name_en="Name", owner=police)
    DataElementFactory(code="P.BIRTH_DATE", name="出生日期", name_en="Date of birth", value_type="date", owner=police)
    DataElementFactory(code="P.HUKOU_ADDRESS", name="户籍地址", name_en="Registered address", owner=police)
    owners = {"birth": health, "hukou": police, "insurance": medical, "card": social, "vaccine": health}
    specs = {
        key: item_spec(
            department=owners[key], basic_code=code, name=name, promised_limit=LimitSpec(days=days), visits=visits,
            process=[f"环节{i}" for i in range(1, steps + 1)], materials=materials,
        )
        for key, (code, name, days, visits, steps, materials) in ITEMS.items()
    }  # fmt: skip
    report = catalog_import_items(specs=list(specs.values()), publish=True)
    city = NewbornCity(codes=dict(zip(specs, report.published, strict=True)))
    from tongban.catalog.selectors import item_get_by_basic_code

    for key, schema in FORMS.items():
        form_publish(item=item_get_by_basic_code(ITEMS[key][0]), schema=schema)
    licence_type_create(
        actor="system:test", code=BIRTH_CERT_TYPE, name="出生医学证明", name_en="Medical birth certificate",
        department=health, holder_kind=HolderKind.PERSON, validity_kind=ValidityKind.OPEN_ENDED,
        fields=[{"name": "hospital", "label": "出生医院", "label_en": "Hospital"}],
        satisfies=["出生医学证明"], issued_by=["WJ20001"],
    )  # fmt: skip
    return city


ANSWERS = {"hukou_here": "yes", "card": "no"}
VALUES = {
    "subject.P.NAME": "王小明",
    "subject.P.BIRTH_DATE": "1992-03-04",
    "birth.hospital": "示范市妇幼保健院",
    "free.phone": "13900001111",
    "hukou.side": "mother",
    "insurance.pay": "bank",
    "subject.P.HUKOU_ADDRESS": "示范市中山路1号",
}


def applying_version(city: NewbornCity) -> Any:
    """The test newborn bundle as applications use it: every item with a form (the vaccination one too), and
    the birth certificate's date of birth flowing into the hukou case."""
    from tongban.bundles.services import bundle_import
    from tongban.catalog.selectors import item_get_by_basic_code

    form_publish(
        item=item_get_by_basic_code("WJ20002"),
        schema={"subject": "person", "pages": [{"key": "main", "title": "申请信息", "title_en": "Application"}],
                "fields": [{"key": "name", "element": "P.NAME", "page": "main"},
                           {"key": "phone", "type": "phone", "label": "联系电话", "label_en": "Contact phone",
                            "page": "main"}]},
    )  # fmt: skip
    edges = [
        {
            "upstream": "birth",
            "downstream": "hukou",
            "elements": ["P.BIRTH_DATE"],
            "licence": BIRTH_CERT_TYPE,
            "materials": ["《出生医学证明》"],
        },
        {"upstream": "hukou", "downstream": "insurance", "materials": ["居民户口簿"]},
        {"upstream": "birth", "downstream": "insurance", "materials": ["出生医学证明"]},
        {"upstream": "insurance", "downstream": "card"},
        {"upstream": "birth", "downstream": "vaccine", "materials": ["出生医学证明"]},
    ]
    return bundle_import(spec=city.spec(edges=edges))


# --- pure definitions ---------------------------------------------------------------------------------------


def node(key: str, *fields: ItemField, days: int = 1, core: bool = True, **kwargs: Any) -> Node:
    return Node(key=key, name=kwargs.pop("name", f"事项{key}"), promised_days=days, core=core, fields=fields, **kwargs)


def bound(key: str, element: str, type: str = "text", **kwargs: Any) -> ItemField:
    return ItemField(key=key, type=type, label=kwargs.pop("label", element), element=element, **kwargs)


def free(key: str, type: str = "text", label: str = "", **kwargs: Any) -> ItemField:
    return ItemField(key=key, type=type, label=label or key, **kwargs)


def material(name: str, source: str = "applicant", necessity: str = Necessity.REQUIRED, **kwargs: Any) -> ItemMaterial:
    return ItemMaterial(id=kwargs.pop("id", name), name=name, source=source, necessity=necessity, **kwargs)


def definition(
    nodes: list[Node], edges: list[tuple[str, str]] | None = None, questions: list[Question] | None = None, **kw: Any
) -> Definition:
    flows = [Flow(upstream=u, downstream=d) for u, d in edges or []] + list(kw.pop("flows", []))
    return Definition(
        code="t", name="测试一件事", nodes=tuple(nodes), flows=tuple(flows), questions=tuple(questions or ())
    )


def question(key: str, *options: Option, requires: tuple[str, str] | None = None, multiple: bool = False) -> Question:
    return Question(key=key, text=f"问题{key}", options=options, requires=requires, multiple=multiple)


def option(key: str, *nodes: str, materials: tuple[tuple[str, str], ...] = ()) -> Option:
    return Option(key=key, label=f"选项{key}", nodes=nodes, materials=materials)
