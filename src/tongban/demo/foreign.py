"""/demo/foreign-licences/: sample licences from the demo city's neighbours to try on the verifier page."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.demo.federation_data import NEIGHBOURS, foreign_samples


def foreign_licences(request: HttpRequest) -> HttpResponse:
    if not settings.DEMO_MODE:
        raise Http404
    return render(request, "demo/foreign.html", {"samples": foreign_samples(), "neighbours": NEIGHBOURS})
