"""用证授权 pages. On the licence page the holder authorises a department (chosen from the list) or an enterprise
(named by its 统一社会信用代码) for a purpose, a period and the fields it sees, reads the authorisations with
their uses and revokes one; bad input is said beside the field, nothing typed is lost. 收到的用证授权 is the
enterprise side: the grants to the firms the user acts for (legal representative or agent), each fetched
with one button, showing the fields disclosed. Someone else's grant is the same 404 as none."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.errors import DomainError, InvalidInput, NotFound, in_language
from tongban.identity import selectors as identity
from tongban.identity.decorators import login_required_resume
from tongban.identity.models import Department, Enterprise, Person
from tongban.identity.pages import account_context
from tongban.licenses import grants, showing
from tongban.licenses.views import licence_detail, masked, wallet_licence, wallet_person
from tongban.licenses.views_verify import _claims


def _grantee(request: HttpRequest) -> Department | Enterprise:
    if request.POST.get("grantee_kind") == "enterprise":
        return grants.grantee_enterprise_find(credit_code=request.POST.get("grantee_code", ""))
    grantee = next((d for d in grants.grantees() if str(d.pk) == request.POST.get("grantee", "")), None)
    if grantee is None:
        raise InvalidInput("请选择被授权的部门", "Choose the department to authorise", field="grantee")
    return grantee


@login_required_resume
@require_POST
def grant_create(request: HttpRequest, identifier: str) -> HttpResponse:
    person = wallet_person(request)
    licence = wallet_licence(person, identifier)
    raw_days = request.POST.get("days", "").strip()
    days = int(raw_days) if raw_days.isdigit() and len(raw_days) < 6 else 0
    try:
        grants.grant_create(person=person, licence=licence, grantee=_grantee(request),
                            purpose=request.POST.get("purpose", ""), days=days,
                            fields=request.POST.getlist("grant_field"))  # fmt: skip
    except DomainError as exc:
        return licence_detail(request, identifier, grant_error=exc, status=400)
    return redirect(f"{reverse('licenses:detail', args=[licence.identifier])}#grants-title")


@login_required_resume
@require_POST
def grant_revoke(request: HttpRequest, identifier: str, grant_id: str) -> HttpResponse:
    person = wallet_person(request)
    licence = wallet_licence(person, identifier)
    grants.grant_revoke(person=person, grant_id=grant_id)
    return redirect(f"{reverse('licenses:detail', args=[licence.identifier])}#grants-title")


def _received_page(request: HttpRequest, person: Person, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = account_context(
        request, section="licences", title=_("收到的用证授权"), trail=[(_("我的证照"), reverse("licenses:wallet"))],
        firms=identity.enterprise_list_acted_for(person=person),
        received=[{"grant": g, "holder": masked(g.licence.holder_name)} for g in grants.grants_received(person=person)],
        now=timezone.now(), **extra,
    )  # fmt: skip
    response = render(request, "licenses/received.html", context, status=status)
    response["Cache-Control"] = "no-store"  # it may show a licence's fields
    return response


@login_required_resume
def grants_received(request: HttpRequest) -> HttpResponse:
    return _received_page(request, wallet_person(request))


@login_required_resume
@require_POST
def grant_fetch(request: HttpRequest, grant_id: str) -> HttpResponse:
    """Fetch one grant for the firm (the API's fetch, from the page): its disclosed fields, verified."""
    person = wallet_person(request)
    try:
        grant, presentation = grants.grant_fetch(person=person, grant_id=grant_id)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:  # revoked, expired, licence no longer valid: said, and logged by the service
        return _received_page(request, person, status=403, refused_id=str(grant_id), refusal=exc)
    result = showing.presentation_check(presentation=presentation)
    claims = _claims(result, grant.licence.licence_type.fields) if result.valid else []
    return _received_page(request, person, fetched=grant, result=result, presentation=presentation, claims=claims,
                          result_message=in_language(result.message_zh, result.message_en))  # fmt: skip
