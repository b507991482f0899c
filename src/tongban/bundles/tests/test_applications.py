"""One bundle submission, one case per item (issue 7 part 3): children open now or when their upstream results
arrive, fill themselves from those results, survive one department failing, and never open twice."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tongban.bundles import applications as apps
from tongban.bundles.models import BundleApplication, BundleChild
from tongban.bundles.services import bundle_import
from tongban.bundles.tests.factories import ANSWERS, VALUES, applying_version
from tongban.cases.models import Case
from tongban.cases.services import Actor, case_accept, case_decide, case_start_review
from tongban.core.errors import NotFound
from tongban.forms import services as forms_services
from tongban.forms.models import Submission
from tongban.forms.tests import uploads
from tongban.identity.roles import Role
from tongban.identity.tests.factories import person_with_account, staff_with_roles
from tongban.licenses.selectors import licences_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(city):  # type: ignore[no-untyped-def]
    return applying_version(city)


@pytest.fixture
def parent():  # type: ignore[no-untyped-def]
    return person_with_account(name="王小明", realname_level=2)


def _upload_all(application: BundleApplication) -> None:
    """Hand in every material the composed guide asks from the applicant."""
    composition = apps.application_composition(application)
    for index, material in enumerate(composition.materials):
        if material.way == "applicant":
            data = uploads.pdf()
            apps.bundle_material_upload(user=application.user, application_id=application.pk, index=index,
                                        stream=io.BytesIO(data), filename="材料.pdf", size=len(data))  # fmt: skip


def _filled(version, parent, answers: dict[str, Any] | None = None) -> BundleApplication:  # type: ignore[no-untyped-def]
    application = apps.bundle_application_start(user=parent.user, version=version, answers=answers or ANSWERS)
    apps.bundle_application_save(user=parent.user, application_id=application.pk, values=VALUES)
    _upload_all(application)
    return application


def _states(application: BundleApplication) -> dict[str, str]:
    return dict(BundleChild.objects.filter(application=application).values_list("node", "state"))


def _case(application: BundleApplication, node: str) -> Case:
    child = BundleChild.objects.get(application=application, node=node)
    return Case.objects.get(submission_id=child.submission_id)


def _approve(case: Case, callbacks) -> Case:  # type: ignore[no-untyped-def]
    reviewer = staff_with_roles([Role.REVIEWER], department=case.department)
    actor = Actor.of_staff(reviewer)
    with callbacks(execute=True):
        case_accept(case_id=case.pk, actor=actor)
        case_start_review(case_id=case.pk, actor=actor)
        case_decide(case_id=case.pk, actor=actor, approve=True)
    return Case.objects.get(pk=case.pk)


def test_submitting_opens_the_items_that_need_nothing_and_keeps_the_others_waiting(version, parent):
    application = _filled(version, parent)
    apps.bundle_application_submit(user=parent.user, application_id=application.pk, declaration=True)
    assert _states(application) == {"birth": "opened", "hukou": "waiting", "vaccine": "waiting",
                                    "insurance": "waiting"}  # fmt: skip
    birth = _case(application, "birth")
    assert birth.state == "submitted" and birth.department.name == "示范市卫健委"
    assert Submission.objects.get(pk=birth.submission_id).answers["hospital"] == "示范市妇幼保健院"


def test_a_double_submission_opens_nothing_twice(version, parent):
    application = _filled(version, parent)
    for _ in range(3):
        apps.bundle_application_submit(user=parent.user, application_id=application.pk, declaration=True)
    assert Case.objects.count() == 1
    assert BundleApplication.objects.count() == 1


def test_the_birth_certificate_approved_releases_hukou_and_vaccination_filled_from_its_result(
    version, parent, django_capture_on_commit_callbacks
):
    application = _filled(version, parent)
    apps.bundle_application_submit(user=parent.user, application_id=application.pk, declaration=True)
    birth = _approve(_case(application, "birth"), django_capture_on_commit_callbacks)
    assert _states(application) == {"birth": "opened", "hukou": "opened", "vaccine": "opened",
                                    "insurance": "waiting"}  # fmt: skip
    hukou = Submission.objects.get(pk=_case(application, "hukou").submission_id)
    # The date of birth came with the birth certificate's case, as a shared value whose source is that case.
    assert hukou.shared["born_on"]["text"] == "1992-03-04"
    assert hukou.shared["born_on"]["source_record_id"] == birth.number
    # 《出生医学证明》 is not asked again: the licence the upstream approval issued stands for it.
    licence = licences_from(source=f"case:{birth.number}").get()
    assert [(p["case"], p["licence"]) for p in hukou.provided.values()] == [(birth.number, licence.identifier)]
    assert list(hukou.licences.values()) == [licence.identifier] and licence.holder_person_id == parent.pk
    insurance = _approve(_case(application, "hukou"), django_capture_on_commit_callbacks)
    assert insurance.state == "approved"
    assert _states(application)["insurance"] == "opened"
    provided = Submission.objects.get(pk=_case(application, "insurance").submission_id).provided
    assert sorted(p["case"] for p in provided.values()) == sorted([birth.number, insurance.number])


def test_an_upstream_denied_cancels_what_waited_for_it_with_the_reason(
    version, parent, django_capture_on_commit_callbacks
):
    application = _filled(version, parent)
    apps.bundle_application_submit(user=parent.user, application_id=application.pk, declaration=True)
    birth = _case(application, "birth")
    actor = Actor.of_staff(staff_with_roles([Role.REVIEWER], department=birth.department))
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(case_id=birth.pk, actor=actor)
        case_start_review(case_id=birth.pk, actor=actor)
        case_decide(case_id=birth.pk, actor=actor, approve=False, reason="出生信息与医院记录不符")
    assert _states(application) == {"birth": "opened", "hukou": "cancelled", "vaccine": "cancelled",
                                    "insurance": "cancelled"}  # fmt: skip
    note = BundleChild.objects.get(application=application, node="hukou").note
    assert "出生医学证明签发" in note and Case.objects.count() == 1


def test_one_department_failing_leaves_the_others_opened_and_a_retry_completes_it(
    version, parent, django_capture_on_commit_callbacks, monkeypatch
):
    application = _filled(version, parent)
    apps.bundle_application_submit(user=parent.user, application_id=application.pk, declaration=True)
    real = forms_services.application_submit
    hukou_draft = BundleChild.objects.get(application=application, node="hukou").draft_id

    def police_down(**kwargs: Any) -> Submission:
        if kwargs["draft_id"] == hukou_draft:
            raise ConnectionError("公安局受理系统无响应")
        return real(**kwargs)

    monkeypatch.setattr(forms_services, "application_submit", police_down)
    _approve(_case(application, "birth"), django_capture_on_commit_callbacks)
    hukou = BundleChild.objects.get(application=application, node="hukou")
    assert hukou.state == "queued" and "无响应" in hukou.last_error and hukou.attempts == 1
    assert _states(application)["vaccine"] == "opened"  # the health commission's case is not held up
    monkeypatch.setattr(forms_services, "application_submit", real)
    assert apps.bundle_children_retry(now=hukou.retry_at) == 1
    assert _states(application)["hukou"] == "opened"
    assert Case.objects.filter(submission__in=Submission.objects.filter(draft_id=hukou_draft)).count() == 1


def test_what_is_missing_is_told_at_once_under_the_one_forms_keys_and_nothing_is_submitted(version, parent):
    application = apps.bundle_application_start(user=parent.user, version=version, answers=ANSWERS)
    errors = apps.bundle_application_save(user=parent.user, application_id=application.pk,
                                          values={"subject.P.NAME": "王小明"})  # fmt: skip
    assert {"birth.hospital", "free.phone", "hukou.side"} <= set(errors)
    assert any(k.startswith("material-") for k in errors)
    # Fields and materials an upstream result brings are not asked of the applicant.
    assert not any(k.startswith(("hukou.", "insurance.")) and "BIRTH" in k for k in errors)
    with pytest.raises(apps.BundleIncomplete) as refused:
        apps.bundle_application_submit(user=parent.user, application_id=application.pk, declaration=True)
    assert set(refused.value.errors) == set(errors)
    assert Case.objects.count() == 0 and not Submission.objects.exists()


def test_changing_a_situational_answer_keeps_every_value_still_asked(version, parent):
    application = _filled(version, parent)
    changed = apps.bundle_application_answer(user=parent.user, application_id=application.pk,
                                             answers={"hukou_here": "no", "card": "no"})  # fmt: skip
    assert set(_states(changed)) == {"birth", "insurance", "vaccine"}
    assert changed.values["birth.hospital"] == "示范市妇幼保健院" and "hukou.side" not in changed.values
    back = apps.bundle_application_answer(user=parent.user, application_id=application.pk, answers=ANSWERS)
    assert set(_states(back)) == {"birth", "hukou", "insurance", "vaccine"}
    assert back.values["free.phone"] == "13900001111"


def test_another_persons_application_is_not_found(version, parent):
    application = _filled(version, parent)
    stranger = person_with_account()
    with pytest.raises(NotFound):
        apps.bundle_application_submit(user=stranger.user, application_id=application.pk, declaration=True)
    with pytest.raises(NotFound):
        apps.application_get_for_user(user=parent.user, application_id="not-a-uuid")


def _service_centre_clerk(department):  # type: ignore[no-untyped-def]
    """A clerk of the region's 政务服务中心: one window receives for every department of the region."""
    from tongban.identity.tests.factories import DepartmentFactory

    centre = DepartmentFactory(name="示范市政务服务中心", region=department.region, service_centre=True)
    return staff_with_roles([Role.CLERK], department=centre)


