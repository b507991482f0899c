"""A licence as a document (issue 6 part 3b): an A4 PDF with the licence's fields, the issuer's visible seal
and a QR code to check it online, signed inside the file by the issuing department (licenses.pdfsign).

The QR holds the licence's public check address, `<base>/v/licence/<identifier>`, not the token: a whole
SD-JWT VC fits no QR code (notes/e-licences.md §4), and the page behind the address shows the licence's
current state, which a printout cannot.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe

from tongban.core.pdf import render_pdf
from tongban.licenses.codes import LicenceState
from tongban.licenses.models import Licence
from tongban.licenses.pdfsign import pdf_sign


def check_url(licence: Licence) -> str:
    """The address the licence's QR code and printed footer give for checking it online."""
    return f"{str(settings.LICENCE_BASE_URL).rstrip('/')}/v/licence/{licence.identifier}"


def qr_svg(data: str) -> str:
    import segno

    return segno.make(data, error="m").svg_inline(scale=3, dark="#000", light="#fff", omitsize=True)


def _seal_svg(issuer: str) -> str:
    """The issuer's round red seal: its name along the upper rim, a star, 电子证照专用章 below. Each character
    is placed and turned on its own: WeasyPrint does not draw SVG text along a path."""
    chars, parts = list(issuer), []
    spread = min(250.0, 24.0 * len(chars))  # degrees of the rim the name takes, centred on the top
    for n, char in enumerate(chars):
        angle = -spread / 2 + spread * (n + 0.5) / len(chars)
        x = 100 + 74 * math.sin(math.radians(angle))
        y = 100 - 74 * math.cos(math.radians(angle))
        turn = f"rotate({angle:.1f} {x:.1f} {y:.1f})"
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" transform="{turn}" text-anchor="middle" '
                     f'dominant-baseline="central" font-size="21">{escape(char)}</text>')  # fmt: skip
    return (
        '<svg viewBox="0 0 200 200" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="印章">'
        '<g fill="#c8102e" font-family="Noto Sans CJK SC">'
        '<circle cx="100" cy="100" r="95" fill="none" stroke="#c8102e" stroke-width="6"/>'
        + "".join(parts)
        + '<polygon points="100,70 109,95 136,95 114,111 122,137 100,121 78,137 86,111 64,95 91,95"/>'
        '<text x="100" y="165" text-anchor="middle" font-size="16">电子证照专用章</text></g></svg>'
    )


def _field_rows(licence: Licence) -> list[tuple[str, str]]:
    rows = []
    for spec in licence.licence_type.fields:
        value = licence.fields.get(spec["name"])
        if value not in (None, ""):
            rows.append((spec["label"], str(value)))
    return rows


def _day(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "长期"


def licence_context(*, licence: Licence) -> dict[str, Any]:
    lt, dept = licence.licence_type, licence.department
    return {
        "licence": licence,
        "title": lt.name,
        "issuer": dept.name,
        "rows": _field_rows(licence),
        "issued_on": _day(licence.issued_on),
        "validity": f"{_day(licence.valid_from)}至{_day(licence.valid_until)}",
        "check_url": check_url(licence),
        "qr": mark_safe(qr_svg(check_url(licence))),  # noqa: S308  # segno's own SVG
        "seal": mark_safe(_seal_svg(dept.name)),  # noqa: S308  # the name escaped character by character
        "ended": licence.state != LicenceState.ISSUED,
        "state_label": LicenceState(licence.state).label,
    }


def licence_pdf(*, licence: Licence) -> bytes:
    """The licence's PDF, signed by its issuing department."""
    pdf = render_pdf("licenses/licence_pdf.html", licence_context(licence=licence))
    return pdf_sign(pdf=pdf, department=licence.department, reason=f"电子证照 {licence.identifier}",
                    location=licence.department.region.name)  # fmt: skip
