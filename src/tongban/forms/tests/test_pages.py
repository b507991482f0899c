"""The application pages through the Django test client: whose drafts a URL opens, who may start, what an item
without a form says, shared values never taken from a POST, the declaration, one submission however often
the check page is sent, the receipt after submission, and how many queries a page costs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongban.catalog.selectors import implementation_get_by_code
from tongban.catalog.services import catalog_import_items
from tongban.catalog.tests.factories import item_spec
from tongban.forms import services
from tongban.forms.models import Draft, Submission
from tongban.identity.models import RealNameLevel
from tongban.identity.roles import Role
from tongban.identity.tests.factories import person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db(transaction=True)  # connectors read on their own connection

FILING = {"filing_type": "1", "residence_address": "广东省深圳市南山区科技园1号", "start_date": "2026-12-05",
          "phone": "13812345678"}  # fmt: skip
# Query budget of one page GET or POST for now; the design note aims at 8. Measured: page GET 9, page POST 16
# (a save builds the draft's view three times, each reading the profile), invalid POST 17, check GET 10.
PAGE_QUERY_BUDGET = 18  # measured: page GET 9, POST 15, invalid POST 16, check GET 10


def _draft(city) -> Draft:
    return services.draft_start(user=city.user, implementation=city.implementation)


def _completed(city) -> Draft:
    draft = _draft(city)
    services.draft_save(user=city.user, draft_id=draft.pk, answers={"household_number": "H00012"}, page="applicant")
    services.draft_save(user=city.user, draft_id=draft.pk, answers=FILING, page="filing")
    return draft


def _urls(draft: Draft) -> list[str]:
    return [
        reverse("forms:overview", args=[draft.pk]),
        reverse("forms:page", args=[draft.pk, "applicant"]),
        reverse("forms:page", args=[draft.pk, "filing"]),
        reverse("forms:check", args=[draft.pk]),
        reverse("forms:dispute", args=[draft.pk, "hukou_address"]),
    ]


def test_another_persons_draft_is_not_found_on_any_of_its_pages(client, city):
    draft = _draft(city)
    stranger = person_with_account(name="王芳", realname_level=RealNameLevel.L2)
    client.force_login(stranger.user)
    for url in _urls(draft):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("forms:page", args=[draft.pk, "filing"]), {"phone": "13900000000"}).status_code == 404
    assert client.post(reverse("forms:check", args=[draft.pk]), {"declaration": "1"}).status_code == 404
    assert "phone" not in Draft.objects.get(pk=draft.pk).answers and not Submission.objects.exists()


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(client, city):
    response = client.get(reverse("forms:start", args=[city.implementation.code]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:login"))


def test_a_staff_account_without_a_person_is_told_to_use_the_workbench(client, city):
    clerk = staff_with_roles([Role.CLERK], department=city.medical)
    client.force_login(clerk.user)
    url = reverse("forms:start", args=[city.implementation.code])
    response = client.get(url)
    assert response.status_code == 200
    assert "网上申请需要个人实名账号。工作人员账号请在工作台代客办理。" in response.content.decode()
    assert "开始申请" not in response.content.decode()
    response = client.post(url, {"subject": "self"})
    assert response.status_code == 422 and "请使用个人实名账号申请" in response.content.decode()
    assert not Draft.objects.exists()


def test_an_item_without_a_form_says_it_cannot_be_applied_for_online_yet(client, city):
    code = catalog_import_items(
        specs=[item_spec(department=city.medical, basic_code="YB20004", name="医保关系转移")], publish=True
    ).published[0]
    implementation = implementation_get_by_code(code)
    client.force_login(city.user)
    guide = client.get(reverse("catalog:guide", args=[code])).content.decode()
    assert "在线办理" not in guide
    for response in (
        client.get(reverse("forms:start", args=[code])),
        client.post(reverse("forms:start", args=[code]), {"subject": "self"}),
    ):
        assert response.status_code == 200
        assert "该事项暂未开通网上申请，请按办事指南到窗口办理。" in response.content.decode()
    assert not Draft.objects.filter(implementation=implementation).exists()


def test_starting_from_the_page_creates_one_draft_and_opens_the_shared_data(client, city):
    client.force_login(city.user)
    url = reverse("forms:start", args=[city.implementation.code])
    first = client.post(url, {"subject": "self"})
    again = client.post(url, {"subject": "self"})
    draft = Draft.objects.get()
    assert first["Location"] == again["Location"] == reverse("forms:overview", args=[draft.pk])
    overview = client.get(first["Location"]).content.decode()
    assert "我们已从以下部门获取您的信息" in overview and "来源：示范市公安局 · 2025-06-01" in overview


def test_a_shared_fields_key_posted_with_a_page_is_ignored(client, city):
    draft = _draft(city)
    client.force_login(city.user)
    response = client.post(
        reverse("forms:page", args=[draft.pk, "applicant"]),
        {"name": "冒名顶替", "hukou_address": "别处", "household_number": "H00012"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers == {"household_number": "H00012"}
    check = client.get(reverse("forms:check", args=[draft.pk])).content.decode()
    assert "林晓峰" in check and "冒名顶替" not in check and "别处" not in check


def test_an_invalid_page_is_kept_as_typed_with_the_messages_and_a_422(client, city):
    draft = _draft(city)
    client.force_login(city.user)
    response = client.post(
        reverse("forms:page", args=[draft.pk, "filing"]),
        {"filing_type": "1", "start_date": "2026-13-01", "phone": "13812345678"},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "<title>错误：" in body
    assert 'role="alert"' in body and 'href="#f-residence_address"' in body and "请输入异地居住地址" in body
    assert 'value="13812345678"' in body and 'value="2026-13-01"' in body


def test_an_answer_others_depend_on_re_renders_only_the_fieldset(client, city):
    draft = _draft(city)
    client.force_login(city.user)
    response = client.post(
        reverse("forms:page", args=[draft.pk, "filing"]),
        {"filing_type": "1", "phone": "138", "_refresh": "1"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "filing_type"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<div id="fieldset">') and "<html" not in body
    assert 'id="f-residence_address"' in body
    assert "error-message" not in body  # nothing is reported while the applicant is still choosing
    saved = Draft.objects.get(pk=draft.pk).answers
    assert saved["filing_type"] == "1"
    # Only the changed answer is saved: a refresh that arrives after a later "next" (a slow line) must not put back
    # the older values it carried for the other fields.
    assert "phone" not in saved


def test_submitting_without_the_declaration_says_so_and_submits_nothing(client, city):
    draft = _completed(city)
    client.force_login(city.user)
    response = client.post(reverse("forms:check", args=[draft.pk]), {"consent": ["household_number"]})
    body = response.content.decode()
    assert response.status_code == 422
    assert "请确认申请内容真实有效" in body and "<title>错误：" in body
    assert '<a href="#declaration">请确认申请内容真实有效</a>' in body  # the summary links to the checkbox
    assert 'id="declaration" aria-invalid="true" aria-describedby="declaration-error"' in body
    assert 'value="household_number" id="consent-household_number" checked' in body  # the tick is kept
    assert not Submission.objects.exists()


def test_an_incomplete_application_lists_every_problem_with_a_link_to_its_page(client, city):
    draft = _draft(city)
    client.force_login(city.user)
    response = client.post(reverse("forms:check", args=[draft.pk]), {"declaration": "1"})
    body = response.content.decode()
    assert response.status_code == 422
    for message in ("请输入户号", "请选择备案类型", "请输入备案开始日期", "请输入联系电话"):
        assert message in body
    assert reverse("forms:page", args=[draft.pk, "applicant"]) + "#f-household_number" in body
    assert not Submission.objects.exists()


def test_sending_the_check_page_twice_submits_once_and_both_land_on_the_same_receipt(client, city):
    draft = _completed(city)
    client.force_login(city.user)
    url = reverse("forms:check", args=[draft.pk])
    first = client.post(url, {"declaration": "1"})
    again = client.post(url, {"declaration": "1"})
    submission = Submission.objects.get()
    receipt = reverse("forms:submission", args=[submission.number])
    assert (first.status_code, again.status_code) == (302, 302)
    assert first["Location"] == again["Location"] == receipt
    body = client.get(receipt).content.decode()
    assert "申请已提交" in body and submission.number in body


def test_after_submission_every_page_of_the_draft_leads_to_the_receipt(client, city):
    draft = _completed(city)
    submission = services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    client.force_login(city.user)
    receipt = reverse("forms:submission", args=[submission.number])
    for url in _urls(draft):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, receipt), url
    for url in (reverse("forms:page", args=[draft.pk, "filing"]), reverse("forms:refresh", args=[draft.pk])):
        response = client.post(url, {"phone": "13900000000"})
        assert (response.status_code, response["Location"]) == (302, receipt), url
    assert Draft.objects.get(pk=draft.pk).answers["phone"] == FILING["phone"]


def test_the_receipt_and_my_applications_are_the_applicants_own(client, city):
    draft = _completed(city)
    submission = services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    stranger = person_with_account(name="王芳", realname_level=RealNameLevel.L2)
    client.force_login(stranger.user)
    assert client.get(reverse("forms:submission", args=[submission.number])).status_code == 404
    assert submission.number not in client.get(reverse("forms:applications")).content.decode()
    client.force_login(city.user)
    assert submission.number in client.get(reverse("forms:applications")).content.decode()


def test_a_page_costs_a_bounded_number_of_queries(client, city, django_assert_max_num_queries):
    draft = _draft(city)
    client.force_login(city.user)
    url = reverse("forms:page", args=[draft.pk, "filing"])
    client.get(url)  # warm the compiled-schema cache, as a running server has it
    with django_assert_max_num_queries(PAGE_QUERY_BUDGET) as get:
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(PAGE_QUERY_BUDGET) as post:
        assert client.post(url, FILING).status_code == 302
    with django_assert_max_num_queries(PAGE_QUERY_BUDGET) as invalid:
        assert client.post(url, {**FILING, "start_date": "2026-13-01"}).status_code == 422
    check = reverse("forms:check", args=[draft.pk])
    with django_assert_max_num_queries(PAGE_QUERY_BUDGET) as check_get:
        assert client.get(check).status_code == 200
    print(  # the figures reported with the change (pytest -s)
        f"\nqueries: page GET {len(get.captured_queries)}, page POST {len(post.captured_queries)}, "
        f"invalid POST {len(invalid.captured_queries)}, check GET {len(check_get.captured_queries)}"
    )


def test_elder_mode_asks_one_question_per_screen_and_walks_to_the_next(client, city):
    draft = _draft(city)
    client.force_login(city.user)
    client.cookies["tongban_elder"] = "1"
    url = reverse("forms:page", args=[draft.pk, "filing"])
    html = client.get(url).content.decode()
    assert 'name="filing_type"' in html and 'name="phone"' not in html
    assert "第 1 题" in html
    # Answering the first question (which reveals the address there) leads to that question next.
    response = client.post(url, {"q": "filing_type", "filing_type": "1"})
    assert response.status_code == 302 and response["Location"].endswith("?q=residence_address")
    # A missing answer is reported for this question only, not for the ones not yet shown.
    response = client.post(url, {"q": "residence_address", "residence_address": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "请输入异地居住地址" in page and "请输入联系电话" not in page
    assert 'name="q" value="residence_address"' in page
