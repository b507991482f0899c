"""The operator's designer: a definition saved as a draft and checked, refused with every problem named,
published as the next version; other staff and the public are told the page does not exist."""

from __future__ import annotations

import json

import pytest

from tongban.bundles import selectors
from tongban.bundles.models import VersionStatus
from tongban.bundles.services import bundle_import
from tongban.catalog.tests.factories import StaffFactory


@pytest.fixture
def operator(client, city):  # type: ignore[no-untyped-def]
    client.force_login(StaffFactory(roles=["operator"]).user)
    return client


def _post(client, url, spec, action="save"):  # type: ignore[no-untyped-def]
    text = spec if isinstance(spec, str) else json.dumps(spec.model_dump(mode="json"), ensure_ascii=False)
    return client.post(url, {"definition": text, "action": action})


def test_a_new_bundle_is_saved_checked_and_then_published(operator, city):
    response = _post(operator, "/manage/bundles/new/", city.spec())
    assert response.status_code == 302 and response["Location"] == "/manage/bundles/newborn/"
    page = operator.get("/manage/bundles/newborn/").content.decode()
    assert "草稿已保存，检查未发现问题，可以发布。" in page and "草稿的减负效果" in page
    response = _post(operator, "/manage/bundles/newborn/", city.spec(), action="publish")
    assert response.status_code == 302
    version = selectors.bundle_version_published(bundle=selectors.bundle_get(code="newborn"))
    assert (version.number, version.published_by) == (1, version.edited_by)
    assert version.published_by.startswith("staff:")
    assert "第 1 版已发布" in operator.get("/manage/bundles/newborn/").content.decode()


def test_a_cycle_is_shown_with_its_path_and_the_typed_definition_is_kept(operator, city):
    bundle_import(spec=city.spec())
    spec = city.spec()
    spec.edges.append(spec.edges[0].model_copy(update={"upstream": "insurance", "downstream": "hukou"}))
    response = _post(operator, "/manage/bundles/newborn/", spec, action="publish")
    text = response.content.decode()
    assert response.status_code == 422
    assert "出生户口登记 → 城乡居民医保参保登记 → 出生户口登记" in text
    assert "错误：" in text and 'aria-invalid="true"' in text
    assert "&quot;upstream&quot;: &quot;insurance&quot;" in text  # what was typed, kept
    assert "草稿结构" in text and "出生医学证明签发、城乡居民医保参保登记" in text  # hukou needs both results now
    published = selectors.bundle_version_published(bundle=selectors.bundle_get(code="newborn"))
    assert published.number == 1  # still the version the public sees
    assert selectors.bundle_version_draft(bundle=published.bundle).status == VersionStatus.DRAFT


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", "第 1 行第 2 列：JSON 格式有误"),
        ('{"code": "x"}', "name"),
        (
            '{"code": "newborn-2", "name": "某事", "items": [{"key": "a", "item": "NOPE001"}]}',
            "目录中没有编码为 NOPE001 的事项",
        ),
    ],
)
def test_a_definition_that_cannot_be_read_is_refused_naming_why(operator, text, words):
    response = _post(operator, "/manage/bundles/new/", text)
    assert response.status_code == 422 and words in response.content.decode()


def test_the_code_of_a_bundle_cannot_be_changed_in_its_editor(operator, city):
    bundle_import(spec=city.spec())
    response = _post(operator, "/manage/bundles/newborn/", city.spec(code="other"))
    assert response.status_code == 422 and "编码不能修改" in response.content.decode()


def test_the_list_shows_drafts_and_versions(operator, city):
    bundle_import(spec=city.spec())
    text = operator.get("/manage/bundles/").content.decode()
    assert "新生儿出生一件事" in text and "第 1 版（已发布）" in text


def test_only_operators_see_the_designer(client, city):
    assert client.get("/manage/bundles/").status_code == 302  # to the login
    client.force_login(StaffFactory(roles=["reviewer"]).user)
    assert client.get("/manage/bundles/").status_code == 404
