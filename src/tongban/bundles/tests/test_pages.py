"""The public bundle pages: the list with each bundle's reduction, and the situational guide."""

from __future__ import annotations

import pytest

from tongban.bundles import selectors
from tongban.bundles.services import bundle_import


@pytest.fixture
def published(city):  # type: ignore[no-untyped-def]
    return bundle_import(spec=city.spec())


def test_the_list_shows_each_bundle_with_its_reduction(client, published):
    text = client.get("/bundles/").content.decode()
    assert "新生儿出生一件事" in text and "材料 7→3" in text and "承诺时限 20→19 天" in text


def test_the_bundle_page_shows_the_measured_reduction_and_asks_the_first_questions(client, published):
    response = client.get("/bundles/newborn/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "父母一方是否为本市户籍？" in text and "是否同时申领社会保障卡？" in text
    assert "证件照如何提供？" not in text  # asked only after choosing the card
    assert "您需要办理的事项" not in text


def test_answering_composes_the_guide_and_asks_the_follow_up(client, published):
    text = client.get("/bundles/newborn/", {"hukou_here": "yes", "card": "yes"}).content.decode()
    assert "证件照如何提供？" in text
    assert 'value="yes" checked' in text
    assert "需先取得以下事项的办理结果（自动流转）：出生医学证明签发" in text
    assert "免提交（由“出生医学证明签发”的办理结果提供）" in text
    assert "由“出生户口登记”的结果填写" in text  # the registered address, from the hukou result
    assert "以下事项暂未提供网上申请表" in text and "预防接种证办理" in text


def test_an_unknown_bundle_is_a_404_page(client, db):
    assert client.get("/bundles/nothing/").status_code == 404


def test_the_page_reads_the_bundle_once_whatever_it_composes(client, published, django_assert_max_num_queries):
    # 24 today: the session and the bundle, then about four per item (guide, materials, form, implementation) —
    # read once for the whole bundle, the guide for the answers and the measured reduction alike.
    with django_assert_max_num_queries(26):
        client.get("/bundles/newborn/", {"hukou_here": "yes", "card": "yes", "photo": "no"})


def test_a_bundle_whose_item_is_no_longer_one_bodys_says_so_and_the_list_stays_usable(client, published):
    from tongban.catalog.services import catalog_import_items
    from tongban.catalog.tests.factories import item_spec
    from tongban.identity.tests.factories import DepartmentFactory

    # A second body now implements 出生户口登记, which the bundle names by its basic code: which one is meant?
    catalog_import_items(specs=[item_spec(department=DepartmentFactory(), basic_code="GA07001", name="出生户口登记")])
    selectors.definitions_forget()
    response = client.get("/bundles/newborn/")
    assert response.status_code == 409 and "该一件事暂停办理" in response.content.decode()
    assert "暂停办理" in client.get("/bundles/").content.decode()
    (listed,) = client.get("/api/v1/bundles").json()
    assert listed["available"] is False and listed["reduction"] is None
