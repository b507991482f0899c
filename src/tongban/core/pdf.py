"""PDF documents made with WeasyPrint from HTML templates (decisions, correction notices, licences). The font
is Noto Sans CJK SC (Debian's fonts-noto-cjk), so every Chinese character is embedded."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The PDF bytes of one document template."""
    from weasyprint import HTML  # heavy to import; only the PDF views need it

    return HTML(string=render_to_string(template, context)).write_pdf()  # type: ignore[no-any-return]


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    """A document for the browser to show (inline), never cached: it names the applicant or the holder."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
