"""一窗受理 at a government service centre: its clerks receive applications for every department of the
region — queue, intake, correction notice, acceptance, files, starting an application — while deciding stays
with the handling department, and a centre's reach ends at its region."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from tongban.cases import services, window_queries
from tongban.cases.codes import ActedThrough, State
from tongban.cases.services import Actor
from tongban.cases.tests.factories import case_for, published_implementation
from tongban.catalog.schema import MaterialSpec
from tongban.catalog.selectors import guide_published
from tongban.core.errors import PermissionDenied
from tongban.forms.materials import submission_attachment_add
from tongban.forms.tests import uploads
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, RegionFactory, staff_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre_clerk():
    centre = DepartmentFactory(name="示范市政务服务中心", service_centre=True)
    return staff_with_roles([Role.CLERK], department=centre)


@pytest.fixture
def case():
    implementation = published_implementation(
        department=DepartmentFactory(name="示范市民政局"), materials=[MaterialSpec(name="房屋租赁合同")]
    )
    return case_for(implementation=implementation, guide=guide_published(implementation))


def test_the_centre_clerk_sees_another_departments_case_in_the_queue_and_accepts_it(client, centre_clerk, case):
    assert case in window_queries.window_intake_queue(staff=centre_clerk)
    client.force_login(centre_clerk.user)
    assert case.number in client.get(reverse("cases:window")).content.decode()
    answer = client.post(reverse("cases:window_accept", args=[case.number]), {"revision": case.revision})
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.state == State.ACCEPTED
    assert case.transitions.get(action="accept").actor == f"staff:{centre_clerk.pk}"


def test_the_centre_clerk_opens_the_cases_files(client, centre_clerk, case):
    data = uploads.pdf()
    attachment = submission_attachment_add(
        user=case.user, submission=case.submission, material_id=case.submission.guide.materials.get().pk,
        stream=io.BytesIO(data), filename="合同.pdf", size=len(data),
    )  # fmt: skip
    client.force_login(centre_clerk.user)
    assert client.get(reverse("cases:case_file", args=[case.number, attachment.pk])).status_code == 200


def test_deciding_stays_with_the_handling_department(centre_clerk, case):
    actor = Actor.of_staff(centre_clerk, ActedThrough.WINDOW)
    services.case_accept(case_id=case.pk, actor=actor)
    with pytest.raises(PermissionDenied):
        services.case_start_review(case_id=case.pk, actor=actor)
    with pytest.raises(PermissionDenied):
        services.case_decide(case_id=case.pk, actor=actor, approve=True, reason="")


def test_a_departments_own_clerk_does_not_receive_for_others(case):
    clerk = staff_with_roles([Role.CLERK], department=DepartmentFactory(name="示范市公安局"))
    assert case not in window_queries.window_intake_queue(staff=clerk)
    with pytest.raises(PermissionDenied):
        services.case_accept(case_id=case.pk, actor=Actor.of_staff(clerk, ActedThrough.WINDOW))


def test_a_centre_does_not_reach_beyond_its_region(case):
    other_region = RegionFactory(code="659999", name="邻市", name_en="Next City")
    centre = DepartmentFactory(name="邻市政务服务中心", service_centre=True, region=other_region)
    clerk = staff_with_roles([Role.CLERK], department=centre)
    assert case not in window_queries.window_intake_queue(staff=clerk)
    with pytest.raises(PermissionDenied):
        services.case_accept(case_id=case.pk, actor=Actor.of_staff(clerk, ActedThrough.WINDOW))
