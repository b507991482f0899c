"""数据纠错 pages: the steward's section on the worklist and decision page; the applicant's own list."""

import pytest

from tongban.exchange import services
from tongban.exchange.models import CorrectionRequest
from tongban.identity import services as identity
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles
from tongban.registry.selectors import profile_values
from tongban.registry.tests.factories import DataElementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(citizen):
    identity.person_account_create(person=citizen, password="Tongban-2026!")
    citizen.refresh_from_db()
    return citizen


@pytest.fixture
def correction(applicant):
    return services.correction_open(
        subject=applicant, element_code="P.HUKOU_ADDRESS", shown_value="明德区新港路8号",
        claimed_value="明德区新港路18号", reason="门牌号少了一个 1", raised_by=applicant.user,
        reference="草稿 1a2b3c4d",
    )  # fmt: skip


def url(correction):
    return f"/backoffice/exchange/corrections/{correction.pk}/"


def test_worklist_lists_pending_corrections_with_the_subject_masked(client, police_steward, correction, applicant):
    client.force_login(police_steward.user)
    html = client.get("/backoffice/exchange/").content.decode()
    assert "数据纠错（1）" in html and "户籍地址" in html and applicant.masked_id in html
    assert applicant.id_number not in html
    assert "明德区新港路8号" in html and "明德区新港路18号" in html and "门牌号少了一个 1" in html
    assert correction.due_on.isoformat() in html and url(correction) in html


def test_decision_page_accepts_the_claimed_value(client, police_steward, correction, applicant):
    client.force_login(police_steward.user)
    page = client.get(url(correction))
    html = page.content.decode()
    assert page.status_code == 200 and correction.number in html and "一人一档当前值" in html
    assert applicant.id_number not in html
    response = client.post(url(correction), {"decision": "accept", "value": "", "reason": ""})
    assert response.status_code == 302 and response["Location"] == "/backoffice/exchange/"
    follow = client.get("/backoffice/exchange/").content.decode()
    assert "已更正“户籍地址”" in follow and "暂无待处理的数据纠错" in follow and "最近处理的数据纠错" in follow
    current = profile_values(subject=applicant, element_codes=["P.HUKOU_ADDRESS"])["P.HUKOU_ADDRESS"]
    assert current.text == "明德区新港路18号"


def test_rejecting_without_a_reason_shows_the_summary_and_keeps_what_was_typed(client, police_steward, correction):
    client.force_login(police_steward.user)
    response = client.post(url(correction), {"decision": "reject", "value": "明德区新港路28号", "reason": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert "<title>错误：" in html and "请修改以下问题" in html and 'href="#id_reason"' in html
    assert "不予更正时请说明理由" in html and "Give a reason" not in html
    assert 'value="reject" id="id_decision_1" required checked' in html
    assert 'value="明德区新港路28号"' in html
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.PENDING


def test_missing_decision_links_the_summary_to_the_choice(client, police_steward, correction):
    client.force_login(police_steward.user)
    response = client.post(url(correction), {"reason": "已核实"})
    html = response.content.decode()
    assert response.status_code == 422 and 'href="#id_decision"' in html and 'id="id_decision"' in html
    assert "请选择处理结果" in html and "已核实" in html


def test_a_bad_corrected_value_is_shown_next_to_its_field(client, police_steward, applicant, police):
    DataElementFactory(code="P.CHILDREN", name="子女数", owner=police, value_type="integer")
    correction = services.correction_open(
        subject=applicant, element_code="P.CHILDREN", shown_value="1", claimed_value="", reason="有两个孩子",
        raised_by=applicant.user,
    )  # fmt: skip
    client.force_login(police_steward.user)
    response = client.post(url(correction), {"decision": "accept", "value": "两个"})
    html = response.content.decode()
    assert response.status_code == 422 and 'href="#id_value"' in html and "不是整数" in html
    assert 'aria-invalid="true"' in html


def test_a_code_element_offers_its_codes(client, police_steward, applicant, police):
    DataElementFactory(code="P.MARITAL", name="婚姻状况", owner=police, value_type="code",
                       choices={"10": "未婚", "20": "已婚"})  # fmt: skip
    correction = services.correction_open(
        subject=applicant, element_code="P.MARITAL", shown_value="10", claimed_value="20", reason="已登记结婚",
        raised_by=applicant.user,
    )  # fmt: skip
    client.force_login(police_steward.user)
    html = client.get(url(correction)).content.decode()
    assert '<option value="20">已婚（20）</option>' in html and "未婚（10）" in html  # shown and claimed as labels
    assert client.post(url(correction), {"decision": "accept", "value": "99"}).status_code == 422
    assert client.post(url(correction), {"decision": "accept", "value": ""}).status_code == 302
    assert profile_values(subject=applicant, element_codes=["P.MARITAL"])["P.MARITAL"].text == "20"


def test_another_departments_steward_and_non_stewards_get_404(client, correction, civil_clerk, applicant):
    other = staff_with_roles([Role.STEWARD], department=DepartmentFactory(), username="other", mobile="13700000009")
    client.force_login(other.user)
    assert client.get(url(correction)).status_code == 404
    assert client.post(url(correction), {"decision": "accept"}).status_code == 404
    assert "暂无待处理的数据纠错" in client.get("/backoffice/exchange/").content.decode()
    client.force_login(civil_clerk.user)
    assert client.get(url(correction)).status_code == 404
    client.force_login(applicant.user)
    assert client.get(url(correction)).status_code == 404
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.PENDING


def test_a_decided_correction_shows_no_form_and_a_second_post_is_an_error(client, police_steward, correction):
    client.force_login(police_steward.user)
    client.post(url(correction), {"decision": "reject", "reason": "与户籍档案一致"})
    html = client.get(url(correction)).content.decode()
    assert "未予更正" in html and "提交处理结果" not in html
    response = client.post(url(correction), {"decision": "accept"})
    assert response.status_code == 422 and "已经处理过" in response.content.decode()


def test_the_applicant_sees_their_corrections_and_outcomes(client, police_steward, correction, applicant):
    client.force_login(applicant.user)
    html = client.get("/account/corrections/").content.decode()
    assert "户籍地址" in html and correction.number in html and "待处理" in html
    assert 'href="/account/corrections/" aria-current="page"' in html  # the account nav entry
    services.correction_decide(staff=police_steward, correction_id=correction.pk, accept=True)
    html = client.get("/account/corrections/").content.decode()
    assert "已更正" in html and "更正为“明德区新港路18号”" in html
    detail = client.get(f"/account/corrections/{correction.pk}/")
    assert detail.status_code == 200 and "查看我的一人一档" in detail.content.decode()


def test_another_users_correction_is_404_and_the_list_needs_a_login(client, correction):
    stranger = person_with_account()
    client.force_login(stranger.user)
    assert client.get(f"/account/corrections/{correction.pk}/").status_code == 404
    assert "您还没有提交过数据纠错" in client.get("/account/corrections/").content.decode()
    client.logout()
    response = client.get("/account/corrections/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_pages_read_in_english(client, police_steward, correction, applicant):
    client.force_login(police_steward.user)
    html = client.get("/backoffice/exchange/?lang=en").content.decode()
    assert "Data corrections (1)" in html and "Value the applicant says is right" in html
    html = client.get(f"{url(correction)}?lang=en").content.decode()
    assert "Decide a data correction" in html and "Correct the value" in html and "Do not correct" in html
    client.force_login(applicant.user)
    html = client.get("/account/corrections/?lang=en").content.decode()
    assert "Data corrections" in html and "Pending" in html
