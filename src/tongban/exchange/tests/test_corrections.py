"""数据纠错: an applicant says a shared value is wrong; the owner department corrects it or says why not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.audit import audit_list_for_subject
from tongban.core.calendar import add_working_days
from tongban.core.errors import Conflict, InvalidInput, NotFound
from tongban.exchange import selectors, services
from tongban.exchange.models import CorrectionRequest
from tongban.identity.models import OutboxMessage
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, EnterpriseFactory, person_with_account, staff_with_roles
from tongban.registry.selectors import profile_values, value_history
from tongban.registry.tests.factories import DataElementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(citizen):
    """The citizen of the fixtures, with a login."""
    from tongban.identity import services as identity

    identity.person_account_create(person=citizen, password="Tongban-2026!")
    citizen.refresh_from_db()
    return citizen


def _open(applicant, **kwargs):
    args = {
        "subject": applicant, "element_code": "P.HUKOU_ADDRESS", "shown_value": "明德区新港路8号",
        "claimed_value": "明德区新港路18号", "reason": "门牌号少了一个 1", "raised_by": applicant.user,
        "reference": "草稿 1a2b3c4d",
    }  # fmt: skip
    args.update(kwargs)
    return services.correction_open(**args)


def test_opening_goes_to_the_owner_due_in_ten_working_days_and_is_audited_by_subject(applicant, police):
    correction = _open(applicant)
    assert correction.owner == police and correction.status == CorrectionRequest.Status.PENDING
    assert correction.due_on == add_working_days(timezone.localdate(), 10)
    assert correction.claimed_value == "明德区新港路18号" and correction.reference == "草稿 1a2b3c4d"
    [entry] = audit_list_for_subject(subject=applicant.id_number).filter(action="exchange.correction_opened")
    assert entry.data["elements"] == ["P.HUKOU_ADDRESS"] and entry.data["department"] == police.name
    assert applicant.id_number not in str(entry.data)  # the log keeps the keyed hash only
    assert "明德区新港路18号" not in str(entry.data)  # values stay in the request row, not the log
    assert not OutboxMessage.objects.exists()  # nobody is notified on opening


def test_a_second_open_about_the_same_fact_returns_the_pending_request(applicant):
    first = _open(applicant)
    again = _open(applicant, claimed_value="明德区新港路28号", reason="再说一次")
    assert again.pk == first.pk and CorrectionRequest.objects.count() == 1
    assert again.claimed_value == "明德区新港路18号"  # the pending one, unchanged
    other_fact = _open(applicant, element_code="P.HOUSEHOLD_NUMBER", shown_value="H0001", claimed_value="")
    assert other_fact.pk != first.pk


def test_after_a_decision_a_new_request_about_the_same_fact_can_be_opened(applicant, police_steward):
    first = _open(applicant)
    services.correction_decide(staff=police_steward, correction_id=first.pk, accept=False, reason="与户籍档案一致")
    second = _open(applicant, reason="档案本身就错了")
    assert second.pk != first.pk and second.status == CorrectionRequest.Status.PENDING


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"reason": "  "}, "reason", "请说明哪里有误"),
        ({"reason": "长" * 501}, "reason", "最多 500 字"),
        ({"element_code": "P.NOPE"}, "element_code", "未知的数据项"),
    ],
)
def test_bad_openings_are_refused_in_chinese_and_english(applicant, kwargs, field, text):
    with pytest.raises(InvalidInput) as exc:
        _open(applicant, **kwargs)
    assert exc.value.field == field and text in exc.value.message_zh and exc.value.message_en
    assert not CorrectionRequest.objects.exists()


def test_an_element_of_the_other_subject_kind_is_refused(applicant, police):
    DataElementFactory(code="E.NAME", name="企业名称", owner=police, subject_kind="enterprise")
    with pytest.raises(InvalidInput) as exc:
        _open(applicant, element_code="E.NAME")
    assert exc.value.field == "element_code" and "只适用于法人" in exc.value.message_zh
    firm = EnterpriseFactory()
    with pytest.raises(InvalidInput):
        _open(applicant, subject=firm)  # a person's element about an enterprise


def test_an_enterprise_correction_names_the_enterprise(applicant, police):
    DataElementFactory(code="E.ADDRESS", name="住所", owner=police, subject_kind="enterprise")
    firm = EnterpriseFactory()
    correction = _open(applicant, subject=firm, element_code="E.ADDRESS", shown_value="旧址", claimed_value="新址")
    assert correction.enterprise == firm and correction.person is None and correction.subject == firm
    assert audit_list_for_subject(subject=firm.credit_code).filter(action="exchange.correction_opened").exists()


def test_the_claimed_value_is_checked_against_the_elements_type_and_codes(applicant, police):
    DataElementFactory(code="P.BIRTH_DATE", name="出生日期", owner=police, value_type="date")
    DataElementFactory(code="P.MARITAL", name="婚姻状况", owner=police, value_type="code",
                       choices={"10": "未婚", "20": "已婚"})  # fmt: skip
    with pytest.raises(InvalidInput) as exc:
        _open(applicant, element_code="P.BIRTH_DATE", claimed_value="1990-02-30")
    assert exc.value.field == "claimed_value" and "不是有效日期" in exc.value.message_zh
    with pytest.raises(InvalidInput) as exc:
        _open(applicant, element_code="P.MARITAL", claimed_value="99")
    assert exc.value.field == "claimed_value" and "not one of the allowed codes" in exc.value.message_en
    ok = _open(applicant, element_code="P.MARITAL", claimed_value=" 20 ")
    assert ok.claimed_value == "20"
    blank = _open(applicant, element_code="P.BIRTH_DATE", claimed_value="")  # may be left blank
    assert blank.claimed_value == ""


def test_accepting_changes_the_current_value_with_provenance_and_keeps_history(applicant, police, police_steward):
    correction = _open(applicant)
    decided = services.correction_decide(staff=police_steward, correction_id=correction.pk, accept=True)
    assert decided.status == CorrectionRequest.Status.CORRECTED and decided.corrected_value == "明德区新港路18号"
    assert decided.decided_by == police_steward and decided.decided_at is not None
    current = profile_values(subject=applicant, element_codes=["P.HUKOU_ADDRESS"])["P.HUKOU_ADDRESS"]
    assert current.text == "明德区新港路18号" and current.source_department == police.name
    assert current.trust_level == "A" and current.source_record_id == decided.number
    assert current.source_record_id.startswith("JC-")
    assert timezone.now() - current.as_of < timedelta(minutes=1)
    history = [v.value for v in value_history(subject=applicant, element_code="P.HUKOU_ADDRESS")]
    assert history == ["明德区新港路18号", "明德区新港路8号"]  # the old value stays as history
    entries = audit_list_for_subject(subject=applicant.id_number)
    assert entries.filter(action="exchange.correction_corrected", actor=f"staff:{police_steward.pk}").exists()


def test_the_steward_may_give_the_corrected_value_and_it_is_checked(applicant, police, police_steward):
    correction = _open(applicant, element_code="P.HOUSEHOLD_NUMBER", shown_value="H0001", claimed_value="")
    with pytest.raises(InvalidInput) as exc:
        services.correction_decide(staff=police_steward, correction_id=correction.pk, accept=True)
    assert exc.value.field == "value" and "更正后的值" in exc.value.message_zh  # nothing claimed, nothing given
    services.correction_decide(staff=police_steward, correction_id=correction.pk, accept=True, value=" H0002 ")
    assert profile_values(subject=applicant, element_codes=["P.HOUSEHOLD_NUMBER"])["P.HOUSEHOLD_NUMBER"].text == "H0002"


def test_a_corrected_value_of_the_wrong_type_is_refused_and_nothing_changes(applicant, police, police_steward):
    DataElementFactory(code="P.CHILDREN", name="子女数", owner=police, value_type="integer")
    correction = _open(applicant, element_code="P.CHILDREN", shown_value="1", claimed_value="2")
    with pytest.raises(InvalidInput) as exc:
        services.correction_decide(staff=police_steward, correction_id=correction.pk, accept=True, value="两个")
    assert exc.value.field == "value" and "不是整数" in exc.value.message_zh
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.PENDING
    assert profile_values(subject=applicant, element_codes=["P.CHILDREN"]) == {}


def test_the_applicant_gets_an_in_app_message_after_commit(
    applicant, police_steward, django_capture_on_commit_callbacks
):
    correction = _open(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.correction_decide(staff=police_steward, correction_id=correction.pk, accept=True)
    [message] = OutboxMessage.objects.filter(user=applicant.user)
    assert message.channel == "in_app" and "已更正为“明德区新港路18号”" in message.body
    assert correction.number in message.body


def test_rejecting_needs_a_reason_and_leaves_the_registry_alone(
    applicant, police_steward, django_capture_on_commit_callbacks
):
    correction = _open(applicant)
    with pytest.raises(InvalidInput) as exc:
        services.correction_decide(staff=police_steward, correction_id=correction.pk, accept=False, reason=" ")
    assert exc.value.field == "reason" and "reason" in exc.value.message_en
    with django_capture_on_commit_callbacks(execute=True):
        services.correction_decide(
            staff=police_steward, correction_id=correction.pk, accept=False, reason="与户籍档案一致"
        )
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.REJECTED and correction.decision_reason == "与户籍档案一致"
    assert profile_values(subject=applicant, element_codes=["P.HUKOU_ADDRESS"])["P.HUKOU_ADDRESS"].text == (
        "明德区新港路8号"
    )
    assert "未予更正" in OutboxMessage.objects.get(user=applicant.user).body
    assert audit_list_for_subject(subject=applicant.id_number).filter(action="exchange.correction_rejected").exists()


def test_another_departments_steward_gets_not_found_and_a_decision_is_final(applicant, police_steward):
    correction = _open(applicant)
    other = staff_with_roles([Role.STEWARD], department=DepartmentFactory(), username="other", mobile="13700000009")
    assert selectors.correction_worklist(staff=other) == []
    with pytest.raises(NotFound):
        services.correction_decide(staff=other, correction_id=correction.pk, accept=True)
    reviewer = staff_with_roles([Role.REVIEWER], department=police_steward.department, username="r1",
                                mobile="13700000007")  # fmt: skip
    with pytest.raises(NotFound):  # the owner's staff, but not a steward
        services.correction_decide(staff=reviewer, correction_id=correction.pk, accept=True)
    services.correction_decide(staff=police_steward, correction_id=correction.pk, accept=True)
    with pytest.raises(Conflict):
        services.correction_decide(staff=police_steward, correction_id=correction.pk, accept=False, reason="改主意")


def test_a_hub_operator_steward_may_decide_every_departments_corrections(applicant, police):
    correction = _open(applicant)
    hub = staff_with_roles([Role.STEWARD], department=DepartmentFactory(name="示范市数据局"), username="sjj",
                           mobile="13700000006")  # fmt: skip
    services.hub_operator_add(department=hub.department)
    assert [i.correction for i in selectors.correction_worklist(staff=hub)] == [correction]
    services.correction_decide(staff=hub, correction_id=correction.pk, accept=True)
    current = profile_values(subject=applicant, element_codes=["P.HUKOU_ADDRESS"])["P.HUKOU_ADDRESS"]
    assert current.source_department == police.name  # recorded as the owner's, not the hub's


def test_worklist_cards_and_the_applicants_own_list(applicant, police_steward):
    late = _open(applicant)
    CorrectionRequest.objects.filter(pk=late.pk).update(
        submitted_at=timezone.now() - timedelta(days=30), due_on=timezone.localdate() - timedelta(days=1)
    )
    fresh = _open(applicant, element_code="P.HOUSEHOLD_NUMBER", shown_value="H0001", claimed_value="H0002")
    items = selectors.correction_worklist(staff=police_steward)
    assert [(i.correction.pk, i.card) for i in items] == [(late.pk, "red"), (fresh.pk, "")]
    assert items[0].subject_label == f"林晓峰（{applicant.masked_id}）"
    assert applicant.id_number not in items[0].subject_label
    services.correction_decide(staff=police_steward, correction_id=fresh.pk, accept=True)
    assert [i.correction for i in selectors.correction_decided_list(staff=police_steward)] == [fresh]
    assert list(selectors.correction_list_for_user(user=applicant.user)) == [fresh, late]  # newest first
    stranger = person_with_account()
    assert list(selectors.correction_list_for_user(user=stranger.user)) == []
    with pytest.raises(NotFound):
        selectors.correction_get_for_user(user=stranger.user, correction_id=fresh.pk)
    assert set(selectors.correction_pending_for_subject(subject=applicant)) == {"P.HUKOU_ADDRESS"}


def test_card_for_still_takes_a_sharing_request(civil_clerk, elements):
    request = services.sharing_request_submit(
        staff=civil_clerk, element_codes=["P.HUKOU_ADDRESS"], purpose="低保审核", period_days=30
    )
    assert selectors.card_for(request, request.due_on + timedelta(days=1))[1] == "red"
