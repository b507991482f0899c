"""A material a held e-licence satisfies is 免提交 (issue 6 part 9): taken from the wallet, never uploaded; the
submission keeps which licence stood for it; the reviewer sees it verified; the holder sees the use."""

from __future__ import annotations

import pytest

from tongban.core.audit import audit_list_for_subject
from tongban.forms import materials, services
from tongban.forms.models import Submission
from tongban.identity.roles import Role
from tongban.identity.tests.factories import staff_with_roles
from tongban.licenses import services as licensing
from tongban.licenses.codes import HolderKind
from tongban.licenses.tests.factories import LicenceTypeFactory

pytestmark = pytest.mark.django_db(transaction=True)  # connectors read on their own connection

FILING = {"household_number": "H00012", "filing_type": "1", "residence_address": "广东省深圳市南山区科技园1号",
          "start_date": "2026-12-05", "phone": "13812345678"}  # fmt: skip
FIELDS = [{"name": "full_name", "label": "姓名", "type": "text", "required": True, "disclosable": True}]


@pytest.fixture(autouse=True)
def _seal_kek(seal_kek):  # type: ignore[no-untyped-def]
    return seal_kek


@pytest.fixture
def permit(city):
    """The citizen's 居住证 licence; its type replaces the guide's 异地居住证明."""
    kind = LicenceTypeFactory(name="居住证", department=city.police, holder_kind=HolderKind.PERSON, fields=FIELDS,
                              satisfies=["居住证明"])  # fmt: skip
    issuer = staff_with_roles([Role.REVIEWER], department=city.police, mobile="13700000601")
    return licensing.licence_issue(licence_type=kind, holder=city.citizen, number="JZZ-0001",
                                   fields={"full_name": "林晓峰"}, actor=issuer)  # fmt: skip


def _draft(city, item):
    draft = services.draft_start(user=city.user, implementation=item)
    services.draft_save(user=city.user, draft_id=draft.pk, answers=FILING, page=None)
    return draft


def _state(states, name):
    return next(s for s in states if s.material.name == name)


def test_a_held_licence_stands_for_the_material_and_goes_with_the_submission(city, item, permit):
    draft = _draft(city, item)
    state = _state(materials.material_states(draft=draft), "异地居住证明")
    assert state.way == materials.EXEMPT and state.licence == permit
    assert state.key not in materials.material_errors(draft=draft)  # nothing to upload for it
    submission = services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    material_id = str(state.material.pk)
    assert Submission.objects.get(pk=submission.pk).licences == {material_id: permit.identifier}
    seen = _state(materials.submission_material_states(submission=submission), "异地居住证明")
    assert seen.licence == permit and seen.licence_check.valid
    [use] = [
        e for e in audit_list_for_subject(subject=city.citizen.id_number) if e.action == "licence.used_as_material"
    ]
    assert use.object_id == permit.identifier and use.data["case"] == submission.number


def test_the_reviewer_sees_a_licence_revoked_since_as_not_valid(city, item, permit):
    submission = services.application_submit(user=city.user, draft_id=_draft(city, item).pk, consent=[],
                                             declaration=True)  # fmt: skip
    licensing.licence_revoke(licence=permit, actor="system:test", reason="吊销")
    seen = _state(materials.submission_material_states(submission=submission), "异地居住证明")
    assert seen.licence == permit and not seen.licence_check.valid
    assert seen.licence_check.outcome == "revoked"


def test_without_a_current_licence_the_material_is_asked_for_again(city, item, permit):
    licensing.licence_revoke(licence=permit, actor="system:test", reason="吊销")
    state = _state(materials.material_states(draft=_draft(city, item)), "异地居住证明")
    assert state.way == materials.UPLOAD and state.licence is None and state.missing
