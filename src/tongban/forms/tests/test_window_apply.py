"""A window clerk applies for the person in front of them (一窗受理, 代为填报): found by the name and number on
their ID card, the same form with the same prefill, the channel and the clerk recorded, and the case is the
person's to follow online."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongban.cases.models import Case
from tongban.core.audit import AuditEntry
from tongban.forms import services
from tongban.forms.models import Channel, Draft
from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, staff_with_roles

pytestmark = pytest.mark.django_db(transaction=True)  # connectors read on their own connection

FILING = {"filing_type": "3", "start_date": "2026-12-05", "phone": "13812345678"}


@pytest.fixture
def clerk(city):  # type: ignore[no-untyped-def]
    return staff_with_roles([Role.CLERK], department=city.medical)


def _start(client, city, **overrides):  # type: ignore[no-untyped-def]
    data = {"id_number": city.citizen.id_number, "name": city.citizen.name, "item": city.implementation.code}
    return client.post(reverse("cases:window_apply"), {**data, **overrides})


def test_the_clerk_fills_in_the_persons_form_and_the_case_is_theirs_to_follow(client, city, clerk):
    client.force_login(clerk.user)
    console = client.get(reverse("cases:window")).content.decode()
    assert "为申请人办理新申请" in console and city.implementation.item.name in console
    started = _start(client, city)
    draft = Draft.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse("forms:overview", args=[draft.pk])
    assert (draft.user, draft.agent, draft.subject_person) == (clerk.user, city.citizen, city.citizen)
    assert (draft.channel, draft.operator) == (Channel.WINDOW, f"staff:{clerk.pk}")
    overview = client.get(started["Location"]).content.decode()
    assert "示范市公安局" in overview  # the same prefill, with its provenance
    assert f"窗口代为填写：申请人 {city.citizen.name}" in overview
    assert f'href="{reverse("cases:window")}">稍后继续' in overview
    assert AuditEntry.objects.filter(actor=f"staff:{clerk.pk}").exclude(action="case.window_search").exists()
    services.draft_save(user=clerk.user, draft_id=draft.pk, answers={"household_number": "H00012"}, page="applicant")
    services.draft_save(user=clerk.user, draft_id=draft.pk, answers=FILING, page="filing")
    done = client.post(reverse("forms:check", args=[draft.pk]), {"declaration": "1"})
    case = Case.objects.get()
    assert done["Location"] == reverse("cases:window_case", args=[case.number])
    assert (case.channel, case.user, case.subject_person) == (Channel.WINDOW, city.user, city.citizen)
    opened = case.transitions.get(seq=0)
    assert (opened.actor, opened.actor_name, opened.channel) == (f"staff:{clerk.pk}", clerk.name, Channel.WINDOW)
    client.force_login(city.user)
    assert case.number in client.get(reverse("cases:applicant_cases")).content.decode()


def test_starting_twice_continues_the_same_application(client, city, clerk):
    client.force_login(clerk.user)
    _start(client, city)
    _start(client, city)
    assert Draft.objects.count() == 1


def test_a_wrong_name_a_wrong_check_digit_and_another_departments_item_are_said_with_the_typing_kept(
    client, city, clerk
):
    client.force_login(clerk.user)
    wrong_name = _start(client, city, name="林小峰")
    assert wrong_name.status_code == 404 and "未找到此人，请核对身份证上的姓名和号码" in wrong_name.content.decode()
    assert 'value="林小峰"' in wrong_name.content.decode()
    digits = city.citizen.id_number
    bad = digits[:-1] + ("0" if digits[-1] != "0" else "1")
    wrong_digit = _start(client, city, id_number=bad)
    assert wrong_digit.status_code == 422 and f'value="{bad}"' in wrong_digit.content.decode()
    other = staff_with_roles([Role.CLERK], department=DepartmentFactory())
    client.force_login(other.user)
    foreign = _start(client, city)
    assert foreign.status_code == 422 and "请选择本部门的办理事项" in foreign.content.decode()
    assert not Draft.objects.exists()


def test_only_a_clerk_may_start_an_application_for_someone(client, city):
    client.force_login(city.user)
    assert _start(client, city).status_code in (302, 403, 404)
    assert not Draft.objects.exists()
