"""The composed guide: the items the answers select in order, one form, one set of materials."""

from __future__ import annotations

import pytest

from tongban.bundles import selectors
from tongban.bundles.merge import APPLICANT, EXEMPT, answers_kept
from tongban.bundles.services import bundle_import

ALL_YES = {"hukou_here": "yes", "card": "yes", "photo": "no"}


@pytest.fixture
def version(city):  # type: ignore[no-untyped-def]
    return bundle_import(spec=city.spec())


def test_the_items_come_each_after_the_items_whose_result_it_needs(version):
    guide = selectors.bundle_guide(version=version, answers=ALL_YES)
    assert guide.node_keys == ("birth", "hukou", "vaccine", "insurance", "card")
    items = {i.node.key: i for i in guide.items}
    assert items["insurance"].upstream == ("hukou", "birth")
    assert items["card"].why == ("card.yes",) and items["birth"].why == ("core",)


def test_answers_leave_out_the_items_they_do_not_select(version):
    guide = selectors.bundle_guide(version=version, answers={"hukou_here": "no", "card": "no"})
    assert guide.node_keys == ("birth", "insurance", "vaccine")
    assert [q.key for q in guide.situation.asked] == ["hukou_here", "card"]  # the photo follows card=yes only


def test_a_field_is_asked_once_however_many_items_need_it(version):
    guide = selectors.bundle_guide(version=version, answers=ALL_YES)
    keys = [f.key for f in guide.fields]
    assert keys == [
        "subject.P.NAME",
        "subject.P.BIRTH_DATE",
        "birth.hospital",
        "free.phone",
        "hukou.side",
        "subject.P.HUKOU_ADDRESS",
        "insurance.pay",
        "card.phone",
        "card.bank",
    ]
    name = guide.field("subject.P.NAME")
    assert name.sources == (("birth", "name"), ("hukou", "child_name"), ("insurance", "name"), ("card", "name"))
    assert name.list == "sharing" and guide.field("hukou.side").list == "collection"
    # The same phone question of three items is one field; 社保卡's 手机号码 is its own.
    assert guide.field("free.phone").nodes == ("birth", "hukou", "insurance")
    assert guide.field("card.phone").label == "手机号码"
    assert guide.fields_for("hukou") == {
        "child_name": "subject.P.NAME",
        "born_on": "subject.P.BIRTH_DATE",
        "side": "hukou.side",
        "phone": "free.phone",
    }


def test_a_field_an_upstream_result_fills_is_not_asked(version):
    guide = selectors.bundle_guide(version=version, answers=ALL_YES)
    address = guide.field("subject.P.HUKOU_ADDRESS")
    assert address.filled_by == ("hukou",) and not address.asked
    # 出生日期 flows from the birth certificate into hukou, but the birth certificate itself asks it.
    assert guide.field("subject.P.BIRTH_DATE").asked
    without_hukou = selectors.bundle_guide(version=version, answers={**ALL_YES, "hukou_here": "no"})
    assert without_hukou.field("subject.P.HUKOU_ADDRESS").asked  # no hukou item: the applicant gives it


def test_one_set_of_materials_with_what_shared_data_licences_and_upstream_results_replace_marked_exempt(version):
    guide = selectors.bundle_guide(version=version, answers=ALL_YES)
    ways = {m.name: m.way for m in guide.materials}
    assert ways == {
        "新生儿父母双方居民身份证": EXEMPT,  # an e-licence for every item
        "出生医学证明首次签发登记表": APPLICANT,
        "《出生医学证明》": EXEMPT,  # the birth certificate item's result, for hukou, insurance and vaccination
        "居民户口簿": APPLICANT,  # hukou needs it from the applicant; only insurance gets it from hukou
        "近期正面免冠彩色证件照": APPLICANT,  # chosen: no photo yet
    }
    birth_cert = next(m for m in guide.materials if m.name == "《出生医学证明》")
    assert birth_cert.exempt_because == ("upstream:birth", "upstream:birth", "upstream:birth")
    assert len(birth_cert.sources) == 3
    ids = next(m for m in guide.materials if m.name == "新生儿父母双方居民身份证")
    assert ids.exempt_because == ("licence",) * 4


def test_a_situational_material_applies_only_when_its_answer_is_chosen(version):
    guide = selectors.bundle_guide(version=version, answers={**ALL_YES, "photo": "yes"})
    assert "近期正面免冠彩色证件照" not in {m.name for m in guide.materials}


def test_changing_a_situational_answer_keeps_every_value_still_asked(version):
    before = selectors.bundle_guide(version=version, answers=ALL_YES)
    typed = {
        "subject.P.NAME": "林小宝",
        "free.phone": "13800138000",
        "hukou.side": "mother",
        "card.phone": "13900139000",
        "card.bank": "icbc",
        "insurance.pay": "bank",
    }
    assert answers_kept(previous=typed, composition=before) == typed
    after = selectors.bundle_guide(version=version, answers={**ALL_YES, "card": "no"})
    assert answers_kept(previous=typed, composition=after) == {
        "subject.P.NAME": "林小宝",
        "free.phone": "13800138000",
        "hukou.side": "mother",
        "insurance.pay": "bank",
    }
    # Answering yes again brings the card back; the values kept above are all still there.
    back = selectors.bundle_guide(version=version, answers=ALL_YES)
    assert set(answers_kept(previous=typed, composition=after)) <= {f.key for f in back.asked_fields}


def test_answers_to_questions_no_longer_asked_and_unknown_options_are_dropped(version):
    guide = selectors.bundle_guide(version=version, answers={"hukou_here": "maybe", "card": "no", "photo": "no"})
    assert guide.situation.answers == {"card": ("no",)}
    assert guide.situation.unanswered == ("hukou_here",)


def test_a_published_version_is_read_once_and_composed_from_memory_after(
    version, django_assert_num_queries, monkeypatch
):
    selectors.bundle_guide(version=version, answers=ALL_YES)
    with django_assert_num_queries(0):
        selectors.bundle_guide(version=version, answers={"card": "no"})
    monkeypatch.setattr(selectors, "DEFINITION_TTL", 0.0)  # a minute later: the catalogue is read again
    with django_assert_num_queries(22):
        selectors.bundle_guide(version=version, answers=ALL_YES)


def test_a_draft_is_always_composed_from_the_catalogue_as_it_is(city, django_assert_num_queries):
    from tongban.bundles.services import bundle_draft_save

    draft = bundle_draft_save(spec=city.spec())
    selectors.bundle_guide(version=draft, answers=ALL_YES)
    with django_assert_num_queries(22):
        selectors.bundle_guide(version=draft, answers=ALL_YES)
