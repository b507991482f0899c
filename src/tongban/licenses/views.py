"""Pages of the e-licences: 我的证照 (the wallet: the person's licences and those of the firms they represent,
one licence with its history, its signed PDF) and the public check page a printed licence's QR code opens.

The wallet reaches a licence only through its holder (`licence_get_for_holder`): an identifier in the URL
that is not the caller's, or their firm's, is the same 404 as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.errors import DomainError, NotFound
from tongban.core.pdf import pdf_response
from tongban.identity import selectors as identity
from tongban.identity.decorators import login_required_resume
from tongban.identity.models import Enterprise, Person, User
from tongban.identity.pages import account_context
from tongban.licenses import grants, selectors, showing
from tongban.licenses.codes import LicenceState
from tongban.licenses.document import licence_pdf
from tongban.licenses.models import Licence


def wallet_person(request: HttpRequest) -> Person:
    user: User = request.user  # type: ignore[assignment]
    person = identity.person_for_user(user=user)
    if person is None:
        raise Http404
    return person


def _holders(person: Person) -> list[Person | Enterprise]:
    """Whose licences the person holds in their wallet: their own, and their firms' as legal representative."""
    return [person, *identity.enterprise_list_for_representative(person=person)]


def wallet_licence(person: Person, identifier: str) -> Licence:
    for holder in _holders(person):
        try:
            return selectors.licence_get_for_holder(holder=holder, identifier=identifier)
        except NotFound:
            continue
    raise Http404


def _fields(licence: Licence) -> list[tuple[str, str]]:
    return [(spec["label"], str(licence.fields[spec["name"]])) for spec in licence.licence_type.fields
            if licence.fields.get(spec["name"]) not in (None, "")]  # fmt: skip


@login_required_resume
def wallet(request: HttpRequest) -> HttpResponse:
    person = wallet_person(request)
    held = [(holder, list(selectors.licence_list_for_holder(holder=holder, include_ended=True)))
            for holder in _holders(person)]  # fmt: skip
    groups = [{"holder": holder, "licences": licences} for holder, licences in held]
    context = account_context(request, section="licences", title=_("我的证照"), groups=groups,
                              acts_for_firms=bool(identity.enterprise_list_acted_for(person=person)),
                              count=sum(len(licences) for _holder, licences in held))  # fmt: skip
    return render(request, "licenses/wallet.html", context)


@login_required_resume
def licence_detail(
    request: HttpRequest, identifier: str, *, grant_error: DomainError | None = None, status: int = 200
) -> HttpResponse:
    person = wallet_person(request)
    licence = wallet_licence(person, identifier)
    context = account_context(
        request, section="licences", title=licence.licence_type.name,
        trail=[(_("我的证照"), reverse("licenses:wallet"))], licence=licence, fields=_fields(licence),
        history=selectors.licence_history(licence=licence), current=licence.state == LicenceState.ISSUED,
        choosable=showing.choosable_fields(licence), grants=list(grants.grants_of(person=person, licence=licence)),
        grantees=grants.grantees(), grant_error=grant_error, posted=request.POST if grant_error else {},
        ticked=request.POST.getlist("grant_field") if grant_error else [],
        now=timezone.now(),
    )  # fmt: skip
    return render(request, "licenses/detail.html", context, status=status)


@login_required_resume
def licence_download(request: HttpRequest, identifier: str) -> HttpResponse:
    licence = wallet_licence(wallet_person(request), identifier)
    return pdf_response(licence_pdf(licence=licence), filename=f"licence-{licence.number}.pdf")


def masked(name: str) -> str:
    """A holder's name as a public page may show it: 林*峰, 示范市****有限公司."""
    if len(name) <= 2:
        return name[:1] + "*"
    if len(name) <= 4:
        return name[0] + "*" * (len(name) - 2) + name[-1]
    return name[:3] + "*" * (len(name) - 7 if len(name) > 7 else 2) + name[-4:]


def licence_check(request: HttpRequest, identifier: str) -> HttpResponse:
    """What anyone who scans a printed licence may know: whether it is current, its kind, issuer and dates,
    and the holder's name masked — never its other fields."""
    licence = selectors.licence_find(identifier=identifier.strip().upper()[:120])
    context: dict[str, Any] = {"licence": licence, "identifier": identifier[:120]}
    if licence is not None:
        context.update(holder=masked(licence.holder_name), current=licence.state == LicenceState.ISSUED,
                       state_label=LicenceState(licence.state).label)  # fmt: skip
    return render(request, "licenses/check.html", context, status=200 if licence else 404)