def test_the_comprehensive_window_accepts_every_item_it_receives_at_once(
    version, parent, django_capture_on_commit_callbacks
):
    application = _filled(version, parent)
    apps.bundle_application_submit(user=parent.user, application_id=application.pk, declaration=True)
    _approve(_case(application, "birth"), django_capture_on_commit_callbacks)  # hukou and vaccination open
    clerk = _service_centre_clerk(_case(application, "hukou").department)
    with django_capture_on_commit_callbacks(execute=True):
        done = apps.bundle_accept_at_window(staff=clerk, number=application.number.lower())
    assert sorted(done.accepted) == sorted([_case(application, "hukou").number, _case(application, "vaccine").number])
    for node in ("hukou", "vaccine"):
        case = _case(application, node)
        assert case.state == "accepted" and case.due_on is not None
        assert case.transitions.get(action="accept").channel == "window"
    assert apps.bundle_accept_at_window(staff=clerk, number=application.number).accepted == []  # nothing twice


def test_a_window_of_one_department_takes_in_only_its_own_items_and_others_find_nothing(version, parent):
    application = _filled(version, parent)
    apps.bundle_application_submit(user=parent.user, application_id=application.pk, declaration=True)
    birth = _case(application, "birth")
    own = staff_with_roles([Role.CLERK], department=birth.department)
    done = apps.bundle_accept_at_window(staff=own, number=application.number)
    assert done.accepted == [birth.number] and "出生户口登记" in done.elsewhere
    from tongban.identity.tests.factories import DepartmentFactory

    stranger = staff_with_roles([Role.CLERK], department=DepartmentFactory())
    with pytest.raises(NotFound):
        apps.bundle_accept_at_window(staff=stranger, number=application.number)


