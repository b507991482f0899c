"""亮证 and 扫码核验 pages: the holder makes a QR code of the fields they tick; the verifier page scans one with
the device camera (jsQR from npm), reads one from a picture, or takes a pasted presentation or address; the
address a QR code holds opens the result directly. Nothing here raises on bad input: every answer is a page
saying what was found."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.core.errors import InvalidInput
from tongban.identity import selectors as identity
from tongban.identity.decorators import login_required_resume
from tongban.identity.models import User
from tongban.identity.pages import account_context
from tongban.licenses import selectors, showing
from tongban.licenses.document import qr_svg
from tongban.licenses.showing import STANDARD_CLAIMS, claim_labels
from tongban.licenses.views import wallet_licence, wallet_person

MAX_PASTE = 20_000  # characters: a licence presentation is a few kilobytes
_REF = re.compile(r"/v/([0-9a-f]{32})/?$")


def _verifier(request: HttpRequest) -> str:
    user: User = request.user  # type: ignore[assignment]
    staff = identity.staff_for_user(user=user) if user.is_authenticated else None
    return f"staff:{staff.pk}" if staff is not None else "public"


def _claims(result: Any, licence_type_fields: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The disclosed claims as (label, value), in the licence type's order, standard ones first."""
    labels = claim_labels(licence_type_fields)
    shown = []
    for name, label in labels.items():
        if name in result.disclosed:
            value = result.claims.get(name)
            shown.append((_(label) if name in STANDARD_CLAIMS else label,
                          _("长期") if value is None and name == "valid_until" else str(value)))  # fmt: skip
    return shown


def _result_page(request: HttpRequest, *, valid: bool, message: str, result: Any = None, licence: Any = None,
                 status: int = 200) -> HttpResponse:  # fmt: skip
    fields = licence.licence_type.fields if licence is not None else []
    context = {"valid": valid, "message": message, "result": result,
               "claims": _claims(result, fields) if result is not None else []}  # fmt: skip
    response = render(request, "licenses/verify_result.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required_resume
@require_POST
def licence_show(request: HttpRequest, identifier: str) -> HttpResponse:
    licence = wallet_licence(wallet_person(request), identifier)
    try:
        token = showing.licence_show(licence=licence, fields=request.POST.getlist("field"))
    except InvalidInput as exc:
        return HttpResponse(exc.message_zh, status=400)
    url = f"{str(settings.LICENCE_BASE_URL).rstrip('/')}/v/{token.ref}"
    context = account_context(
        request, section="licences", title=_("亮证"),
        trail=[(_("我的证照"), reverse("licenses:wallet")),
               (licence.licence_type.name, reverse("licenses:detail", args=[licence.identifier]))],
        licence=licence, token=token, url=url, qr=mark_safe(qr_svg(url)),  # noqa: S308  # segno's SVG
        seconds=showing.SHOW_SECONDS, shown=[f for f in showing.choosable_fields(licence)
                                              if f["name"] in token.disclosed],
    )  # fmt: skip
    return render(request, "licenses/show.html", context)


def scan(request: HttpRequest, ref: str) -> HttpResponse:
    """The address a 亮证 QR code holds: the result, once."""
    found = showing.show_redeem(ref=ref, verifier=_verifier(request))
    return _result_page(request, valid=found.valid, message=found.message_zh, result=found.result,
                        licence=found.licence, status=200 if found.result is not None else 410)  # fmt: skip


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The verifier page: scan, read a picture, or paste."""
    if request.method == "GET":
        return render(request, "licenses/verify.html", {})
    text = (request.POST.get("token") or "").strip()
    if not text or len(text) > MAX_PASTE:
        error = _("请扫描二维码，或粘贴证照核验数据") if not text else _("粘贴的内容过长，不是电子证照数据")
        return render(request, "licenses/verify.html", {"error": error, "token": text[:MAX_PASTE]}, status=400)
    address = _REF.search(text)
    if address:
        return scan(request, address.group(1))
    result = showing.presentation_check(presentation=text)
    licence = selectors.licence_find(identifier=str(result.claims.get("licence_id", ""))) if result.valid else None
    return _result_page(request, valid=result.valid, message=result.message_zh, result=result, licence=licence)
