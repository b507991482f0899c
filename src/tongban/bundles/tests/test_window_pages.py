"""综合窗口 pages for a bundle: find it by number, see every item, accept what this window receives at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongban.bundles import applications as apps
from tongban.bundles.tests.factories import applying_version
from tongban.bundles.tests.test_applications import _case, _filled
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(city):  # type: ignore[no-untyped-def]
    parent = person_with_account(name="王小明", realname_level=2)
    application = _filled(applying_version(city), parent)
    return apps.bundle_application_submit(user=parent.user, application_id=application.pk, declaration=True)


def test_a_clerk_finds_the_bundle_by_number_and_accepts_it_whole(submitted, client):  # type: ignore[no-untyped-def]
    birth = _case(submitted, "birth")
    clerk = staff_with_roles([Role.CLERK], department=birth.department)
    client.force_login(clerk.user)
    found = client.post(reverse("bundles:window"), {"number": submitted.number})
    assert found.status_code == 302 and found["Location"].endswith(f"/window/bundles/{submitted.number}/")
    page = client.get(found["Location"]).content.decode()
    assert "整件受理（1 个事项）" in page and "（由承办部门受理）" in page
    accepted = client.post(reverse("bundles:window_accept", args=[submitted.number]), follow=True)
    assert "已整件受理 1 个事项" in accepted.content.decode()
    birth.refresh_from_db()
    assert birth.state == "accepted"


def test_an_unknown_number_is_told_and_another_windows_bundle_is_a_404(submitted, client):  # type: ignore[no-untyped-def]
    clerk = staff_with_roles([Role.CLERK], department=DepartmentFactory())
    client.force_login(clerk.user)
    missing = client.post(reverse("bundles:window"), {"number": "YJ000"})
    assert missing.status_code == 404 and "未找到该一件事申请" in missing.content.decode()
    assert client.get(reverse("bundles:window_bundle", args=[submitted.number])).status_code == 404
    assert client.post(reverse("bundles:window_accept", args=[submitted.number])).status_code == 404
