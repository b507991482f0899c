"""证照目录: operators declare licence types; what a type says is checked before it is saved."""

import pytest

from tongban.core.errors import PermissionDenied
from tongban.core.models import AuditEntry
from tongban.licenses import selectors, services
from tongban.licenses.codes import HolderKind, ValidityKind
from tongban.licenses.services import LicenceTypeInvalid
from tongban.licenses.tests.factories import BUSINESS_FIELDS, MARRIAGE_CERTIFICATE


def create(operator, amr, **kwargs):
    args = {
        "actor": operator, "code": "11100000000013338W011", "name": "营业执照", "name_en": "Business licence",
        "department": amr, "holder_kind": HolderKind.ENTERPRISE, "fields": BUSINESS_FIELDS,
        "validity_kind": ValidityKind.OPEN_ENDED, "satisfies": ["营业执照", " 营业执照 ", ""],
    }  # fmt: skip
    args.update(kwargs)
    return services.licence_type_create(**args)


def test_an_operator_declares_a_type_with_its_fields_and_the_materials_it_replaces(operator, amr):
    licence_type = create(operator, amr)
    assert licence_type.field_names()[0] == "enterprise_name"
    assert licence_type.fields[0]["disclosable"] is False and licence_type.fields[1]["disclosable"] is True
    assert licence_type.fields[4]["required"] is False
    assert licence_type.satisfies == ["营业执照"]  # trimmed, once
    assert selectors.licence_types_for_material(material_name="营业执照") == [licence_type]
    assert selectors.vct_url(licence_type) == "https://tongban.example/vct/11100000000013338W011/1"
    assert AuditEntry.objects.filter(action="licenses.type_created", object_id=licence_type.code).exists()


def test_a_validity_in_years_needs_the_years_and_only_then(operator, amr):
    with pytest.raises(LicenceTypeInvalid, match="年限"):
        create(operator, amr, validity_kind=ValidityKind.YEARS)
    with pytest.raises(LicenceTypeInvalid):
        create(operator, amr, validity_years=5)
    marriage = create(
        operator, amr, code=MARRIAGE_CERTIFICATE, holder_kind=HolderKind.PERSON, validity_kind=ValidityKind.YEARS,
        validity_years=10,
    )  # fmt: skip
    assert marriage.validity_years == 10


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ([], "至少"),
        ([{"name": "holder_name", "label": "姓名"}], "标准项"),  # a standard claim of every licence
        ([{"name": "exp", "label": "到期"}], "标准项"),  # never disclosable in SD-JWT VC
        ([{"name": "Name", "label": "名称"}], "小写"),
        ([{"name": "a", "label": "甲"}, {"name": "a", "label": "乙"}], "重名"),
        ([{"name": "a", "label": "甲", "type": "photo"}], "类型"),
        ([{"name": "a", "label": " "}], "中文名称"),
    ],
)
def test_field_schemas_that_would_break_a_token_are_refused(operator, amr, fields, why):
    with pytest.raises(LicenceTypeInvalid, match=why):
        create(operator, amr, fields=fields)


def test_a_type_code_is_21_characters_and_unique(operator, amr):
    with pytest.raises(LicenceTypeInvalid, match="21"):
        create(operator, amr, code="11100000000013338W01")
    create(operator, amr)
    with pytest.raises(LicenceTypeInvalid, match="已存在"):
        create(operator, amr, code="11100000000013338w011")


def test_only_operators_declare_types(reviewer, amr):
    with pytest.raises(PermissionDenied):
        create(reviewer, amr)
    with pytest.raises(PermissionDenied):
        create("staff:someone", amr)


@pytest.mark.parametrize(
    ("entry", "material", "satisfied"),
    [
        ("营业执照", "营业执照", True),
        ("居民身份证", "申请人居民身份证", True),
        ("居民身份证", "监护人居民身份证", True),
        ("出生医学证明", "《出生医学证明》", True),
        ("《出生医学证明》", "出生医学证明 （原件）", True),
        ("结婚证", "离婚证", False),
        ("营业执照", "食品经营许可证", False),
        ("", "营业执照", False),
    ],
)
def test_a_type_satisfies_the_guide_materials_that_name_it(entry, material, satisfied):
    assert selectors.material_satisfied_by(satisfies=entry, material_name=material) is satisfied
