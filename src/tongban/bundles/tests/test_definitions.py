"""Bundle definitions: saved as drafts, published only when checked, immutable once published."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tongban.bundles import selectors
from tongban.bundles.models import BundleNode, ImmutableBundle, VersionStatus
from tongban.bundles.services import BundleInvalid, UnknownItem, bundle_draft_save, bundle_import, bundle_publish
from tongban.core.models import AuditEntry


def test_importing_publishes_the_first_version_and_the_same_spec_again_creates_nothing(city):
    version = bundle_import(spec=city.spec(), actor="operator")
    assert (version.number, version.status) == (1, VersionStatus.PUBLISHED)
    assert AuditEntry.objects.filter(action="bundles.version_published", object_id=str(version.pk)).exists()
    again = bundle_import(spec=city.spec(), actor="operator")
    assert again.pk == version.pk
    assert selectors.bundle_versions(bundle=version.bundle) == [version]


def test_a_changed_spec_is_the_next_version_and_the_old_one_is_kept_as_superseded(city):
    first = bundle_import(spec=city.spec())
    second = bundle_import(spec=city.spec(name="新生儿出生“一件事”"))
    first.refresh_from_db()
    assert (first.status, second.number, second.status) == (VersionStatus.SUPERSEDED, 2, VersionStatus.PUBLISHED)
    assert selectors.bundle_version_published(bundle=second.bundle) == second
    assert [n.key for n in first.nodes.all()] == ["birth", "hukou", "insurance", "card", "vaccine"]


def test_a_published_version_and_its_rows_never_change(city):
    version = bundle_import(spec=city.spec())
    version.published_by = "someone else"
    with pytest.raises(ImmutableBundle):
        version.save()
    node = BundleNode.objects.get(version=version, key="card")
    node.core = True
    with pytest.raises(ImmutableBundle):
        node.save()
    with pytest.raises(ImmutableBundle):
        version.delete()


def test_the_spec_read_back_from_a_version_is_the_spec_it_was_saved_from(city):
    spec = city.spec()
    version = bundle_import(spec=spec)
    assert selectors.bundle_spec(version=version).content_hash == spec.content_hash


def test_a_cycle_is_refused_with_its_path_named(city):
    spec = city.spec()
    spec.edges.append(spec.edges[0].model_copy(update={"upstream": "insurance", "downstream": "hukou"}))
    bundle_draft_save(spec=spec)
    version = bundle_draft_save(spec=spec)
    with pytest.raises(BundleInvalid) as refused:
        bundle_publish(bundle=version.bundle)
    assert [p.code for p in refused.value.problems] == ["cycle"]
    assert "出生户口登记 → 城乡居民医保参保登记 → 出生户口登记" in refused.value.message_zh
    assert refused.value.extra["problems"][0]["where"] == ["hukou", "insurance"]
    assert selectors.bundle_version_draft(bundle=version.bundle) is not None  # the draft stays to be fixed


def test_an_item_no_answer_selects_is_refused_as_unreachable(city):
    spec = city.spec()
    spec.questions[1].options[0].items = []  # nothing selects the card any more
    version = bundle_draft_save(spec=spec)
    with pytest.raises(BundleInvalid) as refused:
        bundle_publish(bundle=version.bundle)
    (problem,) = refused.value.problems
    assert problem.code == "unreachable" and problem.where == ("card",)
    assert "社会保障卡申领" in problem.zh and "no situational answer selects it" in problem.en


def test_an_element_asked_in_two_formats_is_refused_naming_both_items(city):
    from tongban.catalog.selectors import item_get_by_basic_code
    from tongban.forms.services import form_publish

    def asking_the_name(pattern: str) -> dict:
        field = {"key": "name", "element": "P.NAME", "page": "main", "pattern": pattern}
        return {"subject": "person", "pages": [{"key": "main", "title": "申请信息"}], "fields": [field]}

    # 预防接种证 and 社保卡 now each ask the name in a format of their own (a pattern alone would merge: it narrows).
    form_publish(item=item_get_by_basic_code("WJ20002"), schema=asking_the_name(r"[\u4e00-\u9fa5]{2,6}"))
    form_publish(item=item_get_by_basic_code("RS20001"), schema=asking_the_name(r"[A-Za-z ]{2,40}"))
    version = bundle_draft_save(spec=city.spec())
    problems = selectors.bundle_check(version=version)
    assert [p.code for p in problems] == ["field_conflict"]
    assert "P.NAME" in problems[0].zh and "预防接种证办理" in problems[0].zh and "社会保障卡申领" in problems[0].zh
    assert "formats differ" in problems[0].en


def test_a_situational_material_the_guide_does_not_list_is_named(city):
    spec = city.spec()
    spec.questions[2].options[0].materials[0].material = "两寸照片"
    problems = selectors.bundle_check(version=bundle_draft_save(spec=spec))
    assert [(p.code, p.where) for p in problems] == [("unknown_material", ("card",))]
    assert "两寸照片" in problems[0].zh


def test_an_item_without_a_published_guide_cannot_be_published(city):
    from tongban.forms.tests.factories import ItemFactory

    ItemFactory(basic_code="XX00001", name="未发布事项")
    spec = city.spec()
    spec.items.append(spec.items[0].model_copy(update={"key": "ghost", "item": "XX00001", "core": True}))
    problems = selectors.bundle_check(version=bundle_draft_save(spec=spec))
    assert [(p.code, p.where) for p in problems] == [("item_unavailable", ("ghost",))]


def test_an_unknown_catalogue_code_is_refused_when_saving(city):
    spec = city.spec()
    spec.items[1].item = "NOPE001"
    with pytest.raises(UnknownItem):
        bundle_draft_save(spec=spec)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"edges": [{"upstream": "birth", "downstream": "nowhere"}]}, "nowhere"),
        ({"items": [{"key": "a", "item": "X1"}, {"key": "a", "item": "X2"}]}, "repeated item key"),
        ({"items": [{"key": "free", "item": "X1"}]}, "reserved"),
    ],
)
def test_a_spec_naming_what_it_does_not_have_is_refused_before_anything_is_written(city, change, words):
    with pytest.raises(ValidationError, match=words):
        city.spec(**change)


def test_a_question_may_only_follow_an_answer_of_an_earlier_question(city):
    spec = city.spec().model_dump()
    spec["questions"][0]["requires"] = "card.yes"
    with pytest.raises(ValidationError, match="not an option of an earlier question"):
        type(city.spec()).model_validate(spec)
