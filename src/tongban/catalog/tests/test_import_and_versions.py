import pytest

from tongban.catalog.models import GuideStatus, GuideVersion, ImmutableGuide, Implementation, Material
from tongban.catalog.services import (
    catalog_import_items,
    guide_draft_create,
    guide_draft_update,
    guide_publish,
    guide_to_spec,
)
from tongban.catalog.tests.factories import DepartmentFactory, fee, item_spec
from tongban.core.errors import Conflict, InvalidInput
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_implementation_code_is_credit_code_then_level_then_basic_code(department):
    spec = item_spec(department=department, basic_code="000173001", level="4")
    report = catalog_import_items(specs=[spec])
    assert report.created == [f"{department.credit_code}4000173001"]
    impl = Implementation.objects.get()
    assert impl.code == department.credit_code + "4" + "000173001" and len(impl.code) == 28


def test_implementation_code_cannot_be_stored_inconsistently(department):
    catalog_import_items(specs=[item_spec(department=department, basic_code="A1", level="3")])
    impl = Implementation.objects.get()
    impl.code = "anything"
    impl.level = "5"
    impl.save(update_fields=["level"])
    impl.refresh_from_db()
    assert impl.code == f"{department.credit_code}5A1"


def test_import_stores_every_guide_field_and_material(department):
    spec = item_spec(
        department=department,
        fees=[fee("工本费", "20")],
        life_events=["出生"],
        keywords=["出生证"],
        visits=1,
        online_depth="3",
        realname_level=3,
    )
    catalog_import_items(specs=[spec])
    guide = GuideVersion.objects.get()
    assert guide.status == GuideStatus.PUBLISHED and guide.number == 1
    assert guide.materials.count() == 2
    assert guide.fees == [{"name": "工本费", "amount": "20.00", "basis": "示价〔2026〕1号"}]
    assert guide_to_spec(guide).model_dump() == spec.model_dump() | {"fees": guide_to_spec(guide).model_dump()["fees"]}
    assert str(guide_to_spec(guide).fees[0].amount) == "20.00"


def test_reimporting_identical_content_creates_no_new_version(department):
    spec = item_spec(department=department)
    catalog_import_items(specs=[spec])
    report = catalog_import_items(specs=[spec])
    assert report.unchanged == [Implementation.objects.get().code]
    assert report.new_versions == []
    assert GuideVersion.objects.count() == 1


def test_reimporting_changed_content_publishes_version_two_and_supersedes_one(department):
    spec = item_spec(department=department)
    catalog_import_items(specs=[spec])
    changed = spec.model_copy(update={"summary": "新的简介"})
    catalog_import_items(specs=[changed])
    v1, v2 = GuideVersion.objects.order_by("number")
    assert (v1.status, v2.status) == (GuideStatus.SUPERSEDED, GuideStatus.PUBLISHED)
    assert v2.summary == "新的简介" and v1.summary != "新的简介"


def test_import_with_unknown_department_writes_nothing(department):
    good = item_spec(department=department)
    bad = item_spec(department=department).model_copy(update={"department": "11990000999999999X"})
    with pytest.raises(InvalidInput) as exc:
        catalog_import_items(specs=[good, bad])
    assert "11990000999999999X" in exc.value.message_zh
    assert Implementation.objects.count() == 0


def test_import_refuses_the_same_implementation_twice_in_a_batch(department):
    spec = item_spec(department=department)
    with pytest.raises(InvalidInput):
        catalog_import_items(specs=[spec, spec])


def test_one_item_many_implementations(department):
    other = DepartmentFactory()
    catalog_import_items(
        specs=[item_spec(department=department, basic_code="X1"), item_spec(department=other, basic_code="X1")]
    )
    assert Implementation.objects.filter(item__basic_code="X1").count() == 2


def test_published_version_is_immutable_in_the_model(publish):
    publish()
    guide = GuideVersion.objects.get()
    guide.summary = "偷偷改"
    with pytest.raises(ImmutableGuide):
        guide.save()
    with pytest.raises(ImmutableGuide):
        guide.delete()
    with pytest.raises(ImmutableGuide):
        Material.objects.filter(guide=guide).first().save()
    with pytest.raises(ImmutableGuide):
        Material(guide=guide, name="新增材料").save()
    guide.refresh_from_db()
    assert guide.summary != "偷偷改"


def test_published_version_refuses_updates_in_the_service(publish):
    publish()
    guide = GuideVersion.objects.get()
    with pytest.raises(Conflict):
        guide_draft_update(guide=guide, spec=guide_to_spec(guide).model_copy(update={"summary": "x"}))


def test_editing_a_published_guide_creates_draft_number_plus_one(publish):
    publish()
    impl = Implementation.objects.get()
    draft = guide_draft_create(implementation=impl, actor="staff:op")
    assert draft.number == 2 and draft.status == GuideStatus.DRAFT
    assert draft.materials.count() == 2  # copied from version 1
    assert guide_draft_create(implementation=impl) == draft  # only one open draft
    spec = guide_to_spec(draft).model_copy(update={"summary": "更新后的简介"})
    guide_draft_update(guide=draft, spec=spec, actor="staff:op")
    draft.refresh_from_db()
    assert draft.summary == "更新后的简介"
    # The public version is still version 1 until the draft is published.
    assert impl.guides.get(status=GuideStatus.PUBLISHED).number == 1


def test_publish_supersedes_previous_and_is_audited(publish):
    publish()
    impl = Implementation.objects.get()
    draft = guide_draft_create(implementation=impl)
    guide_publish(guide=draft, actor="staff:op")
    statuses = dict(impl.guides.values_list("number", "status"))
    assert statuses == {1: GuideStatus.SUPERSEDED, 2: GuideStatus.PUBLISHED}
    entry = AuditEntry.objects.filter(action="catalog.guide_published").order_by("-seq").first()
    assert entry.data == {"implementation_code": impl.code, "version": 2, "superseded_version": 1}
    assert entry.actor == "staff:op"
    with pytest.raises(Conflict):
        guide_publish(guide=draft)


def test_publishing_a_guide_without_materials_is_refused(publish):
    publish()
    impl = Implementation.objects.get()
    draft = guide_draft_create(implementation=impl)
    draft.materials.all().delete()
    with pytest.raises(InvalidInput):
        guide_publish(guide=draft)
    assert impl.guides.get(status=GuideStatus.PUBLISHED).number == 1


def test_import_without_publish_leaves_a_draft_and_is_idempotent(department):
    spec = item_spec(department=department)
    catalog_import_items(specs=[spec], publish=False)
    report = catalog_import_items(specs=[spec], publish=False)
    assert report.unchanged and GuideVersion.objects.get().status == GuideStatus.DRAFT
