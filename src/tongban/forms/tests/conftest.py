"""A small city for form tests: 公安局 holds a person's name, birth date and hukou address (conditional),
医保局 runs 异地就医备案 with a form binding those elements, and the citizen has an L2 account."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tongban.catalog.codes import MaterialForm, MaterialSource, Necessity
from tongban.catalog.schema import MaterialSpec
from tongban.catalog.selectors import implementation_get_by_code
from tongban.catalog.services import catalog_import_items
from tongban.catalog.tests.factories import item_spec
from tongban.exchange.tests.factories import GrantFactory
from tongban.forms.services import form_publish
from tongban.identity.models import RealNameLevel
from tongban.identity.tests.factories import DepartmentFactory, person_with_account
from tongban.registry.services import value_record
from tongban.registry.tests.factories import DataElementFactory

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2025, 6, 1, 12, tzinfo=TZ)

SCHEMA: dict[str, Any] = {
    "subject": "person",
    "pages": [
        {"key": "applicant", "title": "申请人信息", "title_en": "Applicant"},
        {"key": "filing", "title": "备案信息", "title_en": "Registration"},
    ],
    "fields": [
        {"key": "name", "element": "P.NAME", "page": "applicant"},
        {"key": "birth_date", "element": "P.BIRTH_DATE", "page": "applicant"},
        {"key": "hukou_address", "element": "P.HUKOU_ADDRESS", "page": "applicant"},
        {"key": "household_number", "element": "P.HOUSEHOLD_NUMBER", "page": "applicant"},
        {"key": "filing_type", "type": "choice", "label": "备案类型", "label_en": "Kind of registration",
         "page": "filing", "choices": {"1": "异地长期居住", "3": "异地转诊就医"}},
        {"key": "residence_address", "type": "textarea", "label": "异地居住地址", "label_en": "Address there",
         "page": "filing", "visible_if": {"==": [{"var": "filing_type"}, "1"]}},
        {"key": "start_date", "type": "date", "label": "备案开始日期", "label_en": "Start date", "page": "filing"},
        {"key": "phone", "type": "phone", "label": "联系电话", "label_en": "Contact phone", "page": "filing"},
    ],
}  # fmt: skip


class City:
    """Handles on the test city's rows."""

    def __init__(self) -> None:
        self.police = DepartmentFactory(name="示范市公安局", name_en="Demo City Public Security Bureau")
        self.medical = DepartmentFactory(name="示范市医疗保障局", name_en="Demo City Healthcare Security Bureau")
        self.elements = {
            "P.NAME": DataElementFactory(code="P.NAME", name="姓名", name_en="Name", owner=self.police),
            "P.BIRTH_DATE": DataElementFactory(
                code="P.BIRTH_DATE", name="出生日期", name_en="Date of birth", value_type="date", owner=self.police
            ),
            "P.HUKOU_ADDRESS": DataElementFactory(
                code="P.HUKOU_ADDRESS", name="户籍地址", name_en="Registered address", owner=self.police,
                sharing_class="conditional", sensitivity=3,
            ),
            "P.HOUSEHOLD_NUMBER": DataElementFactory(
                code="P.HOUSEHOLD_NUMBER", name="户号", name_en="Household number", owner=self.police,
                sharing_class="conditional", pattern=r"H\d{5}",
            ),
        }  # fmt: skip
        code = catalog_import_items(
            specs=[item_spec(department=self.medical, basic_code="YB20003", name="异地就医备案",
                             name_en="Registering medical treatment elsewhere")],
            publish=True,
        ).published[0]  # fmt: skip
        self.implementation = implementation_get_by_code(code)
        self.version = form_publish(item=self.implementation.item, schema=SCHEMA)
        # 医保局 may read the hukou address (a grant) but not the household number (no grant).
        self.grant = GrantFactory(consumer=self.medical, owner=self.police, element_codes=["P.HUKOU_ADDRESS"])
        self.citizen = person_with_account(name="林晓峰", realname_level=RealNameLevel.L2)
        for element, value in (("P.NAME", "林晓峰"), ("P.BIRTH_DATE", self.citizen.birth_date),
                               ("P.HUKOU_ADDRESS", "示范市明德区市民大道6号")):  # fmt: skip
            value_record(subject=self.citizen, element=self.elements[element], value=value,
                         source_department=self.police, source_record_id="GA-1", as_of=AS_OF)  # fmt: skip

    @property
    def user(self):  # type: ignore[no-untyped-def]
        return self.citizen.user


def city_build(settings) -> City:  # type: ignore[no-untyped-def]
    """The city, its connectors answering from the registry at once (the `city` fixture; other apps' tests call it)."""
    settings.EXCHANGE_CONNECTORS = {"*": "demo-registry"}
    settings.EXCHANGE_CACHE_TTL = {"*": 0}
    return City()


@pytest.fixture
def city(db, settings) -> City:  # type: ignore[no-untyped-def]
    return city_build(settings)


# An item of 医保局 whose guide asks for one material of each way: held (免提交), an online form, one to upload
# (required), a 容缺 one, an optional one and a paper original.
MATERIALS = [
    MaterialSpec(name="居民身份证", source=MaterialSource.LICENCE),
    MaterialSpec(name="备案登记表", blank_form="备案登记表", online_form=True),
    MaterialSpec(name="异地居住证明", necessity=Necessity.REQUIRED, notes="居住证或房屋租赁合同"),
    # A blank form to download does not make it the online form: the hospital fills it in.
    MaterialSpec(name="转诊证明", necessity=Necessity.DEFERRABLE, blank_form="转诊证明（参考格式）"),
    MaterialSpec(name="近期照片", necessity=Necessity.OPTIONAL, form=MaterialForm.ELECTRONIC),
    MaterialSpec(name="参保凭证原件", form=MaterialForm.PAPER, necessity=Necessity.OPTIONAL),
]


def item_with_materials(city: City, *, materials: list[MaterialSpec], basic_code: str, name: str):  # type: ignore[no-untyped-def]
    """A published 医保局 item with the city's form and a guide listing `materials`."""
    code = catalog_import_items(
        specs=[item_spec(department=city.medical, basic_code=basic_code, name=name, materials=materials)],
        publish=True,
    ).published[0]
    implementation = implementation_get_by_code(code)
    form_publish(item=implementation.item, schema=SCHEMA)
    return implementation


@pytest.fixture
def item(city):  # type: ignore[no-untyped-def]
    return item_with_materials(city, materials=MATERIALS, basic_code="YB20009", name="异地安置备案")
