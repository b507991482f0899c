"""The steward's pages (worklist with 红黄牌, approve/deny, grants with revoke, import) and the pull API."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tongban.exchange import services
from tongban.exchange.models import Grant, SharingRequest
from tongban.exchange.tests.factories import GrantFactory
from tongban.identity.tests.factories import person_with_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(civil_clerk, elements):
    return services.sharing_request_submit(
        staff=civil_clerk, element_codes=["P.HUKOU_ADDRESS"], purpose="低保审核：核对户籍", period_days=90
    )


def test_worklist_shows_pending_requests_by_due_date_with_cards(client, police_steward, pending, civil_clerk):
    late = services.sharing_request_submit(
        staff=civil_clerk, element_codes=["P.HOUSEHOLD_NUMBER"], purpose="旧申请", period_days=30
    )
    SharingRequest.objects.filter(pk=late.pk).update(
        submitted_at=timezone.now() - timedelta(days=30), due_on=timezone.localdate() - timedelta(days=10)
    )
    client.force_login(police_steward.user)
    html = client.get("/backoffice/exchange/").content.decode()
    assert html.index("旧申请") < html.index("低保审核：核对户籍")  # earliest due first
    assert "红牌：已超期" in html and "1 件申请已超期未答复" in html and "示范市民政局" in html


def test_steward_approves_with_a_post(client, police_steward, pending):
    client.force_login(police_steward.user)
    page = client.get(f"/backoffice/exchange/requests/{pending.pk}/")
    assert page.status_code == 200 and "户籍地址" in page.content.decode()
    response = client.post(f"/backoffice/exchange/requests/{pending.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    assert Grant.objects.get(request=pending).consumer.name == "示范市民政局"


def test_denial_without_reason_shows_the_error_and_keeps_the_choice(client, police_steward, pending):
    client.force_login(police_steward.user)
    response = client.post(f"/backoffice/exchange/requests/{pending.pk}/", {"decision": "deny", "reason": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert "拒绝时请说明理由" in html and "Give a reason" not in html and "请修改以下问题" in html
    assert 'value="deny" id="id_decision_1" required checked' in html
    pending.refresh_from_db()
    assert pending.status == "pending"
    response = client.post(f"/backoffice/exchange/requests/{pending.pk}/", {"decision": "deny", "reason": "用途不明"})
    assert response.status_code == 302


def test_missing_decision_links_the_error_summary_to_the_choice(client, police_steward, pending):
    client.force_login(police_steward.user)
    response = client.post(f"/backoffice/exchange/requests/{pending.pk}/", {"reason": "已核实"})
    html = response.content.decode()
    assert response.status_code == 422 and 'href="#id_decision"' in html and 'id="id_decision"' in html
    assert "已核实" in html  # what was typed is kept


def test_other_departments_request_is_404_and_citizens_cannot_see_the_worklist(client, pending, civil_clerk):
    client.force_login(civil_clerk.user)  # a reviewer, not a steward
    assert client.get("/backoffice/exchange/").status_code == 404
    assert client.get(f"/backoffice/exchange/requests/{pending.pk}/").status_code == 404
    citizen = person_with_account()
    client.force_login(citizen.user)
    assert client.get("/backoffice/exchange/").status_code == 404


def test_grants_page_revokes_with_a_reason(client, police_steward, civil, elements):
    grant = GrantFactory(consumer=civil, owner=police_steward.department, element_codes=["P.HUKOU_ADDRESS"])
    client.force_login(police_steward.user)
    assert "示范市民政局" in client.get("/backoffice/exchange/grants/").content.decode()
    response = client.post(f"/backoffice/exchange/grants/{grant.pk}/revoke/", {f"{grant.pk}-reason": ""})
    assert response.status_code == 422 and "请说明撤销理由" in response.content.decode()
    response = client.post(f"/backoffice/exchange/grants/{grant.pk}/revoke/", {f"{grant.pk}-reason": "用途结束"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoke_reason == "用途结束"


def test_consumer_staff_submit_a_request_and_bad_input_is_kept(client, civil_clerk, elements):
    client.force_login(civil_clerk.user)
    page = client.get("/backoffice/exchange/request/").content.decode()
    assert "户籍地址" in page and "姓名" not in page  # open elements are not offered
    response = client.post("/backoffice/exchange/request/", {"elements": ["P.HUKOU_ADDRESS"], "purpose": "",
                                                             "period_days": "abc"})  # fmt: skip
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        "请填写用途" in html
        and "请填写整数天数" in html
        and 'value="P.HUKOU_ADDRESS" id="el-P.HUKOU_ADDRESS" checked' in html
    )
    response = client.post("/backoffice/exchange/request/", {"elements": ["P.HUKOU_ADDRESS"], "purpose": "低保",
                                                             "period_days": "30"})  # fmt: skip
    assert response.status_code == 302 and SharingRequest.objects.filter(purpose="低保").exists()


def test_import_page_shows_the_report(client, police_steward, citizen):
    client.force_login(police_steward.user)
    content = f"id_number,P.HUKOU_ADDRESS\n{citizen.id_number},明德区九号\n110101199003071235,明德区十号\n"
    upload = SimpleUploadedFile("hukou.csv", content.encode(), content_type="text/csv")
    response = client.post("/backoffice/exchange/import/", {"file": upload, "elements": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "导入报告" in html and "未导入的行及原因" in html and "校验位" in html and "明德区九号" not in html
    assert "check digit" not in html  # the reason in the page's language only
    from tongban.registry.selectors import profile_values

    assert profile_values(subject=citizen, element_codes=["P.HUKOU_ADDRESS"])["P.HUKOU_ADDRESS"].text == "明德区九号"
    gbk = SimpleUploadedFile("gbk.csv", content.encode("gbk"), content_type="text/csv")
    response = client.post("/backoffice/exchange/import/", {"file": gbk})
    assert response.status_code == 422 and "GBK" in response.content.decode()


def test_pull_api_returns_granted_values_and_403_problem_without_grant(client, civil_clerk, citizen, elements):
    client.force_login(civil_clerk.user)
    body = {"subject": citizen.id_number, "elements": ["P.HUKOU_ADDRESS"], "purpose": "低保审核", "case": "C-1"}
    response = client.post("/api/v1/exchange/pull", json.dumps(body), content_type="application/json")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/problem+json")
    assert "共享授权" in response.content.decode()
    unknown = dict(body, subject="110101199003071234")
    response = client.post("/api/v1/exchange/pull", json.dumps(unknown), content_type="application/json")
    assert response.status_code == 403  # without a grant, an unknown subject looks like a known one
    GrantFactory(consumer=civil_clerk.department, owner=elements["address"].owner, element_codes=["P.HUKOU_ADDRESS"])
    assert client.post("/api/v1/exchange/pull", json.dumps(unknown), content_type="application/json").status_code == 404


def test_pull_api_needs_a_login(client):
    response = client.post("/api/v1/exchange/pull", "{}", content_type="application/json")
    assert response.status_code == 401


def test_pages_read_in_english(client, police_steward, pending, civil_clerk):
    client.force_login(police_steward.user)
    html = client.get("/backoffice/exchange/?lang=en").content.decode()
    assert "Sharing requests" in html and "Requesting department" in html and "Decide" in html
    html = client.get(f"/backoffice/exchange/requests/{pending.pk}/?lang=en").content.decode()
    assert "Decide a sharing request" in html and "Approve sharing" in html
    for url in ("/backoffice/exchange/grants/?lang=en", "/backoffice/exchange/import/?lang=en"):
        assert client.get(url).status_code == 200
    client.force_login(civil_clerk.user)
    assert "Request shared data" in client.get("/backoffice/exchange/request/?lang=en").content.decode()
