"""PDF documents made with WeasyPrint from HTML templates (decisions, correction notices, licences). The font
is Noto Sans CJK SC (Debian's fonts-noto-cjk), so every Chinese character is embedded."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """The PDF bytes of one document template."""
    from weasyprint import HTML  # heavy to import; only the PDF views need it

    return HTML(string=render_to_string(template, context)).write_pdf()  # type: ignore[no-any-return]
