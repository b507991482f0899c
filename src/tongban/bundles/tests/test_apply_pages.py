"""The bundle application pages: start from the composed guide, one form with everything missing told at once
(typed values kept), one upload for a material several items need, submit once, then one timeline."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tongban.bundles.applications import application_composition
from tongban.bundles.models import BundleApplication, BundleChild
from tongban.bundles.tests.factories import ANSWERS, VALUES, applying_version
from tongban.cases.models import Case
from tongban.forms.tests import uploads
from tongban.identity.tests.factories import person_with_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(city):  # type: ignore[no-untyped-def]
    return applying_version(city)


@pytest.fixture
def parent_client(client):  # type: ignore[no-untyped-def]
    parent = person_with_account(name="王小明", realname_level=2)
    client.force_login(parent.user)
    return client


def _start(client) -> BundleApplication:  # type: ignore[no-untyped-def]
    response = client.post(reverse("bundles:apply", args=["newborn"]), ANSWERS)
    assert response.status_code == 302
    return BundleApplication.objects.get()


def test_the_composed_guide_offers_to_apply_and_starting_twice_resumes_one_application(version, parent_client):
    page = parent_client.get(reverse("bundles:detail", args=["newborn"]), ANSWERS).content.decode()
    assert "开始在线申请" in page
    first = _start(parent_client)
    assert _start(parent_client).pk == first.pk
    assert BundleChild.objects.filter(application=first).count() == 4


def test_a_submission_with_gaps_lists_them_all_and_keeps_what_was_typed(version, parent_client):
    application = _start(parent_client)
    url = reverse("bundles:application", args=[application.pk])
    response = parent_client.post(url, {"birth.hospital": "示范市妇幼保健院", "action": "submit", "declaration": "1"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "请修改以下问题" in page and 'value="示范市妇幼保健院"' in page
    assert "联系电话" in page and not Case.objects.exists()


def test_one_upload_serves_every_item_and_the_submitted_application_shows_one_timeline(version, parent_client):
    application = _start(parent_client)
    url = reverse("bundles:application", args=[application.pk])
    parent_client.post(url, {**VALUES, "action": "save"})
    page = parent_client.get(url).content.decode()
    assert "一套材料" in page and "免提交" in page
    for index, material in enumerate(application_composition(application).materials):
        if material.way == "applicant":
            data = uploads.pdf()
            upload = parent_client.post(
                url, {**VALUES, "action": f"upload-material-{index}", f"file-{index}": _file(data)}
            )
            assert upload.status_code == 302
    response = parent_client.post(url, {**VALUES, "action": "submit", "declaration": "1"})
    assert response.status_code == 302
    timeline = parent_client.get(url).content.decode()
    assert "各事项办理情况" in timeline and "出生医学证明签发" in timeline and "等待前置事项办结" in timeline
    assert Case.objects.count() == 1


def test_another_persons_application_is_a_404(version, parent_client, client):
    application = _start(parent_client)
    stranger = person_with_account(realname_level=2)
    client.force_login(stranger.user)
    assert client.get(reverse("bundles:application", args=[application.pk])).status_code == 404


def _file(data: bytes):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("材料.pdf", data, content_type="application/pdf")


def test_an_answer_another_field_depends_on_shows_that_field_at_once_and_keeps_the_rest(city, parent_client):
    from tongban.catalog.selectors import item_get_by_basic_code
    from tongban.forms.services import form_publish

    applying_version(city)
    form_publish(
        item=item_get_by_basic_code("WJ20002"),
        schema={"subject": "person", "pages": [{"key": "main", "title": "申请信息", "title_en": "Application"}],
                "fields": [{"key": "name", "element": "P.NAME", "page": "main"},
                           {"key": "delivery", "type": "choice", "label": "领取方式", "label_en": "Delivery",
                            "page": "main", "choices": {"window": "窗口领取", "post": "邮寄"}},
                           {"key": "post_address", "type": "text", "label": "邮寄地址", "label_en": "Address",
                            "page": "main", "visible_if": {"==": [{"var": "delivery"}, "post"]}}]},
    )  # fmt: skip
    application = _start(parent_client)
    url = reverse("bundles:application", args=[application.pk])
    page = parent_client.get(url).content.decode()
    assert "邮寄地址" not in page and 'hx-vals=\'{"action": "refresh"}\'' in page
    # Ids htmx looks up as CSS selectors carry no dot (a dotted id broke every swap after the first, htmx #3982).
    assert 'id="f-vaccine--delivery-0"' in page and not re.search(r'id="[fhe]-[^"]*\.', page)
    typed = {"birth.hospital": "示范市妇幼保健院", "vaccine.delivery": "post", "action": "refresh"}
    response = parent_client.post(url, typed, headers={"HX-Request": "true", "HX-Trigger-Name": "vaccine.delivery"})
    assert response.status_code == 200
    shown = response.content.decode()
    assert "邮寄地址" in shown and 'value="示范市妇幼保健院"' in shown
    assert not Case.objects.exists()

    # The page is saved with the address typed; then the refresh sent before it was typed arrives late (a slow
    # line): it changes its own answer only, and the address stays saved.
    parent_client.post(url, {**typed, "vaccine.post_address": "示范市明德区市民大道6号", "action": "save"})
    late = {
        "birth.hospital": "示范市妇幼保健院",
        "vaccine.delivery": "post",
        "vaccine.post_address": "",
        "action": "refresh",
    }
    assert parent_client.post(url, late, headers={"HX-Request": "true", "HX-Trigger-Name": "vaccine.delivery"}
                              ).status_code == 200  # fmt: skip
    application.refresh_from_db()
    assert application.values["vaccine.post_address"] == "示范市明德区市民大道6号"
    assert application.values["vaccine.delivery"] == "post"
