"""The one-time correction notice (一次性告知书) as a PDF, made with WeasyPrint from an HTML template.

The notice is an official document of the department and is issued in Chinese whatever the page
language; the font is Noto Sans CJK SC (Debian's fonts-noto-cjk) so every character is embedded.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from tongban.cases.models import Case, CorrectionNotice


def applicant_lines(case: Case) -> dict[str, str]:
    """Who the notice is addressed to: the applicant's name and masked ID number (a firm's credit code
    is public), and the person who acted for them when that is someone else."""
    agent = case.agent
    if case.subject_enterprise is not None:
        firm = case.subject_enterprise
        return {"name": firm.name, "id": firm.credit_code, "agent": f"{agent.name}（{agent.masked_id}）"}
    person = case.subject_person or agent
    acted_for = case.subject_person is not None and case.subject_person.pk != agent.pk
    on_behalf = f"{agent.name}（{agent.masked_id}）" if acted_for else ""
    return {"name": person.name, "id": person.masked_id, "agent": on_behalf}


def notice_context(*, case: Case, notice: CorrectionNotice) -> dict[str, Any]:
    issued = timezone.localtime(notice.issued_at)
    return {
        "case": case,
        "notice": notice,
        "applicant": applicant_lines(case),
        "issued_on": f"{issued.year}年{issued.month}月{issued.day}日",
    }


def notice_pdf(*, case: Case, notice: CorrectionNotice) -> bytes:
    """The PDF bytes of the case's correction notice."""
    from weasyprint import HTML  # heavy to import; only the PDF view needs it

    html = render_to_string("cases/window/notice_pdf.html", notice_context(case=case, notice=notice))
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
