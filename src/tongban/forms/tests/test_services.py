"""Applications prefilled from the hub: shared fields read-only with provenance, the rest collected, nothing
lost on bad input, one submission however often it is sent, consented write-back prefilled next time."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tongban.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tongban.core.models import AuditEntry
from tongban.forms import selectors, services
from tongban.forms.models import Draft, Submission
from tongban.forms.state import COLLECTED, DECLARED, SHARED
from tongban.identity.models import RealNameLevel
from tongban.identity.tests.factories import person_with_account
from tongban.registry.selectors import profile_values

pytestmark = pytest.mark.django_db(transaction=True)  # connectors read on their own connection


def _start(city):
    return services.draft_start(user=city.user, implementation=city.implementation)


def _fill(city, draft, **answers):
    errors = services.draft_save(user=city.user, draft_id=draft.pk, answers=answers, page="filing")
    return errors


GOOD = {"filing_type": "1", "residence_address": "深圳市南山区科技园1号", "start_date": "2026-12-05",
        "phone": "13812345678"}  # fmt: skip


def test_held_and_granted_facts_are_shared_the_rest_is_asked_with_the_reason(city):
    draft = _start(city)
    view = selectors.draft_view(draft=draft)
    modes = {key: state.mode for key, state in view.states.items()}
    assert modes["name"] == modes["birth_date"] == modes["hukou_address"] == SHARED
    assert view.states["hukou_address"].shared.source_department == "示范市公安局"
    assert view.states["hukou_address"].shared.trust_level == "A"
    # 医保局 holds no grant for the household number: asked, with a reason an applicant understands.
    household = view.states["household_number"]
    assert household.mode == COLLECTED
    assert "暂未获准共享读取“户号”" in household.unavailable[0]
    assert view.counts == (7, 3)  # residence_address hidden until filing_type is 1


def test_the_prefill_read_is_audited_for_the_subject_with_the_department_and_purpose(city):
    _start(city)
    entry = AuditEntry.objects.filter(action="data.read").latest("seq")
    assert entry.data["department"] == "示范市医疗保障局"
    assert entry.data["purpose"] == "预填申请表：异地就医备案"
    assert set(entry.data["elements"]) == {"P.NAME", "P.BIRTH_DATE", "P.HUKOU_ADDRESS"}


def test_starting_twice_resumes_the_same_draft(city):
    assert _start(city).pk == _start(city).pk
    assert Draft.objects.count() == 1


def test_an_applicant_below_the_items_real_name_level_is_refused(city):
    person = person_with_account(name="王芳", realname_level=RealNameLevel.L1)
    with pytest.raises(PermissionDenied) as exc:
        services.draft_start(user=person.user, implementation=city.implementation)
    assert "实名等级 L2" in exc.value.message_zh


def test_applying_for_someone_without_a_delegation_looks_like_no_such_person(city):
    other = person_with_account(name="王芳", realname_level=RealNameLevel.L2)
    with pytest.raises(NotFound):
        services.draft_start(user=city.user, implementation=city.implementation, subject=other)


def test_invalid_answers_are_kept_as_typed_next_to_their_messages(city):
    draft = _start(city)
    errors = _fill(city, draft, filing_type="1", start_date="2026-13-01", phone="12345")
    assert set(errors) == {"residence_address", "start_date", "phone"}
    assert errors["residence_address"].message_zh == "请输入异地居住地址"
    assert "年-月-日" in errors["start_date"].message_zh
    draft.refresh_from_db()
    assert draft.answers["start_date"] == "2026-13-01" and draft.answers["phone"] == "12345"


def test_shared_values_posted_back_are_ignored(city):
    draft = _start(city)
    services.draft_save(user=city.user, draft_id=draft.pk, answers={"name": "冒名"}, page="applicant")
    draft.refresh_from_db()
    assert "name" not in draft.answers
    assert selectors.draft_view(draft=draft).states["name"].display == "林晓峰"


def test_a_hidden_field_is_not_checked_or_submitted_but_its_draft_value_comes_back(city):
    draft = _start(city)
    _fill(city, draft, **GOOD)
    _fill(city, draft, filing_type="3")  # residence no longer asked
    view = selectors.draft_view(draft=Draft.objects.get(pk=draft.pk))
    assert not view.states["residence_address"].visible
    services.draft_save(user=city.user, draft_id=draft.pk, answers={"household_number": "H00012"}, page="applicant")
    submission = services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    assert "residence_address" not in submission.answers
    assert Draft.objects.get(pk=draft.pk).answers["residence_address"] == GOOD["residence_address"]


def test_submission_lists_everything_missing_at_once(city):
    draft = _start(city)
    with pytest.raises(services.FormIncomplete) as exc:
        services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    assert set(exc.value.errors) == {"household_number", "filing_type", "start_date", "phone"}
    assert Submission.objects.count() == 0


def test_submission_needs_the_declaration(city):
    draft = _start(city)
    with pytest.raises(InvalidInput) as exc:
        services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=False)
    assert exc.value.field == "declaration"


def _complete(city):
    draft = _start(city)
    _fill(city, draft, **GOOD)
    services.draft_save(user=city.user, draft_id=draft.pk, answers={"household_number": "H00012"}, page="applicant")
    return draft


def test_submitting_twice_gives_the_same_submission_with_shared_values_snapshotted(city):
    draft = _complete(city)
    first = services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    again = services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    assert first.pk == again.pk and Submission.objects.count() == 1
    assert first.shared["hukou_address"]["text"] == "示范市明德区市民大道6号"
    assert first.shared["hukou_address"]["source_department"] == "示范市公安局"
    assert first.answers["household_number"] == "H00012"
    assert first.self_declared == ["household_number"]
    assert (first.fields_shown, first.fields_prefilled) == (8, 3)
    read = AuditEntry.objects.filter(action="data.read", data__case=first.number).get()
    assert read.data["purpose"] == "办理：异地就医备案"


def test_a_submitted_draft_cannot_be_changed(city):
    draft = _complete(city)
    services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    with pytest.raises(Conflict):
        _fill(city, draft, phone="13900000000")


def test_another_users_draft_is_not_found(city):
    draft = _start(city)
    other = person_with_account(name="王芳", realname_level=RealNameLevel.L2)
    with pytest.raises(NotFound):
        services.draft_save(user=other.user, draft_id=draft.pk, answers={"phone": "13900000000"}, page="filing")
    with pytest.raises(NotFound):
        services.application_submit(user=other.user, draft_id=draft.pk, consent=[], declaration=True)


def test_consented_answers_go_to_the_profile_and_prefill_the_next_form(city):
    # 医保局 may read household numbers, but 公安局 has none recorded for this citizen: asked, then kept.
    city.grant.element_codes = ["P.HUKOU_ADDRESS", "P.HOUSEHOLD_NUMBER"]
    city.grant.save()
    draft = _complete(city)
    assert "暂无该数据" in selectors.draft_view(draft=draft).states["household_number"].unavailable[0]
    submission = services.application_submit(
        user=city.user, draft_id=draft.pk, consent=["household_number", "phone"], declaration=True
    )
    assert submission.written_back == ["household_number"]  # phone is not a data element
    held = profile_values(subject=city.citizen, element_codes=["P.HOUSEHOLD_NUMBER"])["P.HOUSEHOLD_NUMBER"]
    assert (held.text, held.trust_level, held.source_record_id) == ("H00012", "D", submission.number)
    following = _start(city)
    assert following.pk != draft.pk
    state = selectors.draft_view(draft=following).states["household_number"]
    assert state.mode == SHARED and state.display == "H00012"
    assert state.shared.source_department == "示范市医疗保障局"  # the department it was declared to


def test_without_consent_nothing_is_written_back(city):
    draft = _complete(city)
    services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    assert profile_values(subject=city.citizen, element_codes=["P.HOUSEHOLD_NUMBER"]) == {}


def test_a_source_that_is_down_moves_its_fields_to_the_collection_list(city, settings):
    settings.EXCHANGE_CONNECTORS = {"*": "demo-down"}
    draft = _start(city)
    view = selectors.draft_view(draft=draft)
    assert view.states["hukou_address"].mode == COLLECTED
    assert "暂不可用" in view.states["hukou_address"].unavailable[0]


def test_a_source_down_at_submission_still_submits_with_the_values_the_hub_holds(city, settings):
    draft = _complete(city)
    settings.EXCHANGE_CONNECTORS = {"*": "demo-down"}
    submission = services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    assert submission.shared["hukou_address"]["text"] == "示范市明德区市民大道6号"


def test_disputing_a_shared_value_opens_a_correction_and_uses_the_applicants_value(city):
    draft = _complete(city)
    services.draft_dispute(user=city.user, draft_id=draft.pk, field_key="hukou_address",
                           value="示范市明德区市民大道8号", reason="门牌号记录错误")  # fmt: skip
    state = selectors.draft_view(draft=Draft.objects.get(pk=draft.pk)).states["hukou_address"]
    assert state.mode == DECLARED and state.text == "示范市明德区市民大道8号"
    submission = services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    assert submission.declared["hukou_address"]["shared"] == "示范市明德区市民大道6号"
    assert submission.declared["hukou_address"]["value"] == "示范市明德区市民大道8号"
    assert submission.fields_prefilled == 2


def test_a_dispute_needs_a_reason_and_only_shared_fields_can_be_disputed(city):
    draft = _start(city)
    with pytest.raises(InvalidInput):
        services.draft_dispute(user=city.user, draft_id=draft.pk, field_key="hukou_address", value="x", reason=" ")
    with pytest.raises(NotFound):
        services.draft_dispute(user=city.user, draft_id=draft.pk, field_key="phone", value="x", reason="错")


def test_expired_drafts_are_purged_and_cannot_be_saved(city):
    draft = _start(city)
    Draft.objects.filter(pk=draft.pk).update(expires_at=timezone.now())
    with pytest.raises(Conflict):
        _fill(city, draft, phone="13812345678")
    assert services.drafts_purge() == 1
    assert not Draft.objects.exists()