def test_the_advance_command_opens_what_a_missed_signal_left_waiting(version, parent):
    from django.core.management import call_command

    application = _filled(version, parent)
    apps.bundle_application_submit(user=parent.user, application_id=application.pk, declaration=True)
    birth = _case(application, "birth")
    actor = Actor.of_staff(staff_with_roles([Role.REVIEWER], department=birth.department))
    case_accept(case_id=birth.pk, actor=actor)  # no on-commit callbacks run here: the signal is "missed"
    case_start_review(case_id=birth.pk, actor=actor)
    case_decide(case_id=birth.pk, actor=actor, approve=True)
    assert _states(application)["hukou"] == "waiting"
    out = io.StringIO()
    call_command("bundles", "advance", stdout=out)
    assert "advanced 1" in out.getvalue()
    assert _states(application)["hukou"] == "opened" and _states(application)["vaccine"] == "opened"


def test_one_combined_licence_names_every_permit_once_all_items_are_decided(
    city, parent, django_capture_on_commit_callbacks
):
    """一业一证: the bundle's own licence, issued once when the last item is decided."""
    from tongban.bundles.application_view import application_timeline
    from tongban.identity.models import Department
    from tongban.licenses.codes import HolderKind, ValidityKind
    from tongban.licenses.services import licence_type_create

    licence_type_create(
        actor="system:test", code="119900000000000ZW0001", name="行业综合许可证", holder_kind=HolderKind.PERSON,
        department=Department.objects.get(name="示范市卫健委"), validity_kind=ValidityKind.OPEN_ENDED,
        fields=[{"name": "bundle", "label": "一件事", "label_en": "Bundle"},
                {"name": "permits", "label": "许可事项", "label_en": "Permits"}],
    )  # fmt: skip
    applying_version(city)  # the vaccination form
    items = [{**item, "core": True} for item in city.spec().model_dump(mode="json")["items"]]
    five = bundle_import(spec=city.spec(code="five", name="五证合一", items=items, edges=[], questions=[],
                                        combined_licence="119900000000000ZW0001"))  # fmt: skip
    application = _filled(five, parent, answers={})
    apps.bundle_application_save(user=parent.user, application_id=application.pk, values={"card.phone": "13900002222"})
    apps.bundle_application_submit(user=parent.user, application_id=application.pk, declaration=True)
    nodes = ["birth", "hukou", "insurance", "card", "vaccine"]
    for node in nodes[:-1]:
        _approve(_case(application, node), django_capture_on_commit_callbacks)
    assert not licences_from(source=apps.combined_source(application)).exists()  # one item still in review
    _approve(_case(application, "vaccine"), django_capture_on_commit_callbacks)
    combined = licences_from(source=apps.combined_source(application)).get()
    assert combined.number == application.number and combined.holder_person_id == parent.pk
    assert all(_case(application, n).number in combined.fields["permits"] for n in nodes)
    apps.bundle_children_advance(application_id=application.pk)  # again: nothing issued twice
    assert licences_from(source=apps.combined_source(application)).count() == 1
    assert application_timeline(application=application).licences[0] == combined
