"""用证授权 on the licence page: authorise a department (purpose, period, fields), see the authorisations
with their uses, revoke one. Bad input is said beside the form; nothing typed is lost."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from tongban.core.errors import DomainError, InvalidInput
from tongban.identity.decorators import login_required_resume
from tongban.licenses import grants
from tongban.licenses.views import licence_detail, wallet_licence, wallet_person


@login_required_resume
@require_POST
def grant_create(request: HttpRequest, identifier: str) -> HttpResponse:
    person = wallet_person(request)
    licence = wallet_licence(person, identifier)
    grantee = next((d for d in grants.grantees() if str(d.pk) == request.POST.get("grantee", "")), None)
    raw_days = request.POST.get("days", "").strip()
    days = int(raw_days) if raw_days.isdigit() and len(raw_days) < 6 else 0
    try:
        if grantee is None:
            raise InvalidInput("请选择被授权的部门", "Choose the department to authorise", field="grantee")
        grants.grant_create(person=person, licence=licence, grantee=grantee, purpose=request.POST.get("purpose", ""),
                            days=days, fields=request.POST.getlist("grant_field"))  # fmt: skip
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
