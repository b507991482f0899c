import pytest

from tongban.catalog.services import catalog_import_items
from tongban.catalog.tests.factories import DepartmentFactory, item_spec


@pytest.fixture
def department(db):
    return DepartmentFactory(name="示范市卫生健康委员会", name_en="Demo City Health Commission")


@pytest.fixture
def publish(department):
    """Import and publish one item; returns its implementation code."""

    def _publish(**overrides):
        spec = item_spec(department=overrides.pop("department", department), **overrides)
        report = catalog_import_items(specs=[spec], publish=True)
        return report.published[0] if report.published else report.unchanged[0]

    return _publish


@pytest.fixture
def city_items(db):
    """A few realistic items from different departments, published (search and page tests)."""
    from tongban.catalog.codes import ItemType, LimitUnit, Target
    from tongban.catalog.schema import LimitSpec, MaterialSpec

    health = DepartmentFactory(name="示范市卫生健康委员会")
    police = DepartmentFactory(name="示范市公安局")
    market = DepartmentFactory(name="示范市市场监督管理局")
    medical = DepartmentFactory(name="示范市医疗保障局")
    civil = DepartmentFactory(name="示范市民政局")
    specs = [
        item_spec(
            department=health,
            basic_code="BIRTH01",
            name="出生医学证明签发",
            name_en="Issuing the medical birth certificate",
            item_type=ItemType.CONFIRMATION,
            life_events=["出生"],
            keywords=["出生证"],
            summary="为在本市医疗机构出生的新生儿签发《出生医学证明》。",
            legal_limit=LimitSpec(days=20),
            promised_limit=LimitSpec(days=5),
            materials=[
                MaterialSpec(name="父母双方居民身份证", originals=1, copies=1, source="licence"),
                MaterialSpec(name="住院分娩记录", source="internal", issuer="助产机构"),
                MaterialSpec(name="结婚证", necessity="deferrable", source="licence"),
            ],
            result="《出生医学证明》",
        ),
        item_spec(
            department=police,
            basic_code="HUKOU01",
            name="出生户口登记",
            name_en="Household registration of a newborn",
            item_type=ItemType.CONFIRMATION,
            life_events=["出生", "户籍"],
            summary="为新生儿申报常住户口。",
        ),
        item_spec(
            department=market,
            basic_code="ENT001",
            name="企业设立登记",
            name_en="Company registration",
            item_type=ItemType.LICENSING,
            targets=[Target.ENTERPRISE],
            life_events=["开办企业"],
            summary="申请设立有限责任公司等企业，领取营业执照。",
        ),
        item_spec(
            department=market,
            basic_code="IND001",
            name="个体工商户设立登记",
            name_en="Sole trader registration",
            item_type=ItemType.LICENSING,
            targets=[Target.NATURAL_PERSON, Target.NON_LEGAL_ENTERPRISE],
            life_events=["开办企业"],
            summary="个体经营者申请设立登记。",
        ),
        item_spec(
            department=medical,
            basic_code="MED001",
            name="城乡居民基本医疗保险参保登记",
            item_type=ItemType.PUBLIC_SERVICE,
            life_events=["出生", "社会保障"],
            summary="新生儿及城乡居民参加基本医疗保险。",
            promised_limit=LimitSpec(days=3, unit=LimitUnit.NATURAL_DAYS),
        ),
        item_spec(
            department=civil,
            basic_code="MAR001",
            name="内地居民结婚登记",
            item_type=ItemType.CONFIRMATION,
            life_events=["结婚"],
            summary="男女双方自愿结婚的，到婚姻登记机关办理结婚登记。",
            conditions=["双方均无配偶", "出生满法定婚龄"],
        ),
    ]
    report = catalog_import_items(specs=specs, publish=True)
    return {spec.basic_code: code for spec, code in zip(specs, report.published, strict=True)}
