"""Pages: 我的一人一档, 一企一档 for a legal representative, 谁用了我的数据, and the element catalogue."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.core.audit import audit_record
from tongban.core.errors import NotFound
from tongban.identity import selectors as identity
from tongban.identity.decorators import login_required_resume, staff_required
from tongban.identity.models import Person, User
from tongban.identity.pages import account_context
from tongban.identity.roles import Role
from tongban.registry import selectors
from tongban.registry.models import SharingClass

CATALOGUE_ROLES = (Role.STEWARD, Role.OPERATOR, Role.AUDITOR)
USES_PER_PAGE = 20


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _account_context(request: HttpRequest, section: str, title: str, **extra: Any) -> dict[str, Any]:
    return account_context(request, section=section, title=title, **extra)


def _own_person(request: HttpRequest) -> Person:
    person = identity.person_for_user(user=_user(request))
    if person is None:
        raise Http404
    return person


def _elements_of(groups: list[selectors.DepartmentGroup]) -> list[str]:
    return [value.code for group in groups for value in group.values]


@login_required_resume
def my_profile(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    groups = selectors.profile_for_subject(subject=person)
    audit_record(
        action="profile.view",
        actor=f"person:{person.pk}",
        object_type="person",
        object_id=str(person.pk),
        subject=person.id_number,
        data={"elements": _elements_of(groups), "purpose": "本人查看"},
    )
    context = _account_context(
        request,
        "dossier",
        _("我的一人一档"),
        groups=groups,
        subject_name=person.name,
        subject_id=person.masked_id,
        conflicts=sum(1 for g in groups for v in g.values if v.conflict),
        enterprises=list(identity.enterprise_list_for_representative(person=person)),
    )
    return render(request, "registry/profile.html", context)


@login_required_resume
def enterprise_profile(request: HttpRequest, enterprise_id: UUID) -> HttpResponse:
    try:
        enterprise = identity.enterprise_get_for_representative(actor=_user(request), enterprise_id=enterprise_id)
    except NotFound:
        raise Http404 from None
    person = _own_person(request)
    groups = selectors.profile_for_subject(subject=enterprise)
    audit_record(
        action="enterprise_profile.view",
        actor=f"person:{person.pk}",
        object_type="enterprise",
        object_id=str(enterprise.pk),
        subject=enterprise.credit_code,
        data={"elements": _elements_of(groups), "purpose": "法定代表人查看"},
    )
    context = _account_context(
        request,
        "enterprises",
        _("一企一档"),
        groups=groups,
        enterprise=enterprise,
        subject_name=enterprise.name,
        subject_id=enterprise.credit_code,
        conflicts=sum(1 for g in groups for v in g.values if v.conflict),
    )
    context["breadcrumbs"][-1:] = [
        {"label": _("我的企业"), "url": reverse("identity:enterprises")},
        {"label": enterprise.name, "url": reverse("identity:enterprise", args=[enterprise.pk])},
        {"label": _("一企一档"), "url": ""},
    ]
    return render(request, "registry/enterprise_profile.html", context)


@login_required_resume
def data_uses(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    paginator = Paginator(selectors.data_use_entries(person=person), USES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    uses = selectors.data_uses_describe(person=person, entries=page.object_list)
    context = _account_context(request, "data_uses", _("谁用了我的数据"), page=page, uses=uses)
    return render(request, "registry/data_uses.html", context)


@staff_required
def element_catalogue(request: HttpRequest) -> HttpResponse:
    staff = request.staff  # type: ignore[attr-defined]
    if not any(staff.has_role(role) for role in CATALOGUE_ROLES):
        raise Http404
    elements = list(selectors.element_list())
    context = {
        "elements": elements,
        "person_elements": [e for e in elements if e.subject_kind == "person"],
        "enterprise_elements": [e for e in elements if e.subject_kind == "enterprise"],
        "classes": {c.value: c.label for c in SharingClass},
        "breadcrumbs": [
            {"label": _("首页"), "url": reverse("catalog:home")},
            {"label": _("工作台"), "url": reverse("identity:backoffice")},
            {"label": _("数据资源目录"), "url": ""},
        ],
    }
    return render(request, "registry/elements.html", context)
